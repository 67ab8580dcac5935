"""Bluesky's Jetstream: one JSON event per line.

Posts are `app.bsky.feed.post` creates (their hashtags from the text's tag facets, the text, and the
record's `tags`, which the poster added outside the text); reposts are `app.bsky.feed.repost` creates
(retweets, with the hashtags of the original found after import). Facet offsets count UTF-8 bytes, not
characters: slicing the Python string with them cuts the wrong text as soon as an emoji or accent comes first.
"""

import orjson

from ustoo.movement.formats.common import norm_tag, parse_epoch, parse_iso, tags_in_text
from ustoo.movement.post import ORIGINAL, QUOTE, REPLY, RETWEET, MalformedRecord, Post

NAME = "bluesky"
PLATFORM = "bluesky"
POST = "app.bsky.feed.post"
REPOST = "app.bsky.feed.repost"
_TAG = "app.bsky.richtext.facet#tag"


def facet_tags(text: str, facets: list | None) -> list[str]:
    tags = []
    encoded = None
    for facet in facets or ():
        features = facet.get("features") or ()
        if not any(feature.get("$type") == _TAG for feature in features):
            continue
        encoded = encoded if encoded is not None else text.encode("utf-8")
        index = facet.get("index") or {}
        try:
            shown = encoded[index["byteStart"] : index["byteEnd"]].decode("utf-8")
        except (KeyError, TypeError, UnicodeDecodeError):
            shown = ""
        if shown.startswith(("#", "＃")):
            tags.append(norm_tag(shown))
        else:  # offsets that do not land on a tag: trust the feature's own value
            tags.extend(norm_tag(f["tag"]) for f in features if f.get("$type") == _TAG and f.get("tag"))
    return tags


def _quoted_uri(embed: dict | None) -> str | None:
    if not embed:
        return None
    record = embed.get("record") or {}
    if "record" in record:  # app.bsky.embed.recordWithMedia nests it once more
        record = record["record"]
    return record.get("uri")


def parse_line(line: bytes) -> list[Post]:
    try:
        event = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON: {error}") from error
    if not isinstance(event, dict) or "did" not in event:
        raise MalformedRecord("not a Jetstream event")
    commit = event.get("commit")
    if event.get("kind") != "commit" or not commit or commit.get("operation") != "create":
        return []  # identity, account, delete and update events are not new posts
    collection = commit.get("collection")
    if collection not in (POST, REPOST):
        return []  # likes, follows, blocks
    record = commit.get("record")
    if not isinstance(record, dict) or not commit.get("rkey"):
        raise MalformedRecord("a commit without its record")
    did = event["did"]
    uri = f"at://{did}/{collection}/{commit['rkey']}"
    if record.get("createdAt"):
        created_at = parse_iso(record["createdAt"])
    elif event.get("time_us"):
        created_at = parse_epoch(event["time_us"] / 1_000_000)
    else:
        raise MalformedRecord("no createdAt")
    if collection == REPOST:
        subject = (record.get("subject") or {}).get("uri")
        return [Post(uri, uri, created_at, did, None, "", (), RETWEET, subject)]
    text = record.get("text") or ""
    # `tags`: tags the poster added that are not in the text
    extra = [norm_tag(tag) for tag in record.get("tags") or () if isinstance(tag, str) and tag.strip("#＃")]
    hashtags = tuple(dict.fromkeys([*facet_tags(text, record.get("facets")), *tags_in_text(text), *extra]))
    langs = record.get("langs") or ()
    if record.get("reply"):
        kind, ref_id = REPLY, ((record["reply"].get("parent") or {}).get("uri"))
    elif quoted := _quoted_uri(record.get("embed")):
        kind, ref_id = QUOTE, quoted
    else:
        kind, ref_id = ORIGINAL, None
    return [Post(uri, uri, created_at, did, langs[0] if langs else None, text, hashtags, kind, ref_id)]
