"""`ustoo movement import`: read files of any supported format into the store, idempotently and resumably.

A file is known by a fingerprint of its size and content (not its name), so importing it again adds nothing,
and a file whose import was interrupted resumes from the last committed batch. Posts go in by batches,
each in one
transaction with the file's progress and its malformed records. Large plain line files can be split into byte
ranges parsed by worker processes; the main process only writes what they return, in order.
"""

import hashlib
import multiprocessing
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import orjson
import pyarrow as pa
import pyarrow.compute as pc
from tqdm import tqdm

from ustoo.movement import fastpath, store
from ustoo.movement.authors import author_key, hash_prefix
from ustoo.movement.batches import BatchBuilder, enrich
from ustoo.movement.formats import FORMATS, LINE_FORMATS, detect
from ustoo.movement.post import MalformedRecord
from ustoo.movement.sources import compression_of, read_lines, split_ranges

# What a parser may raise on a record whose structure is not what the format promises.
PARSE_ERRORS = (
    MalformedRecord,
    KeyError,
    TypeError,
    AttributeError,
    ValueError,
    IndexError,
    orjson.JSONDecodeError,
)
DEFAULT_BATCH_SIZE = 20_000
IMPORT_MEMORY_LIMIT = "384MB"
PARALLEL_MIN_BYTES = 32 << 20
CHUNK_BYTES = 16 << 20


def reason_of(error: Exception) -> str:
    if isinstance(error, MalformedRecord):
        return str(error)
    return f"{type(error).__name__}: {error}"[:300]


def fingerprint(path: Path) -> str:
    """Size and content: whole for files up to 64 MiB, else the first, middle and last MiB."""
    size = path.stat().st_size
    digest = hashlib.blake2b(str(size).encode(), digest_size=16)
    with path.open("rb") as handle:
        if size <= 64 << 20:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        else:
            for position in (0, size // 2, size - (1 << 20)):
                handle.seek(position)
                digest.update(handle.read(1 << 20))
    return digest.hexdigest()


@dataclass
class FileOutcome:
    path: str
    format: str
    status: str  # "imported", "resumed", "already imported"
    posts_read: int = 0
    inserted: int = 0
    duplicates: int = 0
    malformed: int = 0
    content_keyed: int = 0
    malformed_examples: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class _Progress:
    byte_offset: int
    records: int


class Importer:
    def __init__(
        self,
        connection: duckdb.DuckDBPyConnection,
        *,
        dataset: str = "default",
        fmt: str = "auto",
        columns: str | None = None,
        keep_text: bool = False,
        classify: bool = True,
        workers: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE,
        show_progress: bool = False,
        after_commit: Callable[[FileOutcome], None] | None = None,
        fast: bool = True,
    ):
        self.connection = connection
        self.dataset = dataset
        self.fmt = fmt
        self.columns = columns
        self.keep_text = keep_text
        self.classify = classify
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.after_commit = after_commit  # lets tests interrupt an import between two batches
        self.fast = fast  # v1.1 and twarc2 through DuckDB (fastpath.py); False: the Python parsers only
        self.key = author_key()

    # -- one file ---------------------------------------------------------------------------------------

    def import_file(self, path: Path) -> FileOutcome:
        path = Path(path)
        started = time.perf_counter()
        fmt = detect(path) if self.fmt == "auto" else self.fmt
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        print_ = fingerprint(path)
        row = self.connection.execute(
            "SELECT status, byte_offset, records FROM files WHERE dataset = ? AND fingerprint = ?",
            [self.dataset, print_],
        ).fetchone()
        outcome = FileOutcome(str(path), fmt, "imported")
        if row and row[0] == "done":
            outcome.status = "already imported"
            return outcome
        if row:
            outcome.status = "resumed"
            progress = _Progress(byte_offset=row[1], records=row[2])
        else:
            stat = path.stat()
            self.connection.execute(
                "INSERT INTO files (dataset, path, fingerprint, size, mtime, format, status, started_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'importing', now())",
                [self.dataset, str(path.resolve()), print_, stat.st_size, stat.st_mtime, fmt],
            )
            progress = _Progress(byte_offset=0, records=0)
        self._fingerprint = print_
        module = FORMATS[fmt]
        builder = BatchBuilder(
            dataset=self.dataset,
            platform=module.PLATFORM,
            author_key=self.key,
            keep_text=self.keep_text,
            classify=self.classify,
        )
        if fmt in fastpath.FAST_FORMATS and self.fast:
            self._import_fast(path, fmt, module, progress, outcome)
        elif fmt in LINE_FORMATS:
            plain = compression_of(path) is None
            if (
                plain
                and self.workers > 1
                and path.stat().st_size - progress.byte_offset >= PARALLEL_MIN_BYTES
            ):
                self._import_lines_parallel(path, fmt, progress, outcome)
            else:
                self._import_lines(path, module, builder, progress, outcome)
        else:
            self._import_document(path, module, builder, progress, outcome)
        self.connection.execute(
            "UPDATE files SET status = 'done', finished_at = now() WHERE dataset = ? AND fingerprint = ?",
            [self.dataset, print_],
        )
        store.carry_original_hashtags(self.connection, self.dataset)
        outcome.seconds = time.perf_counter() - started
        return outcome

    # -- readers ----------------------------------------------------------------------------------------

    def _bar(self, path: Path, start: int) -> tqdm:
        total = path.stat().st_size if compression_of(path) is None else None
        return tqdm(
            total=total,
            initial=start,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=path.name[:30],
            disable=not self.show_progress,
            dynamic_ncols=True,
        )

    def _import_lines(self, path, module, builder, progress, outcome) -> None:
        parse_line = module.parse_line
        malformed: list[tuple[int, str]] = []
        line_number = progress.records
        offset = last_offset = progress.byte_offset
        batch_size = self.batch_size
        add = builder.add
        with self._bar(path, offset) as bar:
            for offset, line in read_lines(path, progress.byte_offset):
                line_number += 1
                if not line or line.isspace():
                    continue
                try:
                    add(parse_line(line))
                except PARSE_ERRORS as error:
                    malformed.append((line_number, reason_of(error)))
                if len(builder) >= batch_size:
                    self._commit(builder.take_counted(), malformed, offset, line_number, outcome)
                    malformed = []
                    bar.update(offset - last_offset)
                    last_offset = offset
                    self._postfix(bar, outcome)
            self._commit(builder.take_counted(), malformed, offset, line_number, outcome)
            bar.update(offset - last_offset)
            self._postfix(bar, outcome)

    def _import_fast(self, path, fmt, module, progress, outcome) -> None:
        """v1.1 and twarc2 lines: parsed by DuckDB chunk by chunk, odd lines by the format's Python parser.

        A commit holds one chunk (CHUNK_BYTES), or batch_size lines when a batch size below the default was
        asked for. With one worker everything runs in this thread. With more, that many threads parse and
        label chunks at once, each on its own DuckDB cursor (DuckDB, Arrow and numpy release the GIL), while
        this thread reads ahead and commits the finished chunks in file order."""
        connection = self.connection
        fastpath.prepare(connection)
        threads, memory = connection.execute(
            "SELECT current_setting('threads'), current_setting('memory_limit')"
        ).fetchone()
        connection.execute(f"SET threads = {int(self.workers)}")
        # Parsed chunks live in Python (Arrow); DuckDB needs little beyond them: keep its share small.
        connection.execute(f"SET memory_limit = '{IMPORT_MEMORY_LIMIT}'")
        per_commit = self.batch_size if self.batch_size < DEFAULT_BATCH_SIZE else None
        local = threading.local()

        def parse(job):
            end, chunk, offsets, first_number = job
            cursor = connection
            if self.workers > 1:
                cursor = getattr(local, "cursor", None)
                if cursor is None:
                    cursor = local.cursor = connection.cursor()
                    fastpath.prepare(cursor)
            return end, offsets.size - 1, *self._fast_batch(cursor, fmt, module, chunk, offsets, first_number)

        def jobs():
            line_number = progress.records
            chunk_bytes = fastpath.CHUNK_BYTES
            for end, chunk, offsets in fastpath.slices(path, progress.byte_offset, per_commit, chunk_bytes):
                yield end, chunk, offsets, line_number + 1
                line_number += offsets.size - 1

        line_number = progress.records
        try:
            with self._bar(path, progress.byte_offset) as bar, ThreadPoolExecutor(self.workers) as pool:
                previous = progress.byte_offset
                results = (
                    map(parse, jobs()) if self.workers == 1 else _ordered(pool, parse, jobs(), self.workers)
                )
                for end, count, table, content_keyed, malformed in results:
                    line_number += count
                    self._commit((table, content_keyed), malformed, end, line_number, outcome)
                    bar.update(end - previous)
                    previous = end
                    self._postfix(bar, outcome)
        finally:
            connection.execute(f"SET threads = {int(threads)}")
            connection.execute(f"SET memory_limit = '{memory}'")

    def _fast_batch(self, cursor, fmt, module, chunk, offsets, first_number):
        """One batch of lines (numbered from first_number): the posts table, how many posts are keyed by
        content, the malformed lines."""
        lines = fastpath.line_table(chunk, offsets, first_number)
        if fastpath.valid_utf8(lines):
            cursor.register("lines", fastpath.batched(lines))
            try:
                result = cursor.sql(
                    fastpath.statement(fmt),
                    params={"author_prefix": hash_prefix(self.key, module.PLATFORM)},
                ).to_arrow_table()
            finally:
                cursor.unregister("lines")
            ok = pc.fill_null(result.column("ok"), False)
            parsed = result.filter(pc.and_(ok, pc.is_valid(result.column("id")))).drop_columns(["n", "ok"])
            odd = np.unique(result.filter(pc.invert(ok)).column("n").to_numpy())
        else:  # bytes that are not UTF-8 somewhere: let the Python parser judge each line
            parsed = None
            odd = lines.column("n").to_numpy()
        del lines
        builder = BatchBuilder(
            dataset=self.dataset,
            platform=module.PLATFORM,
            author_key=self.key,
            keep_text=self.keep_text,
            classify=self.classify,
        )
        malformed: list[tuple[int, str]] = []
        parse_line = module.parse_line
        for number in odd.tolist():
            index = number - first_number
            line = bytes(chunk[offsets[index] : offsets[index + 1]])
            if not line or line.isspace():
                continue
            try:
                builder.add(parse_line(line))
            except PARSE_ERRORS as error:
                malformed.append((number, reason_of(error)))
        content_keyed = builder.content_keyed()
        tables = [builder.take()]
        if parsed is not None and parsed.num_rows:
            tables.append(
                enrich(
                    parsed,
                    dataset=self.dataset,
                    platform=module.PLATFORM,
                    keep_text=self.keep_text,
                    classify=self.classify,
                )
            )
        table = pa.concat_tables(tables) if len(tables) > 1 else tables[0]
        return table, content_keyed, malformed

    def _import_document(self, path, module, builder, progress, outcome) -> None:
        malformed: list[tuple[int, str]] = []
        number = progress.records
        try:
            items = module.iter_posts(path, columns=self.columns)
            with self._bar(path, 0) as bar:
                for number, result in items:
                    if number <= progress.records:
                        continue  # committed before an interruption
                    if isinstance(result, Exception):
                        malformed.append((number, reason_of(result)))
                    else:
                        builder.add(result)
                    if len(builder) >= self.batch_size:
                        self._commit(builder.take_counted(), malformed, 0, number, outcome)
                        malformed = []
                        self._postfix(bar, outcome)
        except MalformedRecord as error:  # the document as a whole cannot be read
            malformed.append((max(number, 1), reason_of(error)))
        self._commit(builder.take_counted(), malformed, 0, number, outcome)

    def _import_lines_parallel(self, path: Path, fmt: str, progress: _Progress, outcome: FileOutcome) -> None:
        ranges = list(split_ranges(path, CHUNK_BYTES, progress.byte_offset))
        jobs = [
            (str(path), fmt, start, end, self.dataset, self.key, self.keep_text, self.classify)
            for start, end in ranges
        ]
        line_base = progress.records
        # spawn, not fork: the parent holds DuckDB's threads and locks, which a forked child would inherit.
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.workers) as pool, self._bar(path, progress.byte_offset) as bar:
            previous = progress.byte_offset
            for end, lines, table, content_keyed, malformed in pool.imap(parse_range, jobs):
                shifted = [(line_base + number, reason) for number, reason in malformed]
                line_base += lines
                self._commit((table, content_keyed), shifted, end, line_base, outcome)
                bar.update(end - previous)
                previous = end
                self._postfix(bar, outcome)

    # -- writing ----------------------------------------------------------------------------------------

    def _commit(self, batch, malformed, byte_offset: int, records: int, outcome: FileOutcome) -> None:
        table, content_keyed = batch
        connection = self.connection
        connection.begin()
        try:
            inserted = store.insert_posts(connection, table) if table.num_rows else 0
            duplicates = table.num_rows - inserted
            if malformed:
                kept = connection.execute(
                    "SELECT count(*) FROM malformed WHERE dataset = ? AND path = ?",
                    [self.dataset, outcome.path],
                ).fetchone()[0]
                room = max(0, store.MALFORMED_KEPT_PER_FILE - kept)
                if room:
                    connection.executemany(
                        "INSERT INTO malformed VALUES (?, ?, ?, ?)",
                        [[self.dataset, outcome.path, number, reason] for number, reason in malformed[:room]],
                    )
            connection.execute(
                """
                UPDATE files SET byte_offset = ?, records = ?, posts_read = posts_read + ?,
                       inserted = inserted + ?, duplicates = duplicates + ?, malformed = malformed + ?,
                       content_keyed = content_keyed + ?
                WHERE dataset = ? AND fingerprint = ?
                """,
                [
                    byte_offset,
                    records,
                    table.num_rows,
                    inserted,
                    duplicates,
                    len(malformed),
                    content_keyed,
                    self.dataset,
                    self._fingerprint,
                ],
            )
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        outcome.posts_read += table.num_rows
        outcome.inserted += inserted
        outcome.duplicates += duplicates
        outcome.malformed += len(malformed)
        outcome.content_keyed += content_keyed
        outcome.malformed_examples.extend(malformed[: max(0, 20 - len(outcome.malformed_examples))])
        if self.after_commit:
            self.after_commit(outcome)

    def _postfix(self, bar: tqdm, outcome: FileOutcome) -> None:
        if bar.disable:
            return
        elapsed = max(bar.format_dict["elapsed"], 1e-9)
        bar.set_postfix(
            posts=outcome.posts_read,
            posts_s=f"{outcome.posts_read / elapsed:,.0f}",
            malformed=outcome.malformed,
            refresh=False,
        )


def _ordered(pool: ThreadPoolExecutor, function, items, workers: int):
    """function over items on the pool, results in order, at most workers + 1 items in flight."""
    pending: deque = deque()
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) > workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def parse_range(job) -> tuple:
    """Worker: parse one byte range of a plain line file into an Arrow batch (no database access)."""
    path, fmt, start, end, dataset, key, keep_text, classify = job
    module = FORMATS[fmt]
    builder = BatchBuilder(
        dataset=dataset, platform=module.PLATFORM, author_key=key, keep_text=keep_text, classify=classify
    )
    parse_line = module.parse_line
    malformed = []
    lines = 0
    for _offset, line in read_lines(Path(path), start, end):
        lines += 1
        if not line or line.isspace():
            continue
        try:
            builder.add(parse_line(line))
        except PARSE_ERRORS as error:
            malformed.append((lines, reason_of(error)))
    table, content_keyed = builder.take_counted()
    return end, lines, table, content_keyed, malformed


def import_paths(paths: list[Path], connection: duckdb.DuckDBPyConnection, **options) -> list[FileOutcome]:
    importer = Importer(connection, **options)
    return [importer.import_file(Path(path)) for path in paths]
