"""Moderation and protection in a real browser (headless Chromium): a moderator logs in and works the
queue from its menu (collapsed content warnings in the queue, the story under review open, approve, on
to the next story, reject with a reason the author reads with their receipt, keyboard only) at a
phone's width and a desktop's, decides about a member on purpose; the naming guard warns and redacts,
with JavaScript on and off; and under a flood, speaking without an account solves a proof of work in
the browser, or says JavaScript is needed."""

from __future__ import annotations

import datetime
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ustoo.accounts.models import Member, Role
from ustoo.conftest import PASSPHRASE, make_member, make_story, unique_marker
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


# Each Review link also names which story it opens ("Review story 2") for screen readers.
REVIEW = re.compile(r"^Review\b")


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

    item.get_by_role("link", name=REVIEW).click()
    expect(page).to_have_url(moderator.url(f"/moderate/stories/{story.pk}/"))
    expect(page.get_by_role("heading", name="Review a story")).to_be_visible()
    expect(page.locator("article.story .story-text")).to_have_text(text)  # open: reviewing is reading
    page.get_by_role("radio", name="Approve and publish").check()
    page.get_by_role("button", name="Apply").click()

    expect(page).to_have_url(moderator.url("/moderate/"))
    expect(page.get_by_text("The story is published. The queue is empty.")).to_be_visible()
    expect(page.get_by_role("heading", name="The queue is empty")).to_be_visible()
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
    queue_item(page, story).get_by_role("link", name=REVIEW).click()
    page.get_by_role("radio", name="Reject").check()
    page.get_by_label("Reason", exact=True).select_option(label="Not about harassment or assault")
    page.get_by_label("Message to the author").fill("Please share your own experience.")
    page.get_by_role("button", name="Apply").click()
    expect(
        page.get_by_text("The story is not published: the author will see the reason. The queue is empty.")
    ).to_be_visible()
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
    review = item.get_by_role("link", name=REVIEW)

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
    content warning open and closed), the story's review page (also with a decision sent
    incomplete), and the flagged, members, member and log pages."""
    author, moderator = visitor_factory(), visitor_factory()
    story, _receipt = share_story(author.page, f"He followed me home from the station. {unique_marker()}")
    member = make_member("someone")
    page = moderator.page
    moderator_logs_in(page)
    assert accessibility_problems(page) == []
    queue_item(page, story).locator("details.content-warning > summary").click()
    assert accessibility_problems(page) == []
    review = f"/moderate/stories/{story.pk}/"
    for path in [
        review,
        "/moderate/flagged/",
        "/moderate/members/",
        f"/moderate/members/{member.pk}/",
        "/moderate/log/",
    ]:
        page.goto(path)
        assert accessibility_problems(page) == []
    page.goto(review)
    page.get_by_role("radio", name="Reject").check()
    page.get_by_role("button", name="Apply").click()  # without a reason
    expect(page.get_by_role("alert")).to_contain_text("Choose the reason the author will see.")
    assert accessibility_problems(page) == []


# --- Finding the way ----------------------------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parents[3] / "screenshots"


def screenshot(page: Page, name: str) -> None:
    """Keep what the page looks like now in screenshots/ (git-ignored), for people to look at."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def waiting_story(text: str, *, urgent: bool = False, minutes_ago: int = 0) -> Story:
    make_story(text=text, publish=False)
    Story.objects.filter(text=text).update(
        urgent=urgent, created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return Story.objects.get(text=text)


@pytest.mark.parametrize("width", [390, 1280])
def test_a_moderator_logs_in_reaches_the_queue_from_the_menu_and_works_through_it(
    visitor_factory, moderator_account, width
):
    older = waiting_story(f"Nobody at the agency would listen to me. {unique_marker()}", minutes_ago=30)
    urgent = waiting_story(f"I am scared to go home tonight. {unique_marker()}", urgent=True, minutes_ago=5)
    moderator = visitor_factory()
    page = moderator.page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})

    def open_site_menu() -> None:
        """On a phone the header's menu folds behind one button."""
        if width < 769:
            page.get_by_role("button", name="Menu").click()

    page.goto("/")
    open_site_menu()
    page.get_by_role("link", name="Log in").click()
    page.get_by_label("Username").fill("moderator")
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My account")).to_be_visible()
    open_site_menu()
    page.get_by_role("link", name="Moderate").click()

    # No second passphrase prompt: logging in has just proved it.
    expect(page).to_have_url(moderator.url("/moderate/"))
    expect(page.get_by_role("heading", name="Moderation queue")).to_be_visible()
    menu = page.get_by_role("navigation", name="Moderation")
    expect(menu.get_by_role("link")).to_have_text(
        [
            re.compile(r"^Queue\s+2$"),
            re.compile(r"^Flagged\s+0$"),
            "Campaigns",
            re.compile(r"^Step up\s+0$"),
            "Members",
            "Log",
        ]
    )
    expect(menu.get_by_role("link", name=re.compile("^Queue"))).to_have_attribute("aria-current", "page")
    screenshot(page, f"moderation-queue-{width}")
    assert accessibility_problems(page) == []

    # Danger first: the urgent story opens, whole, with its signal.
    page.locator("li.queue-item").first.get_by_role("link", name=REVIEW).click()
    expect(page).to_have_url(moderator.url(f"/moderate/stories/{urgent.pk}/"))
    expect(page.locator("article.story .story-text")).to_have_text(urgent.text)
    expect(page.locator(".tag", has_text="Signals danger").first).to_be_visible()
    screenshot(page, f"moderation-review-{width}")
    assert accessibility_problems(page) == []

    page.get_by_role("radio", name="Approve and publish").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(moderator.url(f"/moderate/stories/{older.pk}/"))
    expect(page.get_by_text("The story is published. Here is the next story waiting.")).to_be_visible()
    expect(page.locator("article.story .story-text")).to_have_text(older.text)
    screenshot(page, f"moderation-next-story-{width}")
    assert accessibility_problems(page) == []

    page.get_by_role("radio", name="Approve and publish").check()
    page.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(moderator.url("/moderate/"))
    expect(page.get_by_role("heading", name="The queue is empty")).to_be_visible()
    screenshot(page, f"moderation-queue-empty-{width}")
    assert accessibility_problems(page) == []
    assert Story.objects.filter(status=Status.PUBLISHED).count() == 2


@pytest.mark.parametrize("width", [390, 1280])
def test_a_moderator_bans_a_member_only_on_purpose(visitor_factory, moderator_account, width):
    troll = make_member("troll")
    page = visitor_factory().page
    page.set_viewport_size({"width": width, "height": 844 if width < 600 else 900})
    moderator_logs_in(page, "/moderate/members/")
    page.get_by_role("navigation", name="Moderation").get_by_role("link", name="Members").click()
    page.get_by_role("table").get_by_role("link", name="troll").click()

    actions = page.get_by_role("group", name="Action for troll")
    expect(actions).to_be_visible()
    for radio in actions.get_by_role("radio").all():
        expect(radio).not_to_be_checked()  # nothing is chosen beforehand
    page.get_by_role("button", name="Apply").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Choose an action for troll.")).to_be_visible()
    assert accessibility_problems(page) == []
    summary.get_by_role("link", name="Choose an action for troll.").click()
    expect(actions.get_by_role("radio").first).to_be_focused()

    actions.get_by_role("radio", name=re.compile("^Ban")).check()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("heading", name="Ban troll?")).to_be_visible()
    expect(page.locator("#what-happens")).to_contain_text("logged out at once")
    screenshot(page, f"moderation-confirm-ban-{width}")
    assert accessibility_problems(page) == []
    assert not Member.objects.get(pk=troll.pk).is_banned

    page.get_by_role("button", name="Ban troll").click()
    expect(page.get_by_text("troll is banned.")).to_be_visible()
    expect(page.locator("#member-details")).to_contain_text("Banned")
    assert accessibility_problems(page) == []
    assert Member.objects.get(pk=troll.pk).is_banned


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
