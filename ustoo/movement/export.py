"""`ustoo movement export`: a dataset's posts as one Parquet file, one row per post, to continue in pandas,
DuckDB or R. The columns and what they hold are in DATA.md; they are the store's, with the label given by hand
where there is one. No handle is in it; the text only where it was kept at import (--keep-text)."""

from pathlib import Path

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
