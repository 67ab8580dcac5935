"""A member's account pages in a real browser: changing the passphrase works with JavaScript off, and
axe finds nothing wrong with the pages, errors shown or not."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from ustoo.conftest import PASSPHRASE, make_member
from ustoo.core.tests.browser_steps import accessibility_problems, member_logs_in

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "lantern orchard pebble quietly"


def test_a_member_changes_their_passphrase_without_javascript(visitor_without_js: Visitor):
    member = make_member("walker")
    page = visitor_without_js.page
    member_logs_in(page, "walker")
    page.goto(reverse("accounts:home"))
    page.get_by_role("link", name="Change your passphrase").click()
    page.get_by_label("Your current passphrase").fill(PASSPHRASE)
    page.get_by_label("New passphrase", exact=True).fill(NEW)
    page.get_by_label("New passphrase again").fill(NEW)
    page.get_by_role("button", name="Change my passphrase").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("accounts:home")) + "$"))
    expect(page.get_by_text("Your passphrase is changed.")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()  # still logged in here
    member.refresh_from_db()
    assert member.check_password(NEW)


def test_the_account_pages_meet_wcag_aa_with_and_without_errors(visitor: Visitor):
    make_member("walker")
    page = visitor.page
    member_logs_in(page, "walker")
    for path in (reverse("accounts:home"), reverse("accounts:change_passphrase"), reverse("accounts:export")):
        page.goto(path)
        assert accessibility_problems(page) == []
    page.goto(reverse("accounts:change_passphrase"))
    page.get_by_label("Your current passphrase").fill("not it")
    page.get_by_label("New passphrase", exact=True).fill("short")
    page.get_by_role("button", name="Change my passphrase").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Change passphrase"))
    assert accessibility_problems(page) == []
