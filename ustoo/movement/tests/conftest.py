from pathlib import Path

import pytest

from ustoo.movement import store
from ustoo.movement.importer import Importer

FIXTURES = Path(__file__).with_name("fixtures")
# The shared folder sits beside the repository: /work/main and /work/shared.
REAL_CSV = Path(__file__).resolve().parents[4] / "shared" / "data" / "metoo-tweets-2019-10.csv"


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
