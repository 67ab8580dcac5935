"""Authors are stored as a keyed hash: counts of people stay possible, handles never reach the store.

The key is derived from the server's OWNERSHIP_KEY, so the hash is stable across imports on one server
(distinct
authors can be counted across files) but cannot be recomputed by anyone holding only the database.
"""

import hashlib
import hmac

from django.conf import settings

_PURPOSE = b"ustoo.movement.author.v1"
_CACHE_LIMIT = 200_000  # bounded so memory stays flat on inputs with millions of accounts


def author_key() -> bytes:
    secret = settings.OWNERSHIP_KEY
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, _PURPOSE, hashlib.sha256).digest()


class AuthorHasher:
    def __init__(self, key: bytes, platform: str):
        self._key = key[:64]
        self._prefix = platform.encode() + b":"
        self._cache: dict[str, str] = {}

    def __call__(self, account_id: str | None) -> str | None:
        if not account_id:
            return None
        hashed = self._cache.get(account_id)
        if hashed is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            digest = hashlib.blake2b(self._prefix + account_id.encode(), key=self._key, digest_size=12)
            hashed = self._cache[account_id] = digest.hexdigest()
        return hashed
