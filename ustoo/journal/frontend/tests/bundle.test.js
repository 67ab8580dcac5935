// The evidence bundle holds exactly PROTOCOL.md's layout.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { unzipSync } from "fflate";

import { makeBundle, safeName } from "../bundle.js";
import * as c from "../crypto.js";

const TEXT = Object.fromEntries(
  ["verify_title", "verify_intro", "verify_tool", "verify_by_hand", "verify_read_token", "verify_commitment", "verify_attachments", "verify_log"].map(
    (key) => [key, `[${key}]`],
  ),
);

test("the bundle's files, journal.json and VERIFY.txt", async () => {
  const entryKey = c.entryKeyOf(new Uint8Array(32));
  const photo = new Uint8Array([0xff, 0xd8, 1, 2, 3]);
  const attachment = { id: "a1", key: "k", name: "../../etc/photo:1.jpg", sha256: c.sha256Hex(photo), size: 5, type: "image/jpeg", exif: {}, redacted_of: null };
  const body = c.entryBody({ seq: 1, prev: "", kind: "incident", fields: { when: "today" }, attachments: [attachment], written: "w" });
  const sealed = await c.sealEntry(entryKey, body);
  const entries = [
    { seq: 1, body, bodyBytes: sealed.bodyBytes, committed: sealed.committed, commitment: sealed.commitment, token: c.base64url(new Uint8Array([48, 3, 2, 1, 0])), leafIndex: 7 },
  ];
  const proofs = {
    tree_head: { tree_size: 8, timestamp: 1, sha256_root_hash: "00", signature: "ss" },
    proofs: [{ leaf_index: 7, audit_path: ["aa", "bb"] }],
    pending: [],
    certificates: { ca: "CA PEM", tsa: "TSA PEM", log: "LOG PEM" },
  };
  const zip = makeBundle({ entries, originals: new Map([["a1", photo]]), proofs, exported: "2026-12-07T10:00:00.000Z", text: TEXT });
  const files = unzipSync(zip);
  assert.deepEqual(Object.keys(files).sort(), [
    "VERIFY.txt",
    "attachments/1-1-_.._etc_photo_1.jpg",
    "entries/0001.committed",
    "entries/0001.json",
    "journal.json",
    "log/proofs.json",
    "log/tree-head.json",
    "tokens/0001.tsr",
    "tsa/ca.pem",
    "tsa/log.pem",
    "tsa/tsa.pem",
  ]);
  const decode = (name) => new TextDecoder().decode(files[name]);
  const journal = JSON.parse(decode("journal.json"));
  assert.deepEqual(journal, {
    v: 1,
    exported: "2026-12-07T10:00:00.000Z",
    entries: [
      {
        seq: 1,
        commitment: sealed.commitment,
        leaf_index: 7,
        committed: "entries/0001.committed",
        token: "tokens/0001.tsr",
        attachments: [{ id: "a1", sha256: attachment.sha256, file: "attachments/1-1-_.._etc_photo_1.jpg" }],
      },
    ],
  });
  assert.equal(createHash("sha256").update(files["entries/0001.committed"]).digest("hex"), sealed.commitment);
  assert.equal(decode("entries/0001.json"), c.canonicalJson(body));
  assert.deepEqual([...files["tokens/0001.tsr"]], [48, 3, 2, 1, 0]);
  assert.deepEqual([...files["attachments/1-1-_.._etc_photo_1.jpg"]], [...photo]);
  assert.deepEqual(JSON.parse(decode("log/proofs.json")), { 7: ["aa", "bb"] });
  assert.equal(JSON.parse(decode("log/tree-head.json")).tree_size, 8);
  assert.equal(decode("tsa/log.pem"), "LOG PEM");
  const verify = decode("VERIFY.txt");
  assert.match(verify, /ustoo journal verify BUNDLE\.zip/);
  assert.match(verify, /openssl ts -verify -data entries\/0001\.committed -in tokens\/0001\.tsr -CAfile tsa\/ca\.pem -untrusted tsa\/tsa\.pem/);
  assert.match(verify, /\[verify_intro\]/);
});

test("attachment names stay one file inside attachments/", () => {
  assert.equal(safeName("a/b\\c\u0000d.png"), "a_b_c_d.png");
  assert.equal(safeName("..."), "file");
  assert.equal(safeName("ملف.jpg"), "ملف.jpg");
});
