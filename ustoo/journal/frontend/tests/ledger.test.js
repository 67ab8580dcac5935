// Opening a journal's entries: a tampered, missing, reordered or replayed entry is named, and never
// hides the others.
import assert from "node:assert/strict";
import { test } from "node:test";

import * as c from "../crypto.js";
import { nextPlace, openEntries, PROBLEMS, threads } from "../ledger.js";

const entryKey = c.entryKeyOf(new Uint8Array(32).fill(7));

async function journalOf(contents) {
  const stored = [];
  let prev = "";
  for (const [index, content] of contents.entries()) {
    const body = c.entryBody({ seq: index + 1, prev, kind: "note", written: "2026-12-05T14:03+01:00", ...content });
    const sealed = await c.sealEntry(entryKey, body);
    stored.push({ seq: index + 1, ciphertext: sealed.ciphertext, commitment: sealed.commitment, token: "t", leaf_index: index });
    prev = sealed.commitment;
  }
  return stored;
}

test("entries that were not touched open without a problem, in order", async () => {
  const stored = await journalOf([{ text: "one" }, { text: "two" }, { text: "three" }]);
  const opened = await openEntries(entryKey, [...stored].reverse());
  assert.deepEqual(opened.map((record) => [record.seq, record.problem, record.body.text]), [
    [1, null, "one"],
    [2, null, "two"],
    [3, null, "three"],
  ]);
  assert.deepEqual(nextPlace(opened), { seq: 4, prev: stored[2].commitment });
});

test("one changed byte: that entry cannot be opened, the others are shown and the chain goes on", async () => {
  const stored = await journalOf([{ text: "one" }, { text: "two" }, { text: "three" }]);
  stored[1].ciphertext = stored[1].ciphertext.slice();
  stored[1].ciphertext[40] ^= 0x01;
  const opened = await openEntries(entryKey, stored);
  assert.deepEqual(opened.map((record) => record.problem), [null, PROBLEMS.unreadable, null]);
  assert.equal(opened[2].body.text, "three");
});

test("a missing entry is named, a swapped one is caught, a replayed one breaks the chain", async () => {
  const [one, two, three] = await journalOf([{ text: "one" }, { text: "two" }, { text: "three" }]);
  let opened = await openEntries(entryKey, [one, three]);
  assert.deepEqual(opened.map((record) => [record.seq, record.problem]), [[1, null], [2, PROBLEMS.missing], [3, null]]);

  // The server swaps what it holds at places 2 and 3, commitments and all.
  opened = await openEntries(entryKey, [one, { ...three, seq: 2 }, { ...two, seq: 3 }]);
  assert.deepEqual(opened.map((record) => record.problem), [null, PROBLEMS.sequence, PROBLEMS.sequence]);

  // Entry 1 served again in place 2, with a commitment that matches it.
  opened = await openEntries(entryKey, [one, { ...one, seq: 2 }]);
  assert.equal(opened[1].problem, PROBLEMS.sequence);

  // An entry whose stored commitment is not its own.
  opened = await openEntries(entryKey, [one, { ...two, commitment: one.commitment }]);
  assert.equal(opened[1].problem, PROBLEMS.commitment);
});

test("a rewritten entry that names the wrong predecessor breaks the chain", async () => {
  const [one] = await journalOf([{ text: "one" }]);
  const forged = await c.sealEntry(entryKey, c.entryBody({ seq: 2, prev: "00".repeat(32), kind: "note", text: "x", written: "w" }));
  const opened = await openEntries(entryKey, [one, { seq: 2, ciphertext: forged.ciphertext, commitment: forged.commitment }]);
  assert.equal(opened[1].problem, PROBLEMS.chain);
});

test("corrections are grouped with the entry they amend, the newest last", async () => {
  const stored = await journalOf([
    { text: "first", kind: "incident" },
    { text: "other" },
    { text: "first, corrected", kind: "incident", amends: 1 },
    { text: "first, corrected again", kind: "incident", amends: 3 },
  ]);
  const groups = threads(await openEntries(entryKey, stored));
  assert.deepEqual(groups.map((group) => [group.seq, group.versions.map((v) => v.seq), group.latest.body.text]), [
    [1, [1, 3, 4], "first, corrected again"],
    [2, [2], "other"],
  ]);
});

test("an entry's strings are made well-formed and empty answers left out", () => {
  const body = c.entryBody({ seq: 1, prev: "", kind: "incident", fields: { when: "today", where: "" }, text: "a\ud800b", written: "w" });
  assert.deepEqual(body.fields, { when: "today" });
  assert.equal(body.text, "a\ufffdb");
  assert.doesNotThrow(() => c.canonicalJson(body));
});

test("codenames are seven words of the list, drawn without bias", () => {
  const words = ["alpha", "bravo", "charlie"];
  const codename = c.newCodename(words);
  assert.equal(codename.split(" ").length, 7);
  assert.ok(codename.split(" ").every((word) => words.includes(word)));
  // A draw at or above the largest multiple of 3 below 2^32 is thrown away, never folded in.
  const draws = [[0xff, 0xff, 0xff, 0xff], [0, 0, 0, 4]];
  assert.equal(c.uniformBelow(3, () => new Uint8Array(draws.shift())), 1);
  assert.equal(draws.length, 0);
  assert.ok(c.codenameBits(7749) > 90.4);
});
