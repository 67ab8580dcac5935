"""`python -m bench.movement`: import + report throughput against a bare orjson loop, `twarc2 hashtags`
and DuckDB.

Generates a synthetic twarc2 file and a v1.1 file (realistic field sets, ~40% retweets with their originals),
then measures side by side in one run, each tool in its own process so peak memory is its own:
(a) a bare loop that parses each line with orjson and counts hashtags — the floor for Python;
ustoo's import followed by a JSON report: one worker pinned to one core (as the bare loop is), two workers
on two cores, and one worker without labels; (b) `twarc2 hashtags` (the twarc-hashtags plugin) on a prefix;
(c) DuckDB's `read_json` with an aggregate. Writes its figures into bench/RESULTS.md.

The classifier is trained at first use and kept on disk (classify.py); the bench imports a few posts with
each checkout before timing, as any second import finds it trained.

Options: --posts N (default 1,000,000; env USTOO_BENCH_POSTS); --twarc-posts N (`twarc2 hashtags` is timed
on the first N posts and the first 4N, default 50,000: it commits to SQLite after every line, so the whole
file would take minutes; its rate is posts/s on each prefix, start-up included, and does not change with the
prefix's size); --memory-gb N,N (also import v1.1 inputs of these
sizes, made by copying the generated file with fresh ids, and record peak memory); --before DIR (another
checkout, e.g. the commit before a change: its import + report is timed in the same rounds, on the same
files, for a side-by-side figure); --keep.
"""

import argparse
import functools
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import orjson

from bench.movement_data import repeat_with_new_ids, write_twarc2, write_v1

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Measure the movement (issue 5)"
PYTHON = sys.executable


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


def timed_python(code: str, cores: set[int] | None = None) -> tuple[float, float, str]:
    return run_with_rusage([PYTHON, "-c", code], cores=cores)


ONE_CORE = {0}


def run_with_rusage(
    command: list[str], env: dict | None = None, cores: set[int] | None = None, cwd: Path = ROOT
) -> tuple[float, float, str]:
    """Run, and return seconds, peak resident memory in MiB, and the output. `cores` pins it.

    Every process the command starts counts: this process is made a subreaper, so that descendants left
    behind (a multiprocessing forkserver and the workers it forked are not the command's own children) are
    reaped here, and CPU seconds are what all of them used. Peak memory is the largest sum of resident
    memory over the process tree, sampled every 200 ms: proportional (Pss), so that pages processes share
    count once (ru_maxrss would give the largest single process)."""
    _become_subreaper()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=cwd,
        preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
    )
    sampler = _TreeMemory(process.pid)
    sampler.start()
    out_chunks = []
    # Read before waiting so a full pipe cannot block the child.
    for chunk in iter(lambda: process.stdout.read(1 << 16), b""):
        out_chunks.append(chunk)
    err = process.stderr.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    _reap_descendants()
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command[:5])} failed: {err.decode()[-3000:]}")
    CPU_SECONDS.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    peak = max(sampler.peak_bytes / 2**20, usage.ru_maxrss / 1024)
    return seconds, peak, b"".join(out_chunks).decode()


def _become_subreaper() -> None:
    import ctypes

    pr_set_child_subreaper = 36
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_child_subreaper, 1, 0, 0, 0)


def _reap_descendants(patience: float = 10.0) -> None:
    """Wait for the orphans a command left (they exit once it has): their CPU time counts."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.02)


class _TreeMemory:
    """The peak of the summed resident memory of a process and its descendants, sampled in a thread."""

    def __init__(self, root: int):
        self.root = root
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as handle:
                        for line in handle:
                            if line.startswith("Pss:"):
                                total += int(line.split()[1]) * 1024
                                break
                except (OSError, ValueError, IndexError):
                    pass
            self.peak_bytes = max(self.peak_bytes, total)

    def _tree(self) -> list[int]:
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            try:
                for task in os.scandir(f"/proc/{pid}/task"):
                    with open(f"{task.path}/children") as handle:
                        todo.extend(int(child) for child in handle.read().split())
            except OSError:
                continue
        return found


CPU_SECONDS: list[float] = []  # user + system seconds of each process run, in order


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
    parser.add_argument("--twarc-posts", type=int, default=50_000)
    parser.add_argument("--memory-gb", default="", help="e.g. 2,5,10: v1.1 inputs of these sizes")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/ustoo-bench-movement"))  # noqa: S108
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every measurement of a file N times, in N rounds one after another, and keep the fastest",
    )
    parser.add_argument(
        "--before",
        type=Path,
        help="another checkout (e.g. `git worktree add /tmp/before <commit>`): its import + report is timed "
        "too, in the same rounds, on the same files",
    )
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
    load_before = os.getloadavg()
    checkouts = {"": ROOT}
    if options.before:
        checkouts[" (before)"] = options.before.resolve()
    for checkout in checkouts.values():
        warm_caches(work, files["v1"], checkout)

    def fastest(measures: dict, rounds: int) -> dict[str, tuple[float, float, float]]:
        """Each measure() -> (seconds, peak MiB, ...) run once per round, the rounds one after another (the
        machine's speed drifts by half within a minute here: so it falls alike on every measure): by name,
        the fastest run's seconds, the largest peak, and the fastest run's CPU seconds."""
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in measures}
        for _ in range(max(1, rounds)):
            for name, measure in measures.items():
                before = len(CPU_SECONDS)
                run = measure()
                runs[name].append((run[0], run[1], sum(CPU_SECONDS[before:])))
        best = {}
        for name, done in runs.items():
            seconds, _peak, cpu_seconds = min(done)
            best[name] = (seconds, max(run[1] for run in done), cpu_seconds)
        return best

    def record(fmt: str, name: str, seconds: float, peak: float, posts: int, cpu_seconds: float) -> None:
        rate = posts / seconds
        figures[(fmt, name)] = rate
        figures[(fmt, name + " cpu")] = posts / cpu_seconds if cpu_seconds else 0.0
        rows.append((fmt, name, seconds, cpu_seconds, rate, peak))
        print(
            f"  {fmt:7} {name:52} {seconds:7.1f} s {cpu_seconds:7.1f} cpu-s {rate:10,.0f} posts/s "
            f"{peak:6.0f} MiB",
            flush=True,
        )

    for fmt, path in files.items():
        size = path.stat().st_size
        print(f"{fmt}: {path} {size / 2**30:.2f} GiB", flush=True)
        bare = f"from bench.movement import bare_loop; bare_loop({str(path)!r}, {fmt!r})"
        measures = {"(a) bare orjson loop, one core": functools.partial(timed_python, bare, ONE_CORE)}
        for suffix, checkout in checkouts.items():
            for workers, classify in ((1, True), (2, True), (1, False)):
                label = (
                    f"ustoo import + report, {workers} worker{'s' * (workers > 1)}"
                    + (", one core" if workers == 1 else ", two cores")
                    + ("" if classify else ", no labels")
                    + suffix
                )
                measures[label] = functools.partial(
                    import_and_report, work, path, fmt, workers, classify, options.posts, checkout
                )
        measures["(c) DuckDB read_json aggregate, two cores"] = functools.partial(
            timed_python, duckdb_code(path, fmt)
        )
        for name, (seconds, peak, cpu_seconds) in fastest(measures, options.repeat).items():
            record(fmt, name, seconds, peak, options.posts, cpu_seconds)

    # (b) twarc2 hashtags: on prefixes, since it commits to SQLite after every line; on two of them, 1 and 4
    # times --twarc-posts, so that its rate can be seen not to change with size (its cost is per post).
    prefixes = sorted({min(options.twarc_posts, options.posts), min(4 * options.twarc_posts, options.posts)})
    names = {posts: f"(b) twarc2 hashtags, first {posts:,} posts, one core" for posts in prefixes}
    measures = {
        names[posts]: functools.partial(twarc_hashtags, work, files["twarc2"], posts) for posts in prefixes
    }
    best = fastest(measures, options.repeat)
    for twarc_posts in prefixes:
        seconds, peak, cpu_seconds = best[names[twarc_posts]]
        record("twarc2", names[twarc_posts], seconds, peak, twarc_posts, cpu_seconds)
        figures.setdefault(("twarc2", "(b) by size"), {})[twarc_posts] = (
            twarc_posts / seconds,
            twarc_posts / cpu_seconds,
        )

    for size in [float(gb) for gb in options.memory_gb.split(",") if gb]:
        big = work / f"big-{size:g}gb.v1.jsonl"
        copies = max(1, round(size * 2**30 / files["v1"].stat().st_size))
        repeat_with_new_ids(files["v1"], big, copies)
        posts = options.posts * copies
        print(f"v1: {big} {big.stat().st_size / 2**30:.2f} GiB", flush=True)
        seconds, peak = import_and_report(work, big, "v1", 2, True, posts)  # once: it is for memory
        cpu_seconds = CPU_SECONDS[-1] + CPU_SECONDS[-2]
        record(
            "v1", f"{big.stat().st_size / 2**30:.1f} GiB input, 2 workers", seconds, peak, posts, cpu_seconds
        )
        big.unlink()

    summary = summarise(figures, options.posts, list(checkouts))
    load_after = os.getloadavg()
    summary += (
        f"\n- Load average (1, 5, 15 min) before the run {load_before[0]:.2f}, {load_before[1]:.2f}, "
        f"{load_before[2]:.2f}; after {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f}."
    )
    print(summary)
    if not options.no_write:
        write_results(options, rows, summary)
    if not options.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def twarc_hashtags(work: Path, source: Path, posts: int):
    """(b) on the first `posts` posts of the twarc2 file (its pages hold 100), in a fresh database."""
    prefix = work / "prefix.twarc2.jsonl"
    with source.open("rb") as lines, prefix.open("wb") as out:
        for _ in range(max(1, posts // 100)):
            line = lines.readline()
            if not line:
                break
            out.write(line)
    for name in ("twarc-out.csv", "h.db"):
        (work / name).unlink(missing_ok=True)
    code = (
        "import sys; from twarc_hashtags import hashtags; "
        f"hashtags.main([{str(prefix)!r}, {str(work / 'twarc-out.csv')!r}, '--db', {str(work / 'h.db')!r}], "
        "standalone_mode=False)"
    )
    return timed_python(code, ONE_CORE)


def warm_caches(work: Path, sample: Path, checkout: Path) -> None:
    """Import a few posts once with the checkout's code, so that what it caches on disk (the trained
    classifier) is there before timing, as any import after the first finds it."""
    few = work / "warm.v1.jsonl"
    with sample.open("rb") as lines, few.open("wb") as out:
        for _ in range(200):
            out.write(lines.readline())
    env = {**os.environ, "USTOO_DATA_DIR": str(work / "data"), "USTOO_MOVEMENT_DB": str(work / "warm.duckdb")}
    command = [PYTHON, "-m", "ustoo", "movement", "import", str(few), "--format", "v1", "--no-progress"]
    run_with_rusage(command, env, cwd=checkout)
    Path(env["USTOO_MOVEMENT_DB"]).unlink(missing_ok=True)
    few.unlink()


def import_and_report(
    work: Path, path: Path, fmt: str, workers: int, classify: bool, posts: int, checkout: Path = ROOT
):
    """Seconds for `ustoo movement import` then `report --format json` with the checkout's code, and the
    larger peak memory."""
    env = {
        **os.environ,
        "USTOO_DATA_DIR": str(work / "data"),
        "USTOO_MOVEMENT_DB": str(work / f"{fmt}.duckdb"),
    }
    Path(env["USTOO_MOVEMENT_DB"]).unlink(missing_ok=True)
    extra = [] if classify else ["--no-classify"]
    cores = ONE_CORE if workers == 1 else None
    ustoo = [PYTHON, "-m", "ustoo"]  # run in the checkout's folder: its own code
    command = [*ustoo, "movement", "import", str(path), "--format", fmt, "--dataset", "bench"]
    command += ["--workers", str(workers), "--no-progress", *extra]
    seconds, peak, _ = run_with_rusage(command, env, cores, checkout)
    report_s, report_peak, report = run_with_rusage(
        [*ustoo, "movement", "report", "--dataset", "bench", "--format", "json"], env, cores, checkout
    )
    stored = orjson.loads(report)["totals"]["posts"]
    if stored != posts:
        raise RuntimeError(f"{fmt}: the report counts {stored} posts, not {posts}")
    Path(env["USTOO_MOVEMENT_DB"]).unlink(missing_ok=True)
    return seconds + report_s, max(peak, report_peak)


def duckdb_code(path: Path, fmt: str) -> str:
    if fmt == "twarc2":
        # read_json on whole twarc2 pages is slow (it infers and builds every nested field, ~30 s and 1.6 GB
        # here); its object reader with an explicit structure is DuckDB's fast way to the same count.
        structure = '{"data": [{"entities": {"hashtags": [{"tag": "VARCHAR"}]}}]}'
        query = (
            "SELECT lower(h.tag) AS tag, count(*) FROM ("
            f"SELECT unnest(from_json(json, '{structure}').data) AS t FROM read_json_objects('{path}', "
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


ONE = "ustoo import + report, 1 worker, one core"
TWO = "ustoo import + report, 2 workers, two cores"
ONE_PLAIN = "ustoo import + report, 1 worker, one core, no labels"


def summarise(figures: dict, posts: int, suffixes: list[str] = [""]) -> str:  # noqa: B006 - read only
    lines = []
    for fmt in ("twarc2", "v1"):
        bare = figures[(fmt, "(a) bare orjson loop, one core")]
        one, two, one_plain = figures[(fmt, ONE)], figures[(fmt, TWO)], figures[(fmt, ONE_PLAIN)]
        duck = figures[(fmt, "(c) DuckDB read_json aggregate, two cores")]
        met = {True: "met", False: "missed"}
        lines.append(
            f"- {fmt}: one worker on one core = {one / bare:.0%} of the bare loop (target ≥ 70%: "
            f"{met[one / bare >= 0.7]}; without labels {one_plain / bare:.0%}); "
            f"two workers = {two / one:.2f}× one worker (target ≥ 1.7×: {met[two / one >= 1.7]}); "
            f"DuckDB read_json on two cores = {duck / bare:.0%} of the bare loop."
        )
    twarc = figures[("twarc2", "(b) by size")]  # posts: (posts per second, per CPU second)
    largest = max(twarc)
    rate, cpu_rate = twarc[largest]
    one, one_cpu = figures[("twarc2", ONE)], figures[("twarc2", ONE + " cpu")]
    lines.append(
        f"- ustoo (one worker, one core) vs `twarc2 hashtags` (one core, first {largest:,} posts): "
        f"{one / rate:.1f}× faster in seconds, {one_cpu / cpu_rate:.1f}× in CPU seconds "
        f"(target ≥ 10×: {'met' if one / rate >= 10 else 'missed'}). `twarc2 hashtags` per CPU second: "
        + ", ".join(f"{twarc[size][1]:,.0f} posts on the first {size:,}" for size in sorted(twarc))
        + (
            f" ({twarc[largest][1] / twarc[min(twarc)][1] - 1:+.0%} from the smaller prefix to the larger)."
            if len(twarc) > 1
            else "."
        )
    )
    # Issue 15's targets: import + report ≥ 2.5× `twarc2 hashtags` (one core each) and ≥ 0.7× a DuckDB
    # read_json aggregate (two cores each), for this checkout and the one before.
    for suffix in suffixes:
        one = figures[("twarc2", ONE + suffix)]
        parts = [f"{one / rate:.2f}× `twarc2 hashtags` (one worker, one core, twarc2)"]
        for fmt in ("twarc2", "v1"):
            two = figures[(fmt, TWO + suffix)]
            duck = figures[(fmt, "(c) DuckDB read_json aggregate, two cores")]
            parts.append(f"{two / duck:.2f}× DuckDB read_json ({fmt}, two workers)")
        lines.append(f"- Import + report{suffix or ' (this checkout)'}: " + "; ".join(parts) + ".")
    return "\n".join(lines)


def write_results(options, rows, summary: str) -> None:
    table = ["| file | what | seconds | CPU s | posts/s | peak MiB |", "|---|---|---:|---:|---:|---:|"]
    table += [
        f"| {fmt} | {name} | {seconds:.1f} | {cpu:.1f} | {rate:,.0f} | {peak:.0f} |"
        for fmt, name, seconds, cpu, rate, peak in rows
    ]
    section = "\n".join(
        [
            SECTION,
            "",
            f"Command: `.venv/bin/python -m bench.movement --posts {options.posts} "
            f"--twarc-posts {options.twarc_posts} --repeat {options.repeat}"
            + (" --before <checkout>" if options.before else "")
            + (f" --memory-gb {options.memory_gb}" if options.memory_gb else "")
            + "` "
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
