"""CSV exports, read through a column mapping (`text=Text,created_at=Created_at,lang=Lang,id=Id`).

Built for what people really bring, such as the 2019 #MeToo collection in shared/data:
- texts saved as Python bytes literals (`b'caf\\xc3\\xa9'`), damaged further (byte_literals.py): decoded, so
  `#MeToo\\xe2\\x80\\x99s` is #MeToo and not a tag `metoo2`;
- retweets whose leading `RT` was stripped (the text starts ` @user: `) and, in the bytes-literal rows whose
  `b'RT @` was cut off, texts starting `user: ` with a retweet count above zero (a retweet carries the count
  of the tweet it repeats, so it is at least one; an original that opens `Update: ` usually has none);
- replies whose text starts `@user` (once a literal's `b'` or `b"` is taken off), and, in the rows whose `b'@`
  was cut off, a handle followed by another (`user @other …`: the 2019 file has 474). A reply to one account
  whose `@` was cut starts `user ` and cannot be told from an original opening with a word: it counts as an
  original (which replies are too), so `replies` is a lower bound for such a file (the reader says so: see
  Meter.lower_bounds). Quotes cannot be told from text at all: without a `kind` column, `quotes` is one too;
- HTML entities left in, quoted fields holding newlines, times as `MM/DD/YYYY HH:MM` without a zone (UTC),
  and ids that went through a spreadsheet (`1.1846E+18`). Such ids are not ids any more, and rows identical
  in every column may be distinct posts (in the 2019 file, 720 retweets of one tweet by different accounts in
  the same minute). `dedupe` says what to do with them: "none" (the default) keeps every row of a file, and
  "content" counts rows identical in every column once. Either way a row is keyed by a hash of the whole row
  (with its occurrence, `#2`, `#3`, for a repeated row under "none"), so the same rows read again from another
  file (an overlapping export) are not counted twice.

A record that cannot be read is reported with its line and the next one is read: a field over the csv
module's size limit, a row with a field too many, a quote opened and never closed (the rows after it are
read again from the line after the one that opened it, instead of merging into one field).
"""

import csv
import html
import io
import itertools
import re
from collections import deque
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ustoo.movement.formats import byte_literals
from ustoo.movement.formats.common import (
    content_key,
    parse_epoch,
    parse_iso,
    parse_twitter_date,
    tags_in_text,
)
from ustoo.movement.post import ORIGINAL, RECORD_ERRORS, REPLY, RETWEET, MalformedRecord, Post
from ustoo.movement.sources import Meter, open_binary

NAME = "csv"
PLATFORM = "twitter"
FIELDS = ("text", "created_at", "id", "lang", "author", "kind", "ref_id", "retweet_count")
# What a column is called when no mapping is given, in the order they are tried.
DEFAULT_COLUMNS = {
    "text": ("text", "Text", "full_text", "body", "content", "tweet"),
    "created_at": ("created_at", "Created_at", "created", "date", "timestamp", "time"),
    "id": ("id_str", "id", "Id", "tweet_id", "ID"),
    "lang": ("lang", "Lang", "language"),
    "author": ("author_id", "user_id", "author", "username", "screen_name", "user"),
    "retweet_count": ("retweet_count", "Retweet_count", "retweets", "RetweetCount"),
}
_LOSSY_ID = re.compile(r"^\s*\d+(\.\d+)?[eE][+-]?\d+\s*$")
_HANDLE = r"[A-Za-z0-9_]{1,15}"
_STRIPPED_RETWEET = re.compile(rf"^\s@{_HANDLE}: ")  # "RT" cut off, its space left
_CUT_RETWEET = re.compile(rf"^{_HANDLE}: ")  # "RT @" cut off as well
_CUT_REPLY = re.compile(rf"^{_HANDLE} +@{_HANDLE}")  # a reply to several accounts, the first "@" cut off
DEDUPE = ("none", "content")
_DATE_FORMATS = (
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M",
)
# A record longer than this is a quote opened and never closed, not a post.
MAX_RECORD_LINES = 1000
MAX_RECORD_CHARS = 1 << 20


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


def normalised_columns(spec: str | None) -> str:
    """The mapping in one canonical spelling, so that the same mapping written differently is the same."""
    return ",".join(f"{field}={column}" for field, column in sorted(parse_columns(spec).items()))


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


def kind_of(text: str, *, opening_cut: bool = False, retweet_count: int | None = None) -> str:
    """`opening_cut`: the text was a bytes literal whose `b'` (and a retweet's `RT @`) was cut off."""
    if text.startswith("RT @") or _STRIPPED_RETWEET.match(text):
        return RETWEET
    if opening_cut and _CUT_RETWEET.match(text) and (retweet_count is None or retweet_count > 0):
        return RETWEET
    if text.lstrip().startswith("@") or (opening_cut and _CUT_REPLY.match(text)):
        return REPLY
    return ORIGINAL


def _count(value: str | None) -> int | None:
    try:
        return int(float(value)) if value else None
    except ValueError:
        return None


def _resolve(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    columns = {}
    for field in FIELDS:
        if field in mapping:
            if mapping[field] not in header:
                raise MalformedRecord(
                    f"--columns names {mapping[field]!r}, which is not in the header "
                    f"({', '.join(repr(name) for name in header)})"
                )
            columns[field] = header.index(mapping[field])
            continue
        for candidate in DEFAULT_COLUMNS.get(field, ()):
            if candidate in header:
                columns[field] = header.index(candidate)
                break
    for needed in ("text", "created_at"):
        if needed not in columns:
            raise MalformedRecord(
                f"no {needed} column: name it with --columns {needed}=COLUMN "
                f"(the header has {', '.join(repr(name) for name in header)})"
            )
    return columns


class _Runaway(Exception):
    """The record being read has grown past MAX_RECORD_LINES or MAX_RECORD_CHARS."""


class _Lines:
    """The text's lines as csv.reader takes them, numbered, keeping the lines of the record being read so
    that a record which cannot be right is read again from its second line."""

    def __init__(self, stream: io.TextIOBase):
        self._stream = stream
        self._put_back: deque[tuple[int, str]] = deque()
        self._read = 0
        self.taken: list[tuple[int, str]] = []
        self._chars = 0

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        if self._put_back:
            number, line = self._put_back.popleft()
        else:
            line = self._stream.readline()
            if not line:
                raise StopIteration
            self._read += 1
            number = self._read
        self.taken.append((number, line))
        self._chars += len(line)
        if len(self.taken) > MAX_RECORD_LINES or self._chars > MAX_RECORD_CHARS:
            raise _Runaway
        return line

    def record_start(self) -> int:
        return self.taken[0][0] if self.taken else self._read + 1

    def record_lines(self) -> int:
        return len(self.taken)

    def next_record(self) -> None:
        self.taken = []
        self._chars = 0

    def again_from_second_line(self) -> None:
        """The current record is wrong: read the lines after its first again, as new records."""
        self._put_back.extendleft(reversed(self.taken[1:]))
        self.next_record()


def records(stream: io.TextIOBase) -> Iterator[tuple[int, list[str] | MalformedRecord]]:
    """(line the record starts on, its fields or why it cannot be read), skipping empty lines.

    The first record is the header. After it, a record whose width differs from the header's and which
    spans several lines is taken for a quote that was never closed: its first line is reported and the
    lines after it are read again."""
    lines = _Lines(stream)
    width = None
    while True:
        reader = csv.reader(lines)
        try:
            for row in reader:
                start, span = lines.record_start(), lines.record_lines()
                if not any(row):
                    lines.next_record()
                    continue
                if width is None:
                    width = len(row)
                elif len(row) != width:
                    if span > 1:
                        lines.again_from_second_line()
                        yield (
                            start,
                            MalformedRecord(
                                f"{len(row)} fields where the header has {width}, over {span} lines: "
                                "a quote opened on this line is not closed where it should be"
                            ),
                        )
                        break  # a fresh reader for the lines put back
                    lines.next_record()
                    yield start, MalformedRecord(f"{len(row)} fields where the header has {width}")
                    continue
                lines.next_record()
                yield start, row
            else:
                return
        except _Runaway:
            start = lines.record_start()
            lines.again_from_second_line()
            yield (
                start,
                MalformedRecord(
                    f"a quote opened on this line is still open {MAX_RECORD_LINES} lines or "
                    f"{MAX_RECORD_CHARS:,} characters later"
                ),
            )
        except csv.Error as error:
            start = lines.record_start()
            lines.again_from_second_line()
            yield start, MalformedRecord(f"unreadable CSV: {error}")


def iter_posts(
    path: Path, columns: str | None = None, meter: Meter | None = None, dedupe: str = "none", **options
) -> Iterator[tuple[int, list[Post] | Exception]]:
    if dedupe not in DEDUPE:
        raise ValueError(f"--dedupe: {dedupe!r} is not one of {', '.join(DEDUPE)}")
    meter = meter or Meter()
    mapping = parse_columns(columns)
    with open_binary(path, meter) as binary:
        # errors="replace": a byte that is not UTF-8 must not stop an import; the row still counts.
        found = records(io.TextIOWrapper(binary, encoding="utf-8-sig", errors="replace", newline=""))
        _line, header = next(found, (0, None))
        if header is None:
            return
        if isinstance(header, MalformedRecord):
            raise header
        index = _resolve(header, mapping)
        # Whether the texts are bytes literals is judged on the first rows, then holds for the whole file.
        first = list(itertools.islice(found, byte_literals.SAMPLE_ROWS))
        literals = byte_literals.looks_like_byte_literals(
            [row[index["text"]] for _line, row in first if isinstance(row, list)]
        )
        if "kind" not in index:
            meter.lower_bounds.add("quotes")
        seen: dict[str, int] = {}  # content keys of this file: how many rows held each
        for line, row in itertools.chain(first, found):
            if isinstance(row, Exception):
                yield line, row
                continue
            try:
                post, opening_cut = _row_to_post(row, index, literals=literals)
            except RECORD_ERRORS as error:
                yield line, error
                continue
            if opening_cut and "kind" not in index:
                meter.lower_bounds.add("replies")
            if post.id is None:
                occurrence = seen[post.key] = seen.get(post.key, 0) + 1
                if occurrence > 1:
                    meter.repeated_rows += 1
                    if dedupe == "none":
                        post = post._replace(key=f"{post.key}#{occurrence}")
            yield line, [post]


def _row_to_post(row: list[str], index: dict[str, int], *, literals: bool) -> tuple[Post, bool]:
    """The row's post, and whether its text was a bytes literal whose opening was cut off."""

    def get(field: str) -> str | None:
        return row[index[field]].strip() or None if field in index else None

    created = get("created_at")
    if not created:
        raise MalformedRecord("missing created_at")
    text, opening_cut = row[index["text"]], False
    if literals:
        text, opened = byte_literals.decode(text)
        opening_cut = not opened
    text = html.unescape(text)
    post_id = get("id")
    if post_id and _LOSSY_ID.match(post_id):
        post_id = None
    key = post_id or content_key(*row)  # the whole row as read
    kind = get("kind") or kind_of(text, opening_cut=opening_cut, retweet_count=_count(get("retweet_count")))
    post = Post(
        post_id,
        key,
        parse_time(created),
        get("author"),
        get("lang"),
        text,
        tags_in_text(text),
        kind,
        get("ref_id"),
    )
    return post, opening_cut
