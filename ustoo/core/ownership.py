"""The keyed tag that links a member to what they said anonymously, without naming them.

Only the member's own pages use it (to list, export and delete their anonymous statements); it is
never shown, and without the server's secret it cannot be turned back into a member."""

import hashlib
import hmac

from django.conf import settings


def member_tag(member_id: int) -> bytes:
    key = hashlib.sha256(b"ustoo member tag\x00" + settings.OWNERSHIP_KEY.encode()).digest()
    return hmac.new(key, str(member_id).encode(), hashlib.sha256).digest()
