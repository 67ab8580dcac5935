"""Twitter API v2 as twarc2 writes it: one API response page per line, users and referenced tweets in
`includes`.

The flattened form (`twarc2 flatten`) has one tweet per line with `author` and the referenced tweets
folded in;
both are read here. A retweet's own text is cut at 140 characters, so it carries the hashtags of the tweet it
repeats, found in `includes.tweets` (or folded into `referenced_tweets` when flattened).
"""

import orjson

from ustoo.movement.formats.common import parse_iso, require, tags_in_text, tags_of
from ustoo.movement.post import ORIGINAL, QUOTE, REPLY, RETWEET, MalformedRecord, Post

NAME = "twarc2"
PLATFORM = "twitter"
_KIND = {"retweeted": RETWEET, "quoted": QUOTE, "replied_to": REPLY}
# When a tweet both quotes and replies, the reply is what it is in the conversation.
_PRECEDENCE = {RETWEET: 0, REPLY: 1, QUOTE: 2}


def _full_text(tweet: dict) -> str:
    note = tweet.get("note_tweet")  # tweets over 280 characters keep their text here
    if note and note.get("text"):
        return note["text"]
    return tweet.get("text") or ""


def _hashtags(tweet: dict, text: str) -> tuple[str, ...]:
    note = tweet.get("note_tweet")
    if note and note.get("entities"):
        return tags_of(note["entities"])
    entities = tweet.get("entities")
    if entities is not None:
        return tags_of(entities)
    return tags_in_text(text)


def tweet_to_post(tweet: dict, referenced: dict) -> Post:
    require(tweet, "id", "created_at")
    tweet_id = str(tweet["id"])
    kind = ORIGINAL
    ref_id = None
    refs = tweet.get("referenced_tweets")
    if refs:
        ref = min(refs, key=lambda item: _PRECEDENCE.get(_KIND.get(item.get("type")), 9))
        kind = _KIND.get(ref.get("type"), ORIGINAL)
        ref_id = str(ref.get("id")) if ref.get("id") is not None else None
    text = _full_text(tweet)
    if kind == RETWEET:
        original = referenced.get(ref_id) if ref_id else None
        if original is not None:
            text = _full_text(original)
            hashtags = _hashtags(original, text)
        else:
            hashtags = _hashtags(tweet, text)
    else:
        hashtags = _hashtags(tweet, text)
    return Post(
        tweet_id,
        tweet_id,
        parse_iso(tweet["created_at"]),
        tweet.get("author_id"),
        tweet.get("lang"),
        text,
        hashtags,
        kind,
        ref_id,
    )


def parse_line(line: bytes) -> list[Post]:
    try:
        page = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON: {error}") from error
    if not isinstance(page, dict):
        raise MalformedRecord("not a JSON object")
    data = page.get("data")
    if data is None:
        if ("meta" in page or "errors" in page) and "id" not in page:
            # A page with no tweets: `meta` with result_count 0, or only the API's `errors` (tweets deleted
            # or withheld since). An empty page, not a malformed one.
            return []
        return [_flattened(page)]
    if isinstance(data, dict):  # a single-tweet lookup response
        data = [data]
    includes = page.get("includes") or {}
    referenced = {str(tweet["id"]): tweet for tweet in includes.get("tweets") or () if "id" in tweet}
    return [tweet_to_post(tweet, referenced) for tweet in data]


def _flattened(tweet: dict) -> Post:
    if "text" not in tweet or "id" not in tweet:
        raise MalformedRecord("neither a twarc2 page nor a tweet")
    referenced = {
        str(ref["id"]): ref for ref in tweet.get("referenced_tweets") or () if "text" in ref and "id" in ref
    }
    return tweet_to_post(tweet, referenced)
