"""The journal in a real browser: a person creates one, writes what happened and what they saw,
corrects an entry, attaches a photo that says where it was taken, exports the evidence, and leaves
no trace; the site, its files and its logs never hold a word of it in clear."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core import management
from django.core.files.storage import storages
from django.db import connection
from django.test import Client
from playwright.sync_api import Page, expect

from ustoo.conftest import unique_marker
from ustoo.core.tests.browser_steps import accessibility_problems
from ustoo.journal.models import Entry

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [390, 1280]


def photo_with_gps(canary: str) -> bytes:
    """A real JPEG whose EXIF says where (the Eiffel Tower), when and with what it was taken, and
    carries the canary as its author."""
    from PIL import Image

    image = Image.new("RGB", (320, 240), (180, 90, 60))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[0x013B] = canary  # Artist
    exif[0x0132] = "2026:11:30 18:41:00"  # DateTime
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (48.0, 51.0, 30.0), 3: "E", 4: (2.0, 17.0, 40.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


class LogRecords(logging.Handler):
    """Every record the site's loggers write while the test runs (at their configured levels: what
    its server log would hold), formatted as it would be."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def site_logs():
    handler = LogRecords()
    names = ["", "django", "django.request", "django.server", "django.security", "ustoo"]
    loggers = [logging.getLogger(name) for name in names]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def visible(page: Page, role: str, name: str):
    return page.get_by_role(role, name=name, exact=True)


def create_journal(page: Page) -> tuple[str, str]:
    page.goto("/journal/")
    visible(page, "button", "Start a new journal").click()
    expect(
        page.get_by_text("If you lose both your codename and your recovery key, your journal is gone")
    ).to_be_visible()
    visible(page, "button", "Create my journal").click()
    expect(page.locator(".error-summary")).to_contain_text("Confirm that you understand")
    page.get_by_label("I understand: if I lose").check()
    visible(page, "button", "Create my journal").click()
    expect(page.get_by_role("heading", name="Your journal is ready")).to_be_visible()
    codename = page.locator("#created-codename").text_content()
    recovery = page.locator("#created-recovery").text_content()
    assert len(codename.split()) == 7 and re.fullmatch(r"([0-9A-Z]{4}-){7}[0-9A-Z]{4}", recovery)
    page.get_by_label("I have written down my codename").check()
    visible(page, "button", "Continue to my journal").click()
    expect(page.locator("#journal-count")).to_have_text("No entries yet.")
    # Shown once: the codename and the recovery key have left the page.
    assert codename not in page.content() and recovery not in page.content()
    return codename, recovery


def open_journal(page: Page, codename: str, passphrase: str = "") -> None:
    page.goto("/journal/")
    visible(page, "button", "Open my journal").click()
    visible(page, "textbox", "Codename").fill(codename)
    page.get_by_label("Passphrase, if you set one").fill(passphrase)
    visible(page, "button", "Open").click()


def save(page: Page) -> None:
    visible(page, "button", "Save and time-stamp").click()
    expect(page.locator("#journal-notice")).to_contain_text("is saved and time-stamped")


def bytes_found(needle: bytes, paths: list[Path]) -> list[str]:
    found = []
    for root in paths:
        files = [root] if root.is_file() else [path for path in root.rglob("*") if path.is_file()]
        for path in files:
            if needle in path.read_bytes():
                found.append(str(path))
    return found


def browser_storage(page: Page) -> dict:
    return page.evaluate(
        """async () => ({
            local: localStorage.length,
            session: sessionStorage.length,
            indexedDB: (await indexedDB.databases()).length,
            caches: (await caches.keys()).length,
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_write_correct_attach_export_and_leave_no_trace(
    visitor, live_server, tmp_path, capfd, site_logs, width
):
    canary = "CANARY" + unique_marker().upper()
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    codename, _ = create_journal(page)

    # An incident, through the guided questions.
    visible(page, "button", "Write an entry").click()
    visible(page, "textbox", "When did it happen?").fill("Monday 30 November, about 18:40")
    visible(page, "textbox", "What was said or done?").fill(f'He said "{canary} one" and blocked the door.')
    visible(page, "textbox", "Has anything happened to you since, because of it?").fill(
        "Moved off the project"
    )
    photo = tmp_path / f"{canary}.jpg"
    photo.write_bytes(photo_with_gps(canary))
    page.get_by_label("Photos, screenshots and files (optional)").set_input_files(str(photo))
    # What the photo says about itself is shown before it is kept.
    expect(page.locator("#write-file-list")).to_contain_text("48.858333, 2.294444")
    expect(page.locator("#write-file-list")).to_contain_text("CanaryCam Model 7")
    visible(page, "button", "Also keep a copy without these details").click()
    expect(page.locator(".journal-copy-made")).to_contain_text(
        "It carries no location, time or camera details."
    )
    save(page)

    # A witness's note.
    visible(page, "button", "Write an entry").click()
    page.get_by_label("Something I saw happen to someone else").check()
    visible(page, "textbox", "Who was it done to?").fill(f"A young woman, {canary} two")
    visible(page, "textbox", "What did you do?").fill("I stood between them and asked if she was OK.")
    save(page)

    # A correction of the incident: a new entry; the original stays and the history shows.
    page.locator("#entry-1").get_by_role("button", name="Correct this entry").click()
    expect(page.get_by_role("heading", name="Correct entry 1")).to_be_visible()
    when = visible(page, "textbox", "When did it happen?")
    expect(when).to_have_value("Monday 30 November, about 18:40")
    when.fill("Monday 30 November, 18:45")
    save(page)
    first = page.locator("#entry-1")
    expect(first).to_contain_text("Corrected")
    expect(first).to_contain_text("Monday 30 November, 18:45")
    first.get_by_text("The earlier version (1)").click()
    expect(first).to_contain_text("Monday 30 November, about 18:40")
    expect(first.locator(".journal-attachment")).to_have_count(2)
    expect(first).to_contain_text("Copy without details")
    expect(page.locator("#entry-2")).to_contain_text(f"A young woman, {canary} two")
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Opened again from its codename, typed as a person might: everything is there.
    visible(page, "button", "Close the journal").click()
    open_journal(page, "  " + codename.upper().replace(" ", "-") + " ")
    expect(page.locator("#journal-notice")).to_contain_text("Your journal is open")
    expect(page.locator("#journal-count")).to_have_text("3 entries")
    expect(page.locator("#entry-1")).to_contain_text("Monday 30 November, 18:45")

    # The evidence bundle, after the day's tree head, checks out offline.
    management.call_command("journal", "publish-head", stdout=io.StringIO())
    visible(page, "button", "Print or export").click()
    with page.expect_download() as download:
        visible(page, "button", "Download the evidence bundle").click()
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    expect(page.locator("#export-status")).to_contain_text("The evidence bundle holds 3 entries.")
    names = zipfile.ZipFile(bundle).namelist()
    assert {
        "VERIFY.txt",
        "journal.json",
        "entries/0001.committed",
        "tokens/0003.tsr",
        "log/proofs.json",
    } <= set(names)
    assert f"attachments/1-1-{canary}.jpg" in names and f"attachments/1-2-{canary}-redacted.jpg" in names
    with zipfile.ZipFile(bundle) as opened:
        assert opened.read(f"attachments/1-1-{canary}.jpg") == photo.read_bytes()
        assert canary.encode() not in opened.read(f"attachments/1-2-{canary}-redacted.jpg")
    report = io.StringIO()
    management.call_command("journal", "verify", str(bundle), stdout=report)
    assert "Every check passed." in report.getvalue()

    # The site holds not a word of it in clear: database, cache, data directory, logs.
    canary_bytes = canary.encode()
    out = io.StringIO()
    management.call_command("dumpdata", stdout=out)
    assert canary not in out.getvalue()
    stores = [Path(settings.DATA_DIR), Path(settings.CACHES["default"]["LOCATION"])]
    stores.append(Path(storages["journal_attachments"].location))
    if connection.vendor == "sqlite":
        stores += [Path(str(connection.settings_dict["NAME"]) + suffix) for suffix in ("", "-wal", "-shm")]
    assert bytes_found(canary_bytes, [path for path in stores if path.exists()]) == []
    captured = capfd.readouterr()
    assert canary not in captured.out + captured.err
    assert not [line for line in site_logs.lines if canary in line]

    # Quick exit: the page goes, and the browser keeps nothing of the journal.
    assert browser_storage(page) == {"local": 0, "session": 0, "indexedDB": 0, "caches": 0, "workers": 0}
    page.get_by_role("link", name="Quick exit").click()
    expect(page).to_have_title("Weather")
    again = visitor.context.new_page()
    again.goto("/journal/")
    assert browser_storage(again) == {"local": 0, "session": 0, "indexedDB": 0, "caches": 0, "workers": 0}
    expect(again.get_by_role("button", name="Open my journal")).to_be_visible()
    assert {cookie["name"] for cookie in visitor.context.cookies()} <= {"csrftoken", "sessionid"}
    assert all(url.startswith(settings.QUICK_EXIT_URL) for url in visitor.traffic.elsewhere())
    assert visitor.traffic.csp_messages == [] and visitor.traffic.script_errors == []


def test_quick_exit_clears_the_open_journal(visitor, live_server):
    page = visitor.page
    create_journal(page)
    visible(page, "button", "Write an entry").click()
    visible(page, "textbox", "What was said or done?").fill("Words that must not stay on the page")
    # What quick-exit.js does first, before it replaces the page: marks it as exiting.
    page.evaluate("document.documentElement.classList.add('exiting')")
    expect(page.locator("#write-incident-words_or_acts")).to_have_value("")
    assert "Words that must not stay" not in page.content()


def test_a_wrong_passphrase_and_an_unknown_codename_get_the_same_answer(visitor, live_server):
    page = visitor.page
    codename, _ = create_journal(page)
    answers = []
    for typed, passphrase in [(codename, "not the passphrase"), ("unknown " + codename.split(" ", 1)[1], "")]:
        open_journal(page, typed, passphrase)
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        answers.append(summary.inner_text())
        # What the person typed is still there, and the field says what is wrong.
        expect(visible(page, "textbox", "Codename")).to_have_value(typed)
    assert answers[0] == answers[1]
    assert "No journal opens with this codename and passphrase" in answers[0]


def test_a_changed_byte_is_named_and_nothing_else_is_lost(visitor, live_server):
    page = visitor.page
    _, recovery = create_journal(page)
    for words in ["first entry", "second entry", "third entry"]:
        visible(page, "button", "Write an entry").click()
        page.get_by_label("A note").check()
        page.get_by_label("Anything else").fill(words)
        save(page)
    entry = Entry.objects.get(seq=2)
    changed = bytearray(entry.ciphertext)
    changed[100] ^= 0x01
    Entry.objects.filter(pk=entry.pk).update(ciphertext=bytes(changed))

    # Opened with the recovery key this time, lower case and spaced as a person might type it.
    page.goto("/journal/")
    visible(page, "button", "Open my journal").click()
    page.get_by_text("I have a recovery key instead").click()
    page.get_by_label("Recovery key", exact=True).fill(recovery.lower().replace("-", " "))
    visible(page, "button", "Open").click()
    expect(page.locator("#journal-notice")).to_contain_text("1 entry could not be shown as written")
    expect(page.locator("#entry-2")).to_contain_text(
        "Entry 2 cannot be opened: its stored bytes were changed"
    )
    expect(page.locator("#entry-1")).to_contain_text("first entry")
    expect(page.locator("#entry-3")).to_contain_text("third entry")
    # Writing goes on after it.
    visible(page, "button", "Write an entry").click()
    page.get_by_label("A note").check()
    page.get_by_label("Anything else").fill("fourth entry")
    save(page)
    expect(page.locator("#entry-4")).to_contain_text("fourth entry")
    assert Entry.objects.count() == 4
    assert visitor.traffic.script_errors == []


def test_without_javascript_the_page_offers_the_paper_log(visitor_without_js, live_server):
    page = visitor_without_js.page
    page.goto("/journal/")
    expect(page.get_by_text("The journal needs JavaScript")).to_be_visible()
    expect(page.get_by_role("button", name="Open my journal")).to_be_hidden()
    page.get_by_role("link", name="Open the paper log").click()
    expect(page.get_by_role("heading", name="Paper log")).to_be_visible()
    for question in [
        "What was said or done?",
        "Has anything happened to you since, because of it?",
        "Who was it done to?",
    ]:
        expect(page.get_by_role("heading", name=question).first).to_be_visible()


def test_the_journal_pages_meet_wcag_aa(visitor, live_server):
    """axe-core finds nothing wrong with the journal's views, an error shown included, nor with the
    paper log."""
    page = visitor.page
    page.goto("/journal/")
    assert accessibility_problems(page) == []
    visible(page, "button", "Start a new journal").click()
    visible(page, "button", "Create my journal").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []
    page.get_by_label("I understand: if I lose").check()
    visible(page, "button", "Create my journal").click()
    expect(page.get_by_role("heading", name="Your journal is ready")).to_be_visible()
    assert accessibility_problems(page) == []
    page.get_by_label("I have written down my codename").check()
    visible(page, "button", "Continue to my journal").click()
    visible(page, "button", "Write an entry").click()
    assert accessibility_problems(page) == []
    visible(page, "textbox", "What was said or done?").fill("Words")
    save(page)
    assert accessibility_problems(page) == []
    page.goto("/journal/paper/")
    assert accessibility_problems(page) == []


def test_in_arabic_each_count_of_entries_takes_its_own_form(visitor_factory, live_server):
    """Arabic has six plural forms: two entries take the dual's form and three the form for 3 to 10,
    each as the catalogue writes it (a script that knew only "one" and "other" showed one for both)."""
    from ustoo.core.tests.test_script_words import script_words

    _rule, words = script_words(Client(), "ar")
    forms = words["%(count)s entry"]
    page = visitor_factory(locale="ar").page
    page.goto("/journal/")
    page.locator('[data-go="create"]').first.click()
    page.locator("#create-understand").check()
    page.locator("#create-form button[type=submit]").click()
    expect(page.locator("#created-codename")).not_to_be_empty()
    page.locator("#created-saved").check()
    page.locator("#created-form button[type=submit]").click()
    for count in (1, 2, 3):
        page.locator('#journal-app [data-view="journal"] [data-go="write"]').first.click()
        page.locator("#write-kind-note").check()
        page.locator("#write-text").fill(f"ملاحظة {count}")
        page.locator("#write-form button[type=submit]").click()
        shown = forms[min(count, 3)].replace("%(count)s", str(count))
        expect(page.locator("#journal-count")).to_have_text(shown)
    assert forms[2] != forms[3]
