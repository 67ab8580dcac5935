"""Authors are stored as a keyed hash: counts of people stay possible, handles never reach the store.

The key is derived from the server's OWNERSHIP_KEY, so the hash is stable across imports on one server
(distinct
authors can be counted across files) but cannot be recomputed by anyone holding only the database.

The hash is SHA-256 over the key (hex), the platform and the account id, cut to 24 hex digits (what stores
imported so far hold, so it stays). With a secret key and a truncated output it behaves as a keyed hash (no
length extension is possible without the full digest).
"""

import hashlib
import hmac

from django.conf import settings

_PURPOSE = b"ustoo.movement.author.v2"
_CACHE_LIMIT = 200_000  # bounded so memory stays flat on inputs with millions of accounts


def author_key() -> bytes:
    secret = settings.OWNERSHIP_KEY
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


class AuthorHasher:
    def __init__(self, key: bytes, platform: str):
        self._prefix = f"{key.hex()}{platform}:"
        self._cache: dict[str, str] = {}

    def __call__(self, account_id: str | None) -> str | None:
        if not account_id:
            return None
        hashed = self._cache.get(account_id)
        if hashed is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            digest = hashlib.sha256((self._prefix + account_id).encode("utf-8", "surrogatepass"))
            hashed = self._cache[account_id] = digest.hexdigest()[:24]
        return hashed
