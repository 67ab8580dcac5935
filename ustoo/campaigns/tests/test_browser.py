"""Signing and confirming in a real browser, with JavaScript on and off, the link read from what
the loopback SMTP server received."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from ustoo.accounts.models import Role
from ustoo.campaigns.demo import load_demo_campaigns
from ustoo.conftest import make_member
from ustoo.core.tests.browser_steps import accessibility_problems, moderator_logs_in

from .conftest import make_campaign

pytest_plugins = ["ustoo.core.tests.browser"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_sign_then_confirm_from_the_email(visitor_factory, live_server, smtp, settings, javascript):
    settings.SITE_URL = live_server.url
    campaign = make_campaign(title="Give back the donation")
    visitor = visitor_factory(javascript=javascript)
    page = visitor.page
    page.goto(f"/campaigns/{campaign.slug}/")
    expect(page.locator("#signature-count")).to_have_text("0")
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your e-mail address").fill("ada@example.org")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Postcode (optional)").fill("SW1A 1AA")
    page.get_by_label("E-mail me news of this campaign").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("#check-inbox")).to_contain_text("We are sending an e-mail about")

    call_command("send_campaign_mail")  # as the sender's loop does, apart from the web server
    [received] = smtp.wait_for("ada@example.org")
    link = next(link for link in received.links() if "/confirm/" in link)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator("#confirmed")).to_contain_text("Give back the donation")
    page.get_by_role("link", name="Back to the campaign").click()
    expect(page.locator("#signature-count")).to_have_text("1")
    expect(page.locator("#where")).to_contain_text("United Kingdom")
    assert visitor.traffic.elsewhere() == []
    assert visitor.traffic.csp_messages == [] and visitor.traffic.script_errors == []
    assert re.search(r"/campaigns/signature/", page.content()) is None


def test_campaign_pages_meet_wcag_aa(visitor, live_server, smtp, settings):
    """axe-core finds nothing wrong with a campaign's pages, from reading and signing (the form shown
    again with its errors) to the signer's own page and the recent signers, nor with a won campaign,
    the starter's pages and the moderators'."""
    settings.SITE_URL = live_server.url
    campaign = make_campaign(title="Give back the donation")
    moderator = make_member("moderator", role=Role.MODERATOR)
    own = make_campaign(moderator, title="Publish the report", status="draft")
    [_open, won] = load_demo_campaigns(timezone.now())
    page = visitor.page
    for path in [
        "/campaigns/",
        f"/campaigns/{campaign.slug}/",
        f"/campaigns/{campaign.slug}/sign/",
        won.get_absolute_url(),
        "/campaigns/privacy/",
        "/campaigns/confirm/x/",
    ]:
        page.goto(path)
        assert accessibility_problems(page) == []

    page.goto(f"/campaigns/{campaign.slug}/")
    page.get_by_label("Your e-mail address").fill("not an address")
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your e-mail address").fill("ada@example.org")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Why you sign (optional)").fill("It matters.")
    page.get_by_label("Show my first name and my reason on the campaign page").check()
    page.get_by_role("button", name="Sign", exact=True).click()
    expect(page.locator("#check-inbox")).to_be_visible()
    assert accessibility_problems(page) == []
    call_command("send_campaign_mail")
    [received] = smtp.wait_for("ada@example.org")
    page.goto(next(link for link in received.links() if "/confirm/" in link))
    assert accessibility_problems(page) == []
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.locator("#confirmed")).to_be_visible()
    assert accessibility_problems(page) == []
    page.locator(".campaign-link a").click()  # the signer's own page
    expect(page.get_by_role("button", name="Withdraw my signature")).to_be_visible()
    assert accessibility_problems(page) == []
    page.goto(f"/campaigns/{campaign.slug}/")
    expect(page.locator("#recent-signers")).to_contain_text("Ada")
    assert accessibility_problems(page) == []

    moderator_logs_in(page, "/moderate/campaigns/")
    assert accessibility_problems(page) == []
    for path in [
        "/moderate/campaigns/log/",
        f"/moderate/campaigns/{campaign.pk}/",
        f"/moderate/campaigns/{campaign.pk}/integrity/",  # with the signature above in its table
        f"/campaigns/{own.slug}/manage/",
        f"/campaigns/{own.slug}/manage/edit/",
        f"/campaigns/{own.slug}/",  # its preview
        f"/campaigns/{campaign.slug}/",  # with a moderator's button to hide a recent signer
        f"/campaigns/{own.slug}/support/{own.sponsor_key}/",
        "/campaigns/story-links/",
        "/campaigns/my-email/",
        "/campaigns/start/",
    ]:
        page.goto(path)
        assert accessibility_problems(page) == []
    page.get_by_role("button", name="Save the campaign").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_be_visible()
    assert accessibility_problems(page) == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_failed_signing_shows_its_errors_in_the_first_screen_of_a_phone(visitor_factory, javascript):
    """At 390 px wide, signing from the bottom of a long campaign page with a wrong address lands on
    the errors, not on the top of a page scrolled away from them; what was typed is still there."""
    campaign = make_campaign(title="Give back the donation")
    visitor = visitor_factory(javascript=javascript)
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/campaigns/{campaign.slug}/")
    page.get_by_role("link", name="Sign this campaign").click()
    page.get_by_label("Your name").fill("Ada Lovelace")
    page.get_by_label("Your e-mail address").fill("ada at example")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Why you sign (optional)").fill("It matters.")
    page.get_by_role("button", name="Sign", exact=True).click()

    expect(page).to_have_title(re.compile(r"^Error: Sign – "))
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Give your e-mail address in full, like name@example.org.")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Give your e-mail address in full, like name@example.org.").click()
    expect(page.get_by_label("Your e-mail address")).to_be_focused()
    expect(page.get_by_label("Your e-mail address")).to_be_in_viewport()
    expect(page.get_by_label("Your e-mail address")).to_have_value("ada at example")
    expect(page.get_by_label("Why you sign (optional)")).to_have_value("It matters.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
