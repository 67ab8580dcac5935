"""Matching escrow benchmarks (issue 19).

- OPRF evaluations per second on the service: `ustoo matching oprf-service` with two workers (the
  machine's two cores), loaded by wrk on loopback with a batch of one valid blinded element (an
  evaluation costs the same whatever the element); the proof is made for every answer. The same
  evaluation's time in one process, without HTTP, for reference.
- The counselor tool on an export of 1,000,000 entries: the time to read the file, and the time to find
  and open the matches (`counselor_tool.open_export`). Of the entries, BENCH_MATCHING_PAIRS pairs of two
  accounts name one person each (matches), as many pairs are one account naming someone twice (opened,
  then left shut: one point), and the rest are lone entries. Matched and repeated entries are made
  exactly as the browser makes them (OPRF output, line, HPKE seal, encrypted record), on both cores; a
  lone entry's sealed share and ciphertext are random bytes of the true sizes, since the tool never
  opens an index held once (what it does with them, reading and grouping, is the same). The site's own
  exports hold matched entries only, so real exports are far smaller than this.

`python -m bench matching`, or `python -m bench.matching [--entries N]`.
"""

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import orjson

from bench import OUT, server_log
from bench.web import _free_port, machine, wrk

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = int(os.environ.get("BENCH_MATCHING_ENTRIES", 1_000_000))
PAIRS = int(os.environ.get("BENCH_MATCHING_PAIRS", 5_000))
SECONDS = int(os.environ.get("BENCH_MATCHING_SECONDS", 10))


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _wait_for(url: str, process: subprocess.Popen) -> None:
    import urllib.request

    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the OPRF service did not start") from None
            time.sleep(0.1)


def oprf_throughput(workers: int = 2) -> dict:
    from ustoo.matching import oprf

    key = oprf.KeyPair.generate()
    element = oprf.blind(b"x:someone")[1]
    rounds = 400
    started = time.perf_counter()
    for _ in range(rounds):
        oprf.evaluate(key, [element])
    in_process_ms = 1000 * (time.perf_counter() - started) / rounds

    port = _free_port()
    with tempfile.TemporaryDirectory() as directory:
        command = [sys.executable, "-m", "ustoo", "matching", "oprf-service", "--bind", f"127.0.0.1:{port}"]
        command += ["--key-dir", directory, "--workers", str(workers), "--budget-per-hour", str(10**9)]
        process = subprocess.Popen(command, cwd=ROOT, stdout=server_log("matching"), stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/public-key", process)
            script = OUT / "matching_evaluate.lua"
            script.write_text(
                'wrk.method = "POST"\n'
                f"wrk.body = '{json.dumps({'blinded': [b64u(element)]})}'\n"
                'wrk.headers["Content-Type"] = "application/json"\n'
            )
            result = wrk(
                f"http://127.0.0.1:{port}/evaluate", connections=8, seconds=SECONDS, script=str(script)
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
    return {
        "workers": workers,
        "evaluations_per_second": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "non_2xx": result["non_2xx"],
        "one_evaluation_in_process_ms": round(in_process_ms, 3),
    }


def _real_entries(task: tuple[int, int, bool]) -> list[tuple[str, str, str, str]]:
    """(reference, index, sealed, ciphertext) for `count` pairs starting at `first`: two owners naming
    one person each pair (a match), or the same owner twice (`same_owner`)."""
    from ustoo.matching import escrow, hpke, oprf, sharing

    first, count, same_owner = task
    key = oprf.KeyPair.derive(b"\xa3" * 32, b"bench")
    _private, counselor = hpke.derive_key_pair(bytes(range(32)))
    rows = []
    for n in range(first, first + count):
        line = escrow.Line.from_output(oprf.evaluate_unblinded(key, f"x:person{n}{same_owner}".encode()))
        owners = [secrets.token_bytes(32)] * 2 if same_owner else [secrets.token_bytes(32) for _ in range(2)]
        for side, owner in enumerate(owners):
            record_key = secrets.token_bytes(32)
            record = {"v": 1, "who": f"person {n}", "what": "bench", "on_match": "contact", "identifiers": []}
            point = sharing.point_on_line(line.a0, line.a1, escrow.owner_x(owner, line.index))
            share = escrow.Share(point, escrow.wrap_record_key(line.a0, line.index, record_key)).to_bytes()
            rows.append(
                (
                    f"{'s' if same_owner else 'm'}{n}-{side}",
                    b64u(line.index),
                    b64u(hpke.seal(counselor, share, line.index)),
                    b64u(escrow.encrypt_record(record, record_key)),
                )
            )
    return rows


def make_export(path: Path, entries: int, pairs: int) -> float:
    from ustoo.matching import escrow, hpke

    started = time.perf_counter()
    _private, counselor = hpke.derive_key_pair(bytes(range(32)))
    fingerprint = hpke.fingerprint(counselor)
    chunk = 250
    tasks = [
        (first, min(chunk, pairs - first), same) for same in (False, True) for first in range(0, pairs, chunk)
    ]
    with ProcessPoolExecutor(max_workers=2) as pool:
        real = [row for rows in pool.map(_real_entries, tasks) for row in rows]
    lone = entries - len(real)
    export_entries, shares = [], []
    for reference, index, sealed, ciphertext in real:
        export_entries.append({"reference": reference, "ciphertext": ciphertext})
        shares.append({"entry": reference, "index": index, "sealed": sealed, "key": fingerprint})
    sealed_size = escrow.SEALED_BYTES
    cipher_size = escrow.NONCE_BYTES + escrow.PAD_UNIT + escrow.TAG_BYTES
    for n in range(lone):
        reference = f"l{n}"
        export_entries.append({"reference": reference, "ciphertext": b64u(os.urandom(cipher_size))})
        shares.append(
            {
                "entry": reference,
                "index": b64u(os.urandom(32)),
                "sealed": b64u(os.urandom(sealed_size)),
                "key": fingerprint,
            }
        )
    document = {
        "format": "ustoo-matching-export",
        "v": 1,
        "exported_at": "2026-12-08T00:00:00+00:00",
        "counselor_key": {"fingerprint": fingerprint, "public_key": b64u(counselor)},
        "entries": export_entries,
        "shares": shares,
    }
    path.write_bytes(orjson.dumps(document))
    return time.perf_counter() - started


def counselor_tool(entries: int, pairs: int) -> dict:
    from ustoo.matching import counselor_tool as tool
    from ustoo.matching import hpke

    private, _public = hpke.derive_key_pair(bytes(range(32)))
    with tempfile.TemporaryDirectory(dir=OUT) as directory:
        path = Path(directory) / "export.json"
        made_in = make_export(path, entries, pairs)
        size = path.stat().st_size
        started = time.perf_counter()
        document = orjson.loads(path.read_bytes())
        read_in = time.perf_counter() - started
        started = time.perf_counter()
        opened = tool.open_export(document, private)
        open_in = time.perf_counter() - started
    assert len(opened.matches) == pairs and all(m.people == 2 for m in opened.matches)
    assert opened.shut == entries - 2 * pairs - pairs  # every lone index, and each repeated one
    return {
        "entries": entries,
        "matches": len(opened.matches),
        "repeated_by_one_account": pairs,
        "left_shut": opened.shut,
        "export_mib": round(size / 2**20),
        "generated_s": round(made_in, 1),
        "read_s": round(read_in, 1),
        "find_and_open_s": round(open_in, 1),
        "total_s": round(read_in + open_in, 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matching", description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=ENTRIES)
    parser.add_argument("--pairs", type=int, default=PAIRS)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ustoo.settings")
    os.environ.setdefault("USTOO_DATA_DIR", str(OUT / "scratch"))
    OUT.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": machine(),
        "oprf_service": oprf_throughput(),
        "counselor_tool": counselor_tool(args.entries, args.pairs),
    }
    (OUT / "matching-results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
