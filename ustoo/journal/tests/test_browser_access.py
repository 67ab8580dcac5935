"""The journal's ways in after it was made, in a real browser: a recovery key added later opens it, a
changed passphrase replaces the old one (a codename-only journal gets one), and when the site fails in
the middle the old way in still opens the journal and the page says what opens it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from ustoo.core.tests.browser_steps import accessibility_problems
from ustoo.journal.models import Access
from ustoo.journal.tests.test_browser import browser_storage, open_journal, save, visible

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/journal-access")
EMPTY_STORAGE = {"local": 0, "session": 0, "indexedDB": 0, "caches": 0, "workers": 0}


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def create(page: Page, *, recovery: bool, passphrase: str = "") -> str:
    page.goto("/journal/")
    visible(page, "button", "Start a new journal").click()
    page.get_by_label("I understand: if I lose").check()
    page.get_by_label("Give me a recovery key too").set_checked(recovery)
    if passphrase:
        page.get_by_text("Add a passphrase (optional)").click()
        page.get_by_label("Passphrase", exact=True).fill(passphrase)
        page.get_by_label("The same passphrase again").fill(passphrase)
    visible(page, "button", "Create my journal").click()
    expect(page.locator("#created-codename")).not_to_be_empty(timeout=30_000)
    codename = page.locator("#created-codename").text_content()
    assert len(codename.split()) == 7
    page.get_by_label("I have written down my codename").check()
    visible(page, "button", "Continue to my journal").click()
    expect(page.locator("#journal-count")).to_have_text("No entries yet.")
    return codename


def write_note(page: Page, text: str) -> None:
    visible(page, "button", "Write an entry").click()
    page.get_by_label("A note").check()
    page.get_by_label("Anything else").fill(text)
    save(page)


def open_with_recovery(page: Page, recovery: str) -> None:
    page.goto("/journal/")
    visible(page, "button", "Open my journal").click()
    page.get_by_text("I have a recovery key instead").click()
    page.get_by_label("Recovery key", exact=True).fill(recovery)
    visible(page, "button", "Open").click()


def opens(page: Page, codename: str, passphrase: str) -> bool:
    """Whether the journal opens with these, typed on the opening page as a person would."""
    open_journal(page, codename, passphrase)
    opened = page.locator("#journal-notice").get_by_text("Your journal is open")
    refused = page.locator(".error-summary").get_by_text("No journal opens with this codename")
    expect(opened.or_(refused)).to_be_visible(timeout=30_000)
    was_open = opened.is_visible()
    if was_open:
        visible(page, "button", "Close the journal").click()
    return was_open


def change_passphrase(page: Page, codename: str, current: str, new: str) -> None:
    visible(page, "button", "Change the passphrase").click()
    expect(page.get_by_role("heading", name="Change the passphrase", level=1)).to_be_focused()
    visible(page, "textbox", "Codename").fill(codename)
    page.get_by_label("Current passphrase", exact=True).fill(current)
    page.get_by_label("New passphrase", exact=True).fill(new)
    page.get_by_label("The same new passphrase again").fill(new)
    page.locator("#passphrase-form button[type=submit]").click()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_recovery_key_added_later_opens_the_journal(visitor, live_server, width):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    create(page, recovery=False)
    write_note(page, "Written before the recovery key")
    assert Access.objects.count() == 1
    shot(page, f"journal-{width}")

    visible(page, "button", "Add a recovery key").click()
    key = page.locator("#recovery-key").text_content()
    assert re.fullmatch(r"([0-9A-Z]{4}-){7}[0-9A-Z]{4}", key)
    expect(page.locator("#recovery-replace-box")).to_be_hidden()
    visible(page, "button", "Start using this recovery key").click()
    expect(page.locator(".error-summary")).to_contain_text("Confirm that you have printed or written down")
    assert Access.objects.count() == 1  # nothing is added before the person says they kept it
    shot(page, f"recovery-error-{width}")
    page.get_by_label("I have printed or written down the new recovery key").check()
    visible(page, "button", "Start using this recovery key").click()
    expect(page.locator("#journal-notice")).to_contain_text("Your new recovery key opens the journal.")
    # Shown once: it has left the page.
    assert key not in page.content()
    assert Access.objects.count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= width

    visible(page, "button", "Close the journal").click()
    open_with_recovery(page, key.lower().replace("-", " "))
    expect(page.locator("#journal-notice")).to_contain_text("Your journal is open")
    expect(page.locator("#entry-1")).to_contain_text("Written before the recovery key")
    assert browser_storage(page) == EMPTY_STORAGE
    assert visitor.traffic.script_errors == [] and visitor.traffic.elsewhere() == []


def test_a_recovery_key_left_unconfirmed_is_never_added(visitor, live_server):
    page = visitor.page
    create(page, recovery=False)
    visible(page, "button", "Add a recovery key").click()
    key = page.locator("#recovery-key").text_content()
    page.locator('[data-view="recovery"] .back-link').click()
    expect(page.locator("#journal-count")).to_be_visible()
    assert key not in page.content() and Access.objects.count() == 1


@pytest.mark.parametrize("width", [390, 1280])
def test_a_codename_only_journal_gets_a_passphrase_then_changes_it(visitor, live_server, width):
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    codename = create(page, recovery=False)
    write_note(page, "Kept through every change")

    # The same rules and words as when a journal is made: the two must match.
    visible(page, "button", "Change the passphrase").click()
    visible(page, "textbox", "Codename").fill(codename)
    page.get_by_label("New passphrase", exact=True).fill("first passphrase")
    page.get_by_label("The same new passphrase again").fill("first passphrase typo")
    page.locator("#passphrase-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("The two passphrases are not the same")
    expect(visible(page, "textbox", "Codename")).to_have_value(codename)
    shot(page, f"passphrase-error-{width}")
    page.locator('[data-view="passphrase"] .back-link').click()

    # A codename-only journal: the current passphrase is left empty, and the new one is added.
    change_passphrase(page, codename, "", "first passphrase")
    expect(page.locator("#journal-notice")).to_contain_text("Your passphrase is changed.", timeout=30_000)
    shot(page, f"passphrase-changed-{width}")
    # The page goes on with the new way in: writing still works.
    write_note(page, "Written after the change")
    change_passphrase(page, codename, "first passphrase", "second passphrase")
    expect(page.locator("#journal-notice")).to_contain_text("Your passphrase is changed.", timeout=30_000)
    assert Access.objects.count() == 1
    visible(page, "button", "Close the journal").click()

    assert not opens(page, codename, "")
    assert not opens(page, codename, "first passphrase")
    open_journal(page, codename, "second passphrase")
    expect(page.locator("#journal-count")).to_have_text("2 entries", timeout=30_000)
    assert browser_storage(page) == EMPTY_STORAGE
    assert visitor.traffic.script_errors == [] and visitor.traffic.elsewhere() == []


def test_a_wrong_current_passphrase_or_another_journals_codename_changes_nothing(visitor, live_server):
    page = visitor.page
    other = create(page, recovery=False, passphrase="decoy")
    codename = create(page, recovery=False, passphrase="mine")
    change_passphrase(page, codename, "not mine", "new")
    expect(page.locator(".error-summary")).to_contain_text(
        "No journal opens with this codename and current passphrase", timeout=30_000
    )
    change_passphrase_again = page.locator("#passphrase-form button[type=submit]")
    visible(page, "textbox", "Codename").fill(other)
    page.get_by_label("Current passphrase", exact=True).fill("decoy")
    change_passphrase_again.click()
    expect(page.locator(".error-summary")).to_contain_text(
        "This codename and passphrase open another journal", timeout=30_000
    )
    assert Access.objects.count() == 2


def refuse(page: Page, method: str, path: str) -> list[str]:
    """The site fails every `method` request to `path` (500) until unrouted; returns what was refused."""
    refused: list[str] = []

    def handle(route: Route) -> None:
        if route.request.method == method:
            refused.append(route.request.url)
            route.fulfill(status=500, content_type="application/json", body='{"error": "Server Error"}')
        else:
            route.continue_()

    page.route(f"**/api/v1/journal/{path}", handle)
    return refused


def test_a_refused_removal_leaves_both_passphrases_says_so_and_trying_again_finishes(visitor, live_server):
    page = visitor.page
    codename = create(page, recovery=False, passphrase="old passphrase")
    refused = refuse(page, "DELETE", "accesses/current")
    change_passphrase(page, codename, "old passphrase", "new passphrase")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(
        "Your new passphrase opens the journal, but the old one still does too", timeout=30_000
    )
    assert refused and Access.objects.count() == 2
    shot(page, "passphrase-both-1280")
    # What was typed is kept, to try again with.
    expect(page.get_by_label("New passphrase", exact=True)).to_have_value("new passphrase")
    page.unroute("**/api/v1/journal/accesses/current")
    page.locator("#passphrase-form button[type=submit]").click()
    expect(page.locator("#journal-notice")).to_contain_text("Your passphrase is changed.", timeout=30_000)
    assert Access.objects.count() == 1
    visible(page, "button", "Close the journal").click()
    assert not opens(page, codename, "old passphrase")
    assert opens(page, codename, "new passphrase")


def test_a_refused_addition_changes_nothing_and_the_old_passphrase_still_opens(visitor, live_server):
    page = visitor.page
    codename = create(page, recovery=False, passphrase="old passphrase")
    refused = refuse(page, "POST", "accesses")
    change_passphrase(page, codename, "old passphrase", "new passphrase")
    expect(page.locator(".error-summary")).to_contain_text(
        "Your passphrase was not changed: your codename and your current passphrase still open the journal",
        timeout=30_000,
    )
    assert refused and Access.objects.count() == 1
    page.unroute("**/api/v1/journal/accesses")
    page.locator('[data-view="passphrase"] .back-link').click()
    visible(page, "button", "Close the journal").click()
    assert opens(page, codename, "old passphrase")
    assert not opens(page, codename, "new passphrase")


def test_opened_with_a_recovery_key_it_is_replaced_and_stops_working(visitor, live_server):
    page = visitor.page
    create(page, recovery=False)
    visible(page, "button", "Add a recovery key").click()
    first = page.locator("#recovery-key").text_content()
    page.get_by_label("I have printed or written down the new recovery key").check()
    visible(page, "button", "Start using this recovery key").click()
    expect(page.locator("#journal-notice")).to_contain_text("Your new recovery key opens the journal.")
    visible(page, "button", "Close the journal").click()

    open_with_recovery(page, first)
    expect(page.locator("#journal-notice")).to_contain_text("Your journal is open")
    visible(page, "button", "Add a recovery key").click()
    second = page.locator("#recovery-key").text_content()
    page.get_by_label("Stop the recovery key I opened the journal with from working").check()
    page.get_by_label("I have printed or written down the new recovery key").check()
    visible(page, "button", "Start using this recovery key").click()
    expect(page.locator("#journal-notice")).to_contain_text("the one you opened it with no longer does")
    write_note(page, "Written with the new key in use")
    assert Access.objects.count() == 2  # the codename's and the new key's
    visible(page, "button", "Close the journal").click()
    open_with_recovery(page, first)
    expect(page.locator(".error-summary")).to_contain_text("No journal opens with this recovery key")
    open_with_recovery(page, second)
    expect(page.locator("#entry-1")).to_contain_text("Written with the new key in use")


def test_the_ways_in_views_meet_wcag_aa(visitor, live_server):
    """axe-core finds nothing wrong with the new views, an error shown included."""
    page = visitor.page
    create(page, recovery=False)
    visible(page, "button", "Change the passphrase").click()
    assert accessibility_problems(page) == []
    page.locator("#passphrase-form button[type=submit]").click()
    expect(page.locator(".error-summary")).to_contain_text("Type your codename")
    assert accessibility_problems(page) == []
    page.locator('[data-view="passphrase"] .back-link').click()
    visible(page, "button", "Add a recovery key").click()
    assert accessibility_problems(page) == []
    visible(page, "button", "Start using this recovery key").click()
    expect(page.locator('[data-view="recovery"] .error-summary')).to_be_visible()
    assert accessibility_problems(page) == []
