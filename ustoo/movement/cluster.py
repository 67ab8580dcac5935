"""`ustoo movement report --engine dask`: the report on a dask.distributed cluster, from Parquet partitions.

A dataset exported with `ustoo movement export-partitions` lies in folders by UTC day and author bucket
(export.py). One task per bucket runs DuckDB over that bucket's files of the window's days and returns its
partial figures (report.partial_figures); the client merges them (report.merge_partials) and finishes the
report (report.finish_report) as the single machine does: the same JSON. Since every post of an account is
in one bucket, distinct accounts are counted exactly, never estimated. What the report shows and hides is
decided once, after the merge, on the merged figures.

A worker that dies mid-report loses only its tasks: the scheduler runs them again on another worker (they
read files and write nothing). Each task's DuckDB gets its share of the worker's memory limit and spills to
the worker's local directory beyond it, so a worker is not killed for memory whatever a bucket holds.
"""

import os
from datetime import timedelta
from pathlib import Path

import duckdb

from ustoo.movement import store
from ustoo.movement.export import dataset_folder, exported_facts
from ustoo.movement.report import (
    REPORT_COLUMNS,
    STORE_POSTS,
    Selection,
    check_timezone,
    finish_report,
    merge_partials,
    partial_figures,
)

# A task's DuckDB may use this share of the worker's memory limit divided among the worker's threads; the
# rest is the worker's own (Python, the figures, Dask's buffers) and the margin before Dask's thresholds.
# Dask's configuration may set another (ustoo.movement.duckdb-memory-fraction), as the workers read it.
DUCKDB_SHARE_OF_WORKER_MEMORY = 0.5
PARQUET_POSTS = f"SELECT {REPORT_COLUMNS}, text_kept, post FROM read_parquet($files)"  # noqa: S608


class ClusterError(ValueError):
    pass


def bucket_files(directory: Path, selection: Selection) -> list[list[str]]:
    """For each author bucket, its Parquet files whose UTC day can hold a post of the window (a local day
    is within 14 hours of UTC: a day either side is enough)."""
    folder = dataset_folder(directory, selection.dataset)
    _facts, buckets = exported_facts(directory, selection.dataset)
    first = (selection.start - timedelta(days=1)).date().isoformat() if selection.start else None
    last = (selection.end + timedelta(days=1)).date().isoformat() if selection.end else None
    files: list[list[str]] = [[] for _ in range(buckets)]
    for day_folder in sorted(folder.glob("day=*")):
        day = day_folder.name.removeprefix("day=")
        if (first and day < first) or (last and day > last):
            continue
        for bucket_folder in day_folder.glob("bucket=*"):
            bucket = int(bucket_folder.name.removeprefix("bucket="))
            files[bucket].extend(str(path) for path in sorted(bucket_folder.glob("*.parquet")))
    return files


def duckdb_settings() -> dict:
    """The DuckDB settings of a task on this worker: one thread (the worker runs a task per thread) and its
    share of the worker's memory limit, spilling to the worker's local directory."""
    import dask.config
    from distributed import get_worker

    worker = get_worker()
    fraction = dask.config.get("ustoo.movement.duckdb-memory-fraction", DUCKDB_SHARE_OF_WORKER_MEMORY)
    settings = {
        "threads": 1,
        "temp_directory": os.path.join(worker.local_directory, "duckdb"),
    }
    limit = worker.memory_manager.memory_limit
    if limit:
        share = int(limit * float(fraction) / worker.state.nthreads)
        settings["memory_limit"] = f"{share // 2**20}MiB"
    return settings


def bucket_figures(files: list[str], selection: Selection) -> dict:
    """A task: the partial figures of one author bucket's files."""
    settings = duckdb_settings()
    connection = duckdb.connect(":memory:", config=settings)
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.execute("SET enable_progress_bar = false")  # a worker's log is no terminal
        return {
            "figures": partial_figures(connection, selection, PARQUET_POSTS, {"files": files}),
            "duckdb": dict(
                connection.execute(
                    "SELECT name, value FROM duckdb_settings() WHERE name IN ('memory_limit', 'threads')"
                ).fetchall()
            ),
            "worker": os.getpid(),
        }
    finally:
        connection.close()


def run_buckets(client, directory: Path, selection: Selection, task=bucket_figures) -> list[dict]:
    """Run `task` on every author bucket with files in the window, on the cluster; their results."""
    buckets = [files for files in bucket_files(directory, selection) if files]
    futures = client.map(task, buckets, selection=selection, pure=False)
    return client.gather(futures)


def build_report_on_cluster(client, directory: Path, selection: Selection, task=bucket_figures) -> dict:
    check_timezone(selection.timezone)
    facts, _buckets = exported_facts(directory, selection.dataset)
    partials = [result["figures"] for result in run_buckets(client, directory, selection, task)]
    if not partials:  # nothing in the window: the figures of no post
        empty = duckdb.connect(":memory:")
        empty.execute(store.SCHEMA)
        partials = [partial_figures(empty, selection, STORE_POSTS)]
        empty.close()
    return finish_report(selection, merge_partials(partials), facts)


def security(ca: Path | None, cert: Path | None, key: Path | None):
    """TLS to the scheduler with the operator's certificates (CLUSTER.md), or None for Dask's configuration
    (distributed.comm.tls.*, or none)."""
    from distributed.security import Security

    given = [value for value in (ca, cert, key) if value]
    if not given:
        return None
    if len(given) != 3:
        raise ClusterError("--tls-ca, --tls-cert and --tls-key go together")
    return Security(
        tls_ca_file=str(ca), tls_client_cert=str(cert), tls_client_key=str(key), require_encryption=True
    )
