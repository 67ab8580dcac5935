"""Accessibility in a real browser: axe-core, the engine of the browsers' own audits, finds nothing
wrong (WCAG 2.2 A and AA, and its best practices) with the pages anyone can reach, including forms
shown again with their errors. The moderators' pages are checked in ustoo/moderation, the campaigns'
in ustoo/campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ustoo.conftest import make_member, make_story
from ustoo.core.tests.browser_steps import accessibility_problems, member_logs_in, public_pages

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_meet_wcag_aa(visitor: Visitor):
    titled = make_story(title="The night bus", text="It happened on the night bus. Nobody looked up. #MeToo")
    untitled = make_story(text="It happened at work, more than once. #MeToo")
    pages = [*public_pages(titled.story, untitled.story), "/no-such-page/"]
    page = visitor.page
    for path in pages:
        page.goto(path)
        assert accessibility_problems(page) == []
    # A story's page, its content warning opened.
    page.goto(untitled.story.get_absolute_url())
    page.locator("details.content-warning > summary").click()
    expect(page.locator(".story-text")).to_be_visible()
    assert accessibility_problems(page) == []


def test_forms_shown_again_with_their_errors_meet_wcag_aa(visitor: Visitor):
    page = visitor.page
    page.goto(reverse("stories:speak") + "?mode=story")
    page.locator("#submit-bottom").click()  # a story with no text
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []

    page.goto(reverse("accounts:register"))
    page.get_by_label("Username").fill("ada")
    page.get_by_role("button", name="Create my account").click()  # no passphrase
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []


def test_saying_me_too_and_its_receipt_meet_wcag_aa(visitor: Visitor):
    page = visitor.page
    page.goto(reverse("stories:speak"))
    page.locator("#submit-top").click()
    expect(page.locator("#receipt-phrase")).to_be_visible()
    assert accessibility_problems(page) == []


def test_a_members_pages_meet_wcag_aa(visitor: Visitor):
    member = make_member("writer")
    statement = make_story(
        member=member, anonymous=False, text="It happened at my first job. #MeToo"
    ).statement
    page = visitor.page
    member_logs_in(page, "writer")
    for path in [
        reverse("accounts:home"),
        reverse("accounts:delete"),
        reverse("stories:my_statements"),
        reverse("stories:mine", args=[statement.pk]),
        reverse("stories:edit", args=[statement.pk]),
        reverse("stories:delete", args=[statement.pk]),
    ]:
        page.goto(path)
        assert accessibility_problems(page) == []


def test_the_french_interface_meets_wcag_aa(visitor_factory):
    page = visitor_factory(locale="fr-FR").page
    for path in ["/", reverse("stories:speak") + "?mode=story", reverse("magnitude:index")]:
        page.goto(path)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert accessibility_problems(page) == []
