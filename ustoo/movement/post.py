"""One post as every format hands it to the store, before the author is hashed."""

from datetime import datetime
from typing import NamedTuple

import orjson

ORIGINAL = "original"
REPLY = "reply"
QUOTE = "quote"
RETWEET = "retweet"  # boosts (Mastodon) and reposts (Bluesky) are retweets too
KINDS = (ORIGINAL, REPLY, QUOTE, RETWEET)


class Post(NamedTuple):
    # A tuple, not a dataclass: a million of them pass through the importer, and tuples are the cheapest.
    id: str | None  # the platform's id; None where the source mangled it (a spreadsheet's 1.1846E+18)
    key: str  # what de-duplicates: the id where it is reliable, else a content key starting with "c:"
    created_at: datetime  # naive, UTC
    author: str | None  # the platform's account id; hashed before it is stored
    lang: str | None  # the platform's language tag
    text: str  # the full text (a retweet's is the original's where the source carries it)
    hashtags: tuple[str, ...]  # normalised, distinct
    kind: str
    ref_id: str | None  # the post replied to, quoted or repeated


class MalformedRecord(ValueError):
    """A record that cannot be read as a post; counted and reported, never fatal."""


# What a parser may raise on a record whose structure is not what the format promises ("account": "x" where
# an object belongs, a hashtag whose text is null): each is one malformed record, never the end of an import.
RECORD_ERRORS = (MalformedRecord, KeyError, TypeError, AttributeError, ValueError, IndexError)
# What a line parser may raise: the above, or JSON it cannot decode.
PARSE_ERRORS = (*RECORD_ERRORS, orjson.JSONDecodeError)


def reason_of(error: Exception) -> str:
    if isinstance(error, MalformedRecord):
        return str(error)
    return f"{type(error).__name__}: {error}"[:300]
