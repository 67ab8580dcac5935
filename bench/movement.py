"""`python -m bench.movement`: import + report throughput against a bare orjson loop, `twarc2 hashtags`
and DuckDB.

Generates a synthetic twarc2 file and a v1.1 file (realistic field sets, ~40% retweets with their originals),
then measures side by side in one run, each tool in its own process so peak memory is its own:
(a) a bare loop that parses each line with orjson and counts hashtags — the floor for Python;
ustoo's import (one worker, then two) followed by a JSON report; (b) `twarc2 hashtags` (the twarc-hashtags
plugin); (c) DuckDB's `read_json` with an aggregate. Writes its figures into bench/RESULTS.md.

Options: --posts N (default 1,000,000; env USTOO_BENCH_POSTS); --twarc-posts N (the prefix `twarc2 hashtags`
is timed on: it inserts row by row into SQLite and would take most of an hour on the full file); --keep.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import orjson

from bench.movement_data import write_twarc2, write_v1

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Measure the movement (issue 5)"
PYTHON = sys.executable
USTOO = str(Path(sys.executable).with_name("ustoo"))


def bare_loop(path: str, fmt: str) -> int:
    """(a): parse each line and count hashtags from the entities; nothing else."""
    counts: Counter = Counter()
    posts = 0
    with open(path, "rb") as handle:
        for line in handle:
            record = orjson.loads(line)
            for tweet in record["data"] if fmt == "twarc2" else (record,):
                posts += 1
                for tag in tweet["entities"]["hashtags"]:
                    counts[(tag["tag"] if fmt == "twarc2" else tag["text"]).lower()] += 1
    return posts


def timed_python(code: str) -> tuple[float, float, str]:
    return run_with_rusage([PYTHON, "-c", code])


def run_with_rusage(command: list[str], env: dict | None = None) -> tuple[float, float, str]:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    out_chunks = []
    # Read before waiting so a full pipe cannot block the child; wait4 then gives its own peak memory.
    for chunk in iter(lambda: process.stdout.read(1 << 16), b""):
        out_chunks.append(chunk)
    err = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode:
        raise RuntimeError(f"{' '.join(command[:5])} failed: {err.decode()[-3000:]}")
    return seconds, usage.ru_maxrss / 1024, b"".join(out_chunks).decode()


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    return (
        f"nproc {os.cpu_count()}, {cpu}, Python {platform.python_version()}, "
        f"DuckDB {__import__('duckdb').__version__}\n\n```\n{free}\n```"
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench movement")
    parser.add_argument("--posts", type=int, default=int(os.environ.get("USTOO_BENCH_POSTS", 1_000_000)))
    parser.add_argument("--twarc-posts", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ustoo-bench-movement"))  # noqa: S108
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print only; leave bench/RESULTS.md alone")
    options = parser.parse_args(argv)
    work = options.workdir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    files = {"twarc2": work / "metoo.twarc2.jsonl", "v1": work / "metoo.v1.jsonl"}
    started = time.perf_counter()
    write_twarc2(files["twarc2"], options.posts)
    write_v1(files["v1"], options.posts)
    print(
        f"generated {options.posts:,} posts per format in {time.perf_counter() - started:.0f} s", flush=True
    )

    rows = []
    figures: dict[tuple[str, str], float] = {}

    def record(fmt: str, name: str, seconds: float, peak: float, posts: int) -> None:
        rate = posts / seconds
        figures[(fmt, name)] = rate
        rows.append((fmt, name, seconds, rate, peak))
        print(f"  {fmt:7} {name:44} {seconds:8.1f} s {rate:12,.0f} posts/s {peak:8.0f} MiB", flush=True)

    for fmt, path in files.items():
        size = path.stat().st_size
        print(f"{fmt}: {path} {size / 2**30:.2f} GiB", flush=True)
        seconds, peak, _ = timed_python(
            f"from bench.movement import bare_loop; bare_loop({str(path)!r}, {fmt!r})"
        )
        record(fmt, "(a) bare orjson loop, one core", seconds, peak, options.posts)
        for workers, classify in ((1, True), (2, True), (1, False), (2, False)):
            env = {
                **os.environ,
                "USTOO_DATA_DIR": str(work / "data"),
                "USTOO_MOVEMENT_DB": str(work / f"{fmt}.duckdb"),
            }
            Path(env["USTOO_MOVEMENT_DB"]).unlink(missing_ok=True)
            extra = [] if classify else ["--no-classify"]
            seconds, peak, _ = run_with_rusage(
                [
                    USTOO,
                    "movement",
                    "import",
                    str(path),
                    "--format",
                    fmt,
                    "--dataset",
                    "bench",
                    "--workers",
                    str(workers),
                    "--no-progress",
                    *extra,
                ],
                env,
            )
            report_s, report_peak, report = run_with_rusage(
                [USTOO, "movement", "report", "--dataset", "bench", "--format", "json"], env
            )
            stored = orjson.loads(report)["totals"]["posts"]
            if stored != options.posts:
                raise RuntimeError(f"{fmt}: the report counts {stored} posts, not {options.posts}")
            label = f"ustoo import + report, {workers} worker{'s' * (workers > 1)}" + (
                "" if classify else ", no labels"
            )
            record(fmt, label, seconds + report_s, max(peak, report_peak), options.posts)
        seconds, peak, _ = timed_python(duckdb_code(path, fmt))
        record(fmt, "(c) DuckDB read_json aggregate", seconds, peak, options.posts)

    # (b) twarc2 hashtags: on a prefix, since it commits to SQLite after every line.
    prefix = work / "prefix.twarc2.jsonl"
    pages = max(1, options.twarc_posts // 100)
    with files["twarc2"].open("rb") as source, prefix.open("wb") as out:
        for _ in range(pages):
            line = source.readline()
            if not line:
                break
            out.write(line)
    twarc_posts = min(options.twarc_posts, options.posts)
    code = (
        "import sys; from twarc_hashtags import hashtags; "
        f"hashtags.main([{str(prefix)!r}, {str(work / 'twarc-out.csv')!r}, '--db', {str(work / 'h.db')!r}], "
        "standalone_mode=False)"
    )
    seconds, peak, _ = timed_python(code)
    record("twarc2", f"(b) twarc2 hashtags, first {twarc_posts:,} posts", seconds, peak, twarc_posts)

    summary = summarise(figures, options.posts)
    print(summary)
    if not options.no_write:
        write_results(options, rows, summary)
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def duckdb_code(path: Path, fmt: str) -> str:
    if fmt == "twarc2":
        query = (
            f"SELECT lower(h.tag) AS tag, count(*) FROM (SELECT unnest(data) AS t FROM read_json('{path}', "
            "format='newline_delimited', maximum_object_size=1e8)), "
            "unnest(t.entities.hashtags) AS u(h) GROUP BY tag"
        )
    else:
        query = (
            f"SELECT lower(h.text) AS tag, count(*) "
            f"FROM read_json('{path}', format='newline_delimited') AS t, "
            "unnest(t.entities.hashtags) AS u(h) GROUP BY tag"
        )
    return f"import duckdb; duckdb.connect().execute({query!r}).fetchall()"


def summarise(figures: dict, posts: int) -> str:
    lines = []
    for fmt in ("twarc2", "v1"):
        bare = figures[(fmt, "(a) bare orjson loop, one core")]
        one = figures[(fmt, "ustoo import + report, 1 worker")]
        two = figures[(fmt, "ustoo import + report, 2 workers")]
        one_plain = figures[(fmt, "ustoo import + report, 1 worker, no labels")]
        two_plain = figures[(fmt, "ustoo import + report, 2 workers, no labels")]
        duck = figures[(fmt, "(c) DuckDB read_json aggregate")]
        lines.append(
            f"- {fmt}: one worker = {one / bare:.0%} of the bare loop (target ≥ 70%; without labels "
            f"{one_plain / bare:.0%}); two workers = {two / one:.2f}× one worker (target ≥ 1.7×; without "
            f"labels {two_plain / one_plain:.2f}×); DuckDB read_json = {duck / bare:.0%} of the bare loop."
        )
    twarc = next(rate for (fmt, name), rate in figures.items() if name.startswith("(b)"))
    one = figures[("twarc2", "ustoo import + report, 1 worker")]
    lines.append(f"- ustoo (one worker) vs `twarc2 hashtags`: {one / twarc:.1f}× faster (target ≥ 10×).")
    return "\n".join(lines)


def write_results(options, rows, summary: str) -> None:
    table = ["| file | what | seconds | posts/s | peak MiB |", "|---|---|---:|---:|---:|"]
    table += [
        f"| {fmt} | {name} | {seconds:.1f} | {rate:,.0f} | {peak:.0f} |"
        for fmt, name, seconds, rate, peak in rows
    ]
    section = "\n".join(
        [
            SECTION,
            "",
            f"Command: `.venv/bin/python -m bench.movement --posts {options.posts} "
            f"--twarc-posts {options.twarc_posts}` "
            f"(run {time.strftime('%Y-%m-%d')}).",
            "",
            "Machine: " + machine(),
            "",
            *table,
            "",
            summary,
            "",
        ]
    )
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    notes_marker = "<!-- movement notes -->"
    if pattern.search(text):
        old = pattern.search(text).group(0)
        notes = old[old.index(notes_marker) :] if notes_marker in old else ""
        text = text.replace(old, section + ("\n" + notes if notes else "\n"))
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
