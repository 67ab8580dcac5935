"""The escrow in a real browser, with the OPRF service a real process: two survivors who never knew of
each other name one person in two spellings and a counselor opens exactly that match with `ustoo
matching open`; the same survivor twice, or a lone entry, opens nothing; an OPRF key the browser was
not given is refused; the budgets hold; without JavaScript the rest works; and nothing anyone named is
left in clear in the database, the logs or the cache."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core import management
from django.db import connection
from playwright.sync_api import Page, expect

from ustoo.conftest import PASSPHRASE, logged_in_client, make_member, unique_marker
from ustoo.core.tests.browser_steps import accessibility_problems, member_logs_in
from ustoo.matching import counselor_tool, oprf, services
from ustoo.matching.models import Entry, Share
from ustoo.matching.tests.client import SurvivorBrowser, Typed, b64u
from ustoo.matching.tests.conftest import COUNSELOR_PRIVATE, ROOT, make_survivor, start_service, stop_service

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class LogRecords(logging.Handler):
    """Every record the site's loggers write while the test runs, formatted as its log would hold it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def site_logs():
    handler = LogRecords()
    loggers = [logging.getLogger(name) for name in ("", "django", "django.request", "django.server", "ustoo")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def own_service(settings, tmp_path):
    """An OPRF service of this test's own, whose log and key directory the test can search."""
    log = tmp_path / "oprf-service.log"
    process, url = start_service(tmp_path / "oprf-service", stderr=log)
    settings.MATCHING_OPRF_URL = url
    settings.MATCHING_DELAY_MS = 0
    yield {"log": log, "directory": tmp_path / "oprf-service"}
    stop_service(process)


@pytest.fixture
def counselor_key(own_service, tmp_path) -> Path:
    """The key ceremony of COUNSELORS.md: the counselor makes the key on their machine, the
    administrator sets its public key after comparing the fingerprint."""
    key_file = tmp_path / "counselor.key"
    passphrase_file(key_file).write_text("a long passphrase of the office\n")
    out = io.StringIO()
    management.call_command(
        "matching",
        "keygen",
        "--out",
        str(key_file),
        "--passphrase-file",
        str(passphrase_file(key_file)),
        stdout=out,
    )
    printed = out.getvalue().splitlines()
    public = printed[printed.index("Public key, for the administrator:") + 1].strip()
    fingerprint = printed[printed.index("Fingerprint, to read to them and to publish:") + 1].strip()
    # As COUNSELORS.md writes it: `--` before the key, which may start with "-".
    management.call_command(
        "matching", "set-key", "--fingerprint", fingerprint, "--", public, stdout=io.StringIO()
    )
    return key_file


def passphrase_file(key_file: Path) -> Path:
    """Where the tests keep the key's passphrase (the counselor types it; a script reads it from a file)."""
    return key_file.with_name(key_file.name + ".passphrase")


def visible(page: Page, role: str, name: str):
    return page.get_by_role(role, name=name, exact=True)


def start_entry(page: Page) -> None:
    page.goto("/matching/new/")
    expect(page.locator("#matching-app")).to_be_visible()
    expect(page.locator("#entry-budget")).not_to_be_empty()  # the page has its parameters


def fill_entry(
    page: Page, identifiers: list[tuple], *, who="", what="", on_match="Contact me", contact="me@example.org"
):
    for number, (kind, text, *region) in enumerate(identifiers, 1):
        if number > 1:
            visible(page, "button", "Add another way of reaching this person").click()
        page.locator(f"#identifier-{number}-kind").select_option(kind)
        if region:
            page.locator(f"#identifier-{number}-region").select_option(region[0])
        page.locator(f"#identifier-{number}-text").fill(text)
    page.get_by_label("How do you name this person?").fill(who)
    page.get_by_label("What happened?").fill(what)
    page.get_by_label(on_match, exact=True).check()
    if contact:
        page.get_by_label("By e-mail").check()
        page.get_by_label("Your address, your number, or how to reach you").fill(contact)


def send(page: Page) -> None:
    visible(page, "button", "Lock and send my entry").click()


def make_entry(page: Page, identifiers: list[tuple], **fields) -> None:
    start_entry(page)
    fill_entry(page, identifiers, **fields)
    send(page)
    expect(page.get_by_role("heading", name="Your entry is held")).to_be_visible()


def survivor_page(visitor_factory, username: str, width: int) -> tuple[Page, object]:
    make_survivor(username)
    visitor = visitor_factory()
    member_logs_in(visitor.page, username)  # at the default width, where the header shows "Log out"
    visitor.page.set_viewport_size({"width": width, "height": 900})
    return visitor.page, visitor


def export_of_everything() -> dict:
    """What a copy of the whole database would give a counselor: every share, lone ones included (the
    site's own export holds matched indexes only)."""
    shares = Share.objects.select_related("entry")
    return {
        "format": "ustoo-matching-export",
        "v": 1,
        "counselor_key": None,
        "entries": [
            {"reference": e.reference, "ciphertext": b64u(bytes(e.ciphertext))} for e in Entry.objects.all()
        ],
        "shares": [
            {
                "entry": s.entry.reference,
                "index": s.index,
                "sealed": b64u(bytes(s.sealed)),
                "key": s.entry.counselor_key,
            }
            for s in shares
        ],
    }


def counselor_opens(export_path: Path, key_file: Path) -> subprocess.CompletedProcess:
    """`ustoo matching open`, as the counselor runs it on their own machine: another process."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "ustoo",
            "matching",
            "open",
            "--key",
            str(key_file),
            "--export",
            str(export_path),
            "--passphrase-file",
            str(passphrase_file(key_file)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def bytes_found(needles: list[bytes], paths: list[Path]) -> list[str]:
    found = []
    for root in paths:
        files = [root] if root.is_file() else [path for path in root.rglob("*") if path.is_file()]
        for path in files:
            data = path.read_bytes().lower()
            found += [f"{needle!r} in {path}" for needle in needles if needle in data]
    return found


def browser_storage(page: Page) -> dict:
    return page.evaluate(
        """async () => ({
            local: localStorage.length,
            session: sessionStorage.length,
            indexedDB: (await indexedDB.databases()).length,
            caches: (await caches.keys()).length,
        })"""
    )


def test_two_survivors_name_one_person_in_two_spellings_and_the_counselor_opens_that_match(
    visitor_factory, live_server, own_service, counselor_key, tmp_path, capfd, site_logs
):
    canary = unique_marker()
    digits = f"6{secrets.randbelow(10**8):08d}"
    national = "0" + digits
    spaced = " ".join(national[i : i + 2] for i in range(0, 10, 2))  # 06 12 34 56 78
    words = "words" + unique_marker()

    # The first survivor, on a phone: from the account page to the escrow, then an entry naming an
    # Instagram handle and a phone number.
    first, first_visitor = survivor_page(visitor_factory, "first_survivor", 390)
    first.goto("/account/")
    first.get_by_role("link", name="The escrow: name who harmed you, in confidence").click()
    expect(first.get_by_text("Nothing happens unless someone else names the same person")).to_be_visible()
    expect(first.locator("#standing")).to_have_text("Your account can make entries.")
    first.get_by_role("link", name="Make an entry").first.click()
    expect(first.locator("#entry-counselor-fingerprint")).to_have_text(
        services.hpke.readable_fingerprint(services.CounselorKey.objects.current().fingerprint)
    )
    fill_entry(
        first,
        [("instagram", f"@The.{canary}"), ("phone", spaced, "FR")],
        who="A colleague",
        what=f"{words} one",
    )
    assert first.evaluate("document.documentElement.scrollWidth") <= 390
    send(first)
    expect(first.get_by_role("heading", name="Your entry is held")).to_be_visible()
    assert first.locator("#identifier-1-text").input_value() == ""  # nothing typed stays on the page
    visible(first, "link", "My entries").click()
    expect(first.locator(".matching-entry")).to_have_count(1)
    expect(first.locator(".matching-entry")).to_contain_text("2 ways of reaching the person")

    # The second, on a computer, who never knew of the first: the profile's address.
    second, _ = survivor_page(visitor_factory, "second_survivor", 1280)
    make_entry(
        second,
        [("instagram", f"https://www.instagram.com/the.{canary}/")],
        who="My manager",
        what=f"{words} two",
        on_match="Contact me only once at least three people named this person",
    )
    assert second.evaluate("document.documentElement.scrollWidth") <= 1280
    # Neither is told anything: their lists say "held", as before.
    second.goto("/matching/entries/")
    expect(second.locator(".matching-entry .tag")).to_have_text("Held")
    assert services.match_count() == 1

    # The counselor downloads the export from the counselor page and opens it on their machine.
    counselor = make_member("counselor")
    services.appoint_counselor(counselor)
    office = visitor_factory()
    office.page.set_viewport_size({"width": 1280, "height": 900})
    member_logs_in(office.page, "counselor")
    office.page.goto("/matching/counselor/")
    expect(office.page.get_by_text("1 match is waiting.")).to_be_visible()
    office.page.get_by_label("Your passphrase").fill(PASSPHRASE)
    with office.page.expect_download() as download:
        visible(office.page, "button", "Download the export").click()
    export_path = tmp_path / "export.json"
    download.value.save_as(export_path)
    opened = counselor_opens(export_path, counselor_key)
    assert opened.returncode == 0, opened.stderr
    report = opened.stdout
    assert report.startswith("1 match(es) opened; 0 index(es) left shut")  # the phone is not exported
    assert "== Match 1: 2 people named the same person" in report
    assert "who: A colleague" in report and "who: My manager" in report
    assert f"named: instagram:the.{canary}, phone:+33{digits}" in report
    assert "wishes on a match: contact me only once at least three people named this person" in report
    assert report.count("-- Entry ") == 2

    # The same export with every share in the database (a stolen copy): the phone number, named once,
    # stays shut even with the counselors' key.
    everything = tmp_path / "everything.json"
    leaked = export_of_everything()
    leaked["counselor_key"] = json.loads(export_path.read_text())["counselor_key"]
    everything.write_text(json.dumps(leaked))
    assert counselor_opens(everything, counselor_key).stdout.startswith(
        "1 match(es) opened; 1 index(es) left shut"
    )

    # Nothing anyone named or wrote is on the server in clear: database, data directory, cache, the
    # OPRF service's directory and log, the site's logs, what the processes printed.
    secrets_written = [
        canary,
        f"the.{canary}",
        digits,
        f"+33{digits}",
        spaced,
        spaced.replace(" ", ""),
        words,
    ]
    needles = [s.lower().encode() for s in secrets_written] + [
        s.lower().encode("utf-16-le") for s in secrets_written
    ]
    dump = io.StringIO()
    management.call_command("dumpdata", stdout=dump)
    assert not [s for s in secrets_written if s.lower() in dump.getvalue().lower()]
    stores = [Path(settings.DATA_DIR), Path(settings.CACHES["default"]["LOCATION"]), own_service["directory"]]
    stores.append(own_service["log"])
    if connection.vendor == "sqlite":
        stores += [Path(str(connection.settings_dict["NAME"]) + suffix) for suffix in ("", "-wal", "-shm")]
    assert bytes_found(needles, [path for path in stores if path.exists()]) == []
    captured = capfd.readouterr()
    assert not [s for s in secrets_written if s.lower() in (captured.out + captured.err).lower()]
    assert not [line for line in site_logs.lines for s in secrets_written if s.lower() in line.lower()]

    # The browser kept nothing, not even the address of an escrow page, and the quick exit leaves.
    assert first.url.endswith("/matching/entries/")
    assert browser_storage(first) == {"local": 0, "session": 0, "indexedDB": 0, "caches": 0}
    first.goto("/matching/new/")
    expect(first.locator("#matching-app")).to_be_visible()
    assert browser_storage(first) == {"local": 0, "session": 0, "indexedDB": 0, "caches": 0}
    first.get_by_role("link", name="Quick exit").click()
    expect(first).to_have_title("Weather")
    assert all(url.startswith(settings.QUICK_EXIT_URL) for url in first_visitor.traffic.elsewhere())
    assert first_visitor.traffic.csp_messages == [] and first_visitor.traffic.script_errors == []


def test_the_same_survivor_twice_makes_no_match(visitor_factory, live_server, matching_site):
    canary = unique_marker()
    page, visitor = survivor_page(visitor_factory, "only_survivor", 1280)
    make_entry(page, [("x", f"@{canary[:12]}")], who="Him")
    visible(page, "button", "Make another entry").click()
    make_entry(page, [("x", f"https://x.com/{canary[:12].upper()}")], who="Him again")
    page.goto("/matching/entries/")
    expect(page.locator(".matching-entry")).to_have_count(2)
    assert Entry.objects.count() == 2 and Share.objects.values("index").distinct().count() == 1
    assert services.match_count() == 0
    # Even with every share and the counselors' key, one person's two entries open nothing.
    opened = counselor_tool.open_export(export_of_everything(), COUNSELOR_PRIVATE)
    assert opened.matches == [] and opened.shut == 1 and opened.damaged == 0
    assert visitor.traffic.script_errors == []


def test_a_lone_entry_cannot_be_opened(visitor_factory, live_server, matching_site):
    page, _ = survivor_page(visitor_factory, "lone_survivor", 390)
    make_entry(page, [("email", f"{unique_marker()}@example.org"), ("telegram", f"@{unique_marker()}")])
    assert services.match_count() == 0
    counselor = make_member("counselor")
    services.appoint_counselor(counselor)
    assert services.export_for(counselor)["shares"] == []  # never exported
    opened = counselor_tool.open_export(export_of_everything(), COUNSELOR_PRIVATE)
    assert opened.matches == [] and opened.shut == 2


def test_an_oprf_key_other_than_the_published_one_is_refused(visitor_factory, live_server, matching_site):
    """The site hands the browser a key the service does not use: every answer's proof fails, and the
    browser sends nothing and says so."""
    page, visitor = survivor_page(visitor_factory, "careful_survivor", 390)
    other_key = b64u(oprf.KeyPair.generate().public)

    def another_key(route):
        answer = route.fetch()
        params = answer.json()
        params["oprf"]["public_key"] = other_key
        route.fulfill(response=answer, json=params)

    page.route("**/api/v1/matching/params", another_key)
    start_entry(page)
    fill_entry(page, [("x", "@someone_else")], who="Him")
    send(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(
        "The matching service answered with another key than the one this site publishes"
    )
    expect(page).to_have_title(re.compile(r"^Error: New entry"))
    expect(page.locator("#identifier-1-text")).to_have_value("@someone_else")  # nothing typed is lost
    assert Entry.objects.count() == 0
    assert visitor.traffic.script_errors == []


def test_the_budgets_hold_with_a_clear_message(visitor_factory, live_server, matching_site, settings):
    settings.MATCHING_EVALUATIONS_PER_DAY = 2
    page, _ = survivor_page(visitor_factory, "busy_survivor", 1280)
    make_entry(page, [("x", "@first_one"), ("email", "first@example.org")])
    visible(page, "button", "Make another entry").click()
    expect(page.locator("#entry-budget")).to_have_text(
        re.compile("This account has used the checks it has for now")
    )
    fill_entry(page, [("x", "@second_one")])
    send(page)
    expect(page.locator(".error-summary")).to_contain_text("This account has used the checks it has for now")

    # A page that believes it has checks left (an old tab, or a changed script) is refused by the site.
    def still_some_left(route):
        answer = route.fetch()
        params = answer.json()
        params["limits"].update(evaluations_left_today=5, evaluations_left_month=5)
        route.fulfill(response=answer, json=params)

    page.route("**/api/v1/matching/params", still_some_left)
    send(page)
    expect(page.locator(".error-summary")).to_contain_text(
        re.compile(
            r"You have used the checks this account has for now\. Your entry was not sent; nothing you typed "
            r"is lost\. You can send it again after about \d+ (hours|minutes)\."
        )
    )
    expect(page.locator("#identifier-1-text")).to_have_value("@second_one")
    assert Entry.objects.count() == 1


def test_without_javascript_the_page_says_so_and_withdrawal_works(
    visitor_factory, live_server, matching_site
):
    member = make_survivor("quiet_survivor")
    SurvivorBrowser(logged_in_client(member)).enter([Typed("x", "@someone")], who="Him")
    assert Share.objects.count() == 1
    visitor = visitor_factory(javascript=False)
    page = visitor.page
    member_logs_in(page, "quiet_survivor")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/matching/new/")
    expect(
        page.get_by_text("Making an entry needs JavaScript, which is off or blocked in this browser.")
    ).to_be_visible()
    expect(page.locator("#entry-form")).to_be_hidden()
    page.get_by_role("link", name="see the entries you hold, and withdraw one").click()
    expect(page.locator(".matching-entry")).to_have_count(1)
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    expect(page.get_by_role("heading", name=re.compile("^Withdraw the entry of"))).to_be_visible()
    visible(page, "button", "Withdraw and delete this entry").click()
    expect(page.get_by_text("Your entry was withdrawn. It is deleted from the site.")).to_be_visible()
    expect(page.get_by_text("You hold no entries.")).to_be_visible()
    assert Entry.objects.count() == 0 and Share.objects.count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_quick_exit_clears_what_was_typed(visitor_factory, live_server, matching_site):
    page, _ = survivor_page(visitor_factory, "hurried_survivor", 390)
    start_entry(page)
    fill_entry(page, [("x", "@must_not_stay")], what="Words that must not stay on the page")
    # What quick-exit.js does first, before it replaces the page: marks it as exiting.
    page.evaluate("document.documentElement.classList.add('exiting')")
    expect(page.locator("#identifier-1-text")).to_have_value("")
    expect(page.locator("#entry-what")).to_have_value("")
    assert "must_not_stay" not in page.content() and "Words that must not stay" not in page.content()


def test_the_escrow_pages_meet_wcag_aa(visitor_factory, live_server, matching_site):
    page, _ = survivor_page(visitor_factory, "checked_survivor", 1280)
    page.goto("/matching/")
    assert accessibility_problems(page) == []
    start_entry(page)
    assert accessibility_problems(page) == []
    send(page)  # nothing filled in: errors at the top and at each field
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []
    fill_entry(page, [("phone", "+33 6 12 34 56 78")], who="Him")
    send(page)
    expect(page.get_by_role("heading", name="Your entry is held")).to_be_visible()
    assert accessibility_problems(page) == []
    page.goto("/matching/entries/")
    assert accessibility_problems(page) == []
    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    # A click does not wait for the next page: check it once its heading is there.
    expect(page.get_by_role("heading", name=re.compile("^Withdraw the entry of"))).to_be_visible()
    assert accessibility_problems(page) == []
