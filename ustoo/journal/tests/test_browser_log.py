"""The public time-stamp log page in Chromium: it meets WCAG 2.2 AA (axe-core) at a phone's width and a
desktop's, nothing on it is wider than a phone's screen, and each certificate opens to its PEM."""

from __future__ import annotations

import datetime
import secrets
from typing import TYPE_CHECKING

import pytest
from django.db import transaction
from playwright.sync_api import expect

from ustoo.core.tests.browser_steps import accessibility_problems
from ustoo.journal import log

if TYPE_CHECKING:
    from ustoo.core.tests.browser import Visitor

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_log_page_is_readable_at_390_and_1280_pixels(visitor: Visitor):
    for _ in range(3):
        with transaction.atomic():
            log.issue_token(commitment=secrets.token_bytes(32))
        log.publish_head(at_least_every=datetime.timedelta(days=1))
    page = visitor.page
    for width, height in ((390, 844), (1280, 800)):
        page.set_viewport_size({"width": width, "height": height})
        page.goto("/journal/log/")
        expect(page.get_by_role("heading", name="Time-stamp log")).to_be_visible()
        expect(page.locator("#tree-heads tbody tr")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert accessibility_problems(page) == []
    page.get_by_text("The certificate (PEM)").first.click()
    expect(page.locator("#certificates pre").first).to_contain_text("BEGIN CERTIFICATE")
    assert accessibility_problems(page) == []
