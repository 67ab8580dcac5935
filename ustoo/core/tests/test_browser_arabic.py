"""Arabic in a real browser, on a phone (390 px) and a desktop (1280 px): every key page reads from the
right (the site's name and the quick exit's words on the right, navigation and forms mirrored), nothing
runs off the side of the screen, and axe finds nothing wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ustoo.campaigns.tests.conftest import make_campaign
from ustoo.conftest import make_member, make_story
from ustoo.core.tests.browser_steps import accessibility_problems

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not shown"
    return box


@pytest.mark.parametrize("width", [390, 1280])
def test_arabic_pages_read_from_the_right(visitor_factory, width, settings):
    # Arabic's layout is held to this before the language is offered (settings.LANGUAGES says when).
    if "ar" not in dict(settings.LANGUAGES):
        settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]
    story = make_story(title="في الحافلة", text="حدث ذلك في الحافلة ليلًا. #MeToo #أنا_كمان").story
    campaign = make_campaign(make_member("starter"))
    visitor: Visitor = visitor_factory(locale="ar")
    page = visitor.page
    page.set_viewport_size({"width": width, "height": 900})
    pages = ["/", "/speak/", story.get_absolute_url(), "/help/", "/magnitude/", "/campaigns/"]
    pages += [campaign.get_absolute_url(), f"/campaigns/{campaign.slug}/sign/", "/account/register/"]
    for path in pages:
        page.goto(path)
        assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == ["ar", "rtl"]
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        # The site's name stands at the right, where an Arabic page starts.
        name = _box(page, ".header__name")
        assert name["x"] + name["width"] > width * 0.6, path
        # The quick exit reads from the right: its words, then its three dots to their left.
        words, dots = _box(page, ".quick-exit > span"), _box(page, ".quick-exit__dots")
        assert dots["x"] + dots["width"] <= words["x"], path
        assert accessibility_problems(page) == [], path

    # A form's labels and fields start on the right; an e-mail address is typed left to right.
    page.goto(f"/campaigns/{campaign.slug}/sign/")
    email = page.locator("input[type=email]").first
    assert email.evaluate("element => getComputedStyle(element).direction") == "ltr"
    label, field = _box(page, "label[for=id_name]"), _box(page, "#id_name")
    assert label["x"] + label["width"] == pytest.approx(field["x"] + field["width"], abs=3)
    # The hashtags of a story stay whole: "#MeToo" keeps its sign before the word, isolated.
    page.goto(story.get_absolute_url())
    page.locator("details.content-warning > summary").first.click()
    expect(page.locator("bdi.hashtag").first).to_have_text("#MeToo")
