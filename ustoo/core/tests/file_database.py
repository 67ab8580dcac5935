"""Run a script as its own process on a site whose SQLite database is a file in a temporary folder
(the test suite's own database lives in memory, and some behaviour needs a file and several
connections or processes)."""

import os
import subprocess
import sys
from pathlib import Path


def run_on_file_database(tmp_path: Path, script: str, **environment: str) -> str:
    """Run `script` (Python source) with the site's data in `tmp_path / "data"` and `environment`
    added to the process's; return its stdout."""
    path = tmp_path / "script.py"
    path.write_text(script)
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "USTOO_CACHE_URL"}}
    env.update(USTOO_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="ustoo.settings", **environment)
    done = subprocess.run(
        [sys.executable, str(path)], env=env, capture_output=True, text=True, check=True, timeout=300
    )
    return done.stdout
