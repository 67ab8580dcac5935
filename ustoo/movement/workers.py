"""The processes that parse a big line file (v1.1, twarc2, Reddit, Bluesky) for an import with --workers
above one.

They are forked from a forkserver: a fresh process that has imported the parser and the classifier
once, not the importing process, which holds DuckDB's threads and locks (spawn where a platform has no
forkserver). Starting that server (a new interpreter importing DuckDB, Arrow, numpy and scipy: about
0.6 s) is the first thing an import of a file big enough for workers does, so that it happens while this
process still imports and opens the store, not after."""

import multiprocessing
from collections.abc import Iterable
from multiprocessing.context import BaseContext
from pathlib import Path

PRELOAD = ["ustoo.movement.fastpath", "ustoo.movement.classify", "scipy.sparse"]
# What is left of a plain file below this (two 16-MiB chunks) is parsed by the importing process alone:
# no worker is started for it.
MIN_BYTES = 32 << 20


def context() -> BaseContext:
    """The start method for the import's worker processes."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def start_soon(paths: Iterable[Path]) -> None:
    """If one of the files may be given to workers, have the forkserver start its imports now, in its own
    process: the pool finds it running. Smaller imports, and CSV files and archives, do not pay for it."""
    if not any(_may_go_to_workers(path) for path in paths):
        return
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _may_go_to_workers(path: Path) -> bool:
    """Whether `path` is big enough for workers and looks like JSON lines (its first character, past a
    byte-order mark and white space, opens an object) or is compressed (what it holds is known only once
    it is read). The format itself is found later, by the importer; this only spares a CSV file, an
    archive or a JSON document the forkserver they would never use."""
    from ustoo.movement.sources import compression_of

    if not path.is_file() or path.stat().st_size < MIN_BYTES:
        return False
    if compression_of(path) is not None:
        return True
    with path.open("rb") as handle:
        start = handle.read(4096)
    return start.removeprefix(b"\xef\xbb\xbf").lstrip()[:1] == b"{"
