"""Turn parsed posts into one Arrow batch for the store: authors hashed, languages detected where the platform
gave none, originals labelled, text dropped unless it is to be kept.

Used by the importer in-process and by its worker processes, so it imports nothing from Django.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ustoo.movement.authors import AuthorHasher
from ustoo.movement.langdetect import detect_languages
from ustoo.movement.post import RETWEET, Post
from ustoo.movement.store import POST_COLUMNS

# The store's columns as Arrow types: what a batch for the store is. All strings but these two.
_NOT_STRINGS = {
    "created_at": pa.timestamp("us"),
    "hashtags": pa.list_(pa.string()),
    "text_hash": pa.int64(),
}
POST_SCHEMA = pa.schema([(name, _NOT_STRINGS.get(name, pa.string())) for name in POST_COLUMNS])

_UNKNOWN_LANGS = {None, "", "und", "qme", "qht", "zxx", "art"}  # Twitter's "undetermined" and media-only tags
_UNKNOWN_TAGS = pa.array(sorted(tag for tag in _UNKNOWN_LANGS if tag), pa.string())

# What a parser hands over before enrich(): the store's columns but dataset, platform, lang_detected, label.
PARSED_SCHEMA = pa.schema(
    [
        field
        for field in POST_SCHEMA
        if field.name not in ("dataset", "platform", "lang_detected", "label", "text_hash")
    ]
)


def _scatter(count: int, positions: np.ndarray, values: pa.Array) -> pa.Array:
    """A column of count rows: values at positions, nulls elsewhere."""
    if positions.size == count:
        return values
    index = np.full(count, -1, dtype=np.int64)
    index[positions] = np.arange(positions.size)
    return values.take(pa.array(index, mask=index < 0))


def text_hashes(texts) -> pa.Array:
    """A 63-bit hash of each text (MD5's lower half), so that one text posted many times can be found
    without keeping it. DuckDB computes it for the whole batch."""
    import duckdb

    # Its own connection: DuckDB's process-wide default one may hold another caller's unfinished result.
    with duckdb.connect() as hasher:
        relation = hasher.from_arrow(pa.table({"text": texts}))
        return relation.project("(md5_number_lower(text) >> 1)::BIGINT AS h").to_arrow_table().column("h")


def enrich(parsed: pa.Table, *, dataset: str, platform: str, keep_text: bool, classify: bool) -> pa.Table:
    """Add the detected languages (where the platform gave none) and the labels (originals), drop the text
    unless kept, and order the columns as the store has them."""
    count = parsed.num_rows
    texts = parsed.column("text")
    langs = parsed.column("lang")
    unknown = pc.fill_null(pc.or_kleene(pc.is_null(langs), pc.is_in(langs, value_set=_UNKNOWN_TAGS)), True)
    positions = np.flatnonzero(unknown.to_numpy(zero_copy_only=False))
    detected = _scatter(count, positions, pa.array(detect_languages(texts.take(positions)), pa.string()))
    # Only what the poster wrote is labelled and hashed: a retweet repeats someone else's words.
    wanted = pc.and_(pc.not_equal(parsed.column("kind"), RETWEET), pc.greater(pc.binary_length(texts), 0))
    positions = np.flatnonzero(pc.fill_null(wanted, False).to_numpy(zero_copy_only=False))
    originals = texts.take(positions)
    labels = pa.nulls(count, pa.string())
    if classify:
        from ustoo.movement.classify import predict

        labels = _scatter(count, positions, pa.array(predict(originals), pa.string()))
    hashes = _scatter(count, positions, text_hashes(originals))
    columns = {
        "dataset": pa.repeat(pa.scalar(dataset, pa.string()), count),
        "platform": pa.repeat(pa.scalar(platform, pa.string()), count),
        "lang_detected": detected,
        "label": labels,
        "text": texts if keep_text else pa.nulls(count, pa.string()),
        "text_hash": hashes,
    }
    arrays = [
        columns[field.name] if field.name in columns else parsed.column(field.name) for field in POST_SCHEMA
    ]
    return pa.Table.from_arrays(
        [array.cast(field.type) for array, field in zip(arrays, POST_SCHEMA, strict=True)], schema=POST_SCHEMA
    )


class BatchBuilder:
    def __init__(self, *, dataset: str, platform: str, author_key: bytes, keep_text: bool, classify: bool):
        self.dataset = dataset
        self.platform = platform
        self.keep_text = keep_text
        self.classify = classify
        self.hash_author = AuthorHasher(author_key, platform)
        self.posts: list[Post] = []

    def __len__(self) -> int:
        return len(self.posts)

    def add(self, posts: list[Post]) -> None:
        self.posts.extend(posts)

    def content_keyed(self) -> int:
        return sum(1 for post in self.posts if post.key.startswith("c:"))

    def parsed(self) -> pa.Table:
        """The batch's posts in PARSED_SCHEMA, emptying the builder."""
        posts, self.posts = self.posts, []
        hash_author = self.hash_author
        columns = [
            pa.array([post.id for post in posts], pa.string()),
            pa.array([post.key for post in posts], pa.string()),
            pa.array([post.created_at for post in posts], pa.timestamp("us")),
            pa.array([hash_author(post.author) for post in posts], pa.string()),
            pa.array([post.lang or None for post in posts], pa.string()),
            pa.array([post.text for post in posts], pa.string()),
            pa.array([list(post.hashtags) for post in posts], pa.list_(pa.string())),
            pa.array([post.kind for post in posts], pa.string()),
            pa.array([post.ref_id for post in posts], pa.string()),
        ]
        return pa.Table.from_arrays(columns, schema=PARSED_SCHEMA)

    def take(self) -> pa.Table:
        return enrich(
            self.parsed(),
            dataset=self.dataset,
            platform=self.platform,
            keep_text=self.keep_text,
            classify=self.classify,
        )

    def take_counted(self) -> tuple[pa.Table, int]:
        """The batch, and how many of its posts are keyed by content rather than by id."""
        content_keyed = self.content_keyed()
        return self.take(), content_keyed
