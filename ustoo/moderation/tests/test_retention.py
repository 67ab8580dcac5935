"""Retention: rejected stories go after the retention period, receipts stop, and deleted words are
nowhere any more — not in the database file, its full-text index, the logs or the cache."""

import datetime
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from ustoo.conftest import counted_total, make_story
from ustoo.moderation.models import Decision
from ustoo.stories.models import Statement, Status, Story


def _canaries() -> list[str]:
    # Distinct first letters keep the full-text index from prefix-compressing one against another.
    # Letters only: a run of digits can read as a phone number, and the naming guard would stop it.
    return [
        f"{letter}canary" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))
        for letter in "jkvwxz"
    ]


def test_deleted_and_rejected_words_leave_no_trace_in_files_index_logs_or_cache(tmp_path):
    canaries = _canaries()
    env = {
        **os.environ,
        "USTOO_DATA_DIR": str(tmp_path),
        "USTOO_HTTPS": "0",
        "USTOO_ALLOWED_HOSTS": "testserver",
        "USTOO_LOG_LEVEL": "DEBUG",
        "USTOO_RATE_LIMITS": "1",  # so the cache holds rate-limit counters to search
        "USTOO_WALL_CACHE_SECONDS": "60",
    }
    for name in ("DATABASE_URL", "USTOO_CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):
        env.pop(name, None)
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("canary_run.py")), *canaries],
        env=env,
        capture_output=True,
        check=False,
        timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output.decode(errors="replace")
    assert b"deleted words gone from the database file and its log at once" in result.stdout
    assert b"canary run done" in result.stdout
    files = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert any(path.name == "ustoo.sqlite3" for path in files)
    assert any("cache" in path.parts for path in files)  # the cache was written to, and is searched
    for canary in canaries:
        needle = canary.encode()
        assert needle not in output, f"{canary} in the logs"
        for path in files:
            assert needle not in path.read_bytes(), f"{canary} in {path.relative_to(tmp_path)}"
    _assert_index_has_none(tmp_path / "ustoo.sqlite3", canaries)


def _assert_index_has_none(database: Path, canaries: list[str]) -> None:
    from pysqlite3 import dbapi2 as sqlite3

    db = sqlite3.connect(str(database))
    db.execute("CREATE VIRTUAL TABLE temp.terms USING fts5vocab(main, 'stories_story_fts', 'row')")
    terms = {row[0] for row in db.execute("SELECT term FROM temp.terms")}
    db.close()
    assert {"story", "stays", "published"} <= terms, "the index holds the surviving story's words"
    assert not {canary.lower() for canary in canaries} & terms


@pytest.mark.django_db
def test_prune_deletes_rejected_stories_after_the_retention_period(settings):
    settings.RETENTION_REJECTED_DAYS = 30
    old = make_story(text="rejected long ago", publish=False).story
    recent = make_story(text="rejected yesterday", publish=False).story
    spam = make_story(text="rejected as spam long ago", publish=False).story
    now = timezone.now()
    Story.objects.filter(pk__in=[old.pk, recent.pk, spam.pk]).update(status=Status.REJECTED)
    Story.objects.filter(pk=old.pk).update(
        rejected_at=now - datetime.timedelta(days=31), moderation_code="other"
    )
    Story.objects.filter(pk=spam.pk).update(
        rejected_at=now - datetime.timedelta(days=40), moderation_code="spam"
    )
    Story.objects.filter(pk=recent.pk).update(rejected_at=now - datetime.timedelta(days=1))
    call_command("prune_expired", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(Story.objects.values_list("pk", flat=True)) == [recent.pk]
    # A rejected story's statement stays counted, unless it was spam.
    assert counted_total() == 2
    assert sorted(Decision.objects.values_list("action", "story_id")) == sorted(
        [("prune", old.pk), ("prune", spam.pk)]
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM stories_story WHERE text LIKE 'rejected%%long ago'")
            assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
@pytest.mark.parametrize("keep_in_total", [True, False])
def test_a_deletion_says_whether_it_deleted_so_two_prunes_at_once_log_each_story_once(keep_in_total):
    """prune_expired on two servers at once lists the same stories; only the deletion that takes one
    logs and counts it (ustoo/core/tests/cluster/ runs both for real)."""
    from ustoo.stories import services

    spoken = make_story(text="rejected long ago", publish=False)
    assert services.delete_statement(statement=spoken.statement, keep_in_total=keep_in_total) is True
    assert services.delete_statement(statement=spoken.statement, keep_in_total=keep_in_total) is False


@pytest.mark.django_db
def test_receipts_stop_working_after_their_lifetime(settings):
    settings.RECEIPT_LIFETIME_DAYS = 365
    spoken = make_story()
    Statement.objects.filter(pk=spoken.statement.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=366)
    )
    assert Client().post("/receipt/", {"receipt": spoken.receipt}).status_code == 400
    call_command("prune_expired", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Statement.objects.get().receipt_hash is None


@pytest.mark.django_db(transaction=True)
def test_prune_clears_freed_space_vacuum_on_postgresql_checkpoint_on_sqlite(settings):
    spoken = make_story(text="rejected and pruned", publish=False)
    Story.objects.filter(pk=spoken.story.pk).update(
        status=Status.REJECTED, rejected_at=timezone.now() - datetime.timedelta(days=31)
    )
    sql = []

    def record(execute, query, params, many, context):
        sql.append(query)
        return execute(query, params, many, context)

    with connection.execute_wrapper(record):
        call_command("prune_expired", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert not Story.objects.exists()
    if connection.vendor == "postgresql":
        assert {'VACUUM "stories_story"', 'VACUUM "stories_reply"', 'VACUUM "stories_storyhashtag"'} <= set(
            sql
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'stories_story'")
            assert cursor.fetchone()[0] is not None
    else:
        assert "PRAGMA wal_checkpoint(TRUNCATE)" in sql
