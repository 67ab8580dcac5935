"""The `ustoo` command installed with the package is the project's manage.py."""

import os
import subprocess
import sys
from pathlib import Path

USTOO = Path(sys.executable).with_name("ustoo")


def run_ustoo(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "USTOO_DATA_DIR": str(data_dir)}
    environment.pop("DJANGO_SETTINGS_MODULE", None)  # the command must find its settings itself
    return subprocess.run(
        [USTOO, *args], env=environment, capture_output=True, text=True, check=False, timeout=120
    )


def test_the_installed_command_runs_djangos_checks(tmp_path):
    answer = run_ustoo("check", data_dir=tmp_path)
    assert answer.returncode == 0, answer.stderr
    assert "System check identified no issues" in answer.stdout


def test_the_installed_command_knows_the_projects_own_commands(tmp_path):
    answer = run_ustoo("help", data_dir=tmp_path)
    assert answer.returncode == 0, answer.stderr
    for command in ("load_demo", "create_moderator", "prune_expired", "movement"):
        assert command in answer.stdout, command
