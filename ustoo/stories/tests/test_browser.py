"""The core act in a real browser (headless Chromium), with JavaScript on and off: say "me too",
share a story behind a content warning, open a collapsed story."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect

from ustoo.conftest import make_story, unique_marker
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


def wall_total(page: Page) -> int:
    page.goto("/")
    return int(re.sub(r"\D", "", page.locator("#total-statements").inner_text()))


def test_say_me_too_count_only(reader: Visitor):
    page = reader.page
    before = wall_total(page)

    page.locator("#say-me-too").click()
    expect(page).to_have_url(reader.url("/speak/"))
    expect(page.get_by_role("radio", name="Count me", exact=True)).to_be_checked()
    page.locator("#submit-top").click()

    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    # The copy button needs JavaScript: without it, it stays hidden rather than doing nothing.
    copy_button = page.get_by_role("button", name="Copy the receipt")
    if reader.javascript:
        expect(copy_button).to_be_visible()
    else:
        expect(copy_button).to_be_hidden()

    assert wall_total(page) == before + 1


def say_story(page: Page, text: str) -> None:
    page.goto("/")
    page.locator("#say-me-too").click()
    page.get_by_role("radio", name="Count me and share my story").check()
    page.get_by_role("textbox", name="Your story", exact=True).fill(text)
    page.get_by_role("checkbox", name="Harassment").check()
    page.locator("#submit-bottom").click()
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
