// Adding and replacing a journal's ways in once it exists (PROTOCOL.md, "Ways in after creation"), in
// an order that never locks the writer out: the new way in is added, then shown to open this very
// journal (its lookup, then its wrapped key unwrapped to the same journal key), and only then is the
// old one removed. When a step fails, WayInError.state says what opens the journal at that moment.
// The site is reached only through `apiFor(lookup)` (a JournalApi), so the steps are tested without it.
import * as c from "./crypto.js";

// What a failure leaves (WayInError.state):
export const STATE = {
  // The new way in was not added, or could not be shown to open the journal: the old ones open it as before.
  UNCONFIRMED: "unconfirmed",
  // The new way in opens the journal, and the old one still does too: it could not be removed.
  BOTH: "both",
  // The new way in opens the journal; whether the old one still does could not be checked.
  BOTH_UNKNOWN: "both_unknown",
};

export class WayInError extends Error {
  constructor(state, cause) {
    super(`${state}: ${cause?.message ?? cause}`);
    this.state = state;
    this.cause = cause;
  }
}

// Whether `keys` ({lookup, kek}) open the journal whose key is `journalKey`: "this", "none" (no journal
// has that lookup), or "other" (a journal opens, but not this one: the writer's other journal).
export async function opens(apiFor, keys, journalKey) {
  let answer;
  try {
    answer = await apiFor(keys.lookup).open();
  } catch (error) {
    if (error.status === 404) return "none";
    throw error;
  }
  let key;
  try {
    key = await c.unwrapKey(keys.kek, c.fromBase64url(answer.wrapped_key));
  } catch (error) {
    if (error instanceof c.CannotOpen) return "other";
    throw error;
  }
  return c.base64url(key) === c.base64url(journalKey) ? "this" : "other";
}

export async function accessFor(keys, journalKey) {
  return { lookup: c.base64url(keys.lookup), wrapped_key: c.base64url(await c.wrapKey(keys.kek, journalKey)) };
}

// Adds `next` through `via` (the keys of a way in that opens the journal now), then checks that it
// opens this journal. A refusal or a lost answer may hide an access that was added after all (an
// earlier try's, or this one's): the check decides. Throws WayInError(UNCONFIRMED) otherwise.
export async function addWayIn({ apiFor, journalKey, via, next }) {
  let refusal = null;
  try {
    await apiFor(via.lookup).addAccess(await accessFor(next, journalKey));
  } catch (error) {
    refusal = error;
  }
  let found;
  try {
    found = await opens(apiFor, next, journalKey);
  } catch (error) {
    throw new WayInError(STATE.UNCONFIRMED, refusal ?? error);
  }
  if (found !== "this") throw new WayInError(STATE.UNCONFIRMED, refusal ?? new Error(`the new way in opens ${found}`));
}

// Adds `next`, then removes `old` (which must open the journal now) once `next` is shown to open it.
// Returns normally when only `next` opens it; otherwise throws WayInError with what opens it.
export async function replaceWayIn({ apiFor, journalKey, old, next }) {
  await addWayIn({ apiFor, journalKey, via: old, next });
  try {
    await apiFor(old.lookup).removeCurrentAccess();
    return;
  } catch (error) {
    // The answer may have been lost after the site removed it: whether the old one still opens says.
    let still;
    try {
      still = await opens(apiFor, old, journalKey);
    } catch {
      throw new WayInError(STATE.BOTH_UNKNOWN, error);
    }
    if (still !== "none") throw new WayInError(STATE.BOTH, error);
  }
}
