"""The movement page in a real browser, with the real 2019 collection: charts legible on a 390-pixel phone and
on a wide screen, with JavaScript on or off."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ustoo.movement.tests.conftest import REAL_COLUMNS

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every text of every chart shown: its box on the screen, and whether it lies inside its chart.
TEXT_BOXES = """
() => [...document.querySelectorAll("svg.chart")]
  .filter((svg) => svg.getBoundingClientRect().width > 0)
  .map((svg) => {
    const frame = svg.getBoundingClientRect();
    return {
      title: svg.querySelector("title").textContent,
      variant: svg.classList.contains("chart--narrow") ? "narrow" : "wide",
      width: frame.width,
      texts: [...svg.querySelectorAll("text")].map((text) => {
        const box = text.getBoundingClientRect();
        return {text: text.textContent, left: box.left - frame.left, right: box.right - frame.left,
                top: box.top, bottom: box.bottom, size: parseFloat(getComputedStyle(text).fontSize)
                  * frame.width / svg.viewBox.baseVal.width};
      }),
    };
  })
"""


def _overlap(a: dict, b: dict) -> bool:
    return min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5 and (
        min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5
    )


def _check_charts_are_legible(visitor: Visitor, width: int, variant: str) -> None:
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/movement/")
    expect(page.locator("section.movement-chart").first).to_be_visible()
    charts = page.evaluate(TEXT_BOXES)
    for chart in charts:
        texts = chart["texts"]
        assert texts, chart["title"]
        for text in texts:
            # Shown at 11 pixels or more, and wholly inside its chart (nothing cut off at an edge).
            assert text["size"] >= 11, (chart["title"], text)
            assert text["left"] >= -0.5 and text["right"] <= chart["width"] + 0.5, (chart["title"], text)
        for index, first in enumerate(texts):
            for second in texts[index + 1 :]:
                assert not _overlap(first, second), (chart["title"], first["text"], second["text"])
    assert len(charts) == 6  # one drawing of each chart is shown, the other hidden
    assert {chart["variant"] for chart in charts} == {variant}
    # The page itself never scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert visitor.traffic.elsewhere() == []
    assert visitor.traffic.csp_messages == []


@pytest.fixture
def released_2019(release_dataset, real_csv):
    release_dataset(real_csv, "metoo2019", columns=REAL_COLUMNS, classify=True)


def test_charts_are_legible_on_a_phone_without_javascript(released_2019, visitor_without_js: Visitor):
    _check_charts_are_legible(visitor_without_js, 390, "narrow")


def test_charts_are_legible_on_a_phone_with_javascript(released_2019, visitor: Visitor):
    _check_charts_are_legible(visitor, 390, "narrow")


@pytest.mark.parametrize("locale", ["zh-CN", "ar", "hi"])
def test_charts_are_legible_on_a_phone_in_chinese_arabic_and_hindi(released_2019, visitor_factory, locale):
    # Their axes write days in their own way ("10月16日", "16 أكتوبر", "16 अक्टू॰"): wider, or right to left.
    _check_charts_are_legible(visitor_factory(javascript=False, locale=locale), 390, "narrow")


def test_charts_are_legible_on_a_wide_screen(released_2019, visitor: Visitor):
    _check_charts_are_legible(visitor, 1280, "wide")


def test_the_figures_and_the_downloads_work_without_javascript(released_2019, visitor_without_js: Visitor):
    page = visitor_without_js.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/movement/")
    section = page.locator("section.movement-chart").filter(has_text="Posts per day by variant")
    section.get_by_text("The figures (posts)").click()  # <details> opens without JavaScript
    expect(section.get_by_role("row").filter(has_text="15 October 2019")).to_contain_text("partial")
    with page.expect_download() as download:
        section.get_by_role("link", name="Download these figures (CSV)").click()
    assert download.value.suggested_filename == "metoo2019-posts-per-day-by-variant-utc.csv"
    assert download.value.path().read_bytes().startswith(b"day,hashtag,posts,partial\r\n")
