"""Pledging and reporting that one stepped up, in a real browser on a phone (390 px wide), with
JavaScript on and off: the forms work without it, errors are said and focused, nothing typed is lost,
nothing leaves the site, and nothing is wider than the screen."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from ustoo.core.tests.browser_steps import accessibility_problems
from ustoo.upstanders.models import Intervention, OwnWords, Pledge
from ustoo.upstanders.tests.conftest import counted

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def phone(request, visitor_factory) -> Visitor:
    """Someone on a phone, once with JavaScript and once without."""
    visitor = visitor_factory(javascript=request.param)
    visitor.page.set_viewport_size(PHONE)
    return visitor


def looked_at(visitor: Visitor) -> list[str]:
    """What is wrong with the page as shown: wider than the phone, or (with JavaScript) axe's findings."""
    page = visitor.page
    problems = []
    if (width := page.evaluate("document.documentElement.scrollWidth")) > PHONE["width"]:
        problems.append(f"{page.url}: {width} px wide")
    if visitor.javascript:
        problems += accessibility_problems(page)
    return problems


def test_pledging_in_one_click_on_a_phone(phone: Visitor):
    page = phone.page
    problems = []
    page.goto("/step-up/")
    problems += looked_at(phone)
    page.get_by_role("link", name="Make a pledge").click()
    expect(page).to_have_title("Pledge – ustoo")
    problems += looked_at(phone)
    page.get_by_role("checkbox", name=re.compile("I will listen, believe them")).check()
    page.get_by_role("checkbox", name=re.compile("I will talk about consent and respect")).check()
    page.get_by_role("button", name="Pledge", exact=True).click()
    expect(page.locator("#pledged-panel")).to_contain_text("Your 2 pledges are counted.")
    problems += looked_at(phone)
    assert sorted(Pledge.objects.values_list("action", flat=True)) == ["believe", "talk_young"]
    assert counted("pledges") == 2
    assert phone.traffic.elsewhere() == [] and phone.traffic.script_errors == []
    assert problems == []


def test_a_pledge_with_nothing_chosen_is_said_and_the_words_are_kept(phone: Visitor):
    page = phone.page
    page.goto("/step-up/pledge/")
    page.get_by_role("button", name="Pledge", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Choose at least one thing you will do")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: Pledge"))
    problems = looked_at(phone)
    page.get_by_label("A pledge in your own words (optional)").fill("I will walk my friends home at night.")
    page.get_by_role("button", name="Pledge", exact=True).click()
    expect(page.locator("#words-outcome")).to_be_visible()
    assert OwnWords.objects.get().text == "I will walk my friends home at night."
    assert counted("pledges") == 0 and problems == []


def test_reporting_that_one_stepped_up_on_a_phone_through_the_naming_guard(phone: Visitor):
    page = phone.page
    problems = []
    page.goto("/step-up/")
    page.get_by_role("link", name="Tell us you stepped up").click()
    expect(page).to_have_title("Stepped up – ustoo")
    problems += looked_at(phone)
    page.get_by_role("radio", name=re.compile("^Delay")).check()
    page.get_by_role("radio", name="Street or public transport").check()
    page.get_by_role("button", name="Count it").click()
    # One answer missing: said, focused, and what was chosen is still chosen.
    expect(page.locator(".error-summary")).to_contain_text("Choose whether it helped")
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.get_by_role("radio", name=re.compile("^Delay"))).to_be_checked()
    problems += looked_at(phone)
    page.get_by_role("radio", name="It helped").check()
    page.get_by_label("What happened, in a few words (optional)").fill(
        "I sat next to her and we talked until Sarah Connor got off at her stop."
    )
    page.get_by_role("button", name="Count it").click()
    expect(page.locator("#naming-guard")).to_contain_text("Sarah Connor")
    problems += looked_at(phone)
    assert not Intervention.objects.exists()
    page.get_by_role("button", name="Remove them for me").click()
    expect(page.locator("#naming-guard-done")).to_be_visible()
    page.get_by_role("button", name="Count it").click()
    expect(page.locator("#stepped-up-panel")).to_contain_text("It is counted.")
    problems += looked_at(phone)
    row = Intervention.objects.get()
    assert (row.approach, row.setting, row.outcome) == ("delay", "street", "helped")
    assert "[name removed]" in OwnWords.objects.get().text
    assert counted("interventions") == 1
    assert phone.traffic.elsewhere() == [] and phone.traffic.script_errors == []
    assert problems == []


def test_a_guide_reads_on_a_phone_and_prints_without_the_menus(phone: Visitor):
    page = phone.page
    page.goto("/step-up/five-ds/distract/")
    problems = looked_at(phone)
    page.emulate_media(media="print")
    expect(page.locator(".guide-nav")).to_be_hidden()
    expect(page.locator("header.header")).to_be_hidden()
    expect(page.locator("h1")).to_have_text("Distract")
    assert problems == []
