"""How far signing and confirming could go: the campaigns benchmark's mix (bench/campaigns.py) with
parts the issue requires switched off one group at a time (bench/ceiling_wsgi.py), each against the
bare view in the same rounds. Not part of `make bench`: run it with `python -m bench
campaigns_ceiling` (about 12 minutes, seeding included).

Each variant gets a fresh copy of one seeded site (140,000 confirmed signatures and pending ones to
confirm), gunicorn as `make run`, one uncounted round, then rounds of bare view, mix, bare view. It
reports the median round's throughput against the bare view, and the server's CPU per request, the
steadier of the two figures on this shared machine.
"""

import json
import shutil
import statistics
import sys

from bench import OUT
from bench.campaigns import LARGE, SLUG, _wait_for_mail, seed, wrk_script
from bench.web import (
    CONNECTIONS,
    ROOT,
    ROUND_SECONDS,
    ROUNDS,
    machine,
    server,
    server_cpu_seconds,
    wrk_with_cpu,
)

# From the site as it is to the least it could do: each variant switches off more.
VARIANTS = {
    "the site as it is": "",
    "no e-mail": "mail",
    "no form checks, no confirmation page": "form,page",
    "no form checks, no page, no e-mail": "form,page,mail",
}
TARGET = 0.4


def _round(base: str, data_dir, tokens, run: int, *, mail: bool) -> dict:
    bare_before = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
    cpu_before = server_cpu_seconds(base)
    script = str(ROOT / "bench" / "campaign_sign_confirm.lua")
    mixed = wrk_script(
        base + "/", script, [SLUG, str(tokens), str(min(2, CONNECTIONS)), str(run)], seconds=ROUND_SECONDS
    )
    catch_up = _wait_for_mail(data_dir) if mail else 0.0
    cpu_ms = (server_cpu_seconds(base) - cpu_before) * 1000 / mixed["requests"]
    bare_after = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
    rps = mixed["rps"] * ROUND_SECONDS / (ROUND_SECONDS + catch_up)
    return {
        "ratio": rps / ((bare_before["rps"] + bare_after["rps"]) / 2),
        "cpu_ms": cpu_ms,
        "bare_cpu_ms": (bare_before["server_cpu_ms_per_request"] + bare_after["server_cpu_ms_per_request"])
        / 2,
        "other": mixed.get("other", 0),
    }


def _variant(seeded, skip: str) -> list[dict]:
    data_dir = OUT / "campaigns-ceiling-run"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(seeded, data_dir)
    links = (data_dir / "confirm_tokens.txt").read_text().split()
    share = len(links) // (ROUNDS + 1)
    rounds = []
    try:
        with server(data_dir, extra_env={"USTOO_BENCH_SKIP": skip}, app="bench.ceiling_wsgi") as base:
            for run in range(ROUNDS + 1):  # the first is not counted: see bench/campaigns.py
                tokens = data_dir / f"confirm_tokens_{run}.txt"
                tokens.write_text("\n".join(links[run * share : (run + 1) * share]) + "\n")
                measured = _round(base, data_dir, tokens, run, mail="mail" not in skip)
                if run:
                    rounds.append(measured)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return rounds


def main(argv: list[str]) -> int:
    seeded = OUT / "campaigns-ceiling-seed"
    seed(seeded, LARGE)
    results = {}
    for name, skip in VARIANTS.items():
        rounds = _variant(seeded, skip)
        results[name] = {
            "skipped": skip or "nothing",
            "ratio_median": round(statistics.median(r["ratio"] for r in rounds), 3),
            "ratios": [round(r["ratio"], 3) for r in rounds],
            "cpu_ms_per_request": round(statistics.median(r["cpu_ms"] for r in rounds), 2),
            "bare_cpu_ms_per_request": round(statistics.median(r["bare_cpu_ms"] for r in rounds), 2),
            "errors": sum(r["other"] for r in rounds),
        }
        print(name, json.dumps(results[name]), flush=True)
    summary = {
        "machine": machine(),
        "rounds": f"{ROUNDS} x {ROUND_SECONDS} s (after one uncounted), {CONNECTIONS} connections",
        "variants": results,
    }
    (OUT / "campaigns-ceiling-results.json").write_text(json.dumps(summary, indent=2))
    print()
    print(f"{'variant':<40} {'vs bare':>8} {'CPU/request':>12} {'bare CPU':>9}")
    for name, result in results.items():
        print(
            f"{name:<40} {result['ratio_median']:>8.1%} {result['cpu_ms_per_request']:>9.2f} ms"
            f" {result['bare_cpu_ms_per_request']:>6.2f} ms"
        )
    print(f"(target for the site as it is: {TARGET:.0%} of the bare view)")
    return 1 if any(result["errors"] for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
