"""The magnitude in a real browser: the day's total stays put when someone speaks (it changes with the
next day's release, so no watcher can time a statement), and the page works with JavaScript off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ustoo.magnitude import services as magnitude
from ustoo.magnitude.tests.conftest import months_ago, speak

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_total_does_not_move_when_someone_speaks_and_the_page_asks_for_nothing(visitor_factory):
    speak(3, at=months_ago(1))
    watcher: Visitor = visitor_factory(javascript=True)
    speaker: Visitor = visitor_factory(javascript=True)

    watcher.page.goto("/magnitude/")
    total = watcher.page.locator("#magnitude-number")
    expect(total).to_have_text("3")
    expect(watcher.page.get_by_text("The total is updated once a day.")).to_be_visible()
    watcher.traffic.clear()

    # Someone else, in their own browser session, says "me too" through the open API.
    answer = speaker.context.request.post(speaker.url("/api/v1/statements"), data={})
    assert answer.status == 201, answer.text()

    watcher.page.wait_for_timeout(1500)
    assert watcher.traffic.here() == []  # no polling: there is nothing new to ask for until tomorrow
    watcher.page.reload()
    expect(total).to_have_text("3")
    assert watcher.traffic.elsewhere() == []
    assert watcher.traffic.csp_messages == []


def test_the_page_works_with_javascript_off(visitor_without_js: Visitor, settings, monkeypatch):
    settings.MAGNITUDE_EPSILON = 10_000
    monkeypatch.setattr(magnitude, "MIN_COHORT_STATEMENTS", 1)
    speak(12, at=months_ago(1), setting="street", country="FR")
    page = visitor_without_js.page
    page.goto("/magnitude/")
    expect(page.locator("#magnitude-number")).to_have_text("12")
    expect(page.locator("#setting").get_by_role("img")).to_be_visible()
    page.locator("#setting summary").click()  # <details> opens without JavaScript
    expect(page.locator("#setting table")).to_contain_text("Street or public space")
    expect(page.locator("#setting table")).to_contain_text("about 12 (11 to 12)")
    page.get_by_role("link", name="How we count").first.click()
    expect(page.get_by_role("heading", name="How we count", exact=True)).to_be_visible()
    assert visitor_without_js.traffic.elsewhere() == []
