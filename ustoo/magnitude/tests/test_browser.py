"""The magnitude in a real browser: the live total moves when someone else speaks, and the page
works with JavaScript off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ustoo.stories import services
from ustoo.stories.services import Details

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_live_total_moves_when_a_statement_is_made_in_another_session(visitor_factory, settings):
    settings.MAGNITUDE_LIVE_SECONDS = 1
    for _ in range(3):
        services.say_me_too(member=None, anonymous=True)
    watcher: Visitor = visitor_factory(javascript=True)
    speaker: Visitor = visitor_factory(javascript=True)

    watcher.page.goto("/magnitude/")
    total = watcher.page.locator("#magnitude-number")
    expect(total).to_have_text("3")

    # Someone else, in their own browser session, says "me too" through the open API.
    answer = speaker.context.request.post(speaker.url("/api/v1/statements"), data={})
    assert answer.status == 201, answer.text()

    # No reload: htmx fetches the total again every second.
    expect(total).to_have_text("4")
    assert watcher.page.evaluate("performance.getEntriesByType('navigation').length") == 1
    assert watcher.traffic.elsewhere() == []
    assert watcher.traffic.csp_messages == []


def test_the_page_works_with_javascript_off(visitor_without_js: Visitor, settings):
    settings.MAGNITUDE_EPSILON = 10_000
    for _ in range(12):
        services.say_me_too(
            member=None, anonymous=True, language="en", details=Details(setting="street", country="FR")
        )
    page = visitor_without_js.page
    page.goto("/magnitude/")
    expect(page.locator("#magnitude-number")).to_have_text("12")
    expect(page.get_by_role("img", name="Where it happened")).to_be_visible()
    page.locator("#setting summary").click()  # <details> opens without JavaScript
    expect(page.locator("#setting table")).to_contain_text("Street or public space")
    page.get_by_role("link", name="How we count").click()
    expect(page.get_by_role("heading", name="How we count")).to_be_visible()
    services.say_me_too(member=None, anonymous=True)
    page.goto("/magnitude/")
    expect(page.locator("#magnitude-number")).to_have_text("13")
    assert visitor_without_js.traffic.elsewhere() == []
