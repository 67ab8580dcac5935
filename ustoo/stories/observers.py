"""Who else must know when the statements that make up the total change.

Apps above stories (magnitude keeps counters per bucket) register an observer here from their
AppConfig.ready(); stories never imports them. Each change is given as the statement's facts before
and after it (None when it did not exist or no longer counts), inside the transaction that writes
the statement, so counters and rows commit or roll back together; a transaction that writes several
statements (group commit) gives its changes in one call."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


Change = tuple["StatementFacts | None", "StatementFacts | None"]


Observer = Callable[[Sequence[Change]], None]
_observers: list[Observer] = []


def observe_statements(observer: Observer) -> None:
    """Register `observer`, called with the changes of each transaction as (before, after) pairs."""
    if observer not in _observers:
        _observers.append(observer)


def statement_changed(before: StatementFacts | None, after: StatementFacts | None) -> None:
    statements_changed([(before, after)])


def statements_changed(changes: Sequence[Change]) -> None:
    """The changes of one transaction: several when statements are written together."""
    changes = [(before, after) for before, after in changes if before != after]
    if not changes:
        return
    for observer in _observers:
        observer(changes)
