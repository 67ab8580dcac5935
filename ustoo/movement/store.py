"""The movement's store: one embedded DuckDB file in the data directory, one row per post.

Nothing here holds a handle: authors arrive already hashed (authors.py), and text only when the importer was
asked to keep it. Each batch of posts is written in one transaction together with the file's progress, so an
interrupted import keeps everything it committed and knows where to start again.
"""

import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
from django.conf import settings

if TYPE_CHECKING:  # Arrow is the importer's; reading the store (reports, the page) does without it
    import pyarrow as pa

POST_COLUMNS = (
    "dataset",
    "platform",
    "id",
    "key",
    "created_at",
    "author",
    "lang",
    "lang_detected",
    "text",
    "hashtags",
    "kind",
    "ref_id",
    "label",
    "text_hash",
)
SCHEMA = """
CREATE TABLE IF NOT EXISTS posts (
    dataset VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    id VARCHAR,              -- NULL where the source mangled it
    key VARCHAR NOT NULL,    -- the id, or 'c:' and a content hash where ids are lossy
    created_at TIMESTAMP NOT NULL,  -- UTC
    author VARCHAR,          -- keyed hash of the account id, never the handle
    lang VARCHAR,            -- the platform's
    lang_detected VARCHAR,   -- ours, only where the platform gave none or 'und'
    text VARCHAR,            -- only with --keep-text
    hashtags VARCHAR[] NOT NULL,
    kind VARCHAR NOT NULL,   -- original, reply, quote, retweet
    ref_id VARCHAR,
    label VARCHAR,           -- experience, support, news_opinion, backlash; NULL for retweets
    text_hash BIGINT,        -- originals: a hash of the text (kept or not): one text posted many times
    key_order BIGINT         -- the key as a number where it is one (ids), else NULL: see insert_posts
);
CREATE TABLE IF NOT EXISTS files (
    dataset VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    size BIGINT,
    mtime DOUBLE,
    format VARCHAR,
    options VARCHAR,             -- how it was read: the CSV column mapping, normalised; '' for other formats
    status VARCHAR NOT NULL,     -- importing, done
    byte_offset BIGINT NOT NULL DEFAULT 0,  -- line formats: where to resume
    records BIGINT NOT NULL DEFAULT 0,      -- lines or items read and committed
    posts_read BIGINT NOT NULL DEFAULT 0,
    inserted BIGINT NOT NULL DEFAULT 0,
    duplicates BIGINT NOT NULL DEFAULT 0,
    malformed BIGINT NOT NULL DEFAULT 0,
    content_keyed BIGINT NOT NULL DEFAULT 0,
    content_key_duplicates BIGINT NOT NULL DEFAULT 0,  -- rows skipped for a content key already stored
    repeated_rows BIGINT NOT NULL DEFAULT 0,  -- rows (lossy ids) identical to an earlier row of the file
    dedupe VARCHAR,              -- for rows with lossy ids: none (every row kept) or content; NULL: ids
    lower_bounds VARCHAR,        -- counts this file can only undercount, comma-separated (replies, quotes)
    started_at TIMESTAMP,
    finished_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS malformed (
    dataset VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    line BIGINT NOT NULL,        -- a line, or an item of a JSON document: see unit
    reason VARCHAR NOT NULL,
    unit VARCHAR DEFAULT 'line',
    import_key VARCHAR           -- fingerprint:format:options of the import that found it
);
-- Labels given by a person (`ustoo movement label`), to validate the classifier on the dataset's own posts.
CREATE TABLE IF NOT EXISTS labels (
    dataset VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    key VARCHAR NOT NULL,        -- the post's key in posts
    label VARCHAR NOT NULL,      -- experience, support, news_opinion, backlash
    sample VARCHAR NOT NULL,     -- how the post was drawn: random or candidates
    labelled_at TIMESTAMP NOT NULL
);
"""
MALFORMED_KEPT_PER_FILE = 1000  # every malformed record is counted; the first thousand are kept to show


def default_path() -> Path:
    configured = os.environ.get("USTOO_MOVEMENT_DB")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "movement.duckdb"


def connect(path: Path | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store; read-only opens of a store not yet created see an empty one rather than failing."""
    path = Path(path or default_path())
    if read_only and not path.exists():
        connection = duckdb.connect(":memory:")
        connection.execute(SCHEMA)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        # A fixed memory limit keeps the importer under 1 GB whatever the input; DuckDB spills beyond it.
        connection = duckdb.connect(str(path), read_only=read_only, config={"memory_limit": "512MB"})
        if not read_only:
            connection.execute(SCHEMA)
            _add_key_order(connection)
            _add_columns(connection)
        elif _missing_columns(connection) or not _has_labels_table(connection):
            # A store written by an earlier version: bring it up to date once, then read it.
            connection.close()
            connect(path).close()
            connection = duckdb.connect(str(path), read_only=True, config={"memory_limit": "512MB"})
    connection.execute("SET TimeZone = 'UTC'")
    return connection


def _has_labels_table(connection: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'labels'"
        ).fetchone()[0]
    )


def _add_key_order(connection: duckdb.DuckDBPyConnection) -> None:
    """Stores created before key_order existed get it, filled in once."""
    has = connection.execute(
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'posts' AND column_name = 'key_order'"
    ).fetchone()[0]
    if not has:
        connection.execute("ALTER TABLE posts ADD COLUMN key_order BIGINT")
        connection.execute("UPDATE posts SET key_order = try_cast(key AS BIGINT)")


# Columns added after stores were first created, with their types: added, empty, to such a store when opened.
_LATER_COLUMNS = {
    "posts": {"text_hash": "BIGINT"},
    "files": {
        "options": "VARCHAR",
        "content_key_duplicates": "BIGINT NOT NULL DEFAULT 0",
        "repeated_rows": "BIGINT NOT NULL DEFAULT 0",
        "dedupe": "VARCHAR",
        "lower_bounds": "VARCHAR",
    },
    "malformed": {"unit": "VARCHAR DEFAULT 'line'", "import_key": "VARCHAR"},
}


def _missing_columns(connection: duckdb.DuckDBPyConnection) -> list[tuple[str, str, str]]:
    present = set(
        connection.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall()
    )
    return [
        (table, column, definition)
        for table, columns in _LATER_COLUMNS.items()
        for column, definition in columns.items()
        if (table, column) not in present
    ]


def _add_columns(connection: duckdb.DuckDBPyConnection) -> None:
    for table, column, definition in _missing_columns(connection):
        connection.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


def insert_posts(connection: duckdb.DuckDBPyConnection, batch: "pa.Table") -> int:
    """Insert the posts not already in the dataset; return how many went in.

    De-duplication is on (dataset, platform, key), both within the batch and against what is stored, by an
    anti-join rather than an index, so that memory does not grow with the size of the store. Scanning every
    stored key for each batch would make a big import quadratic (a second a batch at seven million posts), so
    when a batch's keys are all numbers (platform ids, nearly always) the stored rows are first narrowed to
    key_order between the batch's smallest and largest: an exact narrowing, since equal keys have equal
    key_order, and a cheap one, since posts arrive roughly in id order and DuckDB skips the row groups whose
    key_order range lies outside.
    """
    return _insert(connection, batch)[0]


def insert_posts_counting_content_keys(
    connection: duckdb.DuckDBPyConnection, batch: "pa.Table"
) -> tuple[int, int]:
    """As insert_posts; also how many of the posts that went in are keyed by content (lossy ids), so that the
    importer knows how many rows a content key merged into another."""
    return _insert(connection, batch, count_content_keys=True)


def _insert(
    connection: duckdb.DuckDBPyConnection, batch: "pa.Table", *, count_content_keys: bool = False
) -> tuple[int, int]:
    import pyarrow.compute as pc

    columns = ", ".join(POST_COLUMNS)
    # Duplicates within the batch keep one row each (any). Nearly always there are none, and finding that
    # out in Arrow costs a tenth of what the window function over the batch costs.
    distinct = batch.num_rows < 2 or (
        pc.count_distinct(batch.column("platform")).as_py() == 1
        and pc.count_distinct(batch.column("key")).as_py() == batch.num_rows
    )
    fresh = (
        "incoming"
        if distinct
        else "(SELECT * FROM incoming QUALIFY row_number() OVER (PARTITION BY platform, key) = 1)"
    )
    connection.register("incoming", batch)
    try:
        count, numeric, low, high = connection.execute(
            "SELECT count(*), count(try_cast(key AS BIGINT)), min(try_cast(key AS BIGINT)), "
            "max(try_cast(key AS BIGINT)) FROM incoming"
        ).fetchone()
        narrowing, parameters = "", {}
        if count and numeric == count:
            narrowing, parameters = "AND stored.key_order BETWEEN $low AND $high", {"low": low, "high": high}
        # RETURNING hands back a row per post: only asked for where content keys are counted (CSV batches)
        returning = "RETURNING starts_with(key, 'c:')" if count_content_keys else ""
        result = connection.execute(
            f"""
            INSERT INTO posts ({columns}, key_order)
            SELECT {columns}, try_cast(key AS BIGINT) FROM {fresh} AS fresh
            WHERE NOT EXISTS (
                SELECT 1 FROM posts AS stored
                WHERE stored.dataset = fresh.dataset AND stored.platform = fresh.platform
                  AND stored.key = fresh.key {narrowing}
            )
            {returning}
        """,  # noqa: S608 - column names, the source, the narrowing and RETURNING are constants
            parameters,
        )
        if count_content_keys:
            flags = [row[0] for row in result.fetchall()]
            return len(flags), sum(flags)
        row = result.fetchone()
    finally:
        connection.unregister("incoming")
    return (int(row[0]) if row else 0), 0


def carry_original_hashtags(connection: duckdb.DuckDBPyConnection, dataset: str) -> int:
    """Give retweets whose source carried no copy of the original (Bluesky reposts, Mastodon Announces) the
    hashtags of that original, when it is in the same dataset."""
    row = connection.execute(
        """
        UPDATE posts SET hashtags = original.hashtags,
               text = CASE WHEN posts.text IS NULL THEN NULL ELSE original.text END
        FROM posts AS original
        WHERE posts.dataset = ? AND posts.kind = 'retweet' AND len(posts.hashtags) = 0
          AND original.dataset = posts.dataset AND original.platform = posts.platform
          AND original.id = posts.ref_id AND len(original.hashtags) > 0
        """,
        [dataset],
    ).fetchone()
    return int(row[0]) if row else 0


def datasets(connection: duckdb.DuckDBPyConnection) -> list[str]:
    return [row[0] for row in connection.execute("SELECT DISTINCT dataset FROM files ORDER BY 1").fetchall()]
