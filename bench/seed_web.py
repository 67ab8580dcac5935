"""Seed a ustoo SQLite database with synthetic statements and stories, fast (raw SQL in bulk).

The schema comes from `ustoo migrate`; rows go in with executemany inside one transaction per
table; the full-text index is filled in one statement after the stories (the same content the
triggers would write, much faster than row by row)."""

import datetime
import json
import os
import random
import secrets
import subprocess
import sys
from pathlib import Path

from pysqlite3 import dbapi2 as sqlite3

SETTINGS = [
    "workplace",
    "school",
    "street",
    "transport",
    "home",
    "online",
    "military",
    "healthcare",
    "religious",
    "other",
    "",
]
RELATIONS = ["stranger", "acquaintance", "partner", "family", "colleague", "superior", "teacher", "other", ""]
AGES = ["under_13", "13_17", "adult", ""]
HARMS = ["verbal", "physical", "coercion", "online", "assault", "other"]
WARNINGS = ["sexual_assault", "child_abuse", "harassment", "physical_violence", "self_harm", "other"]
COUNTRIES = [
    "US",
    "GB",
    "FR",
    "CA",
    "IN",
    "PK",
    "AU",
    "ES",
    "MX",
    "AR",
    "IT",
    "DE",
    "EG",
    "CN",
    "JP",
    "KR",
    "BR",
    "",
]
LANGUAGES = ["en"] * 6 + ["fr", "fr", "es", "es", "it", "ar", "de", "pt", "zh", "hi"]
TAGS = ["metoo", "balancetonporc", "yotambién", "quellavoltache", "أنا_كمان", "metooindia", "米兔", "timesup"]
WORDS = (
    "he she they it was at work school bus home night office party manager teacher coach stranger "
    "friend told nobody believed me hand touched said again years later still remember afraid quiet "
    "angry kept silent finally spoke up today because others did too alone never again we are many "
    "elevator train street phone message photo door room hallway meeting trip camp church clinic"
).split()
START = datetime.datetime(2017, 10, 15, 20, 0, 0)


def _stamp(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")


def migrate(data_dir: Path) -> Path:
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "ustoo", "migrate", "--noinput", "-v", "0"], env=env, check=True)
    return data_dir / "ustoo.sqlite3"


def seed(data_dir: Path, *, stories: int, statements: int, seed_value: int = 2017) -> None:
    """Create data_dir/ustoo.sqlite3 with `statements` statements, `stories` of them with a story."""
    data_dir.mkdir(parents=True, exist_ok=True)
    database = migrate(data_dir)
    rng = random.Random(seed_value)
    connection = sqlite3.connect(str(database))
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=OFF")
    span = (datetime.datetime(2026, 11, 1) - START).total_seconds()
    step = span / statements
    batch = 100_000

    def statement_rows(first: int, last: int):
        for number in range(first, last):
            created = START + datetime.timedelta(seconds=number * step)
            yield (
                number + 1,
                _stamp(created),
                None,
                secrets.token_bytes(32),
                1,
                rng.choice(LANGUAGES),
                rng.choice(SETTINGS),
                rng.choice(RELATIONS),
                rng.choice(AGES),
                rng.randint(1990, 2026) if rng.random() < 0.6 else None,
                0,
                rng.choice(COUNTRIES),
                json.dumps(sorted(rng.sample(HARMS, rng.randint(0, 2)))),
                None,
                0,
            )

    with connection:
        for first in range(0, statements, batch):
            connection.executemany(
                "INSERT INTO stories_statement (id, created_at, member_tag, receipt_hash, counted, language, "
                "setting, relation, age_at_time, year, ongoing, country, harms, member_id, receipt_blocked) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                statement_rows(first, min(first + batch, statements)),
            )

    # Every (statements/stories)-th statement carries a story, so stories spread over the whole span.
    stride = max(1, statements // max(1, stories))
    connection.execute("DROP TRIGGER stories_story_fts_insert")

    def story_rows(first: int, last: int):
        for number in range(first, last):
            statement_id = number * stride + 1
            created = START + datetime.timedelta(seconds=(statement_id - 1) * step)
            tags = rng.sample(TAGS, rng.randint(0, 2))
            text = " ".join(rng.choices(WORDS, k=rng.randint(20, 70))) + "".join(f" #{tag}" for tag in tags)
            yield (
                (
                    number + 1,
                    "",
                    text,
                    rng.choice(LANGUAGES),
                    "public" if rng.random() < 0.85 else "members",
                    "published",
                    json.dumps(rng.sample(WARNINGS, rng.randint(1, 2))),
                    "",
                    0,
                    _stamp(created),
                    _stamp(created),
                    _stamp(created),
                    rng.randint(0, 40),
                    rng.randint(0, 60),
                    rng.randint(0, 30),
                    statement_id,
                    0,
                    0,
                    "",
                    "",
                    0,
                    1,
                    0,
                ),
                [(tag, _stamp(created), number + 1) for tag in tags],
            )

    with connection:
        for first in range(0, stories, batch):
            rows = list(story_rows(first, min(first + batch, stories)))
            connection.executemany(
                "INSERT INTO stories_story (id, title, text, language, visibility, status, content_warnings, "
                "cw_note, replies_enabled, created_at, updated_at, published_at, me_too_count, "
                "believe_you_count, not_alone_count, statement_id, identifies_someone, urgent, "
                "moderation_code, moderation_message, slow_mode_seconds, version, demo) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [row for row, _tags in rows],
            )
            connection.executemany(
                "INSERT INTO stories_storyhashtag (tag, published_at, story_id) VALUES (?, ?, ?)",
                [tag for _row, tags in rows for tag in tags],
            )
        connection.execute(
            "INSERT INTO stories_storywarning (story_id, warning) "
            "SELECT DISTINCT stories_story.id, warning.value "
            "FROM stories_story, json_each(stories_story.content_warnings) AS warning"
        )
        connection.execute(
            "INSERT INTO stories_story_fts(rowid, title, text) SELECT id, title, text FROM stories_story"
        )
        connection.execute(
            "CREATE TRIGGER stories_story_fts_insert AFTER INSERT ON stories_story BEGIN "
            "INSERT INTO stories_story_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
    connection.execute("PRAGMA optimize")
    connection.execute("ANALYZE")
    connection.close()
    (data_dir / "seeded.json").write_text(json.dumps({"stories": stories, "statements": statements}))


def ensure_seeded(data_dir: Path, *, stories: int, statements: int) -> None:
    marker = data_dir / "seeded.json"
    if marker.exists() and json.loads(marker.read_text()) == {"stories": stories, "statements": statements}:
        migrate(data_dir)  # a newer schema since the last run
        return
    for leftover in data_dir.glob("ustoo.sqlite3*"):
        leftover.unlink()
    seed(data_dir, stories=stories, statements=statements)
