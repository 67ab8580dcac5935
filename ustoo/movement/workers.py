"""The processes that parse a big v1.1 or twarc2 file for an import with --workers above one.

They are forked from a forkserver: a fresh process that has imported the parser and the classifier
once, not the importing process, which holds DuckDB's threads and locks (spawn where a platform has no
forkserver). Starting that server (a new interpreter importing DuckDB, Arrow, numpy and scipy: about
0.6 s) is the first thing an import with workers does, so that it happens while this process still
imports and opens the store, not after."""

import multiprocessing
from multiprocessing.context import BaseContext

PRELOAD = ["ustoo.movement.fastpath", "ustoo.movement.classify", "scipy.sparse"]


def context() -> BaseContext:
    """The start method for the import's worker processes."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    forkserver = multiprocessing.get_context("forkserver")
    forkserver.set_forkserver_preload(PRELOAD)
    return forkserver


def start_soon() -> None:
    """Have the forkserver start its imports now, in its own process; the pool finds it running."""
    if context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()
