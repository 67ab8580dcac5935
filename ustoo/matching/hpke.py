"""HPKE (RFC 9180) as the matching escrow uses it: mode Base, single shot, suite
DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM (PROTOCOL.md §3 says why this suite).

pyhpke does the work; this module fixes the suite and the info string, and names the counselors' key by
its fingerprint. Checked against RFC 9180 Appendix A.1 in tests/test_hpke_vectors.py."""

import hashlib
import secrets

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from pyhpke import AEADId, CipherSuite, KDFId, KEMId

SUITE = CipherSuite.new(KEMId.DHKEM_X25519_HKDF_SHA256, KDFId.HKDF_SHA256, AEADId.AES128_GCM)
SUITE_NAME = "DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM"
KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0001
INFO = b"ustoo matching v1 share"
KEY_BYTES = 32
ENC_BYTES = 32
TAG_BYTES = 16


class CannotOpen(ValueError):
    """The sealed bytes were not sealed to this key, or were changed."""


def generate_key_pair() -> tuple[bytes, bytes]:
    """(private, public), 32 bytes each: DeriveKeyPair from 32 fresh random bytes."""
    return derive_key_pair(secrets.token_bytes(32))


def derive_key_pair(ikm: bytes) -> tuple[bytes, bytes]:
    pair = SUITE.kem.derive_key_pair(ikm)
    return pair.private_key.to_private_bytes(), pair.public_key.to_public_bytes()


def public_key_of(private_key: bytes) -> bytes:
    return X25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def fingerprint(public_key: bytes) -> str:
    """What people compare: hex of the first 16 bytes of a SHA-256 over the key (PROTOCOL.md §6)."""
    return hashlib.sha256(b"ustoo matching v1 counselor key" + public_key).digest()[:16].hex()


def readable_fingerprint(fingerprint_hex: str) -> str:
    """The fingerprint in 8 groups of 4, to read aloud and compare."""
    return " ".join(fingerprint_hex[i : i + 4] for i in range(0, len(fingerprint_hex), 4))


def seal(public_key: bytes, plaintext: bytes, aad: bytes, *, ephemeral_ikm: bytes | None = None) -> bytes:
    """enc || ct. `ephemeral_ikm` fixes the ephemeral key, for golden vectors only."""
    recipient = SUITE.kem.deserialize_public_key(public_key)
    ephemeral = SUITE.kem.derive_key_pair(ephemeral_ikm) if ephemeral_ikm is not None else None
    enc, context = SUITE.create_sender_context(recipient, INFO, eks=ephemeral)
    return enc + context.seal(plaintext, aad)


def open_sealed(private_key: bytes, sealed: bytes, aad: bytes) -> bytes:
    if len(sealed) < ENC_BYTES + TAG_BYTES:
        raise CannotOpen("too short to be sealed")
    try:
        recipient = SUITE.kem.deserialize_private_key(private_key)
        context = SUITE.create_recipient_context(sealed[:ENC_BYTES], recipient, INFO)
        return context.open(sealed[ENC_BYTES:], aad)
    except Exception as error:  # pyhpke raises its own errors and cryptography's InvalidTag
        raise CannotOpen("not sealed to this key, or changed") from error
