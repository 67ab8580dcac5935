"""Web benchmarks for the foundation issue, side by side with a bare view in one run.

Seeds (once, cached under bench/out/) a database of 1,000,000 stories and 5,000,000 statements and a
small one of 10,000 stories and 50,000 statements, serves each with gunicorn exactly as `make run`
does, and drives it with wrk on loopback:

- GET /healthz, the bare view ("ok"), is the baseline;
- GET / (the wall, anonymous reader), throughput ratio and p99;
- POST /api/v1/statements (count only), throughput ratio, and every 201 counted exactly once;
- the wall's own render time (page reuse off) at 1,000,000 stories against 10,000.

Absolute numbers drift on shared machines; the ratios are what to compare.
"""

import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from bench.seed_web import ensure_seeded

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
LARGE = {
    "stories": int(os.environ.get("BENCH_STORIES", 1_000_000)),
    "statements": int(os.environ.get("BENCH_STATEMENTS", 5_000_000)),
}
SMALL = {"stories": 10_000, "statements": 50_000}
DURATION = int(os.environ.get("BENCH_SECONDS", 10))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 16))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def server(data_dir: Path, *, shared_page_seconds: int = 2, extra_env: dict[str, str] | None = None):
    """gunicorn as `make run` starts it. Rate limits are off unless extra_env turns them on: the
    throughput figures measure the work itself (bench/flood.py measures the limits)."""
    port = _free_port()
    env = {
        **os.environ,
        "USTOO_DATA_DIR": str(data_dir),
        "USTOO_HTTPS": "0",
        "USTOO_SHARED_PAGE_SECONDS": str(shared_page_seconds),
        "USTOO_CACHE_URL": "locmem://",
        "USTOO_RATE_LIMITS": "0",
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
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
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
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
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(
    url: str, *, connections: int = CONNECTIONS, seconds: int = DURATION, script: str | None = None
) -> dict:
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        command[1:1] = ["-s", script]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "mean_ms": _ms(re.search(r"Latency\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
    }
    if status := re.search(r"STATUS created=(\d+) other=(\d+)", output):
        result["created"], result["other"] = int(status.group(1)), int(status.group(2))
    return result


def _counts(database: Path) -> tuple[int, int]:
    from pysqlite3 import dbapi2 as sqlite3

    connection = sqlite3.connect(str(database), isolation_level=None)
    connection.execute("BEGIN")  # one snapshot for both figures
    rows = connection.execute("SELECT count(*) FROM stories_statement").fetchone()[0]
    tally = connection.execute("SELECT sum(count) FROM stories_statementtally").fetchone()[0]
    connection.execute("COMMIT")
    connection.close()
    return rows, tally


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    python = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {memory} GiB, {python}"


def main(argv: list[str]) -> int:
    large_dir, small_dir = OUT / "web-large", OUT / "web-small"
    started = time.time()
    ensure_seeded(large_dir, **LARGE)
    ensure_seeded(small_dir, **SMALL)
    print(f"seeded in {time.time() - started:.0f} s", flush=True)
    results: dict[str, dict] = {}

    with server(large_dir) as base:
        results["bare"] = wrk(base + "/healthz")
        results["wall"] = wrk(base + "/")
        results["bare_again"] = wrk(base + "/healthz")
        before = _counts(large_dir / "ustoo.sqlite3")
        results["post"] = wrk(base + "/api/v1/statements", script=str(ROOT / "bench" / "post_statement.lua"))
    after = _counts(large_dir / "ustoo.sqlite3")  # the server has finished every request it accepted
    results["post"]["rows_added"] = after[0] - before[0]
    results["post"]["tally_added"] = after[1] - before[1]

    # The wall's own cost, page reuse off, one reader at a time: 1,000,000 stories against 10,000.
    for name, data_dir in (("wall_render_large", large_dir), ("wall_render_small", small_dir)):
        with server(data_dir, shared_page_seconds=0) as base:
            results[name] = wrk(base + "/", connections=1)
            results[name + "_loaded"] = wrk(base + "/")

    bare_rps = (results["bare"]["rps"] + results["bare_again"]["rps"]) / 2
    post = results["post"]
    summary = {
        "machine": machine(),
        "stories": LARGE["stories"],
        "statements": LARGE["statements"],
        "bare_rps": round(bare_rps),
        "wall_rps": round(results["wall"]["rps"]),
        "wall_ratio": round(results["wall"]["rps"] / bare_rps, 3),
        "wall_p99_ms": results["wall"]["p99_ms"],
        "post_rps": round(post["rps"]),
        "post_ratio": round(post["rps"] / bare_rps, 3),
        "post_p99_ms": post["p99_ms"],
        "post_created": post.get("created"),
        "post_rows_added": post["rows_added"],
        "post_tally_added": post["tally_added"],
        # wrk stops counting at its deadline while the server still finishes the requests in flight
        # (at most one per connection): those are stored and counted but not seen as 201 by wrk.
        "post_counted_exactly_once": post["rows_added"] == post["tally_added"]
        and post.get("created", -1) <= post["rows_added"] <= post.get("created", -1) + CONNECTIONS,
        "wall_render_ms_large": results["wall_render_large"]["mean_ms"],
        "wall_render_ms_small": results["wall_render_small"]["mean_ms"],
        "wall_render_ratio_large_vs_small": round(
            results["wall_render_large"]["mean_ms"] / results["wall_render_small"]["mean_ms"], 3
        ),
        "wall_uncached_rps_large": round(results["wall_render_large_loaded"]["rps"]),
        "wall_uncached_p99_ms_large": results["wall_render_large_loaded"]["p99_ms"],
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "web-results.json").write_text(json.dumps({"summary": summary, "raw": results}, indent=2))
    print(json.dumps(summary, indent=2))
    targets = {
        "wall throughput >= 50% of bare": summary["wall_ratio"] >= 0.5,
        "wall p99 < 50 ms": summary["wall_p99_ms"] < 50,
        "count-only POST throughput >= 40% of bare": summary["post_ratio"] >= 0.4,
        "every accepted statement counted exactly once": summary["post_counted_exactly_once"],
        "wall time at 1M within 1.3x of 10k": summary["wall_render_ratio_large_vs_small"] <= 1.3,
    }
    for name, met in targets.items():
        print(f"{'met   ' if met else 'MISSED'} {name}")
    return 0
