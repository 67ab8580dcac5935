"""Every public flow walked as people meet it: on a phone (390 px) and a desktop (1280 px), with
JavaScript on and off. Each step is saved as a screenshot in `screenshots/` (git-ignored) for people
to look at, and checked: nothing wider than the screen, the page's heading in the first screen, and,
with JavaScript on, nothing axe-core finds wrong."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import Page, expect

from ustoo.campaigns.demo import load_demo_campaigns
from ustoo.conftest import make_story, unique_marker
from ustoo.core.tests.browser_steps import accessibility_problems

if TYPE_CHECKING:
    from collections.abc import Callable

    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR).parent / "screenshots"
SEVEN_WORDS = re.compile(r"^\s*\S+(?: \S+){6}\s*$")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


class Walk:
    """One person's walk: each step is looked at, checked and kept as a screenshot."""

    def __init__(self, visitor: Visitor, device: str, flow: str) -> None:
        self.visitor = visitor
        self.page: Page = visitor.page
        width, height = WIDTHS[device]
        self.page.set_viewport_size({"width": width, "height": height})
        self.width, self.height = width, height
        self.folder = SCREENSHOTS / f"{device}-{'js' if visitor.javascript else 'no-js'}" / flow
        self.folder.mkdir(parents=True, exist_ok=True)
        self.steps = 0
        self.problems: list[str] = []

    def look(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        self.steps += 1
        page.screenshot(path=self.folder / f"{self.steps:02d}-{name}.png", full_page=True)
        wider = page.evaluate("document.documentElement.scrollWidth")
        if wider > self.width:
            self.problems.append(f"{name}: {wider} px wide on a {self.width} px screen")
        heading = page.locator("h1").first
        box = heading.bounding_box()
        if box is None or box["y"] > self.height:
            self.problems.append(f"{name}: the page's heading is not in the first screen")
        if self.visitor.javascript:
            self.problems += [f"{name}: {problem}" for problem in accessibility_problems(page)]

    def check(self) -> None:
        traffic = self.visitor.traffic
        assert traffic.elsewhere() == [], "requests to other sites"
        assert traffic.csp_messages == [] and traffic.script_errors == []
        assert self.problems == []


@pytest.fixture(
    params=[(device, js) for device in WIDTHS for js in (True, False)],
    ids=lambda param: f"{param[0]}-{'js' if param[1] else 'no-js'}",
)
def walk(request, visitor_factory: Callable[..., Visitor]) -> Walk:
    device, javascript = request.param
    return Walk(
        visitor_factory(javascript=javascript), device, request.function.__name__.removeprefix("test_")
    )


def test_speaking_sharing_and_coming_back(walk: Walk):
    page = walk.page
    page.goto("/")
    walk.look("wall")
    page.locator("#say-me-too").click()
    walk.look("speak")
    page.get_by_role("button", name="Count me").click()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    walk.look("counted")
    page.get_by_role("link", name="I have saved it: continue").click()
    walk.look("mine")
    page.get_by_role("button", name="Forget my receipt on this device").click()
    walk.look("forgotten")

    page.goto("/speak/story/")
    walk.look("share")
    text = f"Last Year My manager said nothing would happen. {unique_marker()}"
    page.get_by_role("textbox", name="Your story", exact=True).fill(text)
    page.get_by_role("button", name="Share my story").click()
    expect(page.locator(".error-summary")).to_be_visible()
    walk.look("share-with-errors")
    page.get_by_role("checkbox", name="Harassment").check()
    page.get_by_role("button", name="Share my story").click()
    expect(page.locator("#receipt-phrase")).to_have_text(SEVEN_WORDS)
    walk.look("shared")
    page.get_by_role("link", name="I have saved it: continue").click()
    page.get_by_role("link", name="Edit my story").click()
    walk.look("edit")
    walk.check()


def test_reading_standing_with_and_the_figures(walk: Walk):
    story = make_story(text="He followed me home from the station. #MeToo", replies_enabled=True).story
    load_demo_campaigns(now=timezone.now())
    page = walk.page
    page.goto(story.get_absolute_url())
    walk.look("story")
    page.locator("details.content-warning > summary").click()
    page.get_by_role("button", name=re.compile("I believe you")).click()
    expect(page.locator("#solidarity")).to_contain_text("1")
    walk.look("stood-with")
    for name, path in [
        ("magnitude", "/magnitude/"),
        ("how-we-count", "/magnitude/how-we-count/"),
        ("movement", "/movement/"),
        ("campaigns", "/campaigns/"),
        ("help", "/help/"),
        ("privacy", "/privacy/"),
        ("receipt-entry", "/receipt/"),
        ("log-in", "/account/login/"),
    ]:
        page.goto(path)
        walk.look(name)
    page.goto("/campaigns/")
    page.locator("main a[href^='/campaigns/demo-']").first.click()
    walk.look("a-campaign")
    walk.check()
