"""Campaign benchmarks (issue 6), side by side with the bare view in one run.

Seeds (once, cached under bench/out/) a site with a campaign of 140,000 confirmed signatures (the
size of the petition that asked the Academy to expel Harvey Weinstein) and one of 1,000, serves each
with gunicorn exactly as `make run` does, and drives it with wrk on loopback:

- GET /healthz, the bare view, is the baseline;
- GET /campaigns/<slug>/ (a new reader, with the signing form and its CSRF token): its own render
  time with one reader at a time at 140,000 against 1,000 signatures, and p99 under load;
- signing (POST /campaigns/<slug>/sign/, a new address each time) alternating with confirming
  (POST /campaigns/confirm/<token>/, tokens of pending signatures seeded beforehand, as the links
  in the e-mails would be), throughput against the bare view's, and afterwards every confirmation
  counted exactly once in the campaign's total. Rate limits are off for this run (one client
  address is over them within a second; they are tested apart).

Signing owes its e-mail (written with the signature) and `send_campaign_mail --loop`, beside the
server as under `make run`, writes it moments later, on the same cores (a checkout from before that
command had a loop sends from a thread in each server process instead): the throughput counts each
run until the last e-mail owed was written (the sender's backlog when wrk stops is timed, and the
bare view is measured again only once it is done), the server's CPU includes the sender's, and the
benchmark checks that every accepted signing got its e-mail and how long signers waited for it (from
the signing to the file it was written to). Mail goes to files in the data directory (no EMAIL_URL),
as under `make run`.

With --compare REF everything is measured first with the code of git revision REF (a checkout under
bench/out/), then with this checkout's, in one run on the same data:

    python -m bench.campaigns [--compare REF]

As in bench/web.py, signing and confirming is measured in short interleaved rounds (bare, mixed,
bare, ...; the machine's speed drifts by a factor of two within a minute here), each against the
bare view just before and after it, and the median round is reported; a first mixed run, not
counted, warms what a process's first signing pays once.
"""

import argparse
import contextlib
import datetime
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.login_flood import checkout
from bench.seed_web import migrate
from bench.web import (
    CONNECTIONS,
    DURATION,
    OUT,
    ROOT,
    ROUND_SECONDS,
    ROUNDS,
    _ms,
    machine,
    server,
    server_cpu_seconds,
    wrk,
    wrk_with_cpu,
)

LARGE, SMALL = 140_000, 1_000
PENDING = int(os.environ.get("BENCH_PENDING", 60_000))
SLUG = "bench-academy"


def seed(data_dir: Path, signatures: int) -> None:
    """Seed through the ORM in a child process bound to `data_dir` (its own SECRET_KEY)."""
    if (data_dir / "seeded.json").exists():
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    migrate(data_dir)
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "ustoo.settings"}
    env.pop("DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-m", "bench.campaigns", "--seed", str(data_dir), str(signatures)],
        env=env,
        cwd=ROOT,
        check=True,
    )


def _seed_here(data_dir: Path, signatures: int) -> None:
    import datetime
    import random
    import secrets

    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from ustoo.accounts.models import Member
    from ustoo.campaigns import tokens
    from ustoo.campaigns.models import Campaign, Signature, SignatureStatus, Status, SupportCount, region_of

    rng = random.Random(2017)
    now = timezone.now()
    countries = ["US", "GB", "FR", "CA", "AU", "DE", "IN", "ES", "IT", "BR", "NG", "SE", "IE", "NL", "MX"]
    starter = Member.objects.create_user("bench-starter", "bench starter passphrase")
    with transaction.atomic():
        campaign = Campaign.objects.create(
            slug=SLUG,
            title="Expel him from the Academy",
            asks_for="Expel him, and adopt a code of conduct.",
            decision_maker_name="The Board of Governors",
            decision_maker_role="Board",
            decision_maker_organisation="The Academy (bench)",
            why="Because a membership is an endorsement. " * 20,
            goal=150_000,
            ends_on=timezone.localdate() + datetime.timedelta(days=150),
            starter=starter,
            status=Status.OPEN,
            published_at=now,
        )
        cells: dict[tuple[str, str], int] = {}
        batch = []
        for number in range(signatures + PENDING):
            confirmed = number < signatures
            country = rng.choice(countries)
            postcode = "SW1A 1AA" if country == "GB" else f"{rng.randint(10, 99)}000"
            region = region_of(country, postcode)
            batch.append(
                Signature(
                    campaign=campaign,
                    name=f"Signer {number}",
                    show_name=number % 3 == 0,
                    email=f"signer{number}@example.org",
                    email_hash=f"seed:{number}",
                    email_domain="example.org",
                    country=country,
                    postcode=postcode,
                    region=region,
                    status=SignatureStatus.CONFIRMED if confirmed else SignatureStatus.PENDING,
                    nonce="" if confirmed else secrets.token_urlsafe(16),
                    created_at=now - datetime.timedelta(seconds=number),
                    confirmed_at=now if confirmed else None,
                )
            )
            if confirmed:
                for key in ((country, ""), (country, region)):
                    cells[key] = cells.get(key, 0) + 1
            if len(batch) == 5000:
                Signature.objects.bulk_create(batch)
                batch = []
        Signature.objects.bulk_create(batch)
        SupportCount.objects.bulk_create(
            SupportCount(campaign=campaign, country=c, region=r, count=n) for (c, r), n in cells.items()
        )
        Campaign.objects.filter(pk=campaign.pk).update(signature_count=signatures)
    pending = Signature.objects.filter(campaign=campaign, status=SignatureStatus.PENDING).order_by("pk")
    with open(data_dir / "confirm_tokens.txt", "w") as out:
        for pk, nonce in pending.values_list("pk", "nonce").iterator():
            out.write(tokens.make("confirm", pk, nonce) + "\n")
    (data_dir / "seeded.json").write_text(json.dumps({"signatures": signatures, "pending": PENDING}))


def wrk_script(
    url: str, script: str, args: list[str], *, connections: int = CONNECTIONS, seconds: int = DURATION
) -> dict:
    """bench.web.wrk, with arguments for the script and its own status line."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url]
    output = subprocess.run([*command, "--", *args], capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "mean_ms": _ms(re.search(r"Latency\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+(?:us|ms|s))", output).group(1)),
    }
    result["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    if status := re.search(r"SIGNCONFIRM accepted=(\d+) confirmed=(\d+) other=(\d+)", output):
        result["accepted"], result["confirmed"], result["other"] = (int(group) for group in status.groups())
    return result


def _queued_mail(data_dir: Path) -> int:
    from pysqlite3 import dbapi2 as sqlite3

    connection = sqlite3.connect(str(data_dir / "ustoo.sqlite3"))
    queued = connection.execute(
        "SELECT count(*) FROM campaigns_signature WHERE mail_due_at IS NOT NULL"
    ).fetchone()[0]
    connection.close()
    return queued


def _mail_files(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "mail").glob("*")) if (data_dir / "mail").is_dir() else []


def _mail_written(data_dir: Path) -> int:
    """Messages written: an .eml file holds one, a file of Django's file backend a batch."""
    return sum(
        line.startswith(b"To: ") for path in _mail_files(data_dir) for line in path.read_bytes().splitlines()
    )


def _signer_waits(data_dir: Path, since: float) -> dict:
    """How long each signer waited for their e-mail, from the signing (its mail_queued_at) to the
    moment the file holding the message was written, for the mail written after `since`."""
    from pysqlite3 import dbapi2 as sqlite3

    written = {}
    for path in _mail_files(data_dir):
        moment = path.stat().st_mtime
        if moment >= since:
            for line in path.read_bytes().splitlines():
                if line.startswith(b"To: bench-"):
                    written[line[4:].decode()] = moment
    connection = sqlite3.connect(str(data_dir / "ustoo.sqlite3"))
    queued = dict(
        connection.execute("SELECT email, mail_queued_at FROM campaigns_signature WHERE email LIKE 'bench-%'")
    )
    connection.close()
    waits = sorted(
        moment - datetime.datetime.fromisoformat(queued[address]).replace(tzinfo=datetime.UTC).timestamp()
        for address, moment in written.items()
        if queued.get(address)
    )
    if not waits:
        return {"signers": 0}
    return {
        "signers": len(waits),
        "median_s": round(statistics.median(waits), 2),
        "p95_s": round(waits[int(len(waits) * 0.95)], 2),
        "max_s": round(waits[-1], 2),
    }


_SENDERS: dict[str, int] = {}


@contextlib.contextmanager
def mail_sender(base: str, data_dir: Path, root: Path):
    """`send_campaign_mail --loop` beside the server at `base`, as `make run` starts it, unless the
    checkout's server processes send the mail themselves (a sender thread, before the loop)."""
    if (root / "ustoo" / "campaigns" / "sender.py").exists():
        yield
        return
    env = {**os.environ, "USTOO_DATA_DIR": str(data_dir), "USTOO_CACHE_URL": "locmem://"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "ustoo", "send_campaign_mail", "--loop"],
        env=env,
        cwd=root,
        stdout=subprocess.DEVNULL,
    )
    _SENDERS[base] = process.pid
    try:
        yield
    finally:
        _SENDERS.pop(base)
        process.terminate()
        process.wait(timeout=60)


def _cpu_seconds(base: str) -> float:
    """The server's CPU seconds so far, its mail sender's included."""
    total = server_cpu_seconds(base)
    if pid := _SENDERS.get(base):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _wait_for_mail(data_dir: Path, *, seconds: float = 60.0) -> float:
    """Seconds until no e-mail is left queued (the sender's backlog), at most `seconds`."""
    started = time.monotonic()
    while _queued_mail(data_dir) and time.monotonic() - started < seconds:
        time.sleep(0.05)
    return time.monotonic() - started


def _total(data_dir: Path) -> tuple[int, int]:
    from pysqlite3 import dbapi2 as sqlite3

    connection = sqlite3.connect(str(data_dir / "ustoo.sqlite3"))
    total = connection.execute(
        "SELECT signature_count FROM campaigns_campaign WHERE slug = ?", (SLUG,)
    ).fetchone()[0]
    confirmed = connection.execute(
        "SELECT count(*) FROM campaigns_signature s JOIN campaigns_campaign c ON c.id = s.campaign_id "
        "WHERE c.slug = ? AND s.status = 'confirmed'",
        (SLUG,),
    ).fetchone()[0]
    connection.close()
    return total, confirmed


def token_slices(data_dir: Path, count: int) -> list[Path]:
    """The seeded confirmation links in `count` files of their own, one per run of the mix: a link
    confirms once, so no two runs may follow the same one."""
    links = (data_dir / "confirm_tokens.txt").read_text().split()
    size = len(links) // count
    paths = []
    for number in range(count):
        path = data_dir / f"confirm_tokens_{number}.txt"
        path.write_text("\n".join(links[number * size : (number + 1) * size]) + "\n")
        paths.append(path)
    return paths


def measured_round(base: str, data_dir: Path, tokens: Path, run: int, *, mail: bool = True) -> dict:
    """The bare view, signing and confirming, the bare view again: the mix's rate against the mean of
    the two bare runs around it, as "ratio" in the mix's result."""
    bare_before = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
    mixed = _sign_and_confirm(base, data_dir, tokens, run, mail=mail)
    bare_after = wrk_with_cpu(base, "/healthz", seconds=ROUND_SECONDS)
    mixed["ratio"] = mixed["rps_with_mail"] / ((bare_before["rps"] + bare_after["rps"]) / 2)
    return {"bare": [bare_before, bare_after], "sign_confirm": mixed}


def _sign_and_confirm(base: str, data_dir: Path, tokens: Path, run: int, *, mail: bool = True) -> dict:
    """One run of signing alternating with confirming, until the sender has written every e-mail
    it owed when wrk stopped (unless the server sends no mail): requests per second over the run and
    that catch-up, and the server's CPU per request (the sender's included)."""
    cpu_before = _cpu_seconds(base)
    script = str(ROOT / "bench" / "campaign_sign_confirm.lua")
    result = wrk_script(
        base + "/", script, [SLUG, str(tokens), str(min(2, CONNECTIONS)), str(run)], seconds=ROUND_SECONDS
    )
    result["mail_backlog"] = _queued_mail(data_dir)
    result["mail_catch_up_s"] = _wait_for_mail(data_dir) if mail else 0.0
    result["server_cpu_ms_per_request"] = (_cpu_seconds(base) - cpu_before) * 1000 / result["requests"]
    result["rps_with_mail"] = result["rps"] * ROUND_SECONDS / (ROUND_SECONDS + result["mail_catch_up_s"])
    return result


def measure(root: Path, large_dir: Path, small_dir: Path, slices: list[Path], first_run: int) -> dict:
    """Every figure, with the code of the checkout `root`, confirming with the links of `slices`
    (one per run of the mix), its runs numbered from `first_run` (each signs with addresses of its
    own: one signed again within the resend window owes no e-mail)."""
    page = f"/campaigns/{SLUG}/"
    results: dict[str, dict] = {"load_before": os.getloadavg()}
    # The page's own cost, one reader at a time, then under load; small first, large second.
    for name, data_dir in (("small", small_dir), ("large", large_dir)):
        with server(data_dir, shared_page_seconds=0, root=root) as base:
            wrk(base + page, connections=1, seconds=2)  # warm
            results[f"render_{name}"] = wrk(base + page, connections=1)
            results[f"loaded_{name}"] = wrk(base + page)

    os.environ["USTOO_RATE_LIMITS"] = "0"
    try:
        with server(large_dir, root=root) as base, mail_sender(base, large_dir, root):
            before = _total(large_dir)
            mail_before = _mail_written(large_dir)
            started = time.time()
            # Signing and confirming once, uncounted, so that what the first signing of a process
            # pays once (its database connections, templates, regular expressions) is not taken for
            # the steady cost; the server's own warm-up reads pages only.
            results["warm_up"] = _sign_and_confirm(base, large_dir, slices[0], first_run)
            rounds = []
            for run, round_tokens in enumerate(slices[1:], start=first_run + 1):
                rounds.append(measured_round(base, large_dir, round_tokens, run))
            mail_left = _queued_mail(large_dir)
            mail_written = _mail_written(large_dir) - mail_before
            results["signer_waits"] = _signer_waits(large_dir, started)
    finally:
        os.environ.pop("USTOO_RATE_LIMITS", None)
    after = _total(large_dir)
    results["rounds"] = rounds
    results["load_after"] = os.getloadavg()

    median = sorted(rounds, key=lambda r: r["sign_confirm"]["ratio"])[len(rounds) // 2]
    mixed = median["sign_confirm"]
    counted = [r["sign_confirm"] for r in rounds]
    summary = {
        "machine": machine(),
        "load_average_before_after": [
            round(results["load_before"][0], 2),
            round(results["load_after"][0], 2),
        ],
        "signatures_large": LARGE,
        "signatures_small": SMALL,
        "render_ms_small": results["render_small"]["mean_ms"],
        "render_ms_large": results["render_large"]["mean_ms"],
        "render_p99_ms_large": results["render_large"]["p99_ms"],
        "render_ratio_large_vs_small": round(
            results["render_large"]["mean_ms"] / results["render_small"]["mean_ms"], 3
        ),
        "page_rps_loaded_large": round(results["loaded_large"]["rps"]),
        "page_p99_ms_loaded_large": results["loaded_large"]["p99_ms"],
        "rounds": f"{ROUNDS} x {ROUND_SECONDS} s each (after one uncounted), {CONNECTIONS} connections",
        "bare_rps_median": round(statistics.median(b["rps"] for r in rounds for b in r["bare"])),
        "sign_confirm_rps_requests_only": round(mixed["rps"]),
        "mail_backlog_when_wrk_stopped": mixed["mail_backlog"],
        "mail_catch_up_s": round(mixed["mail_catch_up_s"], 2),
        "sign_confirm_rps": round(mixed["rps_with_mail"]),
        "sign_confirm_pairs_per_s": round(mixed["rps_with_mail"] / 2),
        "sign_confirm_ratio": round(mixed["ratio"], 3),
        "sign_confirm_ratios": [round(r["ratio"], 3) for r in counted],
        "sign_confirm_p99_ms": statistics.median(r["p99_ms"] for r in counted),
        # The same comparison in the server's CPU per request, mail included (bare / mixed: the share
        # of the bare view's rate that signing and confirming's own work allows on a CPU-bound server).
        "server_cpu_ms_bare": round(
            statistics.median(b["server_cpu_ms_per_request"] for r in rounds for b in r["bare"]), 3
        ),
        "server_cpu_ms_sign_confirm": round(
            statistics.median(r["server_cpu_ms_per_request"] for r in counted), 3
        ),
        "signer_waits": results["signer_waits"],
        "accepted": sum(r.get("accepted", 0) for r in counted),
        "confirmed": sum(r.get("confirmed", 0) for r in counted),
        "other": sum(r.get("other", 0) for r in counted),
        "mail_written": mail_written,
        "mail_left_queued": mail_left,
        "count_added": after[0] - before[0],
        "confirmed_rows_added": after[1] - before[1],
    }
    # Every signing wrk saw accepted got its e-mail (a few more were accepted after wrk's deadline).
    # The uncounted first round's signings and confirmations are in the totals too: within its bounds.
    warm = results["warm_up"]
    summary["every_signing_mailed"] = (
        mail_left == 0 and summary["accepted"] + warm["accepted"] <= mail_written
    )
    confirmed, added = summary["confirmed"] + warm["confirmed"], summary["count_added"]
    in_flight = CONNECTIONS * (ROUNDS + 1)  # confirmations wrk sent but had no answer to when it stopped
    summary["counted_exactly_once"] = (
        added == summary["confirmed_rows_added"] and confirmed <= added <= confirmed + in_flight
    )
    return {"summary": summary, "raw": results}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--seed"]:
        _seed_here(Path(argv[1]), int(argv[2]))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.campaigns")
    parser.add_argument("--compare", default="", help="a git revision to measure first, in the same run")
    args = parser.parse_args(argv)
    large_dir, small_dir = OUT / "campaigns-large", OUT / "campaigns-small"
    started = time.time()
    seed(large_dir, LARGE)
    seed(small_dir, SMALL)
    print(f"seeded in {time.time() - started:.0f} s", flush=True)
    roots = {args.compare: checkout(args.compare)} if args.compare else {}
    roots["this checkout"] = ROOT
    slices = token_slices(large_dir, (ROUNDS + 1) * len(roots))
    runs = {}
    for number, (name, root) in enumerate(roots.items()):
        print(f"measuring {name}", flush=True)
        first = number * (ROUNDS + 1)
        runs[name] = measure(root, large_dir, small_dir, slices[first : first + ROUNDS + 1], first)
    # The confirmed tokens are used up: the next run needs fresh ones.
    for stale in ("seeded.json", "ustoo.sqlite3", "ustoo.sqlite3-wal", "ustoo.sqlite3-shm", *slices):
        (large_dir / stale).unlink(missing_ok=True)
    for written in _mail_files(large_dir):
        written.unlink()

    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "campaigns-results.json").write_text(json.dumps(runs, indent=2))
    for name, run in runs.items():
        summary = run["summary"]
        print(f"== {name}")
        print(json.dumps(summary, indent=2))
        targets = {
            "page p99 < 50 ms at 140,000 signatures (one reader)": summary["render_p99_ms_large"] < 50,
            "page at 140,000 within 1.2x of 1,000": summary["render_ratio_large_vs_small"] <= 1.2,
            "sign + confirm throughput >= 40% of bare": summary["sign_confirm_ratio"] >= 0.4,
            "every confirmation counted exactly once": summary["counted_exactly_once"],
            "every accepted signing mailed": summary["every_signing_mailed"],
        }
        for target, met in targets.items():
            print(f"{'met   ' if met else 'MISSED'} {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
