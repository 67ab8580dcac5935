"""Open an input file whatever its compression, and walk it line by line with byte offsets."""

import contextlib
import gzip
import io
from collections.abc import Iterator
from pathlib import Path

import zstandard

# Pushshift and Arctic Shift compress with a long window; the reader must allow it or it refuses the frame.
ZSTD_MAX_WINDOW = 2**31


def compression_of(path: Path) -> str | None:
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic[:2] == b"\x1f\x8b":
        return "gzip"
    if magic == b"\x28\xb5\x2f\xfd":
        return "zstd"
    return None


def inner_name(path: Path) -> str:
    """The file's name without a compression suffix: RC_2017-10.zst -> RC_2017-10."""
    name = path.name
    for suffix in (".gz", ".zst", ".zstd"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


class Meter:
    """How far a reader has got, for the progress bar: bytes of the file as it lies on disk (compressed or
    not, so a compressed input has a total and an ETA too), or, for a document read whole, its items.

    `unit` also says what a reader's record numbers count: "line", or "item" for a JSON document's entries;
    `lower_bounds`, which of the report's counts the reader could not make whole ("replies": a CSV whose
    texts lost their leading "@"; "quotes": a CSV that cannot tell a quote from its text); `repeated_rows`,
    how many rows (with lossy ids) were identical in every column to an earlier row of the file.
    """

    def __init__(self) -> None:
        self.unit = "line"
        self.lower_bounds: set[str] = set()
        self.repeated_rows = 0  # CSV rows with lossy ids identical to an earlier row of the file
        self.total_items: int | None = None
        self.items_done = 0
        self._raw: io.BufferedIOBase | None = None
        self._last = 0

    def watch(self, raw: io.BufferedIOBase) -> None:
        self._raw = raw

    def bytes_read(self) -> int:
        if self._raw is not None:
            with contextlib.suppress(ValueError, OSError):  # closed: the last position seen stands
                self._last = self._raw.tell()
        return self._last


def open_binary(path: Path, meter: Meter | None = None) -> io.BufferedIOBase:
    compression = compression_of(path)
    if compression == "gzip":
        handle = gzip.GzipFile(path, "rb")
        raw = handle.fileobj  # the compressed file, closed with the GzipFile that opened it
    else:
        raw = handle = path.open("rb")
        if compression == "zstd":
            decompressor = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
            handle = io.BufferedReader(decompressor.stream_reader(raw, read_across_frames=True, closefd=True))
    if meter is not None:
        meter.watch(raw)
    return handle


def read_lines(
    path: Path, start_offset: int = 0, end_offset: int | None = None, meter: Meter | None = None
) -> Iterator[tuple[int, bytes]]:
    """Yield (offset just past the line, line) for each line.

    Offsets count uncompressed bytes. A plain file is entered by seeking; a compressed one is read from the
    start and the bytes before start_offset skipped, since a compressed stream cannot be sought.
    """
    with open_binary(path, meter) as handle:
        position = 0
        if start_offset:
            if compression_of(path) is None:
                handle.seek(start_offset)
            else:
                remaining = start_offset
                while remaining:
                    chunk = handle.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    remaining -= len(chunk)
            position = start_offset
        for line in handle:
            position += len(line)
            yield position, line
            if end_offset is not None and position >= end_offset:
                return


def split_ranges(path: Path, chunk_bytes: int, start_offset: int = 0) -> Iterator[tuple[int, int]]:
    """Byte ranges of a plain file, each ending just after a newline, for workers to read independently."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        start = start_offset
        while start < size:
            end = min(start + chunk_bytes, size)
            if end < size:
                handle.seek(end)
                handle.readline()
                end = handle.tell()
            yield start, end
            start = end
