"""Known answers for the journal's cryptography (tests/vectors/journal-v1.json), checked in Python with
argon2-cffi and cryptography, independently of the browser's code, which node --test checks against
the same file (frontend/tests/vectors.test.js). Several golden values were computed by the browser's
code: these tests are the second implementation that agrees with them, so a change on either side that
alters a byte of the protocol fails here or there."""

import base64
import hashlib
import json
import unicodedata
from pathlib import Path

import pytest
from argon2.low_level import Type, core, ffi, hash_secret_raw, lib
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ustoo.core import receipts

VECTORS = json.loads((Path(__file__).parent / "vectors" / "journal-v1.json").read_text("ascii"))
GOLD = VECTORS["protocol_v1"]
SALT_PREFIX = b"ustoo-journal-v1"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hkdf(ikm: bytes, salt: bytes, info: bytes, length: int = 32) -> bytes:
    return HKDF(hashes.SHA256(), length, salt, info).derive(ikm)


def argon2id_with_secret(v: dict) -> bytes:
    """Argon2id with a secret and associated data, which hash_secret_raw does not take: the reference
    implementation's own context, through argon2-cffi's bindings."""
    inputs = [bytes.fromhex(v[name]) for name in ("password", "salt", "secret", "associated_data")]
    buffers = [ffi.new("uint8_t[]", data) if data else ffi.NULL for data in inputs]
    out = ffi.new("uint8_t[]", len(v["tag"]) // 2)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": len(v["tag"]) // 2,
            "pwd": buffers[0],
            "pwdlen": len(inputs[0]),
            "salt": buffers[1],
            "saltlen": len(inputs[1]),
            "secret": buffers[2],
            "secretlen": len(inputs[2]),
            "ad": buffers[3],
            "adlen": len(inputs[3]),
            "t_cost": v["t"],
            "m_cost": v["m"],
            "lanes": v["p"],
            "threads": v["p"],
            "version": 0x13,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    assert core(context, Type.ID.value) == lib.ARGON2_OK
    return bytes(ffi.buffer(out, len(v["tag"]) // 2))


# --- Standard vectors ------------------------------------------------------------------------------


@pytest.mark.parametrize("v", VECTORS["argon2id"], ids=lambda v: v["source"][:40])
def test_argon2id_standard_vectors(v):
    if v["secret"] or v["associated_data"]:
        tag = argon2id_with_secret(v)
    else:
        tag = hash_secret_raw(
            bytes.fromhex(v["password"]), bytes.fromhex(v["salt"]), v["t"], v["m"], v["p"], 32, Type.ID
        )
    assert tag.hex() == v["tag"]


@pytest.mark.parametrize("v", VECTORS["hkdf_sha256"], ids=lambda v: v["source"][:30])
def test_hkdf_standard_vectors(v):
    ikm, salt, info = (bytes.fromhex(v[name]) for name in ("ikm", "salt", "info"))
    extract = hmac.HMAC(salt or bytes(32), hashes.SHA256())
    extract.update(ikm)
    assert extract.finalize().hex() == v["prk"]
    assert hkdf(ikm, salt, info, v["length"]).hex() == v["okm"]


@pytest.mark.parametrize("v", VECTORS["aes_256_gcm"], ids=lambda v: v["source"][-12:])
def test_aes_gcm_standard_vectors(v):
    key, iv, aad, plaintext = (bytes.fromhex(v[name]) for name in ("key", "iv", "aad", "plaintext"))
    sealed = AESGCM(key).encrypt(iv, plaintext, aad)
    assert sealed.hex() == v["ciphertext"] + v["tag"]
    assert AESGCM(key).decrypt(iv, sealed, aad) == plaintext


# --- The protocol's golden values -----------------------------------------------------------------


def normalise_codename(text: str) -> str:
    """PROTOCOL.md's normalising, written out apart from the browser's: NFKC, lowercase, the separators
    to spaces, runs of white space (str.isspace) to one space."""
    text = unicodedata.normalize("NFKC", text).lower()
    for separator in "-_.,;:":
        text = text.replace(separator, " ")
    return " ".join(text.split())


def canonical_json(value) -> str:
    """RFC 8785 for what an entry holds (no floats): keys sorted by UTF-16 code units."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        return "{" + ",".join(f"{canonical_json(key)}:{canonical_json(value[key])}" for key in keys) + "}"
    if isinstance(value, list):
        return "[" + ",".join(canonical_json(item) for item in value) + "]"
    assert not isinstance(value, float)
    return json.dumps(value, ensure_ascii=False)


def test_codename_and_passphrase_normalise_to_the_golden_secret():
    access = GOLD["access"]
    assert normalise_codename(access["codename_typed"]) == access["codename"]
    # The receipts' normalising (casefold rather than lower) agrees on what a codename is made of.
    assert receipts.normalise(access["codename_typed"]) == access["codename"]
    assert unicodedata.normalize("NFKC", access["passphrase_typed"]) == access["passphrase"]
    secret = access["codename"].encode() + b"\0" + access["passphrase"].encode()
    assert secret.hex() == access["secret"]


def test_golden_master_lookup_and_kek():
    access = GOLD["access"]
    salt = SALT_PREFIX + from_b64u(GOLD["site_salt"])
    params = GOLD["argon2"]
    master = hash_secret_raw(
        bytes.fromhex(access["secret"]), salt, params["t"], params["m"], params["p"], 32, Type.ID
    )
    assert master.hex() == access["master"]
    assert b64u(hkdf(master, b"", b"ustoo journal v1 lookup")) == access["lookup"]
    assert hkdf(master, b"", b"ustoo journal v1 key-encryption").hex() == access["kek"]


def test_golden_recovery_key():
    recovery = GOLD["recovery"]
    raw = bytes.fromhex(recovery["bytes"])
    crockford = (
        base64.b32encode(raw)
        .decode()
        .translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "0123456789ABCDEFGHJKMNPQRSTVWXYZ"))
    )
    assert "-".join(crockford[i : i + 4] for i in range(0, 32, 4)) == recovery["formatted"]
    master = hkdf(raw, SALT_PREFIX + from_b64u(GOLD["site_salt"]), b"ustoo journal v1 recovery")
    assert master.hex() == recovery["master"]
    assert b64u(hkdf(master, b"", b"ustoo journal v1 lookup")) == recovery["lookup"]
    assert hkdf(master, b"", b"ustoo journal v1 key-encryption").hex() == recovery["kek"]


@pytest.mark.parametrize("name", ["access", "recovery"])
def test_golden_wrapped_keys(name):
    access = GOLD[name]
    wrapped = from_b64u(access["wrapped_key"])
    kek = AESGCM(bytes.fromhex(access["kek"]))
    journal_key = kek.decrypt(wrapped[:12], wrapped[12:], b"ustoo journal v1 wrapped key")
    assert journal_key.hex() == GOLD["access"]["journal_key"]
    nonce = bytes.fromhex(access["wrap_nonce"])
    assert nonce + kek.encrypt(nonce, journal_key, b"ustoo journal v1 wrapped key") == wrapped
    with pytest.raises(InvalidTag):
        kek.decrypt(wrapped[:12], wrapped[12:], b"ustoo journal v1 entry")


@pytest.mark.parametrize("v", GOLD["canonical_json"], ids=lambda v: v["about"][:20])
def test_canonical_json(v):
    assert canonical_json(v["value"]) == v["canonical"]


def unpad(padded: bytes, length_bytes: int) -> bytes:
    length = int.from_bytes(padded[:length_bytes], "big")
    assert padded[length_bytes + length :] == bytes(len(padded) - length_bytes - length)
    return padded[length_bytes : length_bytes + length]


def test_golden_entries_open_chain_and_seal_again():
    entry_key = hkdf(bytes.fromhex(GOLD["access"]["journal_key"]), b"", b"ustoo journal v1 entry")
    assert entry_key.hex() == GOLD["entry_key"]
    aead, prev = AESGCM(entry_key), ""
    for seq, v in enumerate(GOLD["entries"], start=1):
        body = canonical_json(v["body"]).encode()
        assert body.decode() == v["canonical"]
        committed = bytes.fromhex(v["salt"]) + body
        assert committed.hex() == v["committed"]
        assert hashlib.sha256(committed).hexdigest() == v["commitment"]
        ciphertext = from_b64u(v["ciphertext"])
        padded = aead.decrypt(ciphertext[:12], ciphertext[12:], b"ustoo journal v1 entry")
        # The smallest 1 KiB x 2^k that holds the length and the committed bytes.
        assert len(padded) == v["padded_length"] >= 4 + len(committed) > len(padded) // 2
        assert len(padded) in {1024 * 2**k for k in range(20)}
        assert unpad(padded, 4) == committed
        assert (
            bytes.fromhex(v["nonce"])
            + aead.encrypt(bytes.fromhex(v["nonce"]), padded, b"ustoo journal v1 entry")
            == ciphertext
        )
        parsed = json.loads(body)
        assert (parsed["seq"], parsed["prev"], parsed["v"]) == (seq, prev, 1)
        prev = v["commitment"]


def test_golden_attachment():
    v = GOLD["attachment"]
    ciphertext = from_b64u(v["ciphertext"])
    aead = AESGCM(bytes.fromhex(v["key"]))
    padded = aead.decrypt(ciphertext[:12], ciphertext[12:], b"ustoo journal v1 attachment")
    assert len(padded) == v["padded_length"] and len(padded) % (64 * 1024) == 0
    original = unpad(padded, 8)
    assert original.hex() == v["bytes"]
    assert hashlib.sha256(original).hexdigest() == v["sha256"]
    assert GOLD["entries"][0]["body"]["attachments"][0]["sha256"] == v["sha256"]
    assert GOLD["entries"][0]["body"]["attachments"][0]["key"] == b64u(bytes.fromhex(v["key"]))
    nonce = bytes.fromhex(v["nonce"])
    assert nonce + aead.encrypt(nonce, padded, b"ustoo journal v1 attachment") == ciphertext
