// The page's steps for one entry, driven over stdin and stdout by ustoo/matching/tests/test_cross_language.py,
// which plays the OPRF service (Python) and opens the result with the counselor tool (Python): one JSON
// line in with the parameters and what was typed, the blinded elements out, the service's answer in,
// the body of `POST entries` out (or why it was refused). Randomness is the browser's: nothing is fixed.
import { createInterface } from "node:readline";

import * as e from "../escrow.js";

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const next = async () => JSON.parse((await lines.next()).value);
const say = (value) => process.stdout.write(JSON.stringify(value) + "\n");

const request = await next();
const inputs = e.inputsOf(request.identifiers);
try {
  const { outputs } = await e.outputsOf(inputs, e.fromBase64url(request.oprf_public_key), async (blinded) => {
    say({ blinded: blinded.map(e.base64url) });
    const answer = await next();
    return { evaluated: answer.evaluated.map(e.fromBase64url), proof: e.fromBase64url(answer.proof) };
  });
  const { body } = await e.sealEntry({
    owner: e.fromBase64url(request.owner),
    counselorKey: e.fromBase64url(request.counselor_key),
    counselorFingerprint: request.fingerprint,
    inputs,
    outputs,
    fields: request.fields,
  });
  say({ body });
} catch (error) {
  if (!(error instanceof e.ProofRefused)) throw error;
  say({ refused: "proof" });
}
process.exit(0);
