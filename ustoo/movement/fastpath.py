"""The fast path for the two big Twitter line formats (v1.1 tweets, twarc2 pages): DuckDB parses and shapes.

The Python parsers in formats/ turn every line into dicts and tuples, which costs several times what parsing
alone costs. Here a file is read in large chunks; each chunk's lines become one Arrow string column (cut at
the newlines found by memchr, no Python object per line), and one SQL statement parses them with DuckDB's
JSON reader (C++) into the store's columns: kind, reference, the text and hashtags of the original for a
retweet, the time as UTC, the author's keyed hash. A ChunkParser does this on its own one-thread DuckDB
connection, in the importing process or in each of its worker processes (importer.py).

The SQL takes only the lines whose shape it fully understands. Any other line (not JSON, a missing id, a
stream notice, a field of an unexpected type, a tweet without entities whose hashtags must come from its text)
goes through the format's own Python `parse_line`, so the two paths store the same posts and report the same
malformed lines with the same numbers; the tests import each fixture both ways and compare.

Chunks are committed with the file's progress (byte offset and line count), as the Python path commits
its batches, so an interrupted import resumes after the last commit.
"""

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ustoo.movement.authors import hash_prefix
from ustoo.movement.formats.common import norm_tag
from ustoo.movement.post import PARSE_ERRORS, reason_of
from ustoo.movement.sources import Meter, compression_of, open_binary

FAST_FORMATS = frozenset({"v1", "twarc2"})
CHUNK_BYTES = 16 << 20
SCAN_BATCH_LINES = 2048  # Arrow record batches: DuckDB spreads them over its threads

_HASHTAGS = {"hashtags": [{"text": "VARCHAR"}]}
_V1_TWEET = {
    "id_str": "VARCHAR",
    "created_at": "VARCHAR",
    "text": "VARCHAR",
    "full_text": "VARCHAR",
    "extended_tweet": {"full_text": "VARCHAR", "entities": _HASHTAGS},
    "entities": _HASHTAGS,
}
V1_STRUCTURE = json.dumps(
    {
        **_V1_TWEET,
        "user": {"id_str": "VARCHAR"},
        "lang": "VARCHAR",
        "in_reply_to_status_id_str": "VARCHAR",
        "is_quote_status": "VARCHAR",
        "quoted_status_id_str": "VARCHAR",
        "retweeted_status": _V1_TWEET,
        "delete": "JSON",
        "limit": "JSON",
        "scrub_geo": "JSON",
    }
)
_V2_TAGS = {"hashtags": [{"tag": "VARCHAR"}]}
_V2_TWEET = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "note_tweet": {"text": "VARCHAR", "entities": _V2_TAGS},
    "entities": _V2_TAGS,
}
TWARC2_STRUCTURE = json.dumps(
    {
        "data": [
            {
                **_V2_TWEET,
                "created_at": "VARCHAR",
                "author_id": "VARCHAR",
                "lang": "VARCHAR",
                "referenced_tweets": [{"type": "VARCHAR", "id": "VARCHAR"}],
            }
        ],
        "includes": {"tweets": [_V2_TWEET]},
    }
)

# Every statement yields, per line n: ok (the SQL understood the whole line) and, for ok lines, its posts with
# id, created_at, author_id, lang, text, tags (raw hashtags), kind, ref_id.
V1_SQL = f"""
WITH parsed AS (
    SELECT n, try(from_json(line, '{V1_STRUCTURE}')) AS t FROM lines
), leaves AS (  -- scalars and small lists only: a CASE over whole structs would copy them
    SELECT n, t IS NOT NULL AS is_object,
        t.retweeted_status IS NOT NULL AS is_rt, t.retweeted_status.id_str AS rt_id,
        t.id_str AS id, t.created_at AS created_at, t.user.id_str AS author_id, t.lang AS lang,
        t.in_reply_to_status_id_str AS reply_to, t.is_quote_status AS is_quote,
        t.quoted_status_id_str AS quoted,
        t.delete IS NULL AND t.limit IS NULL AND t.scrub_geo IS NULL AS not_notice,
        t.extended_tweet IS NOT NULL AS ext, t.extended_tweet.full_text AS ext_text,
        t.extended_tweet.entities IS NOT NULL AS ext_entities,
        list_transform(t.extended_tweet.entities.hashtags, lambda h: h.text) AS ext_tags,
        coalesce(nullif(t.full_text, ''), nullif(t.text, ''), '') AS own_text,
        list_transform(t.entities.hashtags, lambda h: h.text) AS own_tags,
        t.retweeted_status.extended_tweet IS NOT NULL AS rt_ext,
        t.retweeted_status.extended_tweet.full_text AS rt_ext_text,
        t.retweeted_status.extended_tweet.entities IS NOT NULL AS rt_ext_entities,
        list_transform(t.retweeted_status.extended_tweet.entities.hashtags, lambda h: h.text) AS rt_ext_tags,
        coalesce(nullif(t.retweeted_status.full_text, ''), nullif(t.retweeted_status.text, ''), '')
            AS rt_text,
        list_transform(t.retweeted_status.entities.hashtags, lambda h: h.text) AS rt_tags
    FROM parsed
), decided AS (
    SELECT n, id, author_id, lang, is_object, not_notice, is_rt, rt_id, is_quote, created_at AS created_text,
        CASE WHEN is_rt THEN rt_ext ELSE ext END AS use_ext,
        CASE WHEN is_rt THEN rt_ext_text ELSE ext_text END AS use_ext_text,
        CASE WHEN is_rt THEN rt_ext_entities ELSE ext_entities END AS use_ext_entities,
        CASE WHEN is_rt THEN (CASE WHEN rt_ext THEN coalesce(rt_ext_text, '') ELSE rt_text END)
             ELSE (CASE WHEN ext THEN coalesce(ext_text, '') ELSE own_text END) END AS text,
        CASE WHEN is_rt THEN (CASE WHEN rt_ext THEN rt_ext_tags ELSE rt_tags END)
             ELSE (CASE WHEN ext THEN ext_tags ELSE own_tags END) END AS tags,
        CASE WHEN is_rt THEN 'retweet'
             WHEN coalesce(reply_to, '') <> '' THEN 'reply'
             WHEN is_quote = 'true' AND coalesce(quoted, '') <> '' THEN 'quote'
             ELSE 'original' END AS kind,
        CASE WHEN is_rt THEN rt_id
             WHEN coalesce(reply_to, '') <> '' THEN reply_to
             WHEN is_quote = 'true' AND coalesce(quoted, '') <> '' THEN quoted
             END AS ref_id,
        CASE WHEN substr(created_at, 21, 5) = '+0000'
             THEN try_strptime(created_at, '%a %b %d %H:%M:%S +0000 %Y') END AS created_at
    FROM leaves
)
SELECT n,
    is_object AND not_notice AND coalesce(id, '') <> '' AND created_at IS NOT NULL
        AND (NOT is_rt OR rt_id IS NOT NULL)
        AND (NOT use_ext OR use_ext_text IS NOT NULL OR use_ext_entities)
        AND (is_quote IS NULL OR is_quote IN ('true', 'false'))
        AND NOT coalesce(list_contains(tags, NULL), false) AS ok,
    id, created_at, author_id, lang, text, tags, kind, ref_id
FROM decided
"""  # noqa: S608 - only constants are formatted into it

_V2_TAGS_OF = """
    list_transform(
        CASE WHEN {t}.note_tweet.entities IS NOT NULL THEN {t}.note_tweet.entities.hashtags
             ELSE {t}.entities.hashtags END,
        lambda h: h.tag)
"""
# the cases a struct cannot tell apart, or where the hashtags must be read from the text: left to Python
_V2_TAGS_KNOWN = """
    (({t}.note_tweet.entities IS NOT NULL AND {t}.note_tweet.entities.hashtags IS NOT NULL)
     OR ({t}.note_tweet.entities IS NULL AND {t}.entities IS NOT NULL))
"""
_V2_TEXT = "coalesce(nullif({t}.note_tweet.text, ''), {t}.text, '')"
# Pages are parsed once (MATERIALIZED: they are read three times); then each tweet, and each included
# original, is brought down to scalars and small lists before anything is joined or chosen.
TWARC2_SQL = f"""
WITH pages AS MATERIALIZED (
    SELECT n, p IS NOT NULL AND p.data IS NOT NULL AS page_ok, p.data AS data, p.includes.tweets AS included
    FROM (SELECT n, try(from_json(line, '{TWARC2_STRUCTURE}')) AS p FROM lines)
), tweets AS (
    SELECT n, unnest(data) AS t FROM pages WHERE data IS NOT NULL
), originals AS (
    SELECT n, id, any_value({{text: text, tags: tags, known: known}}) AS o FROM (
        SELECT n, r.id AS id, {_V2_TEXT.format(t="r")} AS text, {_V2_TAGS_OF.format(t="r")} AS tags,
               {_V2_TAGS_KNOWN.format(t="r")} AS known
        FROM (SELECT n, unnest(included) AS r FROM pages WHERE included IS NOT NULL)
    ) WHERE id IS NOT NULL GROUP BY n, id
), leaves AS (
    SELECT n, t.id AS id, t.created_at AS created_text, t.author_id AS author_id, t.lang AS lang,
        {_V2_TEXT.format(t="t")} AS own_text, {_V2_TAGS_OF.format(t="t")} AS own_tags,
        {_V2_TAGS_KNOWN.format(t="t")} AS own_known,
        list_sort(list_transform(t.referenced_tweets, lambda x, i: {{
            p: CASE x.type WHEN 'retweeted' THEN 0 WHEN 'replied_to' THEN 1 WHEN 'quoted' THEN 2 ELSE 9 END,
            i: i, type: x.type, id: x.id}}))[1] AS ref,
        coalesce(list_bool_or(list_transform(t.referenced_tweets, lambda x: x IS NULL)), false) AS odd_refs
    FROM tweets
), kinded AS (
    SELECT n, id, created_text, author_id, lang, own_text, own_tags, own_known, odd_refs, ref.id AS ref_id,
        CASE ref.type WHEN 'retweeted' THEN 'retweet' WHEN 'quoted' THEN 'quote'
             WHEN 'replied_to' THEN 'reply'
             ELSE 'original' END AS kind
    FROM leaves
), per_tweet AS (
    SELECT k.n, k.id, k.author_id, k.lang, k.kind, k.ref_id,
        CASE WHEN o.o IS NOT NULL THEN o.o.text ELSE k.own_text END AS text,
        CASE WHEN o.o IS NOT NULL THEN o.o.tags ELSE k.own_tags END AS tags,
        CASE WHEN regexp_full_match(k.created_text,
                  '\\d{{4}}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{{1,6}})?(Z|[+-]\\d\\d:\\d\\d)?')
             THEN try_cast(k.created_text AS TIMESTAMPTZ)::TIMESTAMP END AS created_at,
        NOT k.odd_refs AND coalesce(k.id, '') <> ''
            AND CASE WHEN o.o IS NOT NULL THEN o.o.known ELSE k.own_known END AS understood
    FROM kinded AS k LEFT JOIN originals AS o ON o.n = k.n AND o.id = k.ref_id AND k.kind = 'retweet'
), checked AS (
    SELECT *, understood AND created_at IS NOT NULL AND NOT coalesce(list_contains(tags, NULL), false) AS ok
    FROM per_tweet
), per_line AS (
    SELECT p.n, any_value(p.page_ok) AND coalesce(bool_and(w.ok), true) AS ok
    FROM pages AS p LEFT JOIN checked AS w ON w.n = p.n GROUP BY p.n
)
SELECT l.n, l.ok, w.id, w.created_at, w.author_id, w.lang, w.text, w.tags, w.kind, w.ref_id
FROM per_line AS l LEFT JOIN checked AS w ON w.n = l.n AND l.ok
"""  # noqa: S608 - only constants are formatted into it

# Every row of the source, with the posts of its understood lines in the store's columns (but for
# lang_detected and label, added in Python); hashtags NFKC- and case-folded (in SQL for ASCII ones, where
# that is lower(); strlen = length says so), distinct in order.
# An understood twarc2 page of no tweets gives one row with ok and no id. (No WHERE clause here: DuckDB 2.0
# then evaluates the JSON parsing many times over, 15 times slower.)
SHAPE_SQL = """
WITH found AS (
    SELECT n, coalesce(ok, false) AS ok, id, created_at, author_id, lang, text, kind, ref_id,
        list_transform(tags, lambda x:
            CASE WHEN strlen(x) = length(x) AND NOT starts_with(x, '#') THEN lower(x)
                 ELSE movement_norm_tag(x) END
        ) AS normed
    FROM ({source})
)
SELECT n, ok, id, id AS key, created_at,
       CASE WHEN coalesce(author_id, '') <> '' THEN left(sha256($author_prefix || author_id), 24) END
           AS author,
       nullif(lang, '') AS lang, text,
       -- no hashtags at all (a tweet without `entities`, or with entities but no `hashtags`): none, as the
       -- Python parsers read it
       coalesce(list_filter(normed, lambda x, i: list_position(normed, x) = i), []::VARCHAR[]) AS hashtags,
       kind, ref_id,
       -- as batches.text_hashes computes it, here at no extra pass
       CASE WHEN kind <> 'retweet' AND text <> '' THEN (md5_number_lower(text) >> 1)::BIGINT END AS text_hash
FROM found
"""


def _norm_tags(values: pa.Array) -> pa.Array:
    # Few distinct tags recur many times: normalise each distinct one, then spread them back.
    distinct = pc.unique(values)
    normed = pa.array([None if tag is None else norm_tag(tag) for tag in distinct.to_pylist()], pa.string())
    return normed.take(pc.index_in(values, value_set=distinct))


def prepare(connection: duckdb.DuckDBPyConnection) -> None:
    """Register the hashtag normaliser (NFKC and case folding, which SQL lacks) for non-ASCII tags."""
    connection.execute("SELECT 1").fetchall()  # settle any result left half-read, or DuckDB refuses
    # already registered by an earlier import on this connection: fine
    with contextlib.suppress(duckdb.CatalogException, duckdb.NotImplementedException):
        connection.create_function(
            "movement_norm_tag", _norm_tags, ["VARCHAR"], "VARCHAR", type="arrow", side_effects=False
        )


def statement(fmt: str) -> str:
    source = V1_SQL if fmt == "v1" else TWARC2_SQL
    return SHAPE_SQL.format(source=source)


def chunks(
    path: Path, start_offset: int, chunk_bytes: int = CHUNK_BYTES, meter: Meter | None = None
) -> Iterator[tuple[int, memoryview]]:
    """(offset just past the chunk, chunk): whole lines, uncompressed bytes counted as read_lines counts.

    A chunk is a view of its buffer's first bytes. Each is read into the same buffer (a fresh 32 MiB costs
    more to allocate than to fill), so a chunk is valid only until the next one is asked for: copy it to keep
    it."""
    with open_binary(path, meter) as handle:
        if start_offset:
            if compression_of(path) is None:
                handle.seek(start_offset)
            else:
                remaining = start_offset
                while remaining:
                    skipped = handle.read(min(remaining, 1 << 20))
                    if not skipped:
                        break
                    remaining -= len(skipped)
        position = start_offset
        buffer = bytearray(chunk_bytes)
        carried = 0  # bytes of an unfinished line, moved to the front of the buffer
        while True:
            if len(buffer) - carried < chunk_bytes // 2:  # a line longer than a chunk: a larger buffer
                larger = bytearray(2 * len(buffer))
                larger[:carried] = buffer[:carried]
                buffer = larger
            view = memoryview(buffer)
            filled = carried
            while filled < len(buffer):
                got = handle.readinto(view[filled:])
                if not got:
                    break
                filled += got
            if filled == carried:  # end of file
                if carried:
                    yield position + carried, view[:carried]
                return
            cut = buffer.rfind(b"\n", 0, filled) + 1
            if cut == 0:  # no end of line yet: read on
                carried = filled
                continue
            position += cut
            yield position, view[:cut]
            buffer[: filled - cut] = buffer[cut:filled]
            carried = filled - cut


def read_range(path: Path, start: int, end: int, buffer: bytearray) -> memoryview:
    """Bytes start to end of a plain file, read into the first bytes of buffer (at least that long)."""
    size = end - start
    view = memoryview(buffer)[:size]
    with path.open("rb") as handle:
        handle.seek(start)
        filled = 0
        while filled < size:
            got = handle.readinto(view[filled:])
            if not got:
                break
            filled += got
    return view[:filled]


_SHORT_LINES = 256  # bytes: below this average, newlines are found in one numpy pass, above by memchr


def line_offsets(buffer: bytes | bytearray, size: int) -> np.ndarray:
    """Where each line of the chunk (the buffer's first size bytes) starts, and the chunk's length last."""
    sample = min(size, 1 << 20)
    if buffer.count(b"\n", 0, sample) * _SHORT_LINES > sample:
        ends = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8, count=size) == 10) + 1
    else:
        found = []
        find = buffer.find
        position = find(b"\n", 0, size)
        while position >= 0:
            found.append(position + 1)
            position = find(b"\n", position + 1, size)
        ends = np.array(found, dtype=np.int64)
    if not ends.size or ends[-1] != size:
        ends = np.append(ends, size)
    offsets = np.zeros(ends.size + 1, dtype=np.int64)
    offsets[1:] = ends
    return offsets


def line_table(chunk: memoryview, offsets: np.ndarray, first_number: int) -> pa.Table:
    """The lines as an Arrow table (n, line) without a Python object per line."""
    count = offsets.size - 1
    lines = pa.LargeStringArray.from_buffers(count, pa.py_buffer(offsets), pa.py_buffer(chunk))
    numbers = pa.array(np.arange(first_number, first_number + count, dtype=np.int64))
    return pa.Table.from_arrays([numbers, lines], names=["n", "line"])


def valid_utf8(table: pa.Table) -> bool:
    try:
        table.column("line").chunk(0).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def batched(table: pa.Table) -> pa.Table:
    return pa.Table.from_batches(table.to_batches(max_chunksize=SCAN_BATCH_LINES), table.schema)


# -- parsing chunks, in the importing process or in worker processes ---------------------------------------


@dataclass
class ParsedSlice:
    """What a slice of lines became: its posts in the store's columns, and the lines that were not posts."""

    end: int  # byte offset just past the slice in the file
    lines: int
    table: pa.Table
    content_keyed: int  # posts keyed by content rather than by id
    malformed: list[tuple[int, str]]  # (line number counted from the slice's first line, 1, reason)


class ChunkParser:
    """Turns chunks of a v1.1 or twarc2 file into the store's rows, on its own in-memory DuckDB connection:
    the SQL for the lines it fully understands, the format's Python parser for the others; then languages
    and labels (batches.enrich)."""

    def __init__(self, fmt: str, *, dataset: str, author_key: bytes, keep_text: bool, classify: bool):
        from ustoo.movement.formats import FORMATS

        self.fmt = fmt
        self.module = FORMATS[fmt]
        self.dataset = dataset
        self.author_key = author_key
        self.keep_text = keep_text
        self.classify = classify
        self.sql = statement(fmt)
        self.params = {"author_prefix": hash_prefix(author_key, self.module.PLATFORM)}
        # One thread: the import's parallelism is its worker processes. The limit keeps a worker's share of
        # memory small (a 16 MiB chunk of twarc2 pages needs about half of it); what it parses lives in
        # Arrow, outside it.
        self.connection = duckdb.connect(":memory:", config={"threads": 1, "memory_limit": PARSER_MEMORY})
        prepare(self.connection)

    def close(self) -> None:
        self.connection.close()

    def parse(self, chunk: memoryview, end: int, lines_per_slice: int | None = None) -> list[ParsedSlice]:
        """A chunk (whole lines ending at byte offset `end` of the file; a view of its buffer's first
        bytes), cut into slices of at most lines_per_slice lines when given."""
        offsets = line_offsets(chunk.obj, len(chunk))
        count = offsets.size - 1
        if not lines_per_slice or count <= lines_per_slice:
            parsed = [self._slice(chunk, offsets, end)]
        else:
            start = end - len(chunk)
            parsed = []
            for first in range(0, count, lines_per_slice):
                last = min(first + lines_per_slice, count)
                low, high = int(offsets[first]), int(offsets[last])
                parsed.append(self._slice(chunk[low:high], offsets[first : last + 1] - low, start + high))
        # Arrow's allocator keeps what parsing freed for later; given back, a parser's memory stays a fifth
        # smaller, for no measurable time.
        pa.default_memory_pool().release_unused()
        return parsed

    def _slice(self, chunk: memoryview, offsets: np.ndarray, end: int) -> ParsedSlice:
        from ustoo.movement.batches import BatchBuilder, enrich

        lines = line_table(chunk, offsets, 1)
        if valid_utf8(lines):
            table, odd = self._shaped(lines)
        else:  # bytes that are not UTF-8 somewhere: let the Python parser judge each line
            table, odd = None, lines.column("n").to_numpy()
        del lines
        builder = BatchBuilder(
            dataset=self.dataset,
            platform=self.module.PLATFORM,
            author_key=self.author_key,
            keep_text=self.keep_text,
            classify=self.classify,
        )
        malformed: list[tuple[int, str]] = []
        parse_line = self.module.parse_line
        for number in odd.tolist():
            line = bytes(chunk[offsets[number - 1] : offsets[number]])
            if not line or line.isspace():
                continue
            try:
                builder.add(parse_line(line))
            except PARSE_ERRORS as error:
                malformed.append((number, reason_of(error)))
        content_keyed = builder.content_keyed()
        tables = [builder.take()]
        if table is not None and table.num_rows:
            tables.append(
                enrich(
                    table,
                    dataset=self.dataset,
                    platform=self.module.PLATFORM,
                    keep_text=self.keep_text,
                    classify=self.classify,
                )
            )
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        return ParsedSlice(end, offsets.size - 1, table, content_keyed, malformed)

    def _shaped(self, lines: pa.Table) -> tuple[pa.Table | None, np.ndarray]:
        """The posts of the lines the SQL understood, and the numbers of the others."""
        cursor = self.connection
        cursor.register("lines", batched(lines))
        try:
            result = cursor.sql(self.sql, params=self.params).to_arrow_table()
        except duckdb.OutOfMemoryException:
            # A slice too big for the parser's memory (one line of hundreds of megabytes): the Python parser
            # reads it, slowly, rather than the import stopping.
            return None, lines.column("n").to_numpy()
        finally:
            cursor.unregister("lines")
        ok = pc.fill_null(result.column("ok"), False)
        parsed = result.filter(pc.and_(ok, pc.is_valid(result.column("id")))).drop_columns(["n", "ok"])
        odd = np.unique(result.filter(pc.invert(ok)).column("n").to_numpy())
        return parsed, odd


PARSER_MEMORY = "256MB"

# A worker process holds one parser for the file it is given a share of.
_worker_parser: ChunkParser | None = None
_worker_buffer = bytearray()


def start_worker(fmt: str, options: dict) -> None:
    global _worker_parser
    _worker_parser = ChunkParser(fmt, **options)


def parse_in_worker(job: tuple) -> list[ParsedSlice]:
    """A job: (path, start, end, data, lines_per_slice); data is the bytes start to end, or None for the
    worker to read them from the (plain) file."""
    global _worker_buffer
    path, start, end, data, lines_per_slice = job
    if data is None:
        if len(_worker_buffer) < end - start:
            _worker_buffer = bytearray(end - start + (1 << 20))
        chunk = read_range(Path(path), start, end, _worker_buffer)
    else:
        chunk = memoryview(data)
    return _worker_parser.parse(chunk, end, lines_per_slice)
