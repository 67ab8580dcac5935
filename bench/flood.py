"""Flood benchmark for issue 3 (moderation and protection).

Serves a copy of the small seeded database (10,000 stories, 50,000 statements, from bench/web.py)
with gunicorn as `make run` does, behind-proxy mode and rate limits on, with the production default
cache (SQLite files through diskcache in the data directory, shared by every worker: rate-limit and
flood counters must be). On loopback only:

1. a legitimate reader alone: GET / in a loop on one keep-alive connection, its own
   X-Forwarded-For; its p95 is the unloaded reference;
2. a bounded flood: wrk, 50 connections for 60 s, posting "me too" as fast as they can to
   /api/v1/statements and /speak/ (with a valid CSRF token) from 16 flooding addresses (the last
   X-Forwarded-For entry, which the proxy writes; the first one is forged); alongside it
   - the same reader, measured again;
   - a legitimate speaker: one POST /api/v1/statements a second (every fifth with a story); when the
     answer is a 429 carrying a proof-of-work `challenge`, it solves it with
     ustoo.core.proof_of_work.solve and sends again. Each statement comes from a new address (one
     person each): the per-client limit (20 an hour) would otherwise refuse a single address's 21st
     statement, by design and whatever the flood (`--speaker-address one` shows it).

Afterwards, with the server stopped, the database says whether every statement the speaker was
given an id for is stored, and whether the rows added equal the flooders' and the speaker's 201s.

    python -m bench.flood [--seconds 60] [--connections 50] [--record]

--record rewrites the generated part of the "## Flood (issue 3)" section of bench/RESULTS.md (the
notes below its `<!-- flood notes -->` line are kept).
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench import server_log
from bench.web import OUT, ROOT, SMALL, _counts, _free_port, _ms, ensure_seeded, machine

SCRIPT = ROOT / "bench" / "flood_post.lua"
RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Flood (issue 3)"
NOTES_MARKER = "<!-- flood notes -->"
READER_ADDRESS = "10.77.0.1"
FLOOD_ADDRESSES = 16
SPEAK_EVERY = 4  # one flooding request in four posts the page form, the others the API
SPEAK_PER_CLIENT = 20  # settings.RATE_LIMITS["speak"]: statements per client address an hour


# --- The server ------------------------------------------------------------------------------------


@contextmanager
def flood_server(data_dir: Path, *, cache_url: str = "", root: Path = ROOT):
    """bench.web.server, with behind-proxy mode and rate limits on and the production default cache
    (bench.web.server forces a per-process locmem cache, under which every gunicorn worker would keep
    its own rate-limit and flood counters). `root` is the checkout whose code is served."""
    port = _free_port()
    env = {
        **os.environ,
        "USTOO_DATA_DIR": str(data_dir),
        "USTOO_HTTPS": "0",
        "USTOO_WALL_CACHE_SECONDS": "2",
        "USTOO_BEHIND_PROXY": "1",
        "USTOO_RATE_LIMITS": "1",
    }
    env.pop("DATABASE_URL", None)
    env.pop("USTOO_CACHE_URL", None)
    if cache_url:
        env["USTOO_CACHE_URL"] = cache_url
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "ustoo.wsgi",
            "--config",
            "python:ustoo.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=server_log("flood"),
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    try:
        for path in ["/healthz", "/", "/api/v1/magnitude"]:  # warm every worker's imports and caches
            subprocess.run(["wrk", "-t1", "-c4", "-d1s", base + path], capture_output=True, check=True)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def csrf_pair(port: int, path: str = "/speak/") -> tuple[str, str]:
    """A CSRF form token and the cookie it goes with, as a browser on the page at `path` would hold."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"X-Forwarded-For": "10.66.0.250"})
    response = connection.getresponse()
    html = response.read().decode()
    cookie = next(
        header.split(";", 1)[0]
        for name, header in response.getheaders()
        if name.lower() == "set-cookie" and "csrf" in header.split("=", 1)[0].lower()
    )
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    connection.close()
    return token, cookie


# --- The legitimate reader and speaker (each in its own process) ----------------------------------


def reader(port: int, seconds: float, pipe) -> None:
    """GET / in a loop on one keep-alive connection; every answer's latency in ms."""
    latencies: list[float] = []
    errors = 0
    headers = {"X-Forwarded-For": READER_ADDRESS, "Accept": "text/html"}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", "/", headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if ok:
            latencies.append((time.perf_counter() - started) * 1000)
        else:
            errors += 1
    connection.close()
    pipe.send({"latencies": latencies, "errors": errors})
    pipe.close()


def _post(port: int, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/statements", body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, {}
    finally:
        connection.close()


def speaker(port: int, seconds: float, interval: float, one_address: bool, pipe) -> None:
    """One statement every `interval` seconds, solving the proof of work when asked."""
    from ustoo.core.proof_of_work import solve

    statements = []
    start = time.monotonic()
    number = 0
    while (due := start + number * interval) < start + seconds:
        time.sleep(max(0.0, due - time.monotonic()))
        address = "10.88.0.1" if one_address else f"10.88.{number // 250}.{number % 250 + 1}"
        story = number % 5 == 4
        body = (
            json.dumps(
                {
                    "story": {
                        "text": f"It happened on the bus, again. {number}",
                        "content_warnings": ["harassment"],
                    }
                }
            )
            if story
            else "{}"
        ).encode()
        headers = {"Content-Type": "application/json", "X-Forwarded-For": f"192.0.2.1, {address}"}
        record = {"story": story, "status": None, "id": None, "attempts": 0, "solve_s": 0.0}
        began = time.perf_counter()
        for _attempt in range(5):
            record["attempts"] += 1
            try:
                status, payload = _post(port, body, headers)
            except (OSError, http.client.HTTPException) as error:
                record["status"], payload = f"error: {error.__class__.__name__}", {}
                continue
            record["status"] = status
            if status == 201:
                record["id"] = payload["id"]
                break
            if status == 429 and "challenge" in payload:
                solving = time.perf_counter()
                nonce = solve(payload["challenge"])
                record["solve_s"] += time.perf_counter() - solving
                headers["X-Proof-Of-Work"] = f"{payload['challenge']} {nonce}"
                continue
            break  # refused for good (the per-client limit, or an invalid body)
        record["seconds"] = time.perf_counter() - began
        statements.append(record)
        number += 1
    pipe.send(statements)
    pipe.close()


def _in_process(target, *args):
    """Start `target(*args, pipe)` in a fresh process; return (process, receiving end)."""
    context = multiprocessing.get_context("spawn")
    receiving, sending = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, sending), daemon=True)
    process.start()
    sending.close()
    return process, receiving


def _collect(process, receiving, timeout: float):
    if not receiving.poll(timeout):
        process.terminate()
        raise RuntimeError(f"{process.name} gave no result in {timeout:.0f} s")
    result = receiving.recv()
    process.join(timeout=10)
    return result


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _reader_summary(result: dict) -> dict:
    latencies = result["latencies"]
    return {
        "requests": len(latencies),
        "errors": result["errors"],
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies), 2),
    }


def _flood(port: int, seconds: int, connections: int, token: str, cookie: str):
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        str(FLOOD_ADDRESSES),
        token,
        cookie,
        str(SPEAK_EVERY),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _parse_flood(output: str) -> dict:
    counts = dict(
        (name, int(value))
        for name, value in re.findall(r"(\w+)=(\d+)", re.search(r"FLOOD .*", output).group(0))
    )
    result = {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        **counts,
    }
    if errors := re.search(r"Socket errors: (.*)", output):
        result["socket_errors"] = errors.group(1)
    answered = sum(counts[name] for name in ("s201", "s200", "s429", "s403", "s4xx", "s5xx", "other"))
    result["share_429"] = round(counts["s429"] / answered, 4) if answered else None
    return result


def _stored(database: Path, ids: list[int]) -> int:
    from pysqlite3 import dbapi2 as sqlite3

    if not ids:
        return 0
    connection = sqlite3.connect(str(database))
    marks = ",".join("?" * len(ids))
    found = connection.execute(
        f"SELECT count(*) FROM stories_statement WHERE id IN ({marks})", ids
    ).fetchone()[0]
    connection.close()
    return found


def _loadavg() -> str:
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


# --- The run ---------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> dict:
    seeded, data_dir = OUT / "web-small", OUT / "flood"
    ensure_seeded(seeded, **SMALL)
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    for path in [*seeded.glob("ustoo.sqlite3*"), seeded / "secret_key"]:
        shutil.copy2(path, data_dir / path.name)
    database = data_dir / "ustoo.sqlite3"
    load_before = _loadavg()

    with flood_server(data_dir, cache_url=args.cache_url) as port:
        token, cookie = csrf_pair(port)
        unloaded = _reader_summary(
            _collect(*_in_process(reader, port, args.unloaded_seconds), 60 + args.unloaded_seconds)
        )
        rows_before, tally_before = _counts(database)

        flood = _flood(port, args.seconds, args.connections, token, cookie)
        time.sleep(1)  # let the flood reach full strength before measuring beside it
        measured = args.seconds - 3
        read = _in_process(reader, port, measured)
        speak = _in_process(speaker, port, measured, args.speaker_interval, args.speaker_address == "one")
        loaded_result = _collect(*read, 120 + measured)
        statements = _collect(*speak, 120 + measured)
        output, errors = flood.communicate(timeout=args.seconds + 60)
        if flood.returncode:
            raise RuntimeError(f"wrk failed: {errors}")
        load_during = _loadavg()
    rows_after, tally_after = _counts(database)  # the server has finished every request it accepted

    flood_result = _parse_flood(output)
    loaded = _reader_summary(loaded_result)
    ids = [statement["id"] for statement in statements if statement["id"] is not None]
    speaker_summary = {
        "sent": len(statements),
        "accepted_201": len(ids),
        "stored": _stored(database, ids),
        "needed_proof_of_work": sum(1 for s in statements if s["solve_s"] > 0),
        "refused": [s["status"] for s in statements if s["id"] is None],
        "mean_solve_s": round(
            sum(s["solve_s"] for s in statements) / max(1, sum(1 for s in statements if s["solve_s"] > 0)), 3
        ),
        "max_seconds_to_201": round(max((s["seconds"] for s in statements if s["id"]), default=0), 3),
    }
    flooders_stored = flood_result["s201"] + flood_result["s200"]
    rows_added, tally_added = rows_after - rows_before, tally_after - tally_before
    # wrk stops counting at its deadline while the server still finishes the requests in flight (at
    # most one per connection): those may be stored without wrk seeing their answer.
    unexplained = rows_added - flooders_stored - speaker_summary["stored"]
    return {
        "machine": machine(),
        "command": "python -m bench.flood " + " ".join(args.argv),
        "load_before": load_before,
        "load_at_end_of_flood": load_during,
        "seconds": args.seconds,
        "connections": args.connections,
        "flood_addresses": FLOOD_ADDRESSES,
        "cache": args.cache_url or "diskcache in the data directory (default)",
        "reader_unloaded": unloaded,
        "reader_under_flood": loaded,
        "reader_p95_ratio": round(loaded["p95_ms"] / unloaded["p95_ms"], 2),
        "flood": flood_result,
        "speaker": speaker_summary,
        "rows_added": rows_added,
        "tally_added": tally_added,
        "flooders_stored": flooders_stored,
        "rows_unexplained": unexplained,
        "statements_total_after": tally_after,
    }


def targets(summary: dict) -> dict[str, bool]:
    speaker = summary["speaker"]
    return {
        # Each flooding address may say "me too" SPEAK_PER_CLIENT times an hour, like anyone; every
        # other answer must be a 429 (a refusal or a proof-of-work challenge), none an error.
        "flooders get 429s beyond their allowance, and nothing else": summary["flooders_stored"]
        <= FLOOD_ADDRESSES * SPEAK_PER_CLIENT
        and summary["flood"]["s429"] + summary["flooders_stored"] == summary["flood"]["requests"],
        "reader p95 under flood <= 2x unloaded": summary["reader_p95_ratio"] <= 2,
        "no legitimate statement lost": speaker["stored"] == speaker["sent"],
        "every stored statement counted in the total": summary["rows_added"] == summary["tally_added"],
        "rows added = flooders' + speaker's accepted (+ in flight at wrk's deadline)": 0
        <= summary["rows_unexplained"]
        <= summary["connections"],
    }


def record(summary: dict, met: dict[str, bool]) -> None:
    flood, speaker = summary["flood"], summary["speaker"]
    unloaded, loaded = summary["reader_unloaded"], summary["reader_under_flood"]
    lines = [
        HEADING,
        "",
        f"Command: `{summary['command'].strip()}` (run {time.strftime('%Y-%m-%d')}). "
        f"Machine: {summary['machine']}. "
        f"Load average (1, 5, 15 min) before {summary['load_before']}; at the end of the flood "
        f"{summary['load_at_end_of_flood']}.",
        "",
        f"gunicorn as `make run`, behind-proxy mode and rate limits on, cache: {summary['cache']}; "
        "a copy of the small seeded database (10,000 stories, 50,000 statements). "
        f"Flood: wrk, {summary['connections']} connections, {summary['seconds']} s, "
        f"{summary['flood_addresses']} flooding addresses, one request in {SPEAK_EVERY} to /speak/ "
        "(valid CSRF token), the rest to /api/v1/statements.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| flooders' requests answered | {flood['requests']:,} ({flood['rps']:,.0f}/s, "
        f"p99 {flood['p99_ms']:.0f} ms) | |",
        f"| flooders' 429 share | {flood['share_429']:.2%} ({flood['s429']:,} × 429, of which "
        f"{flood['challenged']:,} with a proof-of-work challenge; {flooders_line(flood)}) | 429s: "
        f"{verdict(met['flooders get 429s beyond their allowance, and nothing else'])} |",
        f"| reader p95 alone | {unloaded['p95_ms']:.1f} ms ({unloaded['requests']:,} GET /, p50 "
        f"{unloaded['p50_ms']:.1f}, p99 {unloaded['p99_ms']:.1f}) | |",
        f"| reader p95 under flood | {loaded['p95_ms']:.1f} ms ({loaded['requests']:,} GET /, p50 "
        f"{loaded['p50_ms']:.1f}, p99 {loaded['p99_ms']:.1f}, {loaded['errors']} errors) | |",
        f"| reader p95 ratio | **{summary['reader_p95_ratio']}×** | ≤ 2×: "
        f"{verdict(met['reader p95 under flood <= 2x unloaded'])} |",
        f"| speaker: sent / accepted / stored | {speaker['sent']} / {speaker['accepted_201']} / "
        f"{speaker['stored']} ({speaker['needed_proof_of_work']} solved a proof of work, mean "
        f"{speaker['mean_solve_s']} s; slowest 201 after {speaker['max_seconds_to_201']} s) | "
        f"none lost: {verdict(met['no legitimate statement lost'])} |",
        f"| statements added (rows / total) | {summary['rows_added']:,} / {summary['tally_added']:,}: "
        f"flooders' {summary['flooders_stored']:,} + speaker's {speaker['stored']} + "
        f"{summary['rows_unexplained']} in flight at wrk's deadline | counted once: "
        f"{verdict(met['every stored statement counted in the total'])} |",
        "",
        NOTES_MARKER,
    ]
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if HEADING in text:
        before, rest = text.split(HEADING, 1)
        notes = ""
        if NOTES_MARKER in rest:
            after_marker = rest.split(NOTES_MARKER, 1)[1]
            following = re.search(r"^## ", after_marker, flags=re.MULTILINE)
            notes = after_marker[: following.start()] if following else after_marker
            tail = after_marker[following.start() :] if following else ""
        else:
            following = re.search(r"^## ", rest, flags=re.MULTILINE)
            tail = rest[following.start() :] if following else ""
        text = before + "\n".join(lines) + (notes.rstrip("\n") + "\n\n" if notes.strip() else "\n\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    RESULTS.write_text(text.rstrip("\n") + "\n")


def flooders_line(flood: dict) -> str:
    parts = [f"{flood['s201']:,} × 201", f"{flood['s200']:,} × 200 (a receipt page)"]
    for name, label in (("s403", "403"), ("s4xx", "other 4xx"), ("s5xx", "5xx"), ("other", "other")):
        if flood[name]:
            parts.append(f"{flood[name]:,} × {label}")
    if flood.get("socket_errors"):
        parts.append(f"socket errors: {flood['socket_errors']}")
    return ", ".join(parts)


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.flood", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_FLOOD_SECONDS", 60)))
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--unloaded-seconds", type=int, default=15)
    parser.add_argument("--speaker-interval", type=float, default=1.0)
    parser.add_argument("--speaker-address", choices=["each", "one"], default="each")
    parser.add_argument(
        "--cache-url", default="", help="USTOO_CACHE_URL (default: diskcache in the data directory)"
    )
    parser.add_argument("--record", action="store_true", help="rewrite the section in bench/RESULTS.md")
    args = parser.parse_args(argv)
    args.argv = argv
    if not 10 <= args.seconds <= 300 or not 1 <= args.connections <= 200:
        parser.error("the flood is bounded: 10-300 s, 1-200 connections")
    summary = run(args)
    met = targets(summary)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "flood-results.json").write_text(json.dumps({"summary": summary, "targets": met}, indent=2))
    print(json.dumps(summary, indent=2))
    for name, ok in met.items():
        print(f"{'met   ' if ok else 'MISSED'} {name}")
    if args.record:
        record(summary, met)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
