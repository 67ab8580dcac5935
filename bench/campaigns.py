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

Signing owes its e-mail (written with the signature) and each server process's sender thread
writes it moments later, on the same cores: the throughput counts the run until the last e-mail
owed was written (the sender's backlog when wrk stops is timed, and the bare view is measured
again only once it is done), and the run checks that every accepted signing got its e-mail. Mail
goes to .eml files in the data directory (no EMAIL_URL), as under `make run`.
"""

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.seed_web import migrate
from bench.web import CONNECTIONS, DURATION, OUT, ROOT, _ms, machine, server, wrk

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


def wrk_script(url: str, script: str, args: list[str], *, connections: int = CONNECTIONS) -> dict:
    """bench.web.wrk, with arguments for the script and its own status line."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{DURATION}s", "--latency", "-s", script, url]
    output = subprocess.run([*command, "--", *args], capture_output=True, text=True, check=True).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "mean_ms": _ms(re.search(r"Latency\s+([\d.]+(?:us|ms|s))", output).group(1)),
        "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+(?:us|ms|s))", output).group(1)),
    }
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


def _mail_written(data_dir: Path) -> int:
    return len(list((data_dir / "mail").glob("*.eml")))


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


def main(argv: list[str]) -> int:
    if argv[:1] == ["--seed"]:
        _seed_here(Path(argv[1]), int(argv[2]))
        return 0
    large_dir, small_dir = OUT / "campaigns-large", OUT / "campaigns-small"
    started = time.time()
    seed(large_dir, LARGE)
    seed(small_dir, SMALL)
    print(f"seeded in {time.time() - started:.0f} s", flush=True)
    page = f"/campaigns/{SLUG}/"
    results: dict[str, dict] = {}
    # The page's own cost, one reader at a time, then under load; small first, large second.
    for name, data_dir in (("small", small_dir), ("large", large_dir)):
        with server(data_dir, shared_page_seconds=0) as base:
            wrk(base + page, connections=1, seconds=2)  # warm
            results[f"render_{name}"] = wrk(base + page, connections=1)
            results[f"loaded_{name}"] = wrk(base + page)

    os.environ["USTOO_RATE_LIMITS"] = "0"
    try:
        with server(large_dir) as base:
            results["bare"] = wrk(base + "/healthz")
            before = _total(large_dir)
            mail_before = _mail_written(large_dir)
            script = str(ROOT / "bench" / "campaign_sign_confirm.lua")
            args = [SLUG, str(large_dir / "confirm_tokens.txt"), str(min(2, CONNECTIONS))]
            results["sign_confirm"] = wrk_script(base + "/", script, args)
            mail_backlog = _queued_mail(large_dir)
            mail_catch_up = _wait_for_mail(large_dir)
            mail_left = _queued_mail(large_dir)
            mail_written = _mail_written(large_dir) - mail_before
            results["bare_again"] = wrk(base + "/healthz")
    finally:
        os.environ.pop("USTOO_RATE_LIMITS", None)
    after = _total(large_dir)
    # The confirmed tokens are used up: the next run needs fresh ones.
    for stale in ("seeded.json", "ustoo.sqlite3", "ustoo.sqlite3-wal", "ustoo.sqlite3-shm"):
        (large_dir / stale).unlink(missing_ok=True)
    for written in (large_dir / "mail").glob("*.eml"):
        written.unlink()

    bare_rps = (results["bare"]["rps"] + results["bare_again"]["rps"]) / 2
    mixed = results["sign_confirm"]
    # The run's requests over its time plus the time the sender took to write what was still owed.
    mixed_rps_with_mail = mixed["rps"] * DURATION / (DURATION + mail_catch_up)
    summary = {
        "machine": machine(),
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
        "bare_rps": round(bare_rps),
        "sign_confirm_rps_requests_only": round(mixed["rps"]),
        "mail_backlog_when_wrk_stopped": mail_backlog,
        "mail_catch_up_s": round(mail_catch_up, 2),
        "sign_confirm_rps": round(mixed_rps_with_mail),
        "sign_confirm_pairs_per_s": round(mixed_rps_with_mail / 2),
        "sign_confirm_ratio": round(mixed_rps_with_mail / bare_rps, 3),
        "sign_confirm_p99_ms": mixed["p99_ms"],
        "accepted": mixed.get("accepted"),
        "confirmed": mixed.get("confirmed"),
        "other": mixed.get("other"),
        "mail_written": mail_written,
        "mail_left_queued": mail_left,
        "count_added": after[0] - before[0],
        "confirmed_rows_added": after[1] - before[1],
    }
    # Every signing wrk saw accepted got its e-mail (a few more were accepted after wrk's deadline).
    summary["every_signing_mailed"] = mail_left == 0 and (summary["accepted"] or 0) <= mail_written
    summary["counted_exactly_once"] = (
        summary["count_added"] == summary["confirmed_rows_added"]
        and (summary["confirmed"] or 0) <= summary["count_added"] <= (summary["confirmed"] or 0) + CONNECTIONS
    )
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "campaigns-results.json").write_text(json.dumps({"summary": summary, "raw": results}, indent=2))
    print(json.dumps(summary, indent=2))
    targets = {
        "page p99 < 50 ms at 140,000 signatures (one reader)": summary["render_p99_ms_large"] < 50,
        "page at 140,000 within 1.2x of 1,000": summary["render_ratio_large_vs_small"] <= 1.2,
        "sign + confirm throughput >= 40% of bare": summary["sign_confirm_ratio"] >= 0.4,
        "every confirmation counted exactly once": summary["counted_exactly_once"],
        "every accepted signing mailed": summary["every_signing_mailed"],
    }
    for name, met in targets.items():
        print(f"{'met   ' if met else 'MISSED'} {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
