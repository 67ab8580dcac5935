"""A Twitter/X account archive's `data/tweets.js` (or `tweets-partN.js`).

The file is JavaScript, not JSON: it starts `window.YTD.tweets.part0 = `. Every number in it is a string
("favorite_count": "3", "indices": ["0", "6"]), and retweets have no `retweeted_status`: only their text,
which
starts `RT @name:`. The archive's owner is in the `account.js` beside it; without it the author is unknown.
"""

import re
from collections.abc import Iterator
from pathlib import Path

import orjson

from ustoo.movement.formats.common import parse_twitter_date, require, tags_in_text, tags_of
from ustoo.movement.post import ORIGINAL, QUOTE, RECORD_ERRORS, REPLY, RETWEET, MalformedRecord, Post
from ustoo.movement.sources import Meter, open_binary

NAME = "archive"
PLATFORM = "twitter"
_PREFIX = re.compile(rb"^\s*window\.YTD\.[A-Za-z0-9_]+\.part\d+\s*=\s*")


def load_js(path: Path, meter: Meter | None = None) -> list:
    with open_binary(path, meter) as handle:
        raw = handle.read()
    match = _PREFIX.match(raw)
    if not match:
        raise MalformedRecord("no window.YTD.…part0 = prefix")
    try:
        return orjson.loads(raw[match.end() :].rstrip().rstrip(b";"))
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON after the prefix: {error}") from error


def archive_owner(path: Path) -> str | None:
    account = path.with_name("account.js")
    if not account.exists():
        return None
    try:
        entries = load_js(account)
        return str(entries[0]["account"]["accountId"])
    except (MalformedRecord, LookupError, TypeError):
        return None


def tweet_to_post(tweet: dict, owner: str | None) -> Post:
    require(tweet, "id_str", "created_at")
    text = tweet.get("full_text") or tweet.get("text") or ""
    if text.startswith("RT @"):
        kind, ref_id = RETWEET, None  # the archive does not say which tweet was repeated
    elif tweet.get("in_reply_to_status_id_str"):
        kind, ref_id = REPLY, tweet["in_reply_to_status_id_str"]
    elif tweet.get("quoted_status_id_str"):
        kind, ref_id = QUOTE, tweet["quoted_status_id_str"]
    else:
        kind, ref_id = ORIGINAL, None
    hashtags = tags_of(tweet.get("entities"), "text") or tags_in_text(text)
    return Post(
        tweet["id_str"],
        tweet["id_str"],
        parse_twitter_date(tweet["created_at"]),
        owner,
        tweet.get("lang"),
        text,
        hashtags,
        kind,
        ref_id,
    )


def iter_posts(
    path: Path, meter: Meter | None = None, **options
) -> Iterator[tuple[int, list[Post] | Exception]]:
    """(item number, posts or why it is malformed); item numbers count from 1. One odd item (a hashtag
    whose text is null, a number where an object belongs) is one malformed item, never the end."""
    meter = meter or Meter()
    meter.unit = "item"
    entries = load_js(path, meter)
    if not isinstance(entries, list):
        raise MalformedRecord("the archive is not a list of tweets")
    meter.total_items = len(entries)
    owner = archive_owner(path)
    for number, entry in enumerate(entries, start=1):
        meter.items_done = number
        try:
            tweet = entry.get("tweet", entry) if isinstance(entry, dict) else None
            if not isinstance(tweet, dict):
                raise MalformedRecord("not a tweet object")
            yield number, [tweet_to_post(tweet, owner)]
        except RECORD_ERRORS as error:
            yield number, error
