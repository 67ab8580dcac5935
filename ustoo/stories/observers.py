"""What the statements that make up the total contribute, and the signal sent when that changes."""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal

from ustoo.core.hashtags import extract_hashtags


@dataclass(frozen=True, slots=True)
class StatementFacts:
    """What the published figures may be computed from: a statement's buckets, nothing personal."""

    created_at: datetime.datetime
    language: str
    setting: str
    relation: str
    age_at_time: str
    harms: tuple[str, ...]
    country: str
    hashtags: tuple[str, ...]
    has_story: bool


def facts_of(statement, story=None) -> "StatementFacts | None":
    """The facts a counted statement contributes; None for one that does not count."""
    if not statement.counted:
        return None
    hashtags = tuple(extract_hashtags(f"{story.title}\n{story.text}")) if story is not None else ()
    return StatementFacts(
        created_at=statement.created_at,
        language=(story.language if story is not None and story.language else statement.language) or "",
        setting=statement.setting,
        relation=statement.relation,
        age_at_time=statement.age_at_time,
        harms=tuple(sorted(statement.harms or [])),
        country=statement.country_code,
        hashtags=hashtags,
        has_story=story is not None,
    )


# Sent inside the transaction that writes a statement, with its facts `before` and `after` the change
# (None when it did not exist or no longer counts), so that what apps above stories keep from them
# (magnitude's counters) commits or rolls back with the row. Stories never imports those apps.
counted_statement_changed = Signal()


def statement_changed(before: StatementFacts | None, after: StatementFacts | None) -> None:
    if before != after:
        counted_statement_changed.send(sender=StatementFacts, before=before, after=after)
