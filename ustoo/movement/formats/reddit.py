"""Reddit dumps from Pushshift / Arctic Shift: `RC_*` comments and `RS_*` submissions, one JSON object
per line.

Comments are replies (to a submission or a comment); submissions are originals. `created_utc` is a number in
some years and a string in others. Reddit gives no language, so one is detected.

Bodies and titles come HTML-escaped (`&amp;`, `&gt;`), and what people typed as an entity escaped once more
(`&amp;#x200B;`, the zero-width space of Reddit's markdown): unescaped twice, so that neither reads as a tag.
"""

import html

import orjson

from ustoo.movement.formats.common import parse_epoch, require, tags_in_text
from ustoo.movement.post import ORIGINAL, REPLY, MalformedRecord, Post

NAME = "reddit"
PLATFORM = "reddit"
_NO_AUTHOR = {"[deleted]", "[removed]", None, ""}


def unescape(text: str) -> str:
    return html.unescape(html.unescape(text)) if "&" in text else text


def parse_line(line: bytes) -> list[Post]:
    try:
        item = orjson.loads(line)
    except orjson.JSONDecodeError as error:
        raise MalformedRecord(f"not JSON: {error}") from error
    if not isinstance(item, dict):
        raise MalformedRecord("not a JSON object")
    require(item, "id", "created_utc")
    author = item.get("author")
    author = None if author in _NO_AUTHOR else str(author)
    if "body" in item:  # a comment
        post_id = "t1_" + str(item["id"]).removeprefix("t1_")
        text = unescape(item.get("body") or "")
        kind, ref_id = REPLY, item.get("parent_id")
    else:
        post_id = "t3_" + str(item["id"]).removeprefix("t3_")
        selftext = unescape(item.get("selftext") or "")
        text = unescape(item.get("title") or "") + ("\n\n" + selftext if selftext else "")
        kind, ref_id = ORIGINAL, None
    return [
        Post(
            post_id,
            post_id,
            parse_epoch(item["created_utc"]),
            author,
            None,
            text,
            tags_in_text(text),
            kind,
            ref_id,
        )
    ]
