"""How far signing and confirming could go: the campaigns benchmark's mix (bench/campaigns.py) with
parts the issue requires switched off one group at a time (bench/ceiling_wsgi.py), each against the
bare view in the same rounds. Not part of `make bench`: run it with `python -m bench
campaigns_ceiling` (about 12 minutes, seeding included).

Each variant gets a fresh copy of one seeded site (140,000 confirmed signatures and pending ones to
confirm), gunicorn as `make run`, one uncounted round, then rounds of bare view, mix, bare view. It
reports the median round's throughput against the bare view, and the server's CPU per request, the
steadier of the two figures on this shared machine.
"""

import contextlib
import json
import shutil
import statistics
import sys

from bench import OUT
from bench.campaigns import LARGE, mail_sender, measured_round, seed, token_slices
from bench.web import CONNECTIONS, ROOT, ROUND_SECONDS, ROUNDS, machine, server

# From the site as it is to the least it could do: each variant switches off more.
VARIANTS = {
    "the site as it is": "",
    "no e-mail": "mail",
    "no form checks, no confirmation page": "form,page",
    "no form checks, no page, no e-mail": "form,page,mail",
}
TARGET = 0.4


def _variant(seeded, skip: str) -> list[dict]:
    data_dir = OUT / "campaigns-ceiling-run"
    shutil.rmtree(data_dir, ignore_errors=True)
    shutil.copytree(seeded, data_dir)
    rounds = []
    try:
        with contextlib.ExitStack() as stack:
            base = stack.enter_context(
                server(data_dir, extra_env={"USTOO_BENCH_SKIP": skip}, app="bench.ceiling_wsgi")
            )
            if "mail" not in skip:
                stack.enter_context(mail_sender(base, data_dir, ROOT))
            for run, tokens in enumerate(token_slices(data_dir, ROUNDS + 1)):
                measured = measured_round(base, data_dir, tokens, run, mail="mail" not in skip)
                if run:  # the first is not counted: see bench/campaigns.py
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
        mixed = [r["sign_confirm"] for r in rounds]
        results[name] = {
            "skipped": skip or "nothing",
            "ratio_median": round(statistics.median(m["ratio"] for m in mixed), 3),
            "ratios": [round(m["ratio"], 3) for m in mixed],
            "cpu_ms_per_request": round(statistics.median(m["server_cpu_ms_per_request"] for m in mixed), 2),
            "bare_cpu_ms_per_request": round(
                statistics.median(b["server_cpu_ms_per_request"] for r in rounds for b in r["bare"]), 2
            ),
            "errors": sum(m.get("other", 0) for m in mixed),
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
