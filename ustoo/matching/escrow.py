"""The byte formats of an entry (PROTOCOL.md §3 and §4): the index, the line's coefficients, the owner's
x, the wrapped record key, the share, and the padded, encrypted record. The browser computes the same;
the counselor tool and the test client use this module."""

import json
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ustoo.matching import sharing
from ustoo.matching.oprf import ORDER

INDEX_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
RECORD_KEY_BYTES = 32
WRAPPED_BYTES = NONCE_BYTES + RECORD_KEY_BYTES + TAG_BYTES  # 60
SHARE_BYTES = 32 + 32 + WRAPPED_BYTES  # 124
SEALED_BYTES = 32 + SHARE_BYTES + TAG_BYTES  # 172
RECORD_AAD = b"ustoo matching v1 record"
WRAP_AAD = b"ustoo matching v1 wrap"
PAD_UNIT = 1024
PAD_MAX = 16 * 1024
# Every size a record's ciphertext can have: the nonce, 1, 2, 4, 8 or 16 KiB, the tag.
CIPHERTEXT_SIZES = frozenset(NONCE_BYTES + PAD_UNIT * 2**k + TAG_BYTES for k in range(5))


def hkdf(ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA256 with an empty salt (RFC 5869: a salt of zeros)."""
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(ikm)


def wide(data: bytes) -> int:
    return int.from_bytes(data, "little") % ORDER


def le32(value: int) -> bytes:
    return (value % ORDER).to_bytes(32, "little")


@dataclass(frozen=True)
class Line:
    """What one OPRF output gives: where the entry is filed, and the line its shares lie on."""

    index: bytes
    a0: int
    a1: int

    @classmethod
    def from_output(cls, output: bytes) -> "Line":
        return cls(
            index=hkdf(output, b"ustoo matching v1 index", INDEX_BYTES),
            a0=wide(hkdf(output, b"ustoo matching v1 coefficient 0", 64)),
            a1=wide(hkdf(output, b"ustoo matching v1 coefficient 1", 64)),
        )


def owner_x(owner: bytes, index: bytes) -> int:
    x = wide(hkdf(owner, b"ustoo matching v1 share x" + index, 64))
    if x == 0:  # probability 2^-252; refused rather than made a point that gives the secret away
        raise ValueError("x is zero")
    return x


def wrap_key(a0: int) -> bytes:
    return hkdf(le32(a0), b"ustoo matching v1 wrap", 32)


def wrap_record_key(a0: int, index: bytes, record_key: bytes, *, nonce: bytes | None = None) -> bytes:
    nonce = nonce or secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(wrap_key(a0)).encrypt(nonce, record_key, WRAP_AAD + index)


def unwrap_record_key(a0: int, index: bytes, wrapped: bytes) -> bytes:
    return AESGCM(wrap_key(a0)).decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], WRAP_AAD + index)


@dataclass(frozen=True)
class Share:
    point: sharing.Point
    wrapped: bytes

    def to_bytes(self) -> bytes:
        return le32(self.point.x) + le32(self.point.y) + self.wrapped

    @classmethod
    def from_bytes(cls, data: bytes) -> "Share":
        if len(data) != SHARE_BYTES:
            raise ValueError("a share is 124 bytes")
        x, y = int.from_bytes(data[:32], "little"), int.from_bytes(data[32:64], "little")
        if x >= ORDER or y >= ORDER or x == 0:
            raise ValueError("not a share")
        return cls(sharing.Point(x, y), data[64:])


def canonical_json(value) -> bytes:
    """Keys sorted, no white space, non-ASCII kept (what JSON.stringify writes for the same object)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def pad(body: bytes) -> bytes:
    framed = len(body).to_bytes(4, "big") + body
    size = PAD_UNIT
    while size < len(framed):
        size *= 2
    if size > PAD_MAX:
        raise ValueError("the record is longer than 16 KiB")
    return framed + bytes(size - len(framed))


def unpad(padded: bytes) -> bytes:
    length = int.from_bytes(padded[:4], "big")
    if length > len(padded) - 4:
        raise ValueError("not a padded record")
    return padded[4 : 4 + length]


def encrypt_record(record: dict, record_key: bytes, *, nonce: bytes | None = None) -> bytes:
    nonce = nonce or secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(record_key).encrypt(nonce, pad(canonical_json(record)), RECORD_AAD)


def decrypt_record(ciphertext: bytes, record_key: bytes) -> dict:
    padded = AESGCM(record_key).decrypt(ciphertext[:NONCE_BYTES], ciphertext[NONCE_BYTES:], RECORD_AAD)
    return json.loads(unpad(padded))
