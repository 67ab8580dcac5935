"""The formats the importer reads, and how one is recognised when `--format auto`.

A line format has `parse_line(bytes) -> list[Post]` and can be split across workers; a document format
(a JS or JSON file read whole, or CSV with its multi-line fields) has `iter_posts(path, **options)`.
"""

from pathlib import Path
from types import ModuleType

import orjson

from ustoo.movement.formats import archive, bluesky, csvexport, mastodon, reddit, twarc2, v1
from ustoo.movement.sources import inner_name, open_binary

FORMATS: dict[str, ModuleType] = {
    module.NAME: module for module in (twarc2, v1, archive, reddit, bluesky, mastodon, csvexport)
}
LINE_FORMATS = {"twarc2", "v1", "reddit", "bluesky"}


# Enough to tell a document format by its opening; a line format is told by its whole first record.
_HEAD_BYTES = 1 << 16
# A twarc2 page holds up to 100 posts with their users and referenced posts: often over a megabyte.
_FIRST_RECORD_MAX_BYTES = 64 << 20


class UnknownFormat(ValueError):
    pass


def _first_line(start: bytes, handle) -> bytes:
    """The first line of a file whose first bytes are `start`, read on from `handle` as far as it goes."""
    parts, size = [start], len(start)
    while b"\n" not in parts[-1] and size < _FIRST_RECORD_MAX_BYTES:
        chunk = handle.read(_HEAD_BYTES)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    return b"".join(parts).split(b"\n", 1)[0]


def detect(path: Path) -> str:
    name = inner_name(path)
    if name.startswith(("RC_", "RS_")):
        return "reddit"
    if name.startswith("tweets") and name.endswith(".js"):
        return "archive"
    if name == "outbox.json":
        return "mastodon"
    if name.endswith((".csv", ".tsv")):
        return "csv"
    with open_binary(path) as handle:
        head = handle.read(_HEAD_BYTES)
        stripped = head.lstrip()
        if stripped.startswith(b"window.YTD."):
            return "archive"
        if stripped.startswith(b"[") or b'"orderedItems"' in head:
            return "mastodon"
        first = _first_line(stripped, handle)
    try:
        record = orjson.loads(first)
    except orjson.JSONDecodeError:
        record = None
    if isinstance(record, dict):
        if "data" in record and ("includes" in record or "meta" in record or "__twarc" in record):
            return "twarc2"
        if "id_str" in record and ("user" in record or "delete" in record):
            return "v1"
        if "author_id" in record and "text" in record:
            return "twarc2"  # the flattened form
        if "did" in record and "time_us" in record:
            return "bluesky"
        if "subreddit" in record and "created_utc" in record:
            return "reddit"
        if "account" in record and "content" in record:
            return "mastodon"
    raise UnknownFormat(f"{path}: cannot tell the format; name it with --format")
