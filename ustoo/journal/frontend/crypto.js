// The journal's cryptography, exactly as ustoo/journal/PROTOCOL.md ("v1") says. Nothing here touches
// the page or the network, so node's test runner checks it against tests/vectors/journal-v1.json and
// the browser bundles the same code. A change that alters a byte here breaks journals already written:
// it needs a "v2" that still opens v1.
import { argon2idAsync } from "@noble/hashes/argon2.js";
import { hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils.js";

export { bytesToHex, concatBytes, hexToBytes };

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export const utf8 = (text) => encoder.encode(text);
export const fromUtf8 = (bytes) => decoder.decode(bytes);

export const VERSION = 1;
export const SALT_PREFIX = "ustoo-journal-v1";
export const INFO = {
  lookup: "ustoo journal v1 lookup",
  kek: "ustoo journal v1 key-encryption",
  recovery: "ustoo journal v1 recovery",
  entry: "ustoo journal v1 entry",
};
export const AAD = {
  wrappedKey: "ustoo journal v1 wrapped key",
  entry: "ustoo journal v1 entry",
  attachment: "ustoo journal v1 attachment",
};
export const NONCE_BYTES = 12;
export const ENTRY_SALT_BYTES = 32;
export const ENTRY_BLOCK = 1024;
export const ATTACHMENT_BLOCK = 64 * 1024;

function webcrypto() {
  const found = globalThis.crypto;
  if (!found || !found.subtle) {
    // Only a page served over HTTPS (or from localhost) has WebCrypto.
    throw new Error("WebCrypto is not available here");
  }
  return found;
}

export function randomBytes(length) {
  const bytes = new Uint8Array(length);
  // getRandomValues fills at most 65,536 bytes per call.
  for (let start = 0; start < length; start += 65536) {
    webcrypto().getRandomValues(bytes.subarray(start, Math.min(length, start + 65536)));
  }
  return bytes;
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
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) {
    throw new Error("not base64url");
  }
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// Crockford's base32 (https://www.crockford.com/base32.html): no I, L, O or U, so nothing is misread.
const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function crockfordEncode(bytes) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD[(value << (5 - bits)) & 31];
  return out;
}

export function crockfordDecode(text, length) {
  const clean = text
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  if (clean.length !== Math.ceil((length * 8) / 5)) return null;
  const bytes = new Uint8Array(length);
  let bits = 0;
  let value = 0;
  let index = 0;
  for (const character of clean) {
    const digit = CROCKFORD.indexOf(character);
    if (digit < 0) return null;
    value = (value << 5) | digit;
    bits += 5;
    if (bits >= 8) {
      if (index < length) bytes[index++] = (value >>> (bits - 8)) & 255;
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return bytes;
}

// --- What a person types -------------------------------------------------------------------------

// Python's str.isspace() characters, so the browser splits words as core.receipts.normalise does.
const WHITE_SPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/u;

export function normaliseCodename(text) {
  const lowered = text.normalize("NFKC").toLowerCase().replace(/[-_.,;:]/g, " ");
  return lowered
    .split(WHITE_SPACE)
    .filter((word) => word !== "")
    .join(" ");
}

export function normalisePassphrase(text) {
  return (text || "").normalize("NFKC");
}

export function secretBytes(codename, passphrase) {
  return concatBytes(utf8(normaliseCodename(codename)), new Uint8Array([0]), utf8(normalisePassphrase(passphrase)));
}

// A uniform draw below `bound` (rejection sampling: no modulo bias).
export function uniformBelow(bound, random = randomBytes) {
  const limit = Math.floor(0x100000000 / bound) * bound;
  for (;;) {
    const bytes = random(4);
    const draw = ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
    if (draw < limit) return draw % bound;
  }
}

export const CODENAME_WORDS = 7;

export function newCodename(words, random = randomBytes) {
  if (words.length < 2) throw new Error("no word list");
  const chosen = [];
  for (let i = 0; i < CODENAME_WORDS; i++) chosen.push(words[uniformBelow(words.length, random)]);
  return chosen.join(" ");
}

export function codenameBits(wordCount) {
  return CODENAME_WORDS * Math.log2(wordCount);
}

// --- Keys ----------------------------------------------------------------------------------------

export function siteSaltBytes(siteSalt) {
  return concatBytes(utf8(SALT_PREFIX), typeof siteSalt === "string" ? fromBase64url(siteSalt) : siteSalt);
}

// Argon2id in plain JavaScript (the page's CSP allows no WebAssembly), giving the page back every
// `asyncTick` ms so it can show progress and stay responsive.
export async function deriveMaster(codename, passphrase, siteSalt, params, onProgress) {
  return argon2idAsync(secretBytes(codename, passphrase), siteSaltBytes(siteSalt), {
    m: params.m,
    t: params.t,
    p: params.p,
    dkLen: 32,
    version: 0x13,
    asyncTick: 25,
    maxmem: (params.m + 64) * 1024,
    onProgress,
  });
}

export function hkdfSha256(ikm, salt, info, length = 32) {
  return hkdf(sha256, ikm, salt, utf8(info), length);
}

export function accessKeys(master) {
  return {
    lookup: hkdfSha256(master, new Uint8Array(0), INFO.lookup),
    kek: hkdfSha256(master, new Uint8Array(0), INFO.kek),
  };
}

export const RECOVERY_BYTES = 20;

export function recoveryMaster(recoveryKey, siteSalt) {
  return hkdfSha256(recoveryKey, siteSaltBytes(siteSalt), INFO.recovery);
}

export function formatRecoveryKey(bytes) {
  return crockfordEncode(bytes).match(/.{4}/g).join("-");
}

export function parseRecoveryKey(text) {
  return crockfordDecode(text, RECOVERY_BYTES);
}

export function entryKeyOf(journalKey) {
  return hkdfSha256(journalKey, new Uint8Array(0), INFO.entry);
}

// --- AES-256-GCM (WebCrypto) ---------------------------------------------------------------------

async function aesKey(raw) {
  return webcrypto().subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

export async function seal(key, plaintext, aad, nonce = randomBytes(NONCE_BYTES)) {
  const sealed = await webcrypto().subtle.encrypt(
    { name: "AES-GCM", iv: nonce, additionalData: utf8(aad), tagLength: 128 },
    await aesKey(key),
    plaintext,
  );
  return concatBytes(nonce, new Uint8Array(sealed));
}

// Raises CannotOpen when the key is wrong or a byte was changed: AES-GCM tells nothing more.
export class CannotOpen extends Error {}

export async function unseal(key, ciphertext, aad) {
  if (ciphertext.length < NONCE_BYTES + 16) throw new CannotOpen("too short");
  try {
    const opened = await webcrypto().subtle.decrypt(
      { name: "AES-GCM", iv: ciphertext.subarray(0, NONCE_BYTES), additionalData: utf8(aad), tagLength: 128 },
      await aesKey(key),
      ciphertext.subarray(NONCE_BYTES),
    );
    return new Uint8Array(opened);
  } catch (error) {
    throw new CannotOpen(String(error));
  }
}

export function wrapKey(kek, journalKey, nonce) {
  return seal(kek, journalKey, AAD.wrappedKey, nonce);
}

export function unwrapKey(kek, wrapped) {
  return unseal(kek, wrapped, AAD.wrappedKey);
}

// --- Canonical JSON (RFC 8785, integers only) ----------------------------------------------------

function compareUtf16(a, b) {
  // JavaScript compares strings by UTF-16 code units, which is what RFC 8785 §3.2.3 asks.
  return a < b ? -1 : a > b ? 1 : 0;
}

export function canonicalJson(value) {
  if (value === null || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error("only integers in a journal entry");
    return JSON.stringify(value);
  }
  if (typeof value === "string") {
    if (!value.isWellFormed()) throw new Error("a string with a lone surrogate");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareUtf16);
    return "{" + keys.map((key) => canonicalJson(key) + ":" + canonicalJson(value[key])).join(",") + "}";
  }
  throw new Error("cannot be written in canonical JSON: " + typeof value);
}

// --- Padding -------------------------------------------------------------------------------------

export function padEntry(committed) {
  const needed = 4 + committed.length;
  let size = ENTRY_BLOCK;
  while (size < needed) size *= 2;
  const padded = new Uint8Array(size);
  new DataView(padded.buffer).setUint32(0, committed.length);
  padded.set(committed, 4);
  return padded;
}

export function unpadEntry(padded) {
  if (padded.length < 4) throw new CannotOpen("padding");
  const length = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (4 + length > padded.length) throw new CannotOpen("padding");
  return padded.subarray(4, 4 + length);
}

export function padAttachment(bytes) {
  const needed = 8 + bytes.length;
  const padded = new Uint8Array(Math.ceil(needed / ATTACHMENT_BLOCK) * ATTACHMENT_BLOCK);
  new DataView(padded.buffer).setBigUint64(0, BigInt(bytes.length));
  padded.set(bytes, 8);
  return padded;
}

export function unpadAttachment(padded) {
  if (padded.length < 8) throw new CannotOpen("padding");
  const length = Number(new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getBigUint64(0));
  if (8 + length > padded.length) throw new CannotOpen("padding");
  return padded.subarray(8, 8 + length);
}

// --- Entries -------------------------------------------------------------------------------------

// The browser's local time to the minute, with its offset: "2026-12-05T14:03+01:00".
export function localMinute(date = new Date()) {
  const two = (n) => String(n).padStart(2, "0");
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  return (
    `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}` +
    `T${two(date.getHours())}:${two(date.getMinutes())}` +
    `${sign}${two(Math.floor(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`
  );
}

// Text from a form can hold a lone surrogate (a broken paste); canonical JSON cannot.
const wellFormed = (text) => String(text ?? "").toWellFormed();

export function entryBody({ seq, prev, kind, fields = {}, text = "", amends = null, attachments = [], written }) {
  const cleanFields = {};
  for (const [id, answer] of Object.entries(fields)) {
    if (answer !== "") cleanFields[wellFormed(id)] = wellFormed(answer);
  }
  return {
    amends,
    attachments,
    fields: cleanFields,
    kind,
    prev,
    seq,
    text: wellFormed(text),
    v: VERSION,
    written: written ?? localMinute(),
  };
}

export function commitmentOf(committed) {
  return bytesToHex(sha256(committed));
}

export async function sealEntry(entryKey, body, { salt = randomBytes(ENTRY_SALT_BYTES), nonce } = {}) {
  const bodyBytes = utf8(canonicalJson(body));
  const committed = concatBytes(salt, bodyBytes);
  const ciphertext = await seal(entryKey, padEntry(committed), AAD.entry, nonce);
  return { committed, commitment: commitmentOf(committed), ciphertext, bodyBytes };
}

export async function openEntry(entryKey, ciphertext) {
  const committed = unpadEntry(await unseal(entryKey, ciphertext, AAD.entry));
  if (committed.length <= ENTRY_SALT_BYTES) throw new CannotOpen("too short");
  const bodyBytes = committed.subarray(ENTRY_SALT_BYTES);
  let body;
  try {
    body = JSON.parse(fromUtf8(bodyBytes));
  } catch (error) {
    throw new CannotOpen("not JSON: " + error);
  }
  return { committed, commitment: commitmentOf(committed), body, bodyBytes };
}

// --- Attachments ---------------------------------------------------------------------------------

// A photo is megabytes: its hash is WebCrypto's (native), not the JavaScript SHA-256 of small things.
export async function digestHex(bytes) {
  return bytesToHex(new Uint8Array(await webcrypto().subtle.digest("SHA-256", bytes)));
}

export async function sealAttachment(bytes, { key = randomBytes(32), nonce } = {}) {
  const [ciphertext, hash] = await Promise.all([seal(key, padAttachment(bytes), AAD.attachment, nonce), digestHex(bytes)]);
  return { key, ciphertext, sha256: hash };
}

export async function openAttachment(key, ciphertext) {
  return unpadAttachment(await unseal(key, ciphertext, AAD.attachment));
}

export function sha256Hex(bytes) {
  return bytesToHex(sha256(bytes));
}
