// The cryptography of an entry, exactly as ustoo/matching/PROTOCOL.md ("v1") says: the verifiable OPRF's
// client (RFC 9497, ristretto255-SHA512), the index and the share derived from its output, the record
// encrypted under a random key, and the share sealed to the counselors' key (HPKE, RFC 9180). Nothing
// here touches the page or the network, so node's test runner checks it against tests/vectors/ (the
// RFCs' vectors and entries.json, which the Python client made) and the browser bundles the same code.
// A change that alters a byte here needs a "v2" that still opens v1.
import { Aes128Gcm, CipherSuite } from "@hpke/core";
import { DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/dhkem-x25519";
import { ristretto255_oprf } from "@noble/curves/ed25519.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils.js";

import { oprfInput } from "./identifiers.js";

export { bytesToHex, concatBytes, hexToBytes };

const encoder = new TextEncoder();
export const utf8 = (text) => encoder.encode(text);

// The order ℓ of ristretto255: shares are points of a line over the integers mod ℓ.
export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
export const INFO = {
  index: "ustoo matching v1 index",
  coefficient0: "ustoo matching v1 coefficient 0",
  coefficient1: "ustoo matching v1 coefficient 1",
  shareX: "ustoo matching v1 share x",
  wrap: "ustoo matching v1 wrap",
  hpke: "ustoo matching v1 share",
  counselorKey: "ustoo matching v1 counselor key",
};
export const AAD = { record: "ustoo matching v1 record", wrap: "ustoo matching v1 wrap" };
export const NONCE_BYTES = 12;
export const RECORD_KEY_BYTES = 32;
export const SHARE_BYTES = 124;
export const SEALED_BYTES = 172;
export const PAD_UNIT = 1024;
export const PAD_MAX = 16 * 1024;
export const MAX_IDENTIFIERS = 5;
export const ON_MATCH = ["contact", "contact_at_three", "do_not_contact"];

const voprf = ristretto255_oprf.voprf;

function webcrypto() {
  const found = globalThis.crypto;
  // Only a page served over HTTPS (or from localhost) has WebCrypto.
  if (!found || !found.subtle) throw new Error("WebCrypto is not available here");
  return found;
}

export function randomBytes(length) {
  return webcrypto().getRandomValues(new Uint8Array(length));
}

// --- Encodings -----------------------------------------------------------------------------------

export function base64url(bytes) {
  let binary = "";
  for (let start = 0; start < bytes.length; start += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(start, start + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function fromBase64url(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Error("not base64url");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (character) => character.charCodeAt(0));
}

export function intLE(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return value;
}

// le32(n): the 32-byte little-endian encoding of n mod ℓ, as ristretto255 encodes scalars.
export function le32(value) {
  let rest = ((value % ORDER) + ORDER) % ORDER;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
  return bytes;
}

// wide(b): 64 bytes read as a little-endian integer, mod ℓ (bias below 2^-250).
export const wide = (bytes) => intLE(bytes) % ORDER;

// HKDF-SHA256 with an empty salt (RFC 5869: a salt of zeros).
export const derive = (ikm, info, length) => hkdf(sha256, ikm, undefined, typeof info === "string" ? utf8(info) : info, length);

// The counselors' key as people compare it: 32 hex digits, shown in 8 groups of 4.
export function fingerprint(publicKey) {
  return bytesToHex(sha256(concatBytes(utf8(INFO.counselorKey), publicKey)).slice(0, 16));
}

export const readable = (hex) => hex.match(/.{1,4}/g)?.join(" ") ?? "";

// --- The OPRF (RFC 9497, VOPRF mode) ---------------------------------------------------------------

// The proof did not verify against the OPRF key the site published: another key was used.
export class ProofRefused extends Error {}

// A fixed scalar as @noble/curves' random source gives it back: its blinds are
// (48 bytes, little-endian) mod (ℓ − 1) + 1, so the bytes of r − 1 make r. For golden vectors only.
export function scalarSource(scalarBytes) {
  const wanted = intLE(scalarBytes) - 1n;
  return (length) => {
    const bytes = new Uint8Array(length);
    let rest = wanted;
    for (let i = 0; i < length; i++, rest >>= 8n) bytes[i] = Number(rest & 0xffn);
    return bytes;
  };
}

// Blind each input: a fresh random scalar each (or the given one, for golden vectors).
export function blind(inputs, fixedBlinds = null) {
  return inputs.map((input, i) => {
    const { blind: r, blinded } = voprf.blind(utf8(input), fixedBlinds ? scalarSource(fixedBlinds[i]) : undefined);
    return { input, blind: r, blinded };
  });
}

// VerifyProof over the whole batch against the published key, then Finalize each: 64 bytes of output
// per input. Anything wrong with the answer refuses everything.
export function finalize(blinded, evaluated, proof, publicKey) {
  if (!Array.isArray(evaluated) || evaluated.length !== blinded.length) throw new ProofRefused("wrong number of evaluations");
  try {
    return voprf.finalizeBatch(
      blinded.map((item, i) => ({ input: utf8(item.input), blind: item.blind, blinded: item.blinded, evaluated: evaluated[i] })),
      publicKey,
      proof,
    );
  } catch (error) {
    throw new ProofRefused(String(error?.message || error));
  }
}

// --- From an output to a share (§3) ----------------------------------------------------------------

export function lineOf(output) {
  return {
    index: derive(output, INFO.index, 32),
    a0: wide(derive(output, INFO.coefficient0, 64)),
    a1: wide(derive(output, INFO.coefficient1, 64)),
  };
}

export function ownerX(owner, index) {
  const x = wide(derive(owner, concatBytes(utf8(INFO.shareX), index), 64));
  // Probability 2^-252; refused rather than made a point that gives the secret away.
  if (x === 0n) throw new Error("x is zero");
  return x;
}

export const pointOnLine = (a0, a1, x) => ({ x, y: (a0 + a1 * x) % ORDER });

async function aesGcm(key, nonce, plaintext, aad) {
  const imported = await webcrypto().subtle.importKey("raw", key, "AES-GCM", false, ["encrypt"]);
  const sealed = await webcrypto().subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: aad, tagLength: 128 }, imported, plaintext);
  return concatBytes(nonce, new Uint8Array(sealed));
}

export const wrapKey = (a0) => derive(le32(a0), INFO.wrap, 32);

export function wrapRecordKey(a0, index, recordKey, nonce = randomBytes(NONCE_BYTES)) {
  return aesGcm(wrapKey(a0), nonce, recordKey, concatBytes(utf8(AAD.wrap), index));
}

export const shareBytes = (point, wrapped) => concatBytes(le32(point.x), le32(point.y), wrapped);

const HPKE = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

// HPKE SealBase to the counselors' key, aad the index: enc || ct. `ephemeralIkm` fixes the ephemeral
// key (DeriveKeyPair), for golden vectors only.
export async function seal(counselorKey, share, index, ephemeralIkm = null) {
  const recipientPublicKey = await HPKE.kem.deserializePublicKey(counselorKey);
  const params = { recipientPublicKey, info: utf8(INFO.hpke) };
  if (ephemeralIkm) params.ekm = ephemeralIkm;
  const { ct, enc } = await HPKE.seal(params, share, index);
  return concatBytes(new Uint8Array(enc), new Uint8Array(ct));
}

// --- The record (§4) -------------------------------------------------------------------------------

// Keys sorted, no white space, strings as JSON.stringify writes them (Python's json.dumps with
// sort_keys, compact separators and ensure_ascii=False writes the same bytes).
export function canonicalJson(value) {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  if (typeof value === "number" && !Number.isInteger(value)) throw new Error("integers only");
  return JSON.stringify(value);
}

// The record as the page writes it: every field present, every string well-formed (a lone surrogate
// would be no UTF-8 at all).
export function recordOf({ identifiers, contact, onMatch, what, when, where, who, written }) {
  const text = (value) => String(value ?? "").toWellFormed();
  if (!ON_MATCH.includes(onMatch)) throw new Error("unknown on_match");
  return {
    contact: { how: text(contact.how), value: text(contact.value) },
    identifiers: identifiers.map((item) => ({ input: item.input, typed: text(item.typed) })),
    journal: null,
    on_match: onMatch,
    v: 1,
    what: text(what),
    when: text(when),
    where: text(where),
    who: text(who),
    written: text(written),
  };
}

export class RecordTooLong extends Error {}

// uint32_be(length) || json || zeros, to the smallest of 1 KiB × 2^k (k = 0…4) that holds it.
export function pad(body) {
  let size = PAD_UNIT;
  while (size < body.length + 4) size *= 2;
  if (size > PAD_MAX) throw new RecordTooLong("the record is longer than 16 KiB");
  const padded = new Uint8Array(size);
  new DataView(padded.buffer).setUint32(0, body.length);
  padded.set(body, 4);
  return padded;
}

export const recordBytes = (record) => utf8(canonicalJson(record));

export function encryptRecord(record, recordKey, nonce = randomBytes(NONCE_BYTES)) {
  return aesGcm(recordKey, nonce, pad(recordBytes(record)), utf8(AAD.record));
}

// --- A whole entry ---------------------------------------------------------------------------------

// Canonical inputs of what the survivor typed ([{kind, text, region}]), in order; identifiers that
// canonicalise alike are one identifier (the first spelling is kept). Throws NotAnIdentifier with the
// position of the item.
export function inputsOf(typed) {
  const seen = new Map();
  typed.forEach((item, position) => {
    let input;
    try {
      input = oprfInput(item.kind, item.text, item.region || "");
    } catch (error) {
      error.position = position;
      throw error;
    }
    if (!seen.has(input)) seen.set(input, { input, typed: item.text, position });
  });
  return [...seen.values()];
}

// OPRF outputs for the inputs: blinds them, sends them in one batch (`evaluate` returns
// {evaluated, proof} as bytes), verifies the proof against the published key and finalizes.
export async function outputsOf(inputs, oprfPublicKey, evaluate, fixedBlinds = null) {
  const blinded = blind(inputs.map((item) => item.input), fixedBlinds);
  const answer = await evaluate(blinded.map((item) => item.blinded));
  return { blinded, ...answer, outputs: finalize(blinded, answer.evaluated, answer.proof, oprfPublicKey) };
}

// The body of `POST entries` from the inputs and their outputs: the record encrypted under a fresh key,
// and for each identifier its index and its share sealed to the counselors' key. `fixed` holds the
// randomness of golden vectors (recordKey, recordNonce, wrapNonces, hpkeIkmE); never given otherwise.
export async function sealEntry({ owner, counselorKey, counselorFingerprint, inputs, outputs, fields, fixed = null }) {
  const recordKey = fixed ? fixed.recordKey : randomBytes(RECORD_KEY_BYTES);
  const record = recordOf({ ...fields, identifiers: inputs });
  const ciphertext = await encryptRecord(record, recordKey, fixed ? fixed.recordNonce : undefined);
  const trace = { record, ciphertext, lines: [], points: [], shares: [], sealed: [] };
  for (const [i, output] of outputs.entries()) {
    const line = lineOf(output);
    const point = pointOnLine(line.a0, line.a1, ownerX(owner, line.index));
    const wrapped = await wrapRecordKey(line.a0, line.index, recordKey, fixed ? fixed.wrapNonces[i] : undefined);
    const share = shareBytes(point, wrapped);
    trace.lines.push(line);
    trace.points.push(point);
    trace.shares.push(share);
    trace.sealed.push(await seal(counselorKey, share, line.index, fixed ? fixed.hpkeIkmE[i] : null));
  }
  const body = {
    ciphertext: base64url(ciphertext),
    counselor_key: counselorFingerprint,
    shares: trace.lines.map((line, i) => ({ index: base64url(line.index), sealed: base64url(trace.sealed[i]) })),
  };
  return { body, trace };
}
