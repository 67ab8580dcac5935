"""Settings come from the environment, and .env.example documents every variable."""

import re
from pathlib import Path

import pytest
from django.db import connection

from ustoo.core.env import env_bool, env_int, env_list, env_secret

ROOT = Path(__file__).resolve().parents[3]


def test_env_example_lists_every_variable_the_code_reads():
    source = "\n".join(
        path.read_text() for path in (ROOT / "ustoo").rglob("*.py") if "tests" not in path.parts
    )
    read = set(re.findall(r'env_(?:str|bool|int|list|secret)\("([A-Z0-9_]+)"', source))
    read |= set(re.findall(r'environ\.get\("(USTOO_[A-Z0-9_]+)"', source))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read - listed == set()


def test_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_bool("X_BOOL") is True
    assert env_bool("X_MISSING", default=True) is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST", []) == ["a", "b", "c"]
    assert env_secret("X_SECRET") == "from-a-file"


@pytest.mark.django_db
def test_database_matches_the_environment():
    import os

    expected = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    assert connection.vendor == expected
    if expected == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()")
            version = tuple(int(part) for part in cursor.fetchone()[0].split("."))
        assert version >= (3, 44), "FTS5 secure-delete needs SQLite 3.44"
