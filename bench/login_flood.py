"""A login flood from one client (issue 14): how much does it slow everyone else?

Serves a copy of the small seeded database with gunicorn as `make run` does (behind-proxy mode,
rate limits on, the production default cache), with one member, and on loopback:

1. a legitimate reader alone: GET / in a loop on one keep-alive connection; its p95 is the unloaded
   reference;
2. wrk, 50 connections for 30 s, all from one client address, posting wrong passphrases for that
   member to /account/login/ (with a valid CSRF token); beside it, the same reader again.

Every passphrase is counted before it is checked, so once the account's and the client's allowance
is used, a refused attempt costs no Argon2 hashing, and it is held a moment before its answer like
every refusal. Target: the reader's p95 under the flood at most 2x its p95 alone.

With --compare REF the same is measured first with the code of git revision REF (a checkout made
under bench/out/, its static files collected), then with this checkout's, in one run.

    python -m bench.login_flood [--seconds 30] [--connections 50] [--compare REF]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import checkout
from bench.flood import _collect, _in_process, _loadavg, _reader_summary, csrf_pair, flood_server, reader
from bench.web import OUT, ROOT, SMALL, ensure_seeded, machine

SCRIPT = ROOT / "bench" / "login_flood.lua"
USERNAME = "bench-member"


def add_member(data_dir: Path) -> None:
    """The account the flood guesses at, in the copied database."""
    code = (
        "import django; django.setup(); from ustoo.accounts.models import Member; "
        f"Member.objects.create_user({USERNAME!r}, 'a real passphrase nobody guesses')"
    )
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ustoo.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def measure(args: argparse.Namespace, root: Path) -> dict:
    seeded, data_dir = OUT / "web-small", OUT / "login-flood"
    ensure_seeded(seeded, **SMALL)
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    for path in [*seeded.glob("ustoo.sqlite3*"), seeded / "secret_key"]:
        shutil.copy2(path, data_dir / path.name)
    add_member(data_dir)
    load_before = _loadavg()
    with flood_server(data_dir, root=root) as port:
        token, cookie = csrf_pair(port, path="/account/login/")
        unloaded = _reader_summary(
            _collect(*_in_process(reader, port, args.unloaded_seconds), 60 + args.unloaded_seconds)
        )
        flood = subprocess.Popen(
            [
                "wrk",
                "-t2",
                f"-c{args.connections}",
                f"-d{args.seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(SCRIPT),
                f"http://127.0.0.1:{port}",
                "--",
                token,
                cookie,
                USERNAME,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(1)
        loaded = _reader_summary(_collect(*_in_process(reader, port, args.seconds - 3), 120 + args.seconds))
        output, errors = flood.communicate(timeout=args.seconds + 60)
        if flood.returncode:
            raise RuntimeError(f"wrk failed: {errors}")
    counts = {
        name: int(value)
        for name, value in re.findall(r"(\w+)=(\d+)", re.search(r"LOGIN .*", output).group(0))
    }
    return {
        "machine": machine(),
        "command": "python -m bench.login_flood " + " ".join(args.argv),
        "load_before": load_before,
        "seconds": args.seconds,
        "connections": args.connections,
        "attempts": sum(counts.values()),
        "answers": counts,
        "reader_unloaded": unloaded,
        "reader_under_login_flood": loaded,
        "reader_p95_ratio": round(loaded["p95_ms"] / unloaded["p95_ms"], 2),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.login_flood", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_FLOOD_SECONDS", 30)))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--unloaded-seconds", type=int, default=10)
    parser.add_argument("--compare", default="", help="a git revision to measure first, in the same run")
    args = parser.parse_args(argv)
    args.argv = argv
    if not 10 <= args.seconds <= 300 or not 1 <= args.connections <= 200:
        parser.error("the flood is bounded: 10-300 s, 1-200 connections")
    runs = {}
    if args.compare:
        runs[args.compare] = measure(args, checkout(args.compare))
    runs["this checkout"] = measure(args, ROOT)
    summary = {
        "machine": machine(),
        "command": "python -m bench.login_flood " + " ".join(args.argv),
        "seconds": args.seconds,
        "connections": args.connections,
        "runs": runs,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "login-flood-results.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    met = runs["this checkout"]["reader_p95_ratio"] <= 2
    print(f"{'met   ' if met else 'MISSED'} reader p95 under a one-client login flood <= 2x unloaded")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
