"""Turn parsed posts into one Arrow batch for the store: authors hashed, languages detected where the platform
gave none, originals labelled, text dropped unless it is to be kept.

Used by the importer in-process and by its worker processes, so it imports nothing from Django.
"""

import pyarrow as pa

from ustoo.movement.authors import AuthorHasher
from ustoo.movement.post import RETWEET, Post
from ustoo.movement.store import POST_SCHEMA

_UNKNOWN_LANGS = {None, "", "und", "qme", "qht", "zxx", "art"}  # Twitter's "undetermined" and media-only tags


def detect_language(text: str) -> str | None:
    import py3langid

    stripped = text.strip()
    if len(stripped) < 3:
        return None
    return py3langid.classify(stripped)[0]


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

    def take(self) -> pa.Table:
        posts, self.posts = self.posts, []
        count = len(posts)
        texts = [post.text for post in posts]
        langs = [post.lang or None for post in posts]
        detected = [detect_language(texts[i]) if langs[i] in _UNKNOWN_LANGS else None for i in range(count)]
        labels: list[str | None] = [None] * count
        if self.classify:
            from ustoo.movement.classify import predict

            # Only what the poster wrote is labelled: a retweet repeats someone else's words.
            wanted = [i for i, post in enumerate(posts) if post.kind != RETWEET and post.text]
            for i, label in zip(wanted, predict([texts[i] for i in wanted]), strict=True):
                labels[i] = label
        hash_author = self.hash_author
        columns = [
            pa.array([self.dataset] * count, pa.string()),
            pa.array([self.platform] * count, pa.string()),
            pa.array([post.id for post in posts], pa.string()),
            pa.array([post.key for post in posts], pa.string()),
            pa.array([post.created_at for post in posts], pa.timestamp("us")),
            pa.array([hash_author(post.author) for post in posts], pa.string()),
            pa.array(langs, pa.string()),
            pa.array(detected, pa.string()),
            pa.array(texts if self.keep_text else [None] * count, pa.string()),
            pa.array([list(post.hashtags) for post in posts], pa.list_(pa.string())),
            pa.array([post.kind for post in posts], pa.string()),
            pa.array([post.ref_id for post in posts], pa.string()),
            pa.array(labels, pa.string()),
        ]
        return pa.Table.from_arrays(columns, schema=POST_SCHEMA)

    def take_counted(self) -> tuple[pa.Table, int]:
        """The batch, and how many of its posts are keyed by content rather than by id."""
        content_keyed = self.content_keyed()
        return self.take(), content_keyed
