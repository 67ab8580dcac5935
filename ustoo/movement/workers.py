"""The processes that parse a big line file (v1.1, twarc2, Reddit, Bluesky) for an import with --workers
above one.

They are forked from a forkserver, a fresh process that has imported the parsers and the classifier once,
not from the importing process, which holds DuckDB's threads and locks (spawn where a platform has no
forkserver)."""

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["ustoo.movement.batches", "ustoo.movement.formats", "ustoo.movement.classify"]
# What is left of a plain file below this (two 16-MiB ranges) is parsed by the importing process alone.
MIN_BYTES = 32 << 20


def context() -> BaseContext:
    """The start method for the import's worker processes."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver
