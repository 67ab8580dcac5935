"""Several app servers (issue 21): one against two gunicorn servers behind haproxy, and what the balancer
costs against a server reached directly, on this machine.

Starts the cluster the tests use (ustoo/core/tests/cluster/harness.py: PostgreSQL behind pgbouncer in
transaction mode, Redis, gunicorn servers on 127.0.0.2 and 127.0.0.3, haproxy on 127.0.0.4), with rate
limits off (the figures measure the work; the tests prove the limits), and drives it with wrk, in
interleaved rounds of each variant:

- direct: wrk straight to one app server;
- one behind haproxy: the balancer's front that sends everything to that server;
- two behind haproxy: round-robin over both servers.

For POST /api/v1/statements (a count-only "me too") and GET /healthz (the bare view, where the balancer's
own cost shows most). Every 201 is checked against the rows and the day counters afterwards.

On a 2-core machine the two servers share the cores that one server already fills, with PostgreSQL,
pgbouncer, Redis, haproxy and wrk beside them: two servers cannot be twice one here. What this run gives is
the balancer's cost and the per-request server CPU from which a machine's capacity is projected
(docs/DEPLOY.md).
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench import OUT
from bench.web import _ms, machine

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = 3
SECONDS = 5
CONNECTIONS = 16
POST = str(ROOT / "bench" / "post_statement.lua")


def wrk(url: str, *, script: str | None, seconds: int, connections: int) -> dict:
    from ustoo.core.tests.cluster.harness import HOST

    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-H", f"Host: {HOST}"]
    # Straight to an app server, the request says it came over TLS, as the balancer's do.
    command += ["-H", "X-Forwarded-Proto: https"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "non_2xx": int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", output)) else 0,
    }
    if status := re.search(r"STATUS created=(\d+) other=(\d+)", output):
        result["created"], result["other"] = int(status.group(1)), int(status.group(2))
    return result


_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds used so far by `pid` and every process under it (PostgreSQL's
    backends, gunicorn's workers), whatever session or process group they chose."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # ended meanwhile
        return total
    total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total + sum(_cpu_seconds(int(child)) for child in children)


def cpu_by_component(cluster) -> dict[str, float]:
    """CPU seconds so far of each part of the cluster (an app server counts its workers). A process
    that ended (a backend whose connection closed) takes its seconds with it: the figures are of
    processes that run throughout, as pooled connections and workers do."""
    parts: dict[str, float] = {}
    for process in cluster.processes:
        name = "app servers" if process.name.startswith("app") else process.name
        parts[name] = parts.get(name, 0.0) + _cpu_seconds(process.popen.pid)
    return parts


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    parser.add_argument("--seconds", type=int, default=SECONDS)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server (2)")
    parser.add_argument("--threads", type=int, default=8, help="threads per worker (8)")
    args = parser.parse_args(argv)

    import psycopg

    from ustoo.core.tests.cluster.harness import BALANCER, Cluster

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    with Cluster(workers=args.workers, threads=args.threads, extra_env={"USTOO_RATE_LIMITS": "0"}) as cluster:
        one = cluster.servers[0]
        variants = {
            "direct": f"http://{one.address}:{one.port}",
            "one behind haproxy": f"http://{BALANCER}:{cluster.pinned_ports[one.name]}",
            "two behind haproxy": f"http://{BALANCER}:{cluster.balancer_port}",
        }
        runs: dict[tuple[str, str], list[dict]] = {}
        for round_number in range(args.rounds):
            for path, script in (("/api/v1/statements", POST), ("/healthz", None)):
                for name, base in variants.items():
                    before = cpu_by_component(cluster)
                    result = wrk(
                        base + path, script=script, seconds=args.seconds, connections=args.connections
                    )
                    after = cpu_by_component(cluster)
                    result["cpu_ms_per_request"] = {
                        part: round(1000 * (after[part] - before[part]) / max(1, result["requests"]), 3)
                        for part in after
                    }
                    runs.setdefault((path, name), []).append(result)
                    print(f"round {round_number + 1} {path} {name}: {result}", flush=True)
        with psycopg.connect(cluster.direct_database_url) as connection:
            rows = connection.execute("SELECT count(*) FROM stories_statement").fetchone()[0]
            counted = connection.execute(
                "SELECT coalesce(sum(count), 0) FROM magnitude_counter WHERE dimension = 'day'"
            ).fetchone()[0]
    created = sum(run["created"] for results in runs.values() for run in results if "created" in run)
    summary = {
        "started": started,
        "machine": machine(),
        "command": "python -m bench.cluster " + " ".join(argv),
        "servers": f"{args.workers} workers x {args.threads} threads each",
        "figures": {
            f"{path} {name}": {
                "rps_median": round(statistics.median(run["rps"] for run in results), 1),
                "p99_ms_median": round(statistics.median(run["p99_ms"] for run in results), 1),
                "rounds_rps": [round(run["rps"]) for run in results],
                "non_2xx": sum(run["non_2xx"] for run in results),
                "cpu_ms_per_request_median": {
                    part: round(statistics.median(run["cpu_ms_per_request"][part] for run in results), 3)
                    for part in results[0]["cpu_ms_per_request"]
                },
            }
            for (path, name), results in runs.items()
        },
        "statements": {"answered_201": created, "rows": rows, "counted": int(counted)},
    }
    print(json.dumps(summary, indent=2))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "cluster.json").write_text(json.dumps(summary, indent=2))
    # wrk stops with requests in flight: the server may commit some whose answer it never reads.
    return 0 if rows == counted and rows >= created else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
