"""The keyed tag that links a member to what they said anonymously, without naming them.

Only the member's own pages use it (to list, export and delete their anonymous statements); it is
never shown, and without the server's secret it cannot be turned back into a member."""

from ustoo.core import keys


def member_tag(member_id: int) -> bytes:
    return keys.keyed_hash("member-tag", str(member_id))
