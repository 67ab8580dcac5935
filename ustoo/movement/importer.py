"""`ustoo movement import`: read files of any supported format into the store, idempotently and resumably.

A file is known by a fingerprint of its size and content (not its name) together with the format it was read
as and, for CSV, the column mapping: importing it again the same way adds nothing, a file whose import was
interrupted resumes from the last committed batch, and reading it again another way (the right --columns
after a wrong one) is a new import. A file of which nothing at all can be read is an error, not an import:
it leaves nothing behind, so the same command with a better --format or --columns starts afresh.

Posts go in by batches, each in one transaction with the file's progress and its malformed records. Large
line files can be parsed by worker processes (a plain file's byte ranges, which they read themselves); the
main process only writes what they return, in order.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
from tqdm import tqdm

from ustoo.movement import store
from ustoo.movement import workers as worker_processes
from ustoo.movement.authors import author_key
from ustoo.movement.batches import BatchBuilder
from ustoo.movement.formats import FORMATS, LINE_FORMATS, detect
from ustoo.movement.formats.csvexport import normalised_columns
from ustoo.movement.post import PARSE_ERRORS, reason_of
from ustoo.movement.sources import Meter, compression_of, read_lines, split_ranges

DEFAULT_BATCH_SIZE = 20_000
# Worker processes only for what is left of a plain file beyond this.
PARALLEL_MIN_BYTES = worker_processes.MIN_BYTES
CHUNK_BYTES = 16 << 20


# The row in `files` of the import under way: one file read one way (format, and column mapping for CSV).
_THIS_FILE = "dataset = ? AND fingerprint = ? AND format = ? AND coalesce(options, '') = ?"
_DEDUPE = "CASE WHEN content_keyed > 0 THEN ? END"  # the --dedupe choice, where it mattered
DOCUMENT_PROGRESS_EVERY = 1000  # records between two progress bar updates of a document format


class ImportFailed(ValueError):
    """Nothing in the file could be read as the format (and mapping) asked for; nothing was stored."""

    def __init__(self, outcome: "FileOutcome"):
        super().__init__(outcome.error)
        self.outcome = outcome


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
    status: str  # "imported", "resumed", "already imported", "failed"
    unit: str = "line"  # what malformed record numbers count: "line", or "item" in a JSON document
    error: str = ""  # why it failed
    posts_read: int = 0
    inserted: int = 0
    duplicates: int = 0
    malformed: int = 0
    content_keyed: int = 0
    content_key_duplicates: int = 0  # rows skipped because another row held the same content key
    repeated_rows: int = 0  # rows with lossy ids identical in every column to an earlier row of the file
    lower_bounds: list[str] = field(default_factory=list)  # counts this file can only undercount
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
        dedupe: str = "none",
        keep_text: bool = False,
        classify: bool = True,
        workers: int = 1,
        batch_size: int = DEFAULT_BATCH_SIZE,
        show_progress: bool = False,
        after_commit: Callable[[FileOutcome], None] | None = None,
    ):
        self.connection = connection
        self.dataset = dataset
        self.fmt = fmt
        self.columns = columns
        # CSV rows with lossy ids: "none" keeps every row, "content" merges identical ones
        self.dedupe = dedupe
        self.keep_text = keep_text
        self.classify = classify
        self.workers = max(1, workers)
        self.batch_size = batch_size
        self.show_progress = show_progress
        self.after_commit = after_commit  # lets tests interrupt an import between two batches
        self.key = author_key()

    # -- one file ---------------------------------------------------------------------------------------

    def import_file(self, path: Path) -> FileOutcome:
        path = Path(path)
        started = time.perf_counter()
        fmt = detect(path) if self.fmt == "auto" else self.fmt
        if fmt not in FORMATS:
            raise ValueError(f"unknown format {fmt!r}")
        options = ""
        if fmt == "csv":  # how it was read: another mapping or de-duplication is another import
            options = normalised_columns(self.columns) + (
                " dedupe=content" if self.dedupe == "content" else ""
            )
        self._file = [self.dataset, fingerprint(path), fmt, options]
        self._import_key = ":".join(self._file[1:])
        row = self.connection.execute(
            f"SELECT status, byte_offset, records FROM files WHERE {_THIS_FILE}",  # noqa: S608 - constant
            self._file,
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
                "INSERT INTO files (dataset, path, fingerprint, size, mtime, format, options, status, "
                "started_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'importing', now())",
                [self.dataset, str(path.resolve()), self._file[1], stat.st_size, stat.st_mtime, fmt, options],
            )
            progress = _Progress(byte_offset=0, records=0)
        module = FORMATS[fmt]
        builder = BatchBuilder(
            dataset=self.dataset,
            platform=module.PLATFORM,
            author_key=self.key,
            keep_text=self.keep_text,
            classify=self.classify,
        )
        if fmt in LINE_FORMATS:
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
        self._fail_if_nothing_was_read(outcome)
        self.connection.execute(
            f"UPDATE files SET status = 'done', finished_at = now() WHERE {_THIS_FILE}",  # noqa: S608 - constant
            self._file,
        )
        store.carry_original_hashtags(self.connection, self.dataset)
        outcome.seconds = time.perf_counter() - started
        return outcome

    def _fail_if_nothing_was_read(self, outcome: FileOutcome) -> None:
        """A file of which not one record could be read (over every run of this import) was read the wrong
        way: forget it, so that it is not 'already imported' when read again the right way."""
        posts_read, malformed = self.connection.execute(
            f"SELECT posts_read, malformed FROM files WHERE {_THIS_FILE}",  # noqa: S608 - constant
            self._file,
        ).fetchone()
        if posts_read or not malformed:
            return
        reasons = self.connection.execute(
            "SELECT line, reason FROM malformed WHERE dataset = ? AND import_key = ? ORDER BY line LIMIT 3",
            [self.dataset, self._import_key],
        ).fetchall()
        connection = self.connection
        connection.begin()
        try:
            connection.execute(f"DELETE FROM files WHERE {_THIS_FILE}", self._file)  # noqa: S608 - constant
            connection.execute(
                "DELETE FROM malformed WHERE dataset = ? AND import_key = ?", [self.dataset, self._import_key]
            )
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        examples = "; ".join(f"{outcome.unit} {number}: {reason}" for number, reason in reasons)
        hint = "--columns" if outcome.format == "csv" else "--format"
        outcome.status = "failed"
        outcome.error = (
            f"{outcome.path}: nothing could be read as {outcome.format} ({malformed} malformed: {examples}); "
            f"nothing was stored. Is the {hint} right?"
        )
        raise ImportFailed(outcome)

    # -- readers ----------------------------------------------------------------------------------------

    def _bar(self, path: Path, start: int) -> tqdm:
        """Bytes of the file as it lies on disk; for a compressed file, the compressed bytes read so far
        (see _advance), so that it has a total and an ETA too."""
        self._compressed = compression_of(path) is not None
        return tqdm(
            total=path.stat().st_size,
            initial=0 if self._compressed else start,
            unit="B",
            unit_scale=True,
            unit_divisor=1024,
            desc=path.name[:30],
            disable=not self.show_progress,
            dynamic_ncols=True,
        )

    def _advance(self, bar: tqdm, meter: Meter, offset: int) -> None:
        """Move the bar to `offset` (uncompressed bytes), or to the compressed bytes read for a compressed
        file, whose uncompressed size is not known until the end."""
        position = meter.bytes_read() if self._compressed else offset
        bar.update(max(0, min(position, bar.total or position) - bar.n))

    def _import_lines(self, path, module, builder, progress, outcome) -> None:
        parse_line = module.parse_line
        malformed: list[tuple[int, str]] = []
        line_number = progress.records
        offset = progress.byte_offset
        batch_size = self.batch_size
        add = builder.add
        meter = Meter()
        with self._bar(path, offset) as bar:
            for offset, line in read_lines(path, progress.byte_offset, meter=meter):
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
                    self._advance(bar, meter, offset)
                    self._postfix(bar, outcome)
            self._commit(builder.take_counted(), malformed, offset, line_number, outcome)
            self._advance(bar, meter, offset)
            self._postfix(bar, outcome)

    def _import_document(self, path, module, builder, progress, outcome) -> None:
        """A format read as a whole (JSON documents) or record by record (CSV), numbered by item or line. An
        interrupted import resumes after the last record committed: the records before it are read again,
        but not stored again."""
        malformed: list[tuple[int, str]] = []
        number = progress.records
        meter = Meter()
        with self._bar(path, 0) as bar:
            try:
                for seen, (number, result) in enumerate(
                    module.iter_posts(path, columns=self.columns, dedupe=self.dedupe, meter=meter), start=1
                ):
                    outcome.unit = meter.unit
                    if seen % DOCUMENT_PROGRESS_EVERY == 0:
                        self._advance_document(bar, meter, outcome)
                    if number <= progress.records:
                        continue  # committed before an interruption
                    if isinstance(result, Exception):
                        malformed.append((number, reason_of(result)))
                    else:
                        builder.add(result)
                    if len(builder) >= self.batch_size:
                        self._commit(builder.take_counted(), malformed, 0, number, outcome)
                        malformed = []
            except PARSE_ERRORS as error:  # the document as a whole cannot be read
                malformed.append((max(number, 1), reason_of(error)))
            outcome.unit = meter.unit
            self._commit(builder.take_counted(), malformed, 0, number, outcome)
            self._advance_document(bar, meter, outcome)
        outcome.lower_bounds = sorted(meter.lower_bounds)
        outcome.repeated_rows = meter.repeated_rows
        self.connection.execute(
            f"UPDATE files SET lower_bounds = ?, repeated_rows = ?, dedupe = {_DEDUPE} WHERE {_THIS_FILE}",  # noqa: S608
            [",".join(outcome.lower_bounds), meter.repeated_rows, self.dedupe, *self._file],
        )

    def _advance_document(self, bar: tqdm, meter: Meter, outcome: FileOutcome) -> None:
        if bar.disable:
            return
        if meter.total_items is not None:  # read whole: show its items
            if bar.unit != "item":
                bar.reset(total=meter.total_items)
                bar.unit, bar.unit_scale, bar.unit_divisor = "item", False, 1000
            bar.update(max(0, meter.items_done - bar.n))
        else:
            self._advance(bar, meter, meter.bytes_read())
        self._postfix(bar, outcome)

    def _import_lines_parallel(self, path: Path, fmt: str, progress: _Progress, outcome: FileOutcome) -> None:
        ranges = list(split_ranges(path, CHUNK_BYTES, progress.byte_offset))
        jobs = [
            (str(path), fmt, start, end, self.dataset, self.key, self.keep_text, self.classify)
            for start, end in ranges
        ]
        line_base = progress.records
        meter = Meter()  # a plain file: the bar follows the byte offsets
        with (
            worker_processes.context().Pool(self.workers) as pool,
            self._bar(path, progress.byte_offset) as bar,
        ):
            for end, lines, table, content_keyed, malformed in pool.imap(parse_range, jobs):
                shifted = [(line_base + number, reason) for number, reason in malformed]
                line_base += lines
                self._commit((table, content_keyed), shifted, end, line_base, outcome)
                self._advance(bar, meter, end)
                self._postfix(bar, outcome)

    # -- writing ----------------------------------------------------------------------------------------

    def _commit(self, batch, malformed, byte_offset: int, records: int, outcome: FileOutcome) -> None:
        table, content_keyed = batch
        connection = self.connection
        connection.begin()
        try:
            inserted = inserted_by_content = 0
            if content_keyed:
                inserted, inserted_by_content = store.insert_posts_counting_content_keys(connection, table)
            elif table.num_rows:
                inserted = store.insert_posts(connection, table)
            duplicates = table.num_rows - inserted
            content_key_duplicates = content_keyed - inserted_by_content
            if malformed:
                kept = connection.execute(
                    "SELECT count(*) FROM malformed WHERE dataset = ? AND path = ?",
                    [self.dataset, outcome.path],
                ).fetchone()[0]
                room = max(0, store.MALFORMED_KEPT_PER_FILE - kept)
                if room:
                    connection.executemany(
                        "INSERT INTO malformed (dataset, path, line, reason, unit, import_key) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [
                            [self.dataset, outcome.path, number, reason, outcome.unit, self._import_key]
                            for number, reason in malformed[:room]
                        ],
                    )
            connection.execute(
                f"""
                UPDATE files SET byte_offset = ?, records = ?, posts_read = posts_read + ?,
                       inserted = inserted + ?, duplicates = duplicates + ?, malformed = malformed + ?,
                       content_keyed = content_keyed + ?,
                       content_key_duplicates = content_key_duplicates + ?
                WHERE {_THIS_FILE}
                """,  # noqa: S608 - a constant condition
                [
                    byte_offset,
                    records,
                    table.num_rows,
                    inserted,
                    duplicates,
                    len(malformed),
                    content_keyed,
                    content_key_duplicates,
                    *self._file,
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
        outcome.content_key_duplicates += content_key_duplicates
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
    """Each file in turn; one that fails (nothing in it could be read) does not stop the others."""
    importer = Importer(connection, **options)
    outcomes = []
    for path in paths:
        try:
            outcomes.append(importer.import_file(Path(path)))
        except ImportFailed as error:
            outcomes.append(error.outcome)
    return outcomes
