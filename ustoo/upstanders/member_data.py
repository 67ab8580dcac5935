"""What the upstanders app holds about a member (the actions they pledged while logged in), for their
export and their account deletion. Interventions, acknowledgements and words are never linked to
anyone, so there is nothing else."""

import secrets

from ustoo.upstanders.models import Pledge
from ustoo.upstanders.services import member_pledger_key


def export_pledges(member) -> list[dict]:
    pledges = Pledge.objects.filter(pledger=member_pledger_key(member.pk)).order_by("day", "action")
    return [{"action": pledge.action, "day": pledge.day.isoformat()} for pledge in pledges]


def erase_pledges(member) -> None:
    """The pledges stay counted, and lose their link to the member: each gets a key of its own, drawn
    at random, that nobody can tie to anyone."""
    for pledge in Pledge.objects.filter(pledger=member_pledger_key(member.pk)):
        Pledge.objects.filter(pk=pledge.pk).update(pledger=secrets.token_bytes(32))
