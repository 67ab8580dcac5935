"""Journal time-stamps (issue 17): RFC 3161 tokens issued per second. Target: at least 500 a second on
this machine's two cores.

On a fresh SQLite data directory (bench/out/journal-tokens/), as `make run` keeps it:

1. in process, for `--seconds` each: the issuing function alone (timestamps.issue: the TSTInfo, the
   signed attributes, an ECDSA P-256 signature), then the issuing function with the log append
   (log.issue_token, each in its own transaction, as an entry's write does), in one process and in
   two processes at once (the two cores);
2. through HTTP: POST /api/v1/journal/entries served by gunicorn as `make run` serves it, driven by
   wrk on loopback, one connection per journal (each writes its next entry, 1 KiB padded, no
   attachment), in interleaved rounds beside the bare view (GET /healthz), as bench/web.py does;
   afterwards every 201 must be one entry and one leaf, the leaves numbered without a gap.

    python -m bench.journal_tokens [--seconds 10] [--journals 16] [--compare REF]
"""

import argparse
import base64
import json
import os
import secrets
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench import checkout
from bench.seed_web import migrate
from bench.web import OUT, ROOT, ROUND_SECONDS, ROUNDS, machine, server, wrk_with_cpu

SCRIPT = ROOT / "bench" / "journal_entries.lua"
TARGET = 500


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _env(data_dir: Path) -> dict:
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ustoo.settings"}
    env.pop("DATABASE_URL", None)
    return env


def _fresh(name: str) -> Path:
    data_dir = OUT / name
    subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    data_dir.mkdir(parents=True)
    migrate(data_dir)
    return data_dir


def worker(kind: str, seconds: float) -> dict:
    """Run in a child process bound to a data directory: issue tokens for `seconds`."""
    import django

    django.setup()
    from django.db import transaction

    from ustoo.journal import authority, log, timestamps

    deployment = authority.current()
    timestamps.issue(deployment, commitment=bytes(32), serial=1)  # the template, made once per process
    count, cpu, started = 0, time.process_time(), time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        if kind == "issue":
            timestamps.issue(deployment, commitment=os.urandom(32), serial=count + 1)
        else:
            with transaction.atomic():
                log.issue_token(commitment=os.urandom(32))
        count += 1
    elapsed = time.perf_counter() - started
    return {
        "tokens": count,
        "seconds": elapsed,
        "cpu_ms_per_token": 1000 * (time.process_time() - cpu) / count,
    }


def _in_process(data_dir: Path, kind: str, processes: int, seconds: float, root: Path) -> dict:
    children = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.journal_tokens", "--worker", kind, "--seconds", str(seconds)],
            env=_env(data_dir),
            cwd=root,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    results = [json.loads(child.communicate()[0]) for child in children]
    tokens = sum(r["tokens"] for r in results)
    return {
        "processes": processes,
        "tokens": tokens,
        "tokens_per_second": round(sum(r["tokens"] / r["seconds"] for r in results)),
        "cpu_ms_per_token": round(statistics.mean(r["cpu_ms_per_token"] for r in results), 3),
    }


def _log_counts(data_dir: Path) -> dict:
    from pysqlite3 import dbapi2 as sqlite3

    connection = sqlite3.connect(str(data_dir / "ustoo.sqlite3"))
    leaves = connection.execute('SELECT count(*), coalesce(max("index"), -1) FROM journal_logleaf').fetchone()
    entries = connection.execute("SELECT count(*) FROM journal_entry").fetchone()[0]
    connection.close()
    return {"leaves": leaves[0], "highest_leaf": leaves[1], "entries": entries}


def _journals(base: str, count: int) -> list[str]:
    """Make `count` journals through the API; their lookup ids."""
    lookups = []
    for _ in range(count):
        lookup = _b64u(secrets.token_bytes(32))
        body = json.dumps({"accesses": [{"lookup": lookup, "wrapped_key": _b64u(secrets.token_bytes(60))}]})
        request = urllib.request.Request(  # noqa: S310 (loopback)
            base + "/api/v1/journal/journals",
            data=body.encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            assert response.status == 201
        lookups.append(lookup)
    return lookups


def _over_http(data_dir: Path, journals: int, root: Path) -> dict:
    ciphertext = _b64u(secrets.token_bytes(12 + 1024 + 16))
    rounds = []
    with server(data_dir, root=root) as base:
        lookups = _journals(base, journals)
        before = _log_counts(data_dir)
        # One wrk thread per connection, each writing to its own journal: a journal's entries follow
        # one another, so a connection must not send the next before the last is answered.
        options = {
            "connections": journals,
            "threads": journals,
            "seconds": ROUND_SECONDS,
            "script": str(SCRIPT),
            "script_args": [ciphertext, *lookups],
        }
        # A first round, not counted: each process's first tokens make its template and open its files.
        warm_up = wrk_with_cpu(base, "/api/v1/journal/entries", **options)
        for _ in range(ROUNDS):
            bare_1 = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
            entries = wrk_with_cpu(base, "/api/v1/journal/entries", **options)
            bare_2 = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
            rounds.append(
                {
                    "bare": [bare_1, bare_2],
                    "entries": entries,
                    "ratio": entries["rps"] / ((bare_1["rps"] + bare_2["rps"]) / 2),
                }
            )
    after = _log_counts(data_dir)  # the server has finished every request it accepted
    median = sorted(rounds, key=lambda r: r["entries"]["rps"])[len(rounds) // 2]
    created = warm_up.get("created", 0) + sum(r["entries"].get("created", 0) for r in rounds)
    added = after["leaves"] - before["leaves"]
    return {
        "journals": journals,
        "rounds": f"{ROUNDS} x {ROUND_SECONDS} s, one connection per journal",
        "tokens_per_second_median": round(median["entries"]["rps"]),
        "tokens_per_second_rounds": [round(r["entries"]["rps"]) for r in rounds],
        "p99_ms_median": statistics.median(r["entries"]["p99_ms"] for r in rounds),
        "refused": sum(r["entries"].get("other", 0) for r in rounds),
        "ratio_to_bare_median": round(median["ratio"], 3),
        "bare_rps_median": round(statistics.median(b["rps"] for r in rounds for b in r["bare"])),
        "server_cpu_ms_per_entry": round(
            statistics.median(r["entries"]["server_cpu_ms_per_request"] for r in rounds), 3
        ),
        "server_cpu_ms_bare": round(
            statistics.median(b["server_cpu_ms_per_request"] for r in rounds for b in r["bare"]), 3
        ),
        # wrk stops counting at its deadline while the server finishes the requests in flight (at most
        # one per connection and round, the warm-up's included): those are kept but not seen as 201.
        "every_201_one_entry_and_one_leaf": after["entries"] - before["entries"] == added
        and after["highest_leaf"] == after["leaves"] - 1
        and created <= added <= created + journals * (ROUNDS + 1),
        "created_201": created,
        "leaves_added": added,
    }


def measure(args: argparse.Namespace, root: Path) -> dict:
    data_dir = _fresh("journal-tokens")
    return {
        "issue": _in_process(data_dir, "issue", 1, args.seconds, root),
        "issue_and_append": _in_process(data_dir, "append", 1, args.seconds, root),
        "issue_and_append_two_processes": _in_process(data_dir, "append", 2, args.seconds, root),
        "http": _over_http(data_dir, args.journals, root),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.journal_tokens", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 10)))
    parser.add_argument("--journals", type=int, default=16, help="wrk connections, one journal each")
    parser.add_argument("--compare", default="", help="a git revision to measure first, in the same run")
    parser.add_argument("--worker", choices=["issue", "append"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.seconds)))
        return 0
    if not 1 <= args.seconds <= 120 or not 1 <= args.journals <= 64:
        parser.error("bounded: 1-120 s per measure, 1-64 journals")
    runs = {}
    if args.compare:
        runs[args.compare] = measure(args, checkout(args.compare))
    runs["this checkout"] = measure(args, ROOT)
    summary = {
        "machine": machine(),
        "command": "python -m bench.journal_tokens " + " ".join(argv),
        "runs": runs,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "journal-tokens-results.json").write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    this = runs["this checkout"]
    for name, rate in (
        ("issue + log append, two processes", this["issue_and_append_two_processes"]["tokens_per_second"]),
        ("through HTTP (POST entries)", this["http"]["tokens_per_second_median"]),
    ):
        print(f"{'met   ' if rate >= TARGET else 'MISSED'} {name}: {rate} tokens/s (target {TARGET})")
    checked = this["http"]["every_201_one_entry_and_one_leaf"]
    print(f"{'met   ' if checked else 'MISSED'} every 201 is one entry and one leaf, leaves without a gap")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
