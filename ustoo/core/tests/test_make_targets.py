"""The README's commands: each make target checks the system packages it needs, and only those."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def bare_path(tmp_path):
    """A PATH with the shell tools the script uses, a Python, no apt-get (so nothing is installed,
    whoever runs the tests) and no msgfmt, wrk or chromium unless a test adds a stand-in."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "dirname", "ls", "id", "grep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    (bin_dir / "python3").symlink_to(sys.executable)
    return bin_dir


def add_stand_in(bin_dir: Path, name: str, status: int = 0) -> None:
    (bin_dir / name).write_text(f"#!/bin/sh\nexit {status}\n")
    (bin_dir / name).chmod(0o755)


def system_deps(bin_dir: Path, target: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [bin_dir / "sh", ROOT / "scripts" / "system-deps", target],
        env={"PATH": str(bin_dir), "HOME": str(bin_dir)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_run_needs_gettext_node_and_nothing_the_tests_need(bare_path):
    answer = system_deps(bare_path, "run")
    assert answer.returncode == 1
    assert "make run needs these packages: gettext nodejs npm" in answer.stderr
    assert "chromium" not in answer.stderr and "wrk" not in answer.stderr
    for tool in ("msgfmt", "node", "npm"):
        add_stand_in(bare_path, tool)
    assert system_deps(bare_path, "run").returncode == 0


def test_run_refuses_a_node_too_old_for_the_journals_packages(bare_path):
    for tool in ("msgfmt", "npm"):
        add_stand_in(bare_path, tool)
    add_stand_in(bare_path, "node", status=1)  # its version check fails, as Debian 12's Node.js 18 does
    answer = system_deps(bare_path, "run")
    assert answer.returncode == 1
    assert "needs Node.js 20.19 or newer" in answer.stderr


def fonts_installed(bin_dir: Path) -> None:
    """A dpkg-query that finds every package installed."""
    (bin_dir / "dpkg-query").write_text("#!/bin/sh\necho 'install ok installed'\n")
    (bin_dir / "dpkg-query").chmod(0o755)


CLUSTER_TOOLS = ("haproxy", "redis-server", "pgbouncer")


def test_test_never_needs_wrk(bare_path):
    for tool in ("msgfmt", "chromium", "openssl", "node", "npm", *CLUSTER_TOOLS):
        add_stand_in(bare_path, tool)
    fonts_installed(bare_path)
    answer = system_deps(bare_path, "test")
    assert "wrk" not in answer.stderr
    if Path("/usr/lib/postgresql").is_dir():  # the only other thing it looks for
        assert answer.returncode == 0, answer.stderr


def test_test_needs_fonts_for_every_script(bare_path):
    """Arabic and Devanagari (fonts-noto-core) and Chinese (fonts-noto-cjk): without them the browser
    tests and screenshots draw boxes. `run` needs none (a server sends no fonts)."""
    for tool in ("msgfmt", "chromium", "openssl", "node", "npm"):
        add_stand_in(bare_path, tool)
    answer = system_deps(bare_path, "test")  # no dpkg-query here: nothing is found installed
    assert answer.returncode == 1
    assert "fonts-noto-core fonts-noto-cjk" in answer.stderr
    assert "fonts-noto" not in system_deps(bare_path, "run").stderr


def test_test_needs_the_clusters_balancer_cache_and_pooler(bare_path):
    """make test-cluster runs two app servers behind haproxy, sharing Redis and pgbouncer."""
    for tool in ("msgfmt", "chromium", "openssl", "node", "npm"):
        add_stand_in(bare_path, tool)
    fonts_installed(bare_path)
    answer = system_deps(bare_path, "test")
    assert answer.returncode == 1
    assert " ".join(CLUSTER_TOOLS) in answer.stderr
    assert "haproxy" not in system_deps(bare_path, "run").stderr


def test_bench_needs_wrk(bare_path):
    for tool in ("msgfmt", "node", "npm"):
        add_stand_in(bare_path, tool)
    answer = system_deps(bare_path, "bench")
    assert answer.returncode == 1
    assert "make bench needs these packages: wrk" in answer.stderr  # and the cluster's servers
    assert "chromium" not in answer.stderr


def test_an_unknown_target_is_refused(bare_path):
    answer = system_deps(bare_path, "deploy")
    assert answer.returncode == 2
    assert "usage" in answer.stderr


def make_dry_run(target: str) -> list[str]:
    answer = subprocess.run(
        ["make", "--no-print-directory", "-n", target],
        cwd=ROOT,
        env={**os.environ, "MAKEFLAGS": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    return answer.stdout.splitlines()


@pytest.mark.parametrize(("target", "deps"), [("run", "run"), ("test", "test"), ("bench", "bench")])
def test_each_target_checks_its_own_packages_first(target, deps):
    commands = make_dry_run(target)
    assert commands[0] == f"scripts/system-deps {deps}"
    checked = {line.split()[-1] for line in commands if line.startswith("scripts/system-deps")}
    assert checked <= {deps, "run"}  # `run`'s packages are everyone's: venv support and gettext


def test_python_m_bench_refuses_what_is_not_a_benchmark_before_running_any():
    # An option meant for one benchmark used to be taken for a benchmark's name, after the others ran.
    root = Path(__file__).resolve().parents[3]
    answer = subprocess.run(
        [sys.executable, "-m", "bench", "movement", "--no-write"], cwd=root, capture_output=True, text=True
    )
    assert answer.returncode == 2
    assert (
        "no benchmark named --no-write" in answer.stderr and "python -m bench.<name> --help" in answer.stderr
    )
    assert "== bench." not in answer.stdout
