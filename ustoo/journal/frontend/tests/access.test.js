// Adding and replacing a way in: the old way in goes only once the new one is shown to open this
// journal, and every failure says what opens the journal then. A fake site, in memory, answers as
// PROTOCOL.md says (and fails where a test makes it).
import assert from "node:assert/strict";
import { test } from "node:test";

import { ApiError } from "../../../core/frontend/api.js";
import { addWayIn, opens, replaceWayIn, STATE, WayInError } from "../access.js";
import * as c from "../crypto.js";

const SITE_SALT = c.base64url(new Uint8Array(16).fill(3));

function keysOf(seed) {
  const bytes = new Uint8Array(c.RECOVERY_BYTES).fill(seed);
  return c.accessKeys(c.recoveryMaster(bytes, SITE_SALT));
}

// journals: lookup (base64url) -> { journal, wrapped_key }. `fail` maps an operation to an ApiError
// thrown instead of (or, with `after: true`, after) doing it. `calls` lists what was asked, in order.
function fakeSite() {
  const accesses = new Map();
  const calls = [];
  const fail = {};
  const refuse = (name, done) => {
    const failure = fail[name];
    if (!failure) return;
    if (Boolean(failure.after) !== done) return;
    if (failure.times !== undefined && failure.times-- <= 0) return;
    throw failure.error;
  };
  const apiFor = (lookup) => {
    const id = c.base64url(lookup);
    const mine = () => {
      const access = accesses.get(id);
      if (!access) throw new ApiError(404, "No journal opens with these secrets.");
      return access;
    };
    return {
      async open() {
        calls.push(["open", id]);
        refuse("open", false);
        return { wrapped_key: mine().wrapped_key, entries: [], attachments: [] };
      },
      async addAccess(access) {
        calls.push(["add", id, access.lookup]);
        refuse("add", false);
        const { journal } = mine();
        if (accesses.has(access.lookup)) throw new ApiError(409, "These secrets already open a journal.");
        if ([...accesses.values()].filter((a) => a.journal === journal).length >= 8) {
          throw new ApiError(409, "The journal has 8 ways in already.");
        }
        accesses.set(access.lookup, { journal, wrapped_key: access.wrapped_key });
        refuse("add", true);
        return {};
      },
      async removeCurrentAccess() {
        calls.push(["remove", id]);
        refuse("remove", false);
        const { journal } = mine();
        if ([...accesses.values()].filter((a) => a.journal === journal).length === 1) {
          throw new ApiError(409, "It is the journal's only way in.");
        }
        accesses.delete(id);
        refuse("remove", true);
        return null;
      },
    };
  };
  const make = async (journal, journalKey, keys) => {
    accesses.set(c.base64url(keys.lookup), {
      journal,
      wrapped_key: c.base64url(await c.wrapKey(keys.kek, journalKey)),
    });
  };
  return { apiFor, calls, fail, make, opensFor: (keys, journalKey) => opens(apiFor, keys, journalKey) };
}

const journalKey = new Uint8Array(32).fill(9);
const otherKey = new Uint8Array(32).fill(8);
const [codename, changed, recovery, decoy] = [keysOf(1), keysOf(2), keysOf(3), keysOf(4)];

async function aJournal() {
  const site = fakeSite();
  await site.make("mine", journalKey, codename);
  await site.make("decoy", otherKey, decoy);
  return site;
}

async function failsWith(promise, state) {
  await assert.rejects(promise, (error) => error instanceof WayInError && error.state === state);
}

test("a way in opens this journal, no journal, or another one", async () => {
  const site = await aJournal();
  assert.equal(await site.opensFor(codename, journalKey), "this");
  assert.equal(await site.opensFor(recovery, journalKey), "none");
  assert.equal(await site.opensFor(decoy, journalKey), "other");
});

test("a recovery key is added and shown to open the journal, and nothing is removed", async () => {
  const site = await aJournal();
  await addWayIn({ apiFor: site.apiFor, journalKey, via: codename, next: recovery });
  assert.equal(await site.opensFor(recovery, journalKey), "this");
  assert.equal(await site.opensFor(codename, journalKey), "this");
  assert.deepEqual(site.calls.map(([name]) => name), ["add", "open", "open", "open"]);
});

test("a new passphrase replaces the old only after it opened the journal", async () => {
  const site = await aJournal();
  await replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed });
  const id = (keys) => c.base64url(keys.lookup);
  assert.deepEqual(site.calls, [
    ["add", id(codename), id(changed)],
    ["open", id(changed)],
    ["remove", id(codename)],
  ]);
  assert.equal(await site.opensFor(changed, journalKey), "this");
  assert.equal(await site.opensFor(codename, journalKey), "none");
});

test("a refused addition removes nothing and says the old way in is as it was", async () => {
  const site = await aJournal();
  site.fail.add = { error: new ApiError(503, "") };
  await failsWith(replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed }), STATE.UNCONFIRMED);
  assert.ok(!site.calls.some(([name]) => name === "remove"));
  assert.equal(await site.opensFor(codename, journalKey), "this");
  assert.equal(await site.opensFor(changed, journalKey), "none");
});

test("an addition whose answer was lost is found by the check, and the change goes on", async () => {
  const site = await aJournal();
  site.fail.add = { error: new ApiError(0, "network"), after: true };
  await replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed });
  assert.equal(await site.opensFor(changed, journalKey), "this");
  assert.equal(await site.opensFor(codename, journalKey), "none");
});

test("when the new way in cannot be checked, the old one is kept", async () => {
  const site = await aJournal();
  site.fail.open = { error: new ApiError(0, "network") };
  await failsWith(replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed }), STATE.UNCONFIRMED);
  assert.ok(!site.calls.some(([name]) => name === "remove"));
  site.fail.open = null;
  assert.equal(await site.opensFor(codename, journalKey), "this");
});

test("a refused removal leaves both ways in, says so, and trying again finishes the change", async () => {
  const site = await aJournal();
  site.fail.remove = { error: new ApiError(500, ""), times: 1 };
  await failsWith(replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed }), STATE.BOTH);
  assert.equal(await site.opensFor(codename, journalKey), "this");
  assert.equal(await site.opensFor(changed, journalKey), "this");
  // Again, as the page does when the person tries again: the addition is already there (409).
  await replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed });
  assert.equal(await site.opensFor(codename, journalKey), "none");
  assert.equal(await site.opensFor(changed, journalKey), "this");
});

test("a removal whose answer was lost is a change made", async () => {
  const site = await aJournal();
  site.fail.remove = { error: new ApiError(0, "network"), after: true };
  await replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed });
  assert.equal(await site.opensFor(codename, journalKey), "none");
});

test("when nothing can be checked after a failed removal, the state is said to be unknown", async () => {
  const site = await aJournal();
  site.fail.remove = { error: new ApiError(0, "network") };
  const apiFor = (lookup) => {
    const api = site.apiFor(lookup);
    return { ...api, open: () => (site.calls.some(([n]) => n === "remove") ? Promise.reject(new ApiError(0, "network")) : api.open()) };
  };
  await failsWith(replaceWayIn({ apiFor, journalKey, old: codename, next: changed }), STATE.BOTH_UNKNOWN);
  assert.equal(await site.opensFor(changed, journalKey), "this");
});

test("a journal with eight ways in refuses a ninth, with the site's reason, and keeps its ways in", async () => {
  const site = await aJournal();
  for (let seed = 10; seed < 17; seed++) await site.make("mine", journalKey, keysOf(seed));
  const failure = await replaceWayIn({ apiFor: site.apiFor, journalKey, old: codename, next: changed }).catch((e) => e);
  assert.ok(failure instanceof WayInError && failure.state === STATE.UNCONFIRMED);
  assert.equal(failure.cause.status, 409);
  assert.match(failure.cause.message, /8 ways in/);
  assert.equal(await site.opensFor(codename, journalKey), "this");
});

test("a new way in that opens another journal is never taken as this one's", async () => {
  const site = await aJournal();
  await failsWith(addWayIn({ apiFor: site.apiFor, journalKey, via: codename, next: decoy }), STATE.UNCONFIRMED);
  assert.equal(await site.opensFor(decoy, journalKey), "other");
});
