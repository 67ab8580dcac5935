// The evidence bundle (PROTOCOL.md, "The evidence bundle"), made in the browser from what only the
// writer can read: entries and salts, tokens, attachments' original bytes, and the public proofs.
// `ustoo journal verify BUNDLE.zip` checks it offline; VERIFY.txt says how, and how to by hand.
import { zipSync } from "fflate";

import { fromBase64url, utf8 } from "./crypto.js";

export const entryStem = (seq) => String(seq).padStart(4, "0");

// A file name that every unzip program keeps as one file inside attachments/.
export function safeName(name) {
  const cleaned = String(name || "")
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]+/g, "_")
    .replace(/^[.\s]+/, "")
    .trim();
  return (cleaned || "file").slice(-100);
}

function verifyText(entries, text) {
  const lines = [text.verify_title, "", text.verify_intro, "", text.verify_tool, "", "    ustoo journal verify BUNDLE.zip", ""];
  lines.push(text.verify_by_hand, "");
  for (const entry of entries) {
    const stem = entryStem(entry.seq);
    lines.push(
      `    openssl ts -verify -data entries/${stem}.committed -in tokens/${stem}.tsr -CAfile tsa/ca.pem -untrusted tsa/tsa.pem`,
    );
  }
  lines.push("", text.verify_read_token, "");
  if (entries.length) lines.push(`    openssl ts -reply -in tokens/${entryStem(entries[0].seq)}.tsr -text`);
  lines.push("", text.verify_commitment, "");
  if (entries.length) lines.push(`    sha256sum entries/${entryStem(entries[0].seq)}.committed`);
  lines.push("", text.verify_attachments, "", "    sha256sum attachments/*", "", text.verify_log, "");
  return lines.join("\n").replace(/\n{3,}/g, "\n\n") + "\n";
}

// `entries`: the opened entries to export (seq, body, bodyBytes, committed, commitment, token,
// leafIndex); `originals`: Map from attachment id to its original bytes; `proofs`: GET proofs's
// answer; `text`: the page's translated words for VERIFY.txt. Returns the zip's bytes.
export function makeBundle({ entries, originals, proofs, exported, text }) {
  const files = {};
  const listed = [];
  const STORE = { level: 0 };
  const mtime = new Date(exported);
  for (const entry of entries) {
    const stem = entryStem(entry.seq);
    files[`entries/${stem}.json`] = [entry.bodyBytes, {}];
    files[`entries/${stem}.committed`] = [entry.committed, STORE];
    files[`tokens/${stem}.tsr`] = [fromBase64url(entry.token), STORE];
    const attachments = [];
    (entry.body.attachments || []).forEach((attachment, index) => {
      const bytes = originals.get(attachment.id);
      if (!bytes) return;
      const file = `attachments/${entry.seq}-${index + 1}-${safeName(attachment.name)}`;
      files[file] = [bytes, STORE];
      attachments.push({ id: attachment.id, sha256: attachment.sha256, file });
    });
    listed.push({
      seq: entry.seq,
      commitment: entry.commitment,
      leaf_index: entry.leafIndex,
      committed: `entries/${stem}.committed`,
      token: `tokens/${stem}.tsr`,
      attachments,
    });
  }
  const journal = { v: 1, exported, entries: listed };
  files["journal.json"] = [utf8(JSON.stringify(journal, null, 2) + "\n"), {}];
  files["log/tree-head.json"] = [utf8(JSON.stringify(proofs.tree_head, null, 2) + "\n"), {}];
  const paths = {};
  for (const proof of proofs.proofs || []) paths[String(proof.leaf_index)] = proof.audit_path;
  files["log/proofs.json"] = [utf8(JSON.stringify(paths, null, 2) + "\n"), {}];
  for (const name of ["ca", "tsa", "log"]) {
    files[`tsa/${name}.pem`] = [utf8(proofs.certificates?.[name] || ""), {}];
  }
  files["VERIFY.txt"] = [utf8(verifyText(entries, text)), {}];
  return zipSync(files, { mtime });
}

export function bundleFileName(exported) {
  return `journal-${exported.slice(0, 10)}.zip`;
}
