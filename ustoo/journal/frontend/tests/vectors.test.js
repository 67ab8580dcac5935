// Known answers (ustoo/journal/tests/vectors/journal-v1.json): the standard vectors through the same
// libraries the page uses, and the protocol's golden values, several of which Python computed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { argon2id } from "@noble/hashes/argon2.js";
import { extract, hkdf } from "@noble/hashes/hkdf.js";
import { sha256 } from "@noble/hashes/sha2.js";

import * as c from "../crypto.js";

const vectors = JSON.parse(
  readFileSync(new URL("../../tests/vectors/journal-v1.json", import.meta.url), "utf8"),
);
const gold = vectors.protocol_v1;
const hex = c.hexToBytes;
const toHex = c.bytesToHex;

test("Argon2id: RFC 9106 and the reference implementation", () => {
  for (const v of vectors.argon2id) {
    const tag = argon2id(hex(v.password), hex(v.salt), {
      t: v.t,
      m: v.m,
      p: v.p,
      dkLen: v.tag.length / 2,
      version: 0x13,
      key: v.secret ? hex(v.secret) : undefined,
      personalization: v.associated_data ? hex(v.associated_data) : undefined,
    });
    assert.equal(toHex(tag), v.tag, v.source);
  }
});

test("HKDF-SHA256: RFC 5869", () => {
  for (const v of vectors.hkdf_sha256) {
    assert.equal(toHex(extract(sha256, hex(v.ikm), hex(v.salt))), v.prk, v.source);
    assert.equal(toHex(hkdf(sha256, hex(v.ikm), hex(v.salt), hex(v.info), v.length)), v.okm, v.source);
  }
});

test("AES-256-GCM (WebCrypto): the GCM specification's test cases", async () => {
  for (const v of vectors.aes_256_gcm) {
    const key = await crypto.subtle.importKey("raw", hex(v.key), "AES-GCM", false, ["encrypt", "decrypt"]);
    const params = { name: "AES-GCM", iv: hex(v.iv), additionalData: hex(v.aad), tagLength: 128 };
    const sealed = new Uint8Array(await crypto.subtle.encrypt(params, key, hex(v.plaintext)));
    assert.equal(toHex(sealed), v.ciphertext + v.tag, v.source);
    const opened = new Uint8Array(await crypto.subtle.decrypt(params, key, sealed));
    assert.equal(toHex(opened), v.plaintext, v.source);
  }
});

test("a codename and a passphrase are normalised as the protocol says", () => {
  assert.equal(c.normaliseCodename(gold.access.codename_typed), gold.access.codename);
  assert.equal(c.normalisePassphrase(gold.access.passphrase_typed), gold.access.passphrase);
  assert.equal(
    toHex(c.secretBytes(gold.access.codename_typed, gold.access.passphrase_typed)),
    gold.access.secret,
  );
});

test("the golden codename and passphrase derive the golden master, lookup and key-encryption key", async () => {
  const progress = [];
  const master = await c.deriveMaster(
    gold.access.codename_typed,
    gold.access.passphrase_typed,
    gold.site_salt,
    gold.argon2,
    (fraction) => progress.push(fraction),
  );
  assert.equal(toHex(master), gold.access.master);
  assert.ok(progress.length > 0, "the page is told how far the derivation is");
  const { lookup, kek } = c.accessKeys(master);
  assert.equal(c.base64url(lookup), gold.access.lookup);
  assert.equal(toHex(kek), gold.access.kek);
});

test("the golden wrapped keys open to the journal key and wrap back to the same bytes", async () => {
  for (const access of [gold.access, gold.recovery]) {
    const kek = hex(access.kek);
    const journalKey = await c.unwrapKey(kek, c.fromBase64url(access.wrapped_key));
    assert.equal(toHex(journalKey), gold.access.journal_key);
    const wrapped = await c.wrapKey(kek, journalKey, hex(access.wrap_nonce));
    assert.equal(c.base64url(wrapped), access.wrapped_key);
  }
  await assert.rejects(
    c.unwrapKey(hex(gold.recovery.kek), c.fromBase64url(gold.access.wrapped_key)),
    c.CannotOpen,
  );
});

test("the golden recovery key: Crockford base32, forgiving to type, and its keys", () => {
  const bytes = hex(gold.recovery.bytes);
  assert.equal(c.formatRecoveryKey(bytes), gold.recovery.formatted);
  assert.equal(toHex(c.parseRecoveryKey(gold.recovery.typed)), gold.recovery.bytes);
  assert.equal(c.parseRecoveryKey(gold.recovery.formatted.slice(1)), null);
  assert.equal(c.parseRecoveryKey(gold.recovery.formatted.replace("R", "U")), null);
  const master = c.recoveryMaster(bytes, gold.site_salt);
  assert.equal(toHex(master), gold.recovery.master);
  const { lookup, kek } = c.accessKeys(master);
  assert.equal(c.base64url(lookup), gold.recovery.lookup);
  assert.equal(toHex(kek), gold.recovery.kek);
});

test("canonical JSON (RFC 8785 for integers, strings, arrays and objects)", () => {
  for (const v of gold.canonical_json) {
    assert.equal(c.canonicalJson(v.value), v.canonical, v.about);
  }
  assert.throws(() => c.canonicalJson({ a: 1.5 }));
  assert.throws(() => c.canonicalJson({ a: "\ud800" }));
});

test("the golden entries: body, committed bytes, commitment and ciphertext, opened and made again", async () => {
  const entryKey = c.entryKeyOf(hex(gold.access.journal_key));
  assert.equal(toHex(entryKey), gold.entry_key);
  let prev = "";
  for (const v of gold.entries) {
    assert.equal(c.canonicalJson(v.body), v.canonical);
    const opened = await c.openEntry(entryKey, c.fromBase64url(v.ciphertext));
    assert.deepEqual(opened.body, v.body);
    assert.equal(toHex(opened.committed), v.committed);
    assert.equal(opened.commitment, v.commitment);
    assert.equal(opened.body.prev, prev, "each entry names the one before it");
    prev = opened.commitment;
    const sealed = await c.sealEntry(entryKey, v.body, { salt: hex(v.salt), nonce: hex(v.nonce) });
    assert.equal(c.base64url(sealed.ciphertext), v.ciphertext);
    assert.equal(sealed.ciphertext.length - 28, v.padded_length);
  }
});

test("a changed byte anywhere in an entry's ciphertext is refused", async () => {
  const entryKey = hex(gold.entry_key);
  const ciphertext = c.fromBase64url(gold.entries[0].ciphertext);
  for (const position of [0, 12, 500, ciphertext.length - 1]) {
    const changed = ciphertext.slice();
    changed[position] ^= 1;
    await assert.rejects(c.openEntry(entryKey, changed), c.CannotOpen);
  }
  await assert.rejects(c.openEntry(entryKey, ciphertext.subarray(0, 100)), c.CannotOpen);
});

test("the golden attachment opens to its bytes, hashes to its sha256 and seals to the same ciphertext", async () => {
  const v = gold.attachment;
  const bytes = await c.openAttachment(hex(v.key), c.fromBase64url(v.ciphertext));
  assert.equal(toHex(bytes), v.bytes);
  assert.equal(c.sha256Hex(bytes), v.sha256);
  assert.equal(await c.digestHex(bytes), v.sha256);
  assert.equal(gold.entries[0].body.attachments[0].sha256, v.sha256);
  const sealed = await c.sealAttachment(bytes, { key: hex(v.key), nonce: hex(v.nonce) });
  assert.equal(c.base64url(sealed.ciphertext), v.ciphertext);
  assert.equal(v.padded_length % c.ATTACHMENT_BLOCK, 0);
});
