"""The escrow's entry page in this machine's Chromium (issue 19): how long a survivor waits.

Serves a fresh, migrated site with gunicorn as `make run` does (bench.web.server) beside the OPRF
service (`ustoo matching oprf-service`, two workers, its own key), with a trusted account old enough to
make entries and a counselors' key set, and drives Debian's Chromium headless through /matching/new/ as
a person would. Times, over several rounds, with the page's own clock (performance.now()):

1. opening the page: from navigation to the form ready (the 0.3 MB bundle run, `GET params` answered);
2. making an entry, from the click on "Lock and send my entry" to "Your entry is held": canonicalising
   the identifiers, blinding them, `POST evaluate` (the site's delay, then the service's evaluation
   with its proof), verifying the proof and finalizing, deriving each index and share, encrypting the
   record (WebCrypto), sealing each share (HPKE) and `POST entries`. With the protocol's delay
   (USTOO_MATCHING_DELAY_MS, 1,500 ms: what a survivor waits) and without it (the work itself), for an
   entry naming 2 identifiers (a phone number and a handle) and one naming 5, the most.

Budgets and the entries an account may hold are raised for the run: it measures the work, not the
limits (tests/test_browser.py checks those).

    python -m bench.matching_browser [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.journal_browser import CHROMIUM, migrated
from bench.matching import _wait_for
from bench.web import OUT, ROOT, _free_port, machine, server, server_log

PASSPHRASE = "a benchmark passphrase for the escrow"  # noqa: S105 (a throwaway account's)
PREPARE = f"""
import datetime
from django.utils import timezone
from ustoo.accounts.models import Member, TrustLevel
from ustoo.matching import hpke, services
member = Member.objects.create_user("bench_survivor", {PASSPHRASE!r}, trust_level=TrustLevel.MEMBER)
Member.objects.filter(pk=member.pk).update(date_joined=timezone.now() - datetime.timedelta(days=60))
services.set_counselor_key(hpke.generate_key_pair()[1])
"""
IDENTIFIERS = {
    2: [("phone", "06 12 34 56 78", "FR"), ("instagram", "@the.person", "")],
    5: [
        ("phone", "06 12 34 56 78", "FR"),
        ("instagram", "@the.person", ""),
        ("email", "the.person@example.org", ""),
        ("x", "https://x.com/the_person", ""),
        ("tiktok", "@the.person", ""),
    ],
}
CLICKED = """() => document.querySelector("#entry-form button[type=submit]").addEventListener("click",
    () => { window.benchClicked = performance.now(); }, { capture: true, once: true })"""
HELD = """() => !document.querySelector('[data-view="sent"]').hidden
    && (performance.now() - window.benchClicked) / 1000"""
READY = """() => document.getElementById("entry-budget").textContent !== ""
    && performance.now() / 1000"""


def prepared(data_dir: Path) -> None:
    migrated(data_dir)
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ustoo.settings"}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "ustoo", "shell", "-v0", "-c", PREPARE]
    subprocess.run(command, env=env, cwd=ROOT, check=True)


def measure(base: str, rounds: int) -> dict:
    from playwright.sync_api import expect, sync_playwright

    opened, made = [], {count: [] for count in IDENTIFIERS}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(base_url=base)
        page.goto("/account/login/")
        page.get_by_label("Username").fill("bench_survivor")
        page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        for _ in range(rounds):
            for count, identifiers in IDENTIFIERS.items():
                page.goto("/matching/new/")
                opened.append(page.wait_for_function(READY, timeout=60_000, polling="raf").json_value())
                for number, (kind, text, region) in enumerate(identifiers, 1):
                    if number > 1:
                        page.get_by_role("button", name="Add another way of reaching this person").click()
                    page.locator(f"#identifier-{number}-kind").select_option(kind)
                    if region:
                        page.locator(f"#identifier-{number}-region").select_option(region)
                    page.locator(f"#identifier-{number}-text").fill(text)
                page.get_by_label("How do you name this person?").fill("A benchmark")
                page.get_by_label("What happened?").fill("A benchmark entry. " * 40)
                page.get_by_label("Contact me", exact=True).check()
                page.get_by_label("By e-mail").check()
                page.get_by_label("Your address, your number, or how to reach you").fill("me@example.org")
                page.evaluate(CLICKED)
                page.get_by_role("button", name="Lock and send my entry").click()
                made[count].append(page.wait_for_function(HELD, timeout=60_000, polling="raf").json_value())
        version = browser.version
        browser.close()
    return {"open": opened, "made": made, "chromium": version}


def run(rounds: int, delay_ms: int) -> dict:
    data_dir = OUT / "matching-browser"
    prepared(data_dir)
    port = _free_port()
    with tempfile.TemporaryDirectory() as key_dir:
        command = [sys.executable, "-m", "ustoo", "matching", "oprf-service", "--bind", f"127.0.0.1:{port}"]
        command += ["--key-dir", key_dir, "--workers", "2", "--budget-per-hour", str(10**6)]
        service = subprocess.Popen(command, cwd=ROOT, stdout=server_log("matching"), stderr=subprocess.STDOUT)
        try:
            _wait_for(f"http://127.0.0.1:{port}/public-key", service)
            env = {
                "USTOO_MATCHING_OPRF_URL": f"http://127.0.0.1:{port}",
                "USTOO_MATCHING_DELAY_MS": str(delay_ms),
                "USTOO_MATCHING_EVALUATIONS_PER_DAY": "100000",
                "USTOO_MATCHING_EVALUATIONS_PER_MONTH": "100000",
                "USTOO_MATCHING_EVALUATIONS_PER_HOUR": "100000",
                "USTOO_MATCHING_ENTRIES_PER_ACCOUNT": "100000",
            }
            with server(data_dir, extra_env=env) as base:
                return measure(base, rounds)
        finally:
            service.terminate()
            service.wait(timeout=10)
            shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matching_browser", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    results = {delay: run(args.rounds, delay) for delay in (1500, 0)}
    load = os.getloadavg()[0]
    print(f"machine: {machine()}, Chromium {results[0]['chromium']}, load average {load:.2f}")
    opened = results[1500]["open"] + results[0]["open"]
    print(f"opening /matching/new/ to the form ready: median {statistics.median(opened):.2f} s")
    for delay, result in results.items():
        for count, times in result["made"].items():
            rounds = ", ".join(f"{value:.2f}" for value in times)
            median = statistics.median(times)
            print(
                f"an entry of {count} identifiers, delay {delay} ms: median {median:.2f} s, "
                f"max {max(times):.2f} s (rounds: {rounds})"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
