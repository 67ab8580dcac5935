"""What waits for moderators, and in which order: the queue page, the menu's counts and the story
shown after a decision all read it from here, so they never disagree."""

from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from ustoo.stories.models import Reply, Status, Story
from ustoo.upstanders.models import OwnWords

# Danger first, then the oldest: nobody waits behind newer stories.
QUEUE_ORDER = ("-urgent", "created_at", "id")

_OPEN_FLAGS = Q(flags__resolved_at__isnull=True)


def waiting_stories() -> QuerySet[Story]:
    """Stories waiting for review, in the queue's order."""
    return Story.objects.filter(status=Status.PENDING).order_by(*QUEUE_ORDER)


def next_waiting_story(after: Story) -> Story | None:
    """The story to review after `after`: the next one waiting in the queue's order, else the first
    one waiting before it (one may still wait for its author's changes), else none."""
    others = waiting_stories().exclude(pk=after.pk)
    same_urgency_later = Q(urgent=after.urgent) & (
        Q(created_at__gt=after.created_at) | Q(created_at=after.created_at, id__gt=after.pk)
    )
    later = same_urgency_later | Q(urgent=False) if after.urgent else same_urgency_later
    return others.filter(later).first() or others.first()


def flagged_stories() -> QuerySet[Story]:
    """Stories with flags no moderator has answered yet, with how many and since when."""
    return (
        Story.objects.annotate(
            open_flags=Count("flags", filter=_OPEN_FLAGS),
            first_flag=Min("flags__created_at", filter=_OPEN_FLAGS),
        )
        .filter(open_flags__gt=0)
        .select_related("statement")
    )


def flagged_replies() -> QuerySet[Reply]:
    """Replies with flags no moderator has answered yet, with how many and since when."""
    return (
        Reply.objects.annotate(
            open_flags=Count("flags", filter=_OPEN_FLAGS),
            first_flag=Min("flags__created_at", filter=_OPEN_FLAGS),
        )
        .filter(open_flags__gt=0)
        .select_related("member")
    )


def with_open_flag_counts(stories_or_replies: QuerySet) -> QuerySet:
    return stories_or_replies.annotate(open_flags=Count("flags", filter=_OPEN_FLAGS))


@dataclass(frozen=True)
class Counts:
    pending: int
    hidden: int
    flagged: int
    upstanders: int  # words sent with pledges, interventions and acknowledgements (ustoo/upstanders)


def counts() -> Counts:
    """How much waits: stories to review, stories hidden, and flagged stories and replies."""
    return Counts(
        pending=Story.objects.filter(status=Status.PENDING).count(),
        hidden=Story.objects.filter(status=Status.HIDDEN).count(),
        flagged=flagged_stories().count() + flagged_replies().count(),
        upstanders=OwnWords.objects.waiting().count(),
    )
