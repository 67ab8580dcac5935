"""Mastodon: statuses from the REST API (a JSON array, or one status per line) and an account archive's
`outbox.json` (ActivityPub). Text is HTML; boosts (`reblog`, `Announce`) are retweets.

An array cut off by a download that stopped keeps its complete statuses; the one it stopped inside is one
malformed item.

Ids are per server, so a status is known by its `uri`, which is the same on every server.
"""

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path

import orjson

from ustoo.movement.formats.common import norm_tag, parse_iso, require, tags_in_text
from ustoo.movement.post import ORIGINAL, QUOTE, RECORD_ERRORS, REPLY, RETWEET, MalformedRecord, Post
from ustoo.movement.sources import Meter, open_binary

NAME = "mastodon"
PLATFORM = "mastodon"
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_PARAGRAPH_END = re.compile(r"</p>\s*", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def html_to_text(markup: str) -> str:
    text = _PARAGRAPH_END.sub("\n\n", _BREAK.sub("\n", markup))
    return html.unescape(_TAG.sub("", text)).strip()


def _hashtags(text: str, tags: list | None) -> tuple[str, ...]:
    named = [norm_tag(tag["name"]) for tag in tags or () if isinstance(tag, dict) and tag.get("name")]
    return tuple(dict.fromkeys([*named, *tags_in_text(text)]))


def status_to_post(status: dict) -> Post:
    require(status, "created_at")
    uri = status.get("uri") or status.get("url") or status.get("id")
    if not uri:
        raise MalformedRecord("a status without uri or id")
    account = status.get("account") or {}
    if not isinstance(account, dict):
        raise MalformedRecord("account is not an object")
    author = account.get("uri") or account.get("url") or account.get("acct")
    created_at = parse_iso(status["created_at"])
    reblog = status.get("reblog")
    if reblog:
        text = html_to_text(reblog.get("content") or "")
        hashtags = _hashtags(text, reblog.get("tags"))
        return Post(
            uri, uri, created_at, author, reblog.get("language"), text, hashtags, RETWEET, reblog.get("uri")
        )
    text = html_to_text(status.get("content") or "")
    if status.get("in_reply_to_id"):
        kind, ref_id = REPLY, str(status["in_reply_to_id"])
    elif status.get("quote"):
        kind, ref_id = QUOTE, (status["quote"].get("quoted_status") or status["quote"]).get("uri")
    else:
        kind, ref_id = ORIGINAL, None
    return Post(
        uri,
        uri,
        created_at,
        author,
        status.get("language"),
        text,
        _hashtags(text, status.get("tags")),
        kind,
        ref_id,
    )


def activity_to_posts(activity: dict, actor: str | None) -> list[Post]:
    kind = activity.get("type")
    author = activity.get("actor") or actor
    if kind == "Announce":
        require(activity, "published")
        boosted = activity.get("object")
        boosted_uri = boosted if isinstance(boosted, str) else (boosted or {}).get("id")
        uri = activity.get("id") or f"{author}#announce:{boosted_uri}"
        return [Post(uri, uri, parse_iso(activity["published"]), author, None, "", (), RETWEET, boosted_uri)]
    if kind != "Create":
        return []
    note = activity.get("object")
    if not isinstance(note, dict):
        raise MalformedRecord("a Create without its object")
    require(note, "id")
    content_map = note.get("contentMap") or {}
    lang = next(iter(content_map), None)
    text = html_to_text(note.get("content") or next(iter(content_map.values()), ""))
    hashtags = _hashtags(
        text, [{"name": tag.get("name", "")} for tag in note.get("tag") or () if tag.get("type") == "Hashtag"]
    )
    quoted = note.get("quoteUri") or note.get("quoteUrl") or note.get("_misskey_quote")
    if note.get("inReplyTo"):
        post_kind, ref_id = REPLY, note["inReplyTo"]
    elif quoted:
        post_kind, ref_id = QUOTE, quoted
    else:
        post_kind, ref_id = ORIGINAL, None
    published = note.get("published") or activity.get("published")
    if not published:
        raise MalformedRecord("missing published")
    return [
        Post(
            note["id"],
            note["id"],
            parse_iso(published),
            note.get("attributedTo") or author,
            lang,
            text,
            hashtags,
            post_kind,
            ref_id,
        )
    ]


def parse_line(line: bytes) -> list[Post]:
    try:
        status = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON: {error}") from error
    if not isinstance(status, dict):
        raise MalformedRecord("not a JSON object")
    return [status_to_post(status)]


def iter_posts(
    path: Path, meter: Meter | None = None, **options
) -> Iterator[tuple[int, list[Post] | Exception]]:
    """(line or item number, posts or why it is malformed): lines for one status per line, items for a
    JSON array or an outbox (meter.unit says which). One odd record is one malformed record, never the end."""
    meter = meter or Meter()
    with open_binary(path, meter) as handle:
        raw = handle.read()
    start = raw.lstrip()[:1]
    if start not in (b"[", b"{") or (start == b"{" and b'"orderedItems"' not in raw[:1_000_000]):
        # One status per line.
        lines = raw.splitlines()
        meter.total_items = len(lines)
        for number, line in enumerate(lines, start=1):
            meter.items_done = number
            if not line.strip():
                continue
            try:
                yield number, parse_line(line)
            except RECORD_ERRORS as error:
                yield number, error
        return
    meter.unit = "item"
    cut_off = None
    try:
        document = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        if start != b"[":
            raise MalformedRecord(f"not JSON: {error}") from error
        document, cut_off = complete_items(raw)
    if isinstance(document, list):
        items, convert = document, lambda item: [status_to_post(item)]
    elif isinstance(document, dict):
        actor = document.get("actor") if isinstance(document.get("actor"), str) else None
        items, convert = document.get("orderedItems") or [], lambda item: activity_to_posts(item, actor)
        if not isinstance(items, list):
            raise MalformedRecord("orderedItems is not a list")
    else:
        raise MalformedRecord("neither a list of statuses nor an outbox")
    meter.total_items = len(items) + bool(cut_off)
    for number, item in enumerate(items, start=1):
        meter.items_done = number
        try:
            if not isinstance(item, dict):
                raise MalformedRecord("not a JSON object")
            yield number, convert(item)
        except RECORD_ERRORS as error:
            yield number, error
    if cut_off:
        meter.items_done = len(items) + 1
        yield len(items) + 1, MalformedRecord(cut_off)


def complete_items(raw: bytes) -> tuple[list, str | None]:
    """The items of a JSON array that was cut off (a download that stopped): every complete item, and why
    the rest cannot be read. Items are read one at a time only here, for a document orjson refused."""
    decoder = json.JSONDecoder()
    text = raw.decode("utf-8", errors="replace")
    position = text.index("[") + 1
    items: list = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text):
            return items, "the file is cut off here: it ends before the array's closing ]"
        if text[position] == "]":
            return items, None
        try:
            item, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            return items, f"the file is cut off inside this item: {error}"
        items.append(item)
