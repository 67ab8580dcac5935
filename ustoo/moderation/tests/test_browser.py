"""Moderation and protection in a real browser (headless Chromium): a moderator works the queue
(collapsed content warnings, approve, reject with a reason the author reads with their receipt,
keyboard only); the naming guard warns and redacts, with JavaScript on and off; and under a flood,
speaking without an account solves a proof of work in the browser, or says JavaScript is needed."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ustoo.accounts.models import Role
from ustoo.conftest import make_member, unique_marker
from ustoo.core import ratelimit
from ustoo.core.tests.browser_steps import accessibility_problems, moderator_logs_in
from ustoo.stories.models import Statement, Status, Story

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEVEN_WORDS = re.compile(r"^\s*\S+(?: \S+){6}\s*$")
NAMING_STORY = "It was John Miller, john.miller@example.com. He was my manager and he would not stop."


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def speaker(request, visitor_factory) -> Visitor:
    """Someone without an account, once with JavaScript and once without."""
    return visitor_factory(javascript=request.param)


@pytest.fixture
def moderator_account(db):
    return make_member("moderator", role=Role.MODERATOR)


def write_story(page: Page, text: str) -> None:
    """Fill the story form with a story behind a content warning and send it."""
    page.goto("/speak/story/")
    page.get_by_role("textbox", name="Your story", exact=True).fill(text)
    page.get_by_role("checkbox", name="Harassment").check()
    page.locator("#submit-story").click()


def share_story(page: Page, text: str) -> tuple[Story, str]:
    """Share a story (no naming in it) and keep the receipt shown once."""
    write_story(page, text)
    receipt = page.locator("#receipt-phrase")
    expect(receipt).to_have_text(SEVEN_WORDS)
    return Story.objects.get(text=text), receipt.inner_text().strip()


def queue_item(page: Page, story: Story):
    return page.locator("li.queue-item").filter(has=page.locator(f'a[href="/moderate/stories/{story.pk}/"]'))


# --- The moderation queue -------------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_moderator_approves_a_story_from_the_queue(visitor_factory, moderator_account, javascript):
    author, moderator, reader = (visitor_factory(javascript=javascript) for _ in range(3))
    text = f"My supervisor cornered me in the stock room. {unique_marker()}"
    story, _receipt = share_story(author.page, text)
    assert story.status == Status.PENDING

    reader.page.goto("/")
    expect(reader.page.locator(f"#story-{story.pk}")).to_have_count(0)  # invisible until approved

    page = moderator.page
    moderator_logs_in(page)
    item = queue_item(page, story)
    story_text = item.locator(".story-text")
    expect(story_text).to_contain_text("cornered me in the stock room")  # in the page, folded away
    expect(story_text).to_be_hidden()
    expect(item.locator("details.content-warning > summary")).to_contain_text("Harassment")
    item.locator("details.content-warning > summary").click()
    expect(story_text).to_be_visible()

    item.get_by_role("link", name="Review", exact=True).click()
    expect(page).to_have_url(moderator.url(f"/moderate/stories/{story.pk}/"))
    expect(page.get_by_role("heading", name="Review a story")).to_be_visible()
    expect(page.locator("article.story .story-text")).to_be_hidden()  # collapsed here too
    page.get_by_role("radio", name="Approve and publish").check()
    page.get_by_role("button", name="Apply").click()

    expect(page.get_by_text("Done. Next story:")).to_be_visible()
    expect(page.get_by_text("Nothing waiting. Thank you.")).to_be_visible()
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED

    reader.page.goto("/")
    article = reader.page.locator(f"#story-{story.pk}")
    expect(article).to_have_count(1)
    article.locator("details.content-warning > summary").click()
    expect(article.locator(".story-text")).to_have_text(text)


def test_rejection_reason_reaches_the_author_through_the_receipt(visitor_factory, moderator_account):
    author, moderator = visitor_factory(), visitor_factory()
    text = f"Buy cheap watches at our shop today. {unique_marker()}"
    story, receipt = share_story(author.page, text)
    author.close()  # the author keeps only the seven words

    page = moderator.page
    moderator_logs_in(page)
    queue_item(page, story).get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("radio", name="Reject").check()
    page.get_by_label("Reason", exact=True).select_option(label="Not about harassment or assault")
    page.get_by_label("Message to the author").fill("Please share your own experience.")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Done. Next story:")).to_be_visible()
    story.refresh_from_db()
    assert (story.status, story.moderation_code) == (Status.REJECTED, "off_topic")

    # Later, in another browser, the author comes back with the receipt.
    returning = visitor_factory().page
    returning.goto("/receipt/")
    returning.get_by_label("Your receipt").fill(receipt)
    returning.get_by_role("button", name="Open").click()
    expect(returning.get_by_role("heading", name="What you said")).to_be_visible()
    outcome = returning.locator("#moderation-outcome")
    expect(outcome).to_contain_text("Reason: Not about harassment or assault")
    expect(outcome).to_contain_text("Please share your own experience.")
    expect(returning.locator(".story-text")).to_have_text(text)


def test_queue_works_from_the_keyboard(visitor_factory, moderator_account):
    author, moderator = visitor_factory(), visitor_factory()
    story, _receipt = share_story(author.page, f"A stranger grabbed me on the tram. {unique_marker()}")

    page = moderator.page
    moderator_logs_in(page)
    item = queue_item(page, story)
    summary = item.locator("details.content-warning > summary")
    review = item.get_by_role("link", name="Review", exact=True)

    def tab_to(target, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if target.evaluate("element => element === document.activeElement"):
                return
        expect(target).to_be_focused()  # fails with a clear message: never reached by Tab

    tab_to(summary)
    page.keyboard.press("Enter")  # opens the content warning
    expect(item.locator(".story-text")).to_be_visible()
    tab_to(review)
    expect(review).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(moderator.url(f"/moderate/stories/{story.pk}/"))
    expect(page.get_by_role("heading", name="Review a story")).to_be_visible()


def test_moderation_pages_meet_wcag_aa(visitor_factory, moderator_account):
    """axe-core finds nothing wrong with a moderator's pages: the queue with a story waiting (its
    content warning open and closed), the story's review page, and the flagged, members and log
    pages."""
    author, moderator = visitor_factory(), visitor_factory()
    story, _receipt = share_story(author.page, f"He followed me home from the station. {unique_marker()}")
    page = moderator.page
    moderator_logs_in(page)
    assert accessibility_problems(page) == []
    queue_item(page, story).locator("details.content-warning > summary").click()
    assert accessibility_problems(page) == []
    review = f"/moderate/stories/{story.pk}/"
    for path in [review, "/moderate/flagged/", "/moderate/members/", "/moderate/log/"]:
        page.goto(path)
        assert accessibility_problems(page) == []


# --- The naming guard ------------------------------------------------------------------------------


def test_naming_guard_warns_and_redacts(speaker: Visitor):
    page = speaker.page
    write_story(page, NAMING_STORY)

    guard = page.locator("#naming-guard")
    expect(guard).to_be_visible()
    expect(guard.get_by_role("heading")).to_have_text("Your story may identify someone")
    expect(guard.locator("li")).to_have_text(["John Miller", "john.miller@example.com"])
    assert not Statement.objects.exists()  # nothing is sent before the author chooses

    page.locator("#guard-redact").click()
    expect(page.locator("#naming-guard-done")).to_contain_text("Removed")
    expect(page.locator("#naming-guard")).to_have_count(0)
    story_box = page.get_by_role("textbox", name="Your story", exact=True)
    expect(story_box).to_have_value(
        "It was [name removed], [contact removed]. He was my manager and he would not stop."
    )
    expect(page.get_by_role("checkbox", name="Harassment")).to_be_checked()
    assert not Statement.objects.exists()  # the author reads it again before it goes

    page.locator("#submit-story").click()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    story = Story.objects.get()
    assert "[name removed]" in story.text and "[contact removed]" in story.text
    assert "John" not in story.text and "example.com" not in story.text
    assert not story.identifies_someone


# --- Under a flood ---------------------------------------------------------------------------------


@pytest.fixture
def flooded(settings, monkeypatch):
    """A site-wide flood of speaking, with an easy puzzle. The rate-limit clock is pinned inside one
    minute window, so the pre-filled site counter cannot expire between two steps of a test. Limits
    are on (USTOO_RATE_LIMITS=0 turns the flood switch off too); one visitor stays far below them."""
    settings.RATE_LIMITS_ENABLED = True
    settings.FLOOD_THRESHOLD_PER_MINUTE = 3
    settings.POW_DIFFICULTY_BITS = 10
    now = time.time()
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: now))
    for _ in range(settings.FLOOD_THRESHOLD_PER_MINUTE + 1):
        ratelimit.site_attempts("speak")
    assert ratelimit.site_is_flooded("speak")


# Playwright's text engine skips <noscript>, so its message is found with CSS: without JavaScript
# Chromium renders the element's content; with JavaScript on, it is not in the page at all.
NEEDS_JS = "noscript .notification--error"


def test_under_flood_the_browser_solves_the_puzzle(flooded, visitor: Visitor):
    page = visitor.page
    page.goto("/speak/")
    expect(page.locator("form[data-pow-challenge]")).to_have_attribute("data-pow-difficulty", "10")
    expect(page.get_by_text("Many people are sending at once")).to_be_visible()
    expect(page.locator(NEEDS_JS)).to_have_count(0)
    page.locator("#submit-top").click()
    # The server accepts the statement only with a solved puzzle: the receipt proves the browser solved it.
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    assert Statement.objects.count() == 1
    assert not visitor.traffic.script_errors


def test_under_flood_without_javascript_nothing_is_recorded(flooded, visitor_without_js: Visitor):
    page = visitor_without_js.page
    page.goto("/speak/")
    needs_js = page.locator(NEEDS_JS)
    expect(needs_js).to_be_visible()
    expect(needs_js).to_contain_text("sending without an account needs JavaScript")
    page.locator("#submit-top").click()
    expect(page.get_by_text("Please send again: your browser will solve a small puzzle")).to_be_visible()
    expect(needs_js).to_be_visible()
    expect(page.locator("#receipt-phrase")).to_have_count(0)
    assert not Statement.objects.exists()
