"""`ustoo movement export`: a dataset's posts as one Parquet file, one row per post, to continue in pandas,
DuckDB or R. The columns and what they hold are in DATA.md; they are the store's, with the label given by hand
where there is one. No handle is in it; the text only where it was kept at import (--keep-text).

`ustoo movement export-partitions`: a dataset's posts as Parquet partitions by day and author bucket, for the
report on a cluster (cluster.py, CLUSTER.md)."""

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import duckdb

COLUMNS = """
    p.dataset, p.platform, p.id, p.key, p.created_at, p.author, p.lang, p.lang_detected, p.text, p.hashtags,
    p.kind, p.ref_id, p.label, l.label AS label_by_hand, p.text_hash
"""


def export_parquet(connection: duckdb.DuckDBPyConnection, dataset: str, output: Path) -> int:
    """Write the dataset's posts, oldest first, to `output`; return how many."""
    output.parent.mkdir(parents=True, exist_ok=True)
    query = f"""
        SELECT {COLUMNS}
        FROM posts AS p LEFT JOIN labels AS l
          ON l.dataset = p.dataset AND l.platform = p.platform AND l.key = p.key
        WHERE p.dataset = $dataset
        ORDER BY p.created_at, p.platform, p.key
    """  # noqa: S608 - constant columns
    relation = connection.sql(query, params={"dataset": dataset})
    relation.write_parquet(str(output), compression="zstd")
    return int(connection.execute("SELECT count(*) FROM posts WHERE dataset = ?", [dataset]).fetchone()[0])


# --- Parquet partitions, for the report on a cluster (cluster.py) -------------------------------------------
PARTITION_BUCKETS = 16  # tasks a report on a cluster can run at once: at least the cluster's worker threads
FACTS_FILE = (
    "_dataset.json"  # beside the partitions; a leading _ keeps Parquet readers from taking it as data
)


def dataset_folder(directory: Path, dataset: str) -> Path:
    """Where a dataset's partitions are: hive style, the name escaped as Hive escapes partition values."""
    return Path(directory) / "posts" / f"dataset={quote(dataset, safe='')}"


def export_partitions(
    connection: duckdb.DuckDBPyConnection, directory: Path, dataset: str, buckets: int = PARTITION_BUCKETS
) -> int:
    """Write the dataset's posts as Parquet partitions by UTC day and author bucket, replacing any earlier
    export of it, with the facts a report needs beside them; return how many posts.

    posts/dataset=<name>/day=YYYY-MM-DD/bucket=N/data_0.parquet: every post of one account lies in one bucket,
    so each task of a report on a cluster counts distinct accounts exactly and the counts add up. Only the
    columns a report reads are written: whether a text was kept, never the text.
    """
    from ustoo.movement.report import REPORT_COLUMNS, DatasetFacts
    from ustoo.movement.validation import validation_counts

    final = dataset_folder(directory, dataset)
    final.parent.mkdir(parents=True, exist_ok=True)
    # Written beside, then swapped in: a report never reads half an export.
    writing = final.with_name(f".{final.name}.writing-{os.getpid()}")
    shutil.rmtree(writing, ignore_errors=True)
    posts = connection.sql(
        f"""
        SELECT {REPORT_COLUMNS}, text IS NOT NULL AS text_kept, rowid AS post,
               created_at::DATE AS day, hash(coalesce(author, platform || ':' || key)) % $buckets AS bucket
        FROM posts WHERE dataset = $dataset ORDER BY created_at
        """,  # noqa: S608 - constant columns
        params={"dataset": dataset, "buckets": buckets},
    )
    # DuckDB's own COPY … (FORMAT parquet, PARTITION_BY (day, bucket)): one folder per day and bucket
    posts.write_parquet(str(writing), partition_by=["day", "bucket"], compression="zstd")
    count = int(connection.execute("SELECT count(*) FROM posts WHERE dataset = ?", [dataset]).fetchone()[0])
    facts = DatasetFacts.of(connection, dataset)
    writing.mkdir(exist_ok=True)  # no post: no folder written
    (writing / FACTS_FILE).write_text(
        json.dumps(
            {
                "dataset": dataset,
                "posts": count,
                "buckets": buckets,
                "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "facts": {
                    **{name: getattr(facts, name) for name in FACT_FIELDS},
                    "validation": validation_counts(facts.validation),
                },
            },
            ensure_ascii=False,
            indent=1,
        ),
        encoding="utf-8",
    )
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    writing.rename(final)
    shutil.rmtree(old, ignore_errors=True)
    return count


FACT_FIELDS = ("malformed", "duplicates", "files", "content_key_duplicates", "dedupe", "lower_bounds")


def exported_facts(directory: Path, dataset: str):
    """The facts saved beside a dataset's partitions, and how many buckets they were written in."""
    from ustoo.movement.report import DatasetFacts
    from ustoo.movement.validation import validation_from_counts

    saved = json.loads((dataset_folder(directory, dataset) / FACTS_FILE).read_text(encoding="utf-8"))
    facts = saved["facts"]
    return (
        DatasetFacts(
            **{name: facts[name] for name in FACT_FIELDS},
            validation=validation_from_counts(facts["validation"]),
        ),
        saved["buckets"],
    )
