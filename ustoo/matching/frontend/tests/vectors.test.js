// Known answers (ustoo/matching/tests/vectors/), through the same code the page bundles: RFC 9497's
// VOPRF vectors, RFC 9180's HPKE vectors, the identifiers both sides canonicalise alike, and whole
// entries the Python client made with fixed randomness, reproduced byte for byte.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { Aes128Gcm, CipherSuite } from "@hpke/core";
import { DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/dhkem-x25519";
import { ristretto255_oprf } from "@noble/curves/ed25519.js";

import * as e from "../escrow.js";
import { NotAnIdentifier, oprfInput } from "../identifiers.js";

const vectors = (name) => JSON.parse(readFileSync(new URL(`../../tests/vectors/${name}`, import.meta.url), "utf8"));
const hex = e.hexToBytes;
const toHex = e.bytesToHex;
const voprf = ristretto255_oprf.voprf;

// The service's side, for the tests only: BlindEvaluate with one batch proof, its random scalar fixed.
function evaluator(secretKey, publicKey, proofRandomScalar) {
  return async (blinded) => voprf.blindEvaluateBatch(secretKey, publicKey, blinded, e.scalarSource(proofRandomScalar));
}

test("VOPRF ristretto255-SHA512: RFC 9497 Appendix A.1.2", async () => {
  const rfc = vectors("rfc9497-ristretto255-sha512-voprf.json");
  const keys = voprf.deriveKeyPair(hex(rfc.Seed), hex(rfc.KeyInfo));
  assert.equal(toHex(keys.secretKey), rfc.skSm);
  assert.equal(toHex(keys.publicKey), rfc.pkSm);
  for (const v of rfc.vectors) {
    // The RFC's inputs are bytes (escrow.blind takes text it encodes as UTF-8): blinded here directly.
    const blinded = v.Input.map((input, i) => {
      const made = voprf.blind(hex(input), e.scalarSource(hex(v.Blind[i])));
      assert.equal(toHex(made.blind), v.Blind[i]);
      return made;
    });
    assert.deepEqual(blinded.map((b) => toHex(b.blinded)), v.BlindedElement);
    const answer = await evaluator(keys.secretKey, keys.publicKey, hex(v.ProofRandomScalar))(blinded.map((b) => b.blinded));
    assert.deepEqual(answer.evaluated.map(toHex), v.EvaluationElement);
    assert.equal(toHex(answer.proof), v.Proof);
    const outputs = voprf.finalizeBatch(
      blinded.map((b, i) => ({ input: hex(v.Input[i]), blind: b.blind, blinded: b.blinded, evaluated: answer.evaluated[i] })),
      keys.publicKey,
      answer.proof,
    );
    assert.deepEqual(outputs.map(toHex), v.Output);
  }
});

test("a proof made with another key, or changed, refuses every output", async () => {
  const rfc = vectors("rfc9497-ristretto255-sha512-voprf.json");
  const keys = voprf.deriveKeyPair(hex(rfc.Seed), hex(rfc.KeyInfo));
  const other = voprf.generateKeyPair();
  const blinded = e.blind(["phone:+33612345678", "email:john@gmail.com"]);
  const answer = voprf.blindEvaluateBatch(keys.secretKey, keys.publicKey, blinded.map((b) => b.blinded));
  assert.equal(e.finalize(blinded, answer.evaluated, answer.proof, keys.publicKey).length, 2);
  assert.throws(() => e.finalize(blinded, answer.evaluated, answer.proof, other.publicKey), e.ProofRefused);
  const changed = Uint8Array.from(answer.proof);
  changed[3] ^= 1;
  assert.throws(() => e.finalize(blinded, answer.evaluated, changed, keys.publicKey), e.ProofRefused);
  // An evaluation swapped for another key's, under the right proof's key: refused too.
  const forged = voprf.blindEvaluateBatch(other.secretKey, other.publicKey, blinded.map((b) => b.blinded));
  assert.throws(() => e.finalize(blinded, forged.evaluated, answer.proof, keys.publicKey), e.ProofRefused);
  assert.throws(() => e.finalize(blinded, answer.evaluated.slice(1), answer.proof, keys.publicKey), e.ProofRefused);
});

test("HPKE DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM: RFC 9180 Appendix A.1.1", async () => {
  const rfc = vectors("rfc9180-a1-base.json");
  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });
  const recipient = await suite.kem.deriveKeyPair(hex(rfc.ikmR));
  assert.equal(toHex(new Uint8Array(await suite.kem.serializePublicKey(recipient.publicKey))), rfc.pkRm);
  const sender = await suite.createSenderContext({ recipientPublicKey: recipient.publicKey, info: hex(rfc.info), ekm: hex(rfc.ikmE) });
  assert.equal(toHex(new Uint8Array(sender.enc)), rfc.enc);
  // The vectors give some sequence numbers only: the ones between are sealed too, to move the nonce on.
  const bySeq = new Map(rfc.encryptions.map((step) => [step.seq, step]));
  for (let seq = 0; seq <= Math.max(...bySeq.keys()); seq++) {
    const step = bySeq.get(seq);
    const sealed = await sender.seal(step ? hex(step.pt) : new Uint8Array(1), step ? hex(step.aad) : new Uint8Array(0));
    if (step) assert.equal(toHex(new Uint8Array(sealed)), step.ct, `seq ${seq}`);
  }
  for (const exported of rfc.exports) {
    const value = await sender.export(hex(exported.exporter_context), exported.L);
    assert.equal(toHex(new Uint8Array(value)), exported.exported_value);
  }
  // Single shot, as an entry seals its share: the first encryption of the vectors.
  const first = rfc.encryptions[0];
  const sealed = await suite.seal({ recipientPublicKey: recipient.publicKey, info: hex(rfc.info), ekm: hex(rfc.ikmE) }, hex(first.pt), hex(first.aad));
  assert.equal(toHex(new Uint8Array(sealed.ct)), first.ct);
  assert.equal(toHex(new Uint8Array(sealed.enc)), rfc.enc);
});

test("identifiers: every golden case canonicalises as the Python side does", () => {
  const { cases } = vectors("identifiers.json");
  assert.ok(cases.length > 50);
  for (const c of cases) {
    const name = `${c.kind} ${JSON.stringify(c.text)} (${c.region ?? ""})`;
    if (c.error) assert.throws(() => oprfInput(c.kind, c.text, c.region || ""), NotAnIdentifier, name);
    else assert.equal(oprfInput(c.kind, c.text, c.region || ""), c.input, name);
  }
});

// The record's fields as tests/client.py fills them when a case leaves them out.
function recordFields(given) {
  return {
    contact: given.contact ?? { how: "email", value: "survivor@example.org" },
    onMatch: given.on_match ?? "contact",
    what: given.what ?? "",
    when: given.when ?? "",
    where: given.where ?? "",
    who: given.who ?? "",
    written: given.written ?? "2026-12-01",
  };
}

test("entries.json: the JavaScript client makes the Python client's bytes, from the same randomness", async () => {
  const golden = vectors("entries.json");
  const keys = voprf.deriveKeyPair(hex(golden.oprf_seed), hex(golden.oprf_key_info));
  assert.equal(toHex(keys.publicKey), golden.oprf_public_key);
  const counselorKey = hex(golden.counselor_public_key);
  assert.equal(e.fingerprint(counselorKey), golden.counselor_fingerprint);
  assert.equal(golden.cases.length, 2);
  for (const c of golden.cases) {
    const expect = c.expect;
    const inputs = e.inputsOf(c.identifiers);
    assert.deepEqual(inputs.map((item) => item.input), expect.inputs);
    const evaluated = await e.outputsOf(inputs, keys.publicKey, evaluator(keys.secretKey, keys.publicKey, hex(c.proof_random_scalar)), c.blinds.map(hex));
    assert.deepEqual(evaluated.blinded.map((b) => toHex(b.blinded)), expect.blinded);
    assert.deepEqual(evaluated.evaluated.map(toHex), expect.evaluated);
    assert.equal(toHex(evaluated.proof), expect.proof);
    assert.deepEqual(evaluated.outputs.map(toHex), expect.outputs);
    const { body, trace } = await e.sealEntry({
      owner: e.fromBase64url(c.owner),
      counselorKey,
      counselorFingerprint: golden.counselor_fingerprint,
      inputs,
      outputs: evaluated.outputs,
      fields: recordFields(c.record_fields),
      fixed: {
        recordKey: hex(c.record_key),
        recordNonce: hex(c.record_nonce),
        wrapNonces: c.wrap_nonces.map(hex),
        hpkeIkmE: c.hpke_ikm_e.map(hex),
      },
    });
    assert.deepEqual(trace.lines.map((line) => toHex(line.index)), expect.indexes);
    assert.deepEqual(trace.lines.map((line) => toHex(e.le32(line.a0))), expect.a0);
    assert.deepEqual(trace.lines.map((line) => toHex(e.le32(line.a1))), expect.a1);
    assert.deepEqual(trace.points.map((p) => toHex(e.le32(p.x))), expect.x);
    assert.deepEqual(trace.points.map((p) => toHex(e.le32(p.y))), expect.y);
    assert.deepEqual(trace.shares.map(toHex), expect.shares);
    assert.deepEqual(trace.sealed.map(toHex), expect.sealed);
    assert.equal(e.canonicalJson(trace.record), expect.record_json);
    assert.equal(toHex(trace.ciphertext), expect.ciphertext);
    assert.deepEqual(body, expect.body);
    assert.equal(JSON.stringify(body), JSON.stringify(expect.body));
  }
});
