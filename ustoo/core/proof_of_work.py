"""A small proof of work, asked of people without an account while the site is flooded.

The server signs a challenge (random bytes, difficulty, expiry); the browser finds a nonce such that
SHA-256(challenge ":" nonce) starts with `difficulty` zero bits (about 2^difficulty hashes), and
sends both back. Each challenge is accepted once. Nothing leaves our origin: no third-party CAPTCHA."""

import base64
import hashlib
import hmac
import secrets
import time

import orjson
from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

LIFETIME_SECONDS = 600


def _signature(payload: bytes) -> str:
    digest = salted_hmac("ustoo.proof-of-work", payload, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_challenge(difficulty: int | None = None) -> str:
    payload = orjson.dumps(
        {
            "r": secrets.token_hex(16),
            "d": difficulty if difficulty is not None else settings.POW_DIFFICULTY_BITS,
            "e": int(time.time()) + LIFETIME_SECONDS,
        }
    )
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _signature(payload)


def difficulty_of(challenge: str) -> int:
    payload, _signature_part = challenge.split(".", 1)
    return int(orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["d"])


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte == 0:
            bits += 8
            continue
        return bits + 8 - byte.bit_length()
    return bits


def is_solved(challenge: str, nonce: str) -> bool:
    """A genuine, unexpired, unused challenge with a nonce that meets its difficulty."""
    try:
        encoded, signature = challenge.split(".", 1)
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        if not hmac.compare_digest(signature, _signature(payload)):
            return False
        fields = orjson.loads(payload)
        if int(fields["e"]) < time.time() or len(nonce) > 32:
            return False
    except (ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return False
    digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
    if leading_zero_bits(digest) < int(fields["d"]):
        return False
    # Accepted once: a second use of the same solved challenge is refused.
    return cache.add(f"pow:{hashlib.sha256(challenge.encode()).hexdigest()}", 1, timeout=LIFETIME_SECONDS)


def solve(challenge: str) -> str:
    """Find a nonce in Python (for tests and API clients written in Python)."""
    difficulty = difficulty_of(challenge)
    counter = 0
    while True:
        nonce = format(counter, "x")
        if leading_zero_bits(hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()) >= difficulty:
            return nonce
        counter += 1
