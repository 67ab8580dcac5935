"""The wall: newest public stories first, filtered, searched, paginated by keyset."""

import base64
import datetime
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef

from ustoo.core.form_fields import LARGEST_ID
from ustoo.stories.models import Story, StoryHashtag, StoryWarning


@dataclass(frozen=True)
class Cursor:
    published_at: datetime.datetime
    story_id: int

    def encode(self) -> str:
        raw = f"{self.published_at.isoformat()}|{self.story_id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> "Cursor | None":
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
            stamp, story_id = raw.split("|")
            published_at = datetime.datetime.fromisoformat(stamp)
            if published_at.tzinfo is None:
                return None
            # A crafted token must not reach the query: a moment that is no moment in UTC (year 1 at
            # UTC+14), or a number no story can have, overflowed there.
            published_at = published_at.astimezone(datetime.UTC)
            if not 0 < int(story_id) <= LARGEST_ID:
                return None
            return cls(published_at=published_at, story_id=int(story_id))
        except (ValueError, UnicodeDecodeError, OverflowError):
            return None


@dataclass(frozen=True)
class WallPage:
    stories: list[Story]
    next_cursor: Cursor | None


def wall_page(
    *,
    reader,
    size: int,
    cursor: Cursor | None = None,
    hashtag: str = "",
    language: str = "",
    query: str = "",
    hide_warnings: frozenset[str] = frozenset(),
) -> WallPage:
    stories = Story.objects.visible_to(reader)
    if language:
        stories = stories.filter(language=language)
    if hashtag:
        stories = stories.filter(Exists(StoryHashtag.objects.filter(story=OuterRef("pk"), tag=hashtag)))
    if query:
        stories = matching(stories, query)
    if hide_warnings:
        hidden = StoryWarning.objects.filter(story=OuterRef("pk"), warning__in=sorted(hide_warnings))
        stories = stories.exclude(Exists(hidden))
    if cursor is not None:
        stories = stories.filter(published_at__lte=cursor.published_at).exclude(
            published_at=cursor.published_at, id__gte=cursor.story_id
        )
    # One more than shown, to know whether an older page exists.
    found = list(stories.newest_first().select_related("statement")[: size + 1])
    page = found[:size]
    more = len(found) > size
    next_cursor = Cursor(page[-1].published_at, page[-1].id) if more and page else None
    return WallPage(stories=page, next_cursor=next_cursor)


def matching(stories, query: str):
    """Full-text search: PostgreSQL's text search, or FTS5 on SQLite."""
    if connection.vendor == "postgresql":
        # The same expression as the GIN index of migration 0009, so PostgreSQL uses it.
        return stories.annotate(search=SearchVector("title", "text", config="simple")).filter(
            search=SearchQuery(query, config="simple", search_type="websearch")
        )
    # FTS5's MATCH has no ORM lookup.
    return stories.extra(
        where=["stories_story.id IN (SELECT rowid FROM stories_story_fts WHERE stories_story_fts MATCH %s)"],
        params=[fts5_query(query)],
    )


def fts5_query(query: str) -> str:
    """Quote every word so user input is never parsed as FTS5 syntax; all words must match."""
    words = [word.replace('"', '""') for word in query.split()]
    return " ".join(f'"{word}"' for word in words if word) or '""'
