"""The core act in a real browser (headless Chromium), with JavaScript on and off: say "me too",
share a story behind a content warning, open a collapsed story."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ustoo.conftest import counted_total, make_story, unique_marker
from ustoo.stories.models import Status, Story

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEVEN_WORDS = re.compile(r"^\s*\S+(?: \S+){6}\s*$")


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def reader(request, visitor_factory) -> Visitor:
    """The same person, once with JavaScript and once without: every flow must work both ways."""
    return visitor_factory(javascript=request.param)


def counted() -> int:
    return counted_total()


def test_say_me_too_count_only(reader: Visitor):
    page = reader.page
    before = counted()

    page.goto("/")
    page.locator("#say-me-too").click()
    expect(page).to_have_url(reader.url("/speak/"))
    expect(page.locator("textarea")).to_have_count(0)  # counting asks for no story
    page.get_by_role("button", name="Count me").click()

    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    # The copy button needs JavaScript: without it, it stays hidden rather than doing nothing.
    copy_button = page.get_by_role("button", name="Copy the receipt")
    if reader.javascript:
        expect(copy_button).to_be_visible()
    else:
        expect(copy_button).to_be_hidden()

    assert counted() == before + 1


def say_story(page: Page, text: str) -> None:
    page.goto("/")
    page.locator("#say-me-too").click()
    page.get_by_role("link", name="Write my story").click()
    expect(page).to_have_url(re.compile(r"/speak/story/$"))
    page.get_by_role("textbox", name="Your story", exact=True).fill(text)
    page.get_by_role("checkbox", name="Harassment").check()
    page.get_by_role("button", name="Share my story").click()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)


def test_share_a_story_with_a_content_warning(reader: Visitor):
    page = reader.page
    text = f"My manager kept touching my shoulder in meetings. {unique_marker()}"
    say_story(page, text)
    # Where stories from people without an account wait for review, a moderator approves it first;
    # what readers then see of it is what this test is about.
    story = Story.objects.get(text=text)
    if story.status != Status.PUBLISHED:
        story.publish()

    page.goto("/")
    article = page.locator(f"#story-{story.pk}")
    expect(article.locator(".story-text")).to_have_text(text)  # in the page, but folded away:
    expect(article.locator(".story-text")).to_be_hidden()
    warning = article.locator("details.content-warning")
    expect(warning).not_to_have_attribute("open", "")
    expect(warning.locator("summary")).to_contain_text("Harassment")


def test_open_a_collapsed_story(reader: Visitor):
    story = make_story(
        text="Someone followed me home from the station. #MeToo", warnings=("harassment",)
    ).story
    page = reader.page

    for path in ("/", story.get_absolute_url()):
        page.goto(path)
        article = page.locator(f"#story-{story.pk}")
        text = article.locator(".story-text")
        expect(text).to_be_hidden()
        article.locator("details.content-warning > summary").click()
        expect(text).to_be_visible()
        expect(text).to_contain_text("Someone followed me home from the station.")


def test_a_story_sent_without_a_warning_comes_back_with_every_word(reader: Visitor):
    page = reader.page
    text = f"Last Year My manager said I Told Him nothing. {unique_marker()}"
    page.goto("/speak/story/")
    page.get_by_role("textbox", name="Your story", exact=True).fill(text)
    page.get_by_role("button", name="Share my story").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("textbox", name="Your story", exact=True)).to_have_value(text)
    summary.get_by_role("link", name="Choose at least one content warning for your readers.").click()
    assert not Story.objects.filter(text=text).exists()
    page.get_by_role("checkbox", name="Harassment").check()
    page.get_by_role("button", name="Share my story").click()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    assert Story.objects.filter(text=text).count() == 1


def test_a_double_click_says_me_too_once(reader: Visitor):
    page = reader.page
    before = counted()
    page.goto("/speak/")
    page.get_by_role("button", name="Count me").dblclick()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    assert counted() == before + 1


def test_the_quick_exit_closes_a_receipt_opened_here(visitor: Visitor):
    page = visitor.page
    page.goto("/speak/")
    page.get_by_role("button", name="Count me").click()
    page.get_by_role("link", name="I have saved it: continue").click()
    mine = page.url
    expect(page.locator("#forget-receipt")).to_be_visible()

    page.locator("#quick-exit").click()
    expect(page).not_to_have_url(mine)
    # The beacon may land just after the neutral page: ask until the server has closed it.
    for _ in range(50):
        if visitor.context.request.get(mine).status == 404:
            break
        page.wait_for_timeout(100)
    assert visitor.context.request.get(mine).status == 404


def test_forgetting_a_receipt_works_without_javascript(visitor_without_js: Visitor):
    page = visitor_without_js.page
    page.goto("/speak/")
    page.get_by_role("button", name="Count me").click()
    page.get_by_role("link", name="I have saved it: continue").click()
    mine = page.url
    page.get_by_role("button", name="Forget my receipt on this device").click()
    expect(page.locator(".messages")).to_contain_text("no longer has your receipt open")
    assert page.goto(mine).status == 404
