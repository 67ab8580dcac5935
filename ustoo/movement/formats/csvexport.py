"""CSV exports, read through a column mapping (`text=Text,created_at=Created_at,lang=Lang,id=Id`).

Built for what people really bring, such as the 2019 #MeToo collection in shared/data: retweets whose leading
`RT` was stripped (the text starts ` @user: `), HTML entities left in, quoted fields holding newlines,
times as
`MM/DD/YYYY HH:MM` without a zone (UTC), and ids that went through a spreadsheet (`1.1846E+18`). Such ids are
not ids any more: posts are then de-duplicated on a content key made of the whole row.
"""

import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ustoo.movement.formats.common import (
    content_key,
    parse_epoch,
    parse_iso,
    parse_twitter_date,
    tags_in_text,
)
from ustoo.movement.post import ORIGINAL, REPLY, RETWEET, MalformedRecord, Post
from ustoo.movement.sources import open_binary

NAME = "csv"
PLATFORM = "twitter"
FIELDS = ("text", "created_at", "id", "lang", "author", "kind", "ref_id")
# What a column is called when no mapping is given, in the order they are tried.
DEFAULT_COLUMNS = {
    "text": ("text", "Text", "full_text", "body", "content", "tweet"),
    "created_at": ("created_at", "Created_at", "created", "date", "timestamp", "time"),
    "id": ("id_str", "id", "Id", "tweet_id", "ID"),
    "lang": ("lang", "Lang", "language"),
    "author": ("author_id", "user_id", "author", "username", "screen_name", "user"),
}
_LOSSY_ID = re.compile(r"^\s*\d+(\.\d+)?[eE][+-]?\d+\s*$")
_STRIPPED_RETWEET = re.compile(r"^\s?@\w{1,15}: ")
_DATE_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
)


def parse_columns(spec: str | None) -> dict[str, str]:
    mapping = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        field, _, column = part.partition("=")
        field = field.strip()
        if field not in FIELDS or not column:
            raise ValueError(f"--columns: {part!r} is not FIELD=Column with FIELD one of {', '.join(FIELDS)}")
        mapping[field] = column.strip()
    return mapping


def parse_time(value: str) -> datetime:
    value = value.strip()
    if value.isdigit():
        return parse_epoch(value)
    if len(value) == 30 and value[20:21] in "+-":
        return parse_twitter_date(value)
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(value, pattern)  # noqa: DTZ007 - CSV times without a zone are UTC
        except ValueError:
            continue
    return parse_iso(value)


def kind_of(text: str) -> str:
    if text.startswith("RT @") or _STRIPPED_RETWEET.match(text):
        return RETWEET
    if text.lstrip().startswith("@"):
        return REPLY
    return ORIGINAL


def _resolve(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    columns = {}
    for field in FIELDS:
        if field in mapping:
            if mapping[field] not in header:
                raise MalformedRecord(f"--columns names {mapping[field]!r}, which is not in the header")
            columns[field] = header.index(mapping[field])
            continue
        for candidate in DEFAULT_COLUMNS.get(field, ()):
            if candidate in header:
                columns[field] = header.index(candidate)
                break
    for needed in ("text", "created_at"):
        if needed not in columns:
            raise MalformedRecord(f"no {needed} column: name it with --columns {needed}=COLUMN")
    return columns


def iter_posts(
    path: Path, columns: str | None = None, **options
) -> Iterator[tuple[int, list[Post] | MalformedRecord]]:
    mapping = parse_columns(columns)
    with open_binary(path) as binary:
        # errors="replace": a byte that is not UTF-8 must not stop an import; the row still counts.
        reader = csv.reader(io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline=""))
        header = next(reader, None)
        if header is None:
            return
        index = _resolve(header, mapping)
        width = len(header)
        line = reader.line_num
        for row in reader:
            start_line, line = line + 1, reader.line_num
            if not any(row):
                continue
            try:
                if len(row) != width:
                    raise MalformedRecord(f"{len(row)} fields where the header has {width}")
                yield start_line, [_row_to_post(row, index)]
            except MalformedRecord as error:
                yield start_line, error


def _row_to_post(row: list[str], index: dict[str, int]) -> Post:
    def get(field: str) -> str | None:
        return row[index[field]].strip() or None if field in index else None

    raw_text = row[index["text"]]
    created = get("created_at")
    if not created:
        raise MalformedRecord("missing created_at")
    text = html.unescape(raw_text)
    post_id = get("id")
    if post_id and _LOSSY_ID.match(post_id):
        post_id = None
    author = get("author")
    key = post_id or content_key(*row)  # the whole row: two distinct posts rarely agree on every column
    kind = get("kind") or kind_of(text)
    return Post(
        post_id, key, parse_time(created), author, get("lang"), text, tags_in_text(text), kind, get("ref_id")
    )
