// A journal's entries as the writer sees them: each opened and checked against its neighbours, then
// grouped with the corrections that amend it. Pure functions, so node's tests cover them.
import { CannotOpen, openEntry } from "./crypto.js";

// Why an entry cannot be shown as written; the page words each (journal-text: problem_<name>).
export const PROBLEMS = {
  unreadable: "unreadable", // AES-GCM refused it: changed or damaged bytes, or another journal's
  commitment: "commitment", // it opens, but not to the bytes its time-stamp is about
  sequence: "sequence", // it says it is another entry than the one stored at its place
  chain: "chain", // it does not name the entry before it: one was removed, repeated or reordered
  missing: "missing", // no entry is stored at this place
};

// Opens every entry the server holds (in seq order, as POST open answers) and checks the chain. An
// entry that fails its checks is still listed, with its problem, and never stops the others: the
// chain goes on from the commitment the server holds for it.
export async function openEntries(entryKey, stored) {
  const sorted = [...stored].sort((a, b) => a.seq - b.seq);
  const opened = [];
  let expectedSeq = 1;
  let previous = "";
  for (const item of sorted) {
    while (expectedSeq < item.seq) {
      opened.push({ seq: expectedSeq, problem: PROBLEMS.missing });
      previous = null; // whatever came before the gap is unknown
      expectedSeq += 1;
    }
    const record = {
      seq: item.seq,
      commitment: item.commitment,
      token: item.token,
      leafIndex: item.leaf_index,
      time: item.time,
      attachmentIds: item.attachments || [],
      problem: null,
    };
    try {
      const entry = await openEntry(entryKey, item.ciphertext);
      record.body = entry.body;
      record.committed = entry.committed;
      record.bodyBytes = entry.bodyBytes;
      if (entry.commitment !== item.commitment) record.problem = PROBLEMS.commitment;
      else if (entry.body.seq !== item.seq) record.problem = PROBLEMS.sequence;
      else if (previous !== null && entry.body.prev !== previous) record.problem = PROBLEMS.chain;
    } catch (error) {
      if (!(error instanceof CannotOpen)) throw error;
      record.problem = PROBLEMS.unreadable;
    }
    opened.push(record);
    previous = item.commitment;
    expectedSeq = item.seq + 1;
  }
  return opened;
}

// The entries grouped by what they record: an entry and the corrections that amend it (or amend one
// of its corrections), oldest first. The newest of each group is what the writer reads first.
export function threads(opened) {
  const bySeq = new Map(opened.map((record) => [record.seq, record]));
  const rootOf = (record) => {
    const seen = new Set();
    let current = record;
    while (current.body && Number.isInteger(current.body.amends) && !seen.has(current.seq)) {
      seen.add(current.seq);
      const target = bySeq.get(current.body.amends);
      // A correction may only amend an earlier entry that can be read.
      if (!target || target.seq >= current.seq || !target.body) break;
      current = target;
    }
    return current.seq;
  };
  const groups = new Map();
  for (const record of opened) {
    const root = rootOf(record);
    if (!groups.has(root)) groups.set(root, []);
    groups.get(root).push(record);
  }
  return [...groups.values()].map((versions) => ({
    seq: versions[0].seq,
    versions,
    latest: versions[versions.length - 1],
  }));
}

// The next entry's place: after the last one stored, naming its commitment.
export function nextPlace(opened) {
  const stored = opened.filter((record) => record.problem !== PROBLEMS.missing);
  if (stored.length === 0) return { seq: 1, prev: "" };
  const last = stored[stored.length - 1];
  return { seq: last.seq + 1, prev: last.commitment };
}
