"""Keys derived from the site's ownership key, one per purpose.

OWNERSHIP_KEY never changes (receipts and tags made with it must keep working), so every key made
from it is a keyed hash of it under a purpose that names what the key is for: two purposes never
share a key, and none of them can be turned back into the ownership key."""

import hashlib
import hmac

from django.conf import settings


def derive(purpose: str) -> bytes:
    """A 32-byte key for `purpose` (a short fixed name such as "speak-once")."""
    return hmac.new(settings.OWNERSHIP_KEY.encode(), f"ustoo:{purpose}".encode(), hashlib.sha256).digest()


def keyed_hash(purpose: str, message: str) -> bytes:
    """HMAC-SHA256 of `message` under the key for `purpose`."""
    return hmac.new(derive(purpose), message.encode(), hashlib.sha256).digest()
