"""The privacy notice, the contact form and the accessibility statement in a real browser: axe finds
nothing wrong (filled in or not, with errors shown), and the contact form works with JavaScript off."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import expect

from ustoo.core.tests.browser_steps import accessibility_problems

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def operator(settings):
    settings.OPERATOR_NAME = "Survivors Together"
    settings.OPERATOR_EMAIL = "team@metoo.example.org"
    settings.PRIVACY_LEGAL_BASIS = "consent"
    settings.JURISDICTION = "France (GDPR)"


def test_a_message_is_sent_without_javascript(visitor_without_js: Visitor, operator):
    page = visitor_without_js.page
    page.goto(reverse("accessibility"))
    page.get_by_role("link", name="tell us").click()
    expect(page.get_by_label("Something hard to use or read (accessibility)")).to_be_checked()
    page.get_by_label("Your message").fill("The chart on the magnitude page is hard to read when zoomed.")
    page.get_by_role("button", name="Send the message").click()
    expect(page.get_by_role("heading", name="Your message is sent")).to_be_visible()
    (sent,) = mail.outbox
    assert sent.to == ["team@metoo.example.org"] and "hard to read when zoomed" in sent.body


def test_the_contact_form_and_its_errors_meet_wcag_aa(visitor: Visitor, operator):
    page = visitor.page
    page.goto(reverse("contact"))
    assert accessibility_problems(page) == []
    page.get_by_label("Your e-mail address (optional)").fill("not an address")
    page.get_by_role("button", name="Send the message").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Contact us"))
    expect(page.get_by_label("Your e-mail address (optional)")).to_have_value("not an address")
    assert accessibility_problems(page) == []
    assert mail.outbox == []


def test_the_filled_in_notice_and_terms_meet_wcag_aa(visitor: Visitor, operator):
    page = visitor.page
    for path in (reverse("privacy"), reverse("terms")):
        page.goto(path)
        expect(page.get_by_text("Survivors Together").first).to_be_visible()
        assert accessibility_problems(page) == []


def test_the_new_pages_meet_wcag_aa_in_french(visitor_factory):
    page = visitor_factory(locale="fr-FR").page
    for path in ("privacy", "terms", "guidelines", "accessibility", "contact"):
        page.goto(reverse(path))
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        assert accessibility_problems(page) == []
