"""ustoo's benchmarks: `python -m bench` (or `make bench`) runs them all; see bench/RESULTS.md."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def server_log(name: str):
    """A file for a benchmarked server's output. Not a pipe: a pipe nobody reads fills up, and then a
    server that logs (an error on every request, say) stops answering instead of failing visibly."""
    OUT.mkdir(parents=True, exist_ok=True)
    return (OUT / f"{name}-server.log").open("ab")


def checkout(revision: str) -> Path:
    """A checkout of git `revision` under bench/out/, its static files collected, for a benchmark to
    serve its code beside this checkout's in the same run (`--compare REV`)."""
    path = OUT / f"checkout-{revision}"
    if not path.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(path), revision], cwd=ROOT, check=True)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ustoo.settings",
            "USTOO_DATA_DIR": str(OUT / "scratch"),
        }
        subprocess.run(
            [sys.executable, "-m", "ustoo", "collectstatic", "--noinput", "-v0"],
            cwd=path,
            env=env,
            check=True,
        )
    return path
