"""Every test dataset of the movement, as the tests import them: one store holding them all, and the reports
each is compared on (the single-machine engine against the cluster's, the Parquet partitions against the
store)."""

from pathlib import Path

from ustoo.movement.importer import Importer
from ustoo.movement.report import Selection

FIXTURES = Path(__file__).with_name("fixtures")
REAL_COLUMNS = "text=Text,created_at=Created_at,lang=Lang,id=Id"

# dataset name: (files, import options)
DATASETS = {
    "twarc2": (["twarc2.jsonl"], {"keep_text": True}),
    "twarc2_flat": (["twarc2_flat.jsonl"], {}),
    "v1": (["v1.jsonl"], {}),
    "jetstream": (["jetstream.jsonl"], {}),
    "outbox": (["outbox.json"], {}),
    "statuses": (["statuses.json"], {}),
    "archive": (["archive/tweets.js"], {}),
    "mapped": (["mapped.csv"], {"columns": "text=Tweet Text,created_at=When,lang=Language,id=Tweet ID"}),
    "mapped_content": (
        ["mapped.csv"],
        {"columns": "text=Tweet Text,created_at=When,lang=Language,id=Tweet ID", "dedupe": "content"},
    ),
    "partial_days": (["partial_days.csv"], {"columns": REAL_COLUMNS, "classify": True}),
    "everything": (
        ["twarc2.jsonl", "v1.jsonl", "jetstream.jsonl", "outbox.json", "statuses.json", "partial_days.csv"],
        {"classify": True},
    ),
}


def import_all(connection) -> None:
    for dataset, (files, options) in DATASETS.items():
        options = {"classify": False, **options}
        for name in files:
            file_options = dict(options)
            if name != "partial_days.csv" and dataset == "everything":
                file_options.pop("columns", None)
            elif name == "partial_days.csv" and dataset == "everything":
                file_options["columns"] = REAL_COLUMNS
            Importer(connection, dataset=dataset, **file_options).import_file(FIXTURES / name)


def selections(dataset: str) -> list[Selection]:
    """The report as researchers ask for it: whole, in another time zone, windowed, one family, own tags."""
    from ustoo.movement.report import parse_bound

    return [
        Selection(dataset=dataset),
        Selection(dataset=dataset, timezone="Europe/Paris"),
        Selection(dataset=dataset, timezone="America/Los_Angeles", family="metoo"),
        Selection(
            dataset=dataset,
            start=parse_bound("2019-10-15T18:00", end=False),
            end=parse_bound("2019-10-16", end=True),
            hashtags=("metoo", "timesup", "nothere"),
        ),
        Selection(dataset=dataset, family="moiaussi", hashtags=("balancetonporc",)),
    ]


# Hashtags with roughly the weights of the 2017 wave: the anchor tag on most posts, variants in other
# languages, and the tags that travelled with them.
_TAGS = "['metoo', 'metoo', 'metoo', 'metoo', 'moiaussi', 'balancetonporc', 'yotambien', 'timesup', "
_TAGS += "'whyididntreport', 'metooindia', 'news', 'hollywood', 'vote', 'noustoutes', 'quellavoltache']"


def insert_synthetic_posts(connection, dataset: str, posts: int, seed: float = 0.17) -> None:
    """`posts` synthetic posts of a realistic shape, straight into the store by DuckDB (a million in a few
    seconds): a few accounts post much and most once or twice, a surge in the first days, 40% retweets, 1 to
    3 hashtags, the platform's language or none, originals labelled. Records an import so that the dataset
    exists."""
    connection.execute("SELECT setseed(?)", [seed])
    connection.execute(
        f"""
        INSERT INTO posts (dataset, platform, id, key, created_at, author, lang, lang_detected, text,
                           hashtags, kind, ref_id, label, text_hash, key_order)
        SELECT $dataset, 'twitter', id::VARCHAR, id::VARCHAR,
               TIMESTAMP '2017-10-15 12:00:00' + to_seconds(floor(pow(random(), 2.5) * 60 * 86400)::BIGINT),
               'author' || floor(pow(random(), 3) * $posts / 3)::BIGINT,
               CASE WHEN r < 0.6 THEN 'en' WHEN r < 0.7 THEN 'fr' WHEN r < 0.78 THEN 'es'
                    WHEN r < 0.8 THEN 'und' ELSE NULL END,
               CASE WHEN r >= 0.8 THEN 'en' END,
               NULL,
               list_distinct(
                   [{_TAGS}[1 + floor(random() * 15)::INT] FOR i IN range(1 + floor(random() * 3)::INT)]
               ),
               kind,
               CASE WHEN kind <> 'original' THEN (id - 1)::VARCHAR END,
               CASE WHEN kind = 'retweet' THEN NULL WHEN r2 < 0.3 THEN 'experience'
                    WHEN r2 < 0.6 THEN 'support' WHEN r2 < 0.9 THEN 'news_opinion' ELSE 'backlash' END,
               CASE WHEN kind <> 'retweet' THEN floor(random() * 1000)::BIGINT END,
               id
        FROM (
            SELECT 1000000000000000000 + range AS id, random() AS r, random() AS r2,
                   CASE WHEN random() < 0.4 THEN 'retweet' WHEN random() < 0.1 THEN 'reply'
                        WHEN random() < 0.05 THEN 'quote' ELSE 'original' END AS kind
            FROM range($posts)
        )
        """,  # noqa: S608 - a constant list
        {"dataset": dataset, "posts": posts},
    )
    connection.execute(
        "INSERT INTO files (dataset, path, fingerprint, status, posts_read, inserted) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [dataset, f"synthetic-{posts}", f"synthetic-{seed}", "done", posts, posts],
    )
