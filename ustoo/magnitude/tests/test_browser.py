"""The magnitude in a real browser: the day's total stays put when someone speaks (it changes with the
next day's release, so no watcher can time a statement), the page works with JavaScript off, and the charts
over time stay legible on a phone in every script."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import pytest
from django.utils import timezone
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


# Every text of a chart: its box on the screen, relative to the chart's.
TEXT_BOXES = """
(selector) => {
  const svg = document.querySelector(selector);
  const frame = svg.getBoundingClientRect();
  return {width: frame.width, texts: [...svg.querySelectorAll("text")].map((text) => {
    const box = text.getBoundingClientRect();
    return {text: text.textContent, left: box.left - frame.left, right: box.right - frame.left,
            top: box.top, bottom: box.bottom};
  })};
}
"""


def _overlap(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


@pytest.mark.parametrize("locale", ["zh-CN", "ar", "hi", "es"])
def test_the_charts_over_time_are_legible_on_a_phone(visitor_factory, locale):
    # Almost a year of days, so that the axes write days and months of two years ("12月6日" over "2025").
    for days_ago in (360, 250, 120, 30, 2):
        speak(2, at=timezone.now() - datetime.timedelta(days=days_ago))
    visitor: Visitor = visitor_factory(javascript=False, locale=locale)
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/magnitude/")
    for name in ("per_day", "per_month"):
        chart = page.evaluate(TEXT_BOXES, f"#{name} svg.chart")
        texts = chart["texts"]
        assert len(texts) >= 2 + 3 + 1, (name, texts)  # 0 and the largest, three labels or more, a year
        for text in texts:
            assert text["left"] >= -0.5 and text["right"] <= chart["width"] + 0.5, (name, text)
        for index, first in enumerate(texts):
            for second in texts[index + 1 :]:
                assert not _overlap(first, second), (name, first["text"], second["text"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert visitor.traffic.elsewhere() == []
