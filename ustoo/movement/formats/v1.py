"""Twitter API v1.1 tweets, one per line: the streaming API, Gnip's native format, hydrators' output.

Traps: ids are 64-bit and lose precision as JSON numbers, so `id_str` is used; dates look like
`Sun Oct 15 20:00:00 +0000 2017`; a long tweet's text and hashtags are in `extended_tweet`; a retweet's
text is
truncated and the full original is in `retweeted_status`.
"""

import orjson

from ustoo.movement.formats.common import parse_twitter_date, require, tags_of
from ustoo.movement.post import ORIGINAL, QUOTE, REPLY, RETWEET, MalformedRecord, Post

NAME = "v1"
PLATFORM = "twitter"


def _text_and_tags(tweet: dict) -> tuple[str, tuple[str, ...]]:
    extended = tweet.get("extended_tweet")
    if extended:
        return extended.get("full_text") or "", tags_of(extended.get("entities"), "text")
    text = tweet.get("full_text") or tweet.get("text") or ""
    return text, tags_of(tweet.get("entities"), "text")


def tweet_to_post(tweet: dict) -> Post:
    require(tweet, "id_str", "created_at")
    retweeted = tweet.get("retweeted_status")
    if retweeted:
        kind, ref_id = RETWEET, retweeted.get("id_str")
        text, hashtags = _text_and_tags(retweeted)
    else:
        if tweet.get("in_reply_to_status_id_str"):
            kind, ref_id = REPLY, tweet["in_reply_to_status_id_str"]
        elif tweet.get("is_quote_status") and tweet.get("quoted_status_id_str"):
            kind, ref_id = QUOTE, tweet["quoted_status_id_str"]
        else:
            kind, ref_id = ORIGINAL, None
        text, hashtags = _text_and_tags(tweet)
    user = tweet.get("user") or {}
    tweet_id = tweet["id_str"]
    return Post(
        tweet_id,
        tweet_id,
        parse_twitter_date(tweet["created_at"]),
        user.get("id_str"),
        tweet.get("lang"),
        text,
        hashtags,
        kind,
        ref_id,
    )


def parse_line(line: bytes) -> list[Post]:
    try:
        tweet = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON: {error}") from error
    if not isinstance(tweet, dict):
        raise MalformedRecord("not a JSON object")
    if "delete" in tweet or "limit" in tweet or "scrub_geo" in tweet:
        return []  # stream notices, not tweets
    return [tweet_to_post(tweet)]
