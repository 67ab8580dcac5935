from pathlib import Path

import pytest
from django.utils import translation

from ustoo.movement import store
from ustoo.movement.importer import Importer

FIXTURES = Path(__file__).with_name("fixtures")
# The shared folder sits beside the repository: /work/main and /work/shared.
REAL_CSV = Path(__file__).resolve().parents[4] / "shared" / "data" / "metoo-tweets-2019-10.csv"


@pytest.fixture
def real_csv() -> Path:
    """The real 2019 CSV; a test that reads it is skipped, saying why, where the shared folder is absent."""
    if not REAL_CSV.is_file():
        pytest.skip(f"needs the real 2019 #MeToo CSV at {REAL_CSV} (the shared folder beside the repository)")
    return REAL_CSV


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in French leaves French active in the test's thread (LocaleMiddleware activates a language
    and nothing deactivates it), and pytest-django runs database tests first: without this, a later test
    would read French."""
    yield
    translation.deactivate()


@pytest.fixture
def connection(tmp_path, monkeypatch):
    path = tmp_path / "movement.duckdb"
    monkeypatch.setenv("USTOO_MOVEMENT_DB", str(path))
    connection = store.connect(path)
    yield connection
    connection.close()


@pytest.fixture
def run_import(connection):
    def run(*paths, dataset="test", **options):
        options.setdefault("classify", False)
        importer = Importer(connection, dataset=dataset, **options)
        return [importer.import_file(Path(path)) for path in paths]

    return run


def posts(connection, dataset="test") -> dict[str, dict]:
    """Stored posts by id (or key), as dicts."""
    cursor = connection.execute("SELECT * FROM posts WHERE dataset = ? ORDER BY created_at", [dataset])
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["id"] or row["key"]: row for row in rows}


REAL_COLUMNS = "text=Text,created_at=Created_at,lang=Lang,id=Id"
# By hand: posts from 15 October 2019 17:46 to 17 October 09:10 UTC, so the first and last days are partial.
PARTIAL_DAYS = FIXTURES / "partial_days.csv"


@pytest.fixture
def release_dataset(connection, run_import, settings, tmp_path):
    """Import one file as a dataset and release it on /movement, as an operator would (`movement release`)."""
    from django.core.management import call_command

    settings.DATA_DIR = tmp_path / "data"

    def release(path, dataset, *release_options, **import_options):
        run_import(path, dataset=dataset, **import_options)
        connection.close()  # the command opens the store itself
        call_command("movement", "release", "--dataset", dataset, *release_options, stdout=None)

    return release
