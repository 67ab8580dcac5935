"""The campaign's page: thresholds that never contradict the goal, the count and the progress as
people read them, a clear closed and victory state, the starter's updates, and the sign page a
failed signing lands on."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone

from ustoo.campaigns import services
from ustoo.campaigns.demo import load_demo_campaigns
from ustoo.campaigns.models import Campaign, CampaignUpdate

from .conftest import SIGNER, make_campaign

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]


def _start_form(**fields) -> dict:
    return {
        "title": "Give back the donation",
        "asks_for": "Return the $5 million donation.",
        "decision_maker_name": "Dana Dean",
        "decision_maker_role": "President",
        "decision_maker_organisation": "Example University",
        "why": "Because survivors deserve better.",
        "goal": "5000",
        "ends_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        **fields,
    }


# --- Thresholds and the goal ---------------------------------------------------------------------


def test_a_response_threshold_above_the_goal_is_refused_naming_the_field(starter):
    response = starter.post("/campaigns/start/", _start_form(goal="5000", response_threshold="10000"))
    assert response.status_code == 400
    field = _main(response).split('id="field-response_threshold"')[1].split("</div>")[0]
    assert "Ask for a response at no more than your goal of 5,000 signatures." in field
    assert 'value="10000"' in field  # what was typed is kept
    assert not Campaign.objects.exists()


def test_the_service_refuses_a_threshold_above_the_goal_too(starter_member):
    draft = services.CampaignDraft(
        title="t",
        asks_for="a",
        decision_maker_name="n",
        decision_maker_role="r",
        decision_maker_organisation="o",
        why="w",
        goal=100,
        ends_on=timezone.localdate() + datetime.timedelta(days=30),
        response_threshold=101,
    )
    with pytest.raises(services.CampaignRefused, match="no more than your goal of 100"):
        services.start_campaign(starter=starter_member, draft=draft)
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("goal", "given", "response", "escalation"),
    [
        ("5000", "", 5000, None),  # the site's 10,000 is above the goal: asked at the goal
        ("250000", "", 10_000, 100_000),  # both of the site's thresholds lie within the goal
        ("250000", "150000", 150_000, None),  # the site's escalation would come before the response
        ("5000", "1000", 1000, None),
        ("5000", "5000", 5000, None),
    ],
)
def test_thresholds_are_fitted_to_the_goal(starter, goal, given, response, escalation):
    assert (
        starter.post("/campaigns/start/", _start_form(goal=goal, response_threshold=given)).status_code == 302
    )
    campaign = Campaign.objects.get()
    assert (campaign.response_threshold, campaign.escalation_threshold) == (response, escalation)
    assert all(threshold["signatures"] <= campaign.goal for threshold in campaign.thresholds())


def test_an_open_page_shows_only_thresholds_within_the_goal(stranger):
    campaign = make_campaign(goal=5000)
    page = _main(stranger.get(campaign.get_absolute_url()))
    thresholds = page.split('id="thresholds"')[1].split("</ul>")[0]
    assert "At 5,000 signatures the decision maker is asked to respond." in thresholds
    assert "10,000" not in page and "100,000" not in page and "escalat" not in thresholds


def test_a_closed_campaign_shows_only_the_thresholds_it_reached_with_when(stranger, settings):
    settings.CAMPAIGN_RESPONSE_THRESHOLD, settings.CAMPAIGN_ESCALATION_THRESHOLD = 400, 450
    campaign = make_campaign(goal=500)
    assert campaign.escalation_threshold == 450
    reached = datetime.datetime(2026, 3, 4, 15, 30, tzinfo=datetime.UTC)
    Campaign.objects.filter(pk=campaign.pk).update(
        status="closed",
        closed_at=timezone.now(),
        signature_count=420,
        response_requested_at=reached,
        victory_at=timezone.now(),
        victory_text="They returned it.",
    )
    page = _main(stranger.get(campaign.get_absolute_url()))
    thresholds = page.split('id="thresholds"')[1].split("</ul>")[0]
    assert "Reached 400 signatures on 4 March 2026, 15:30 UTC" in thresholds
    assert "450" not in page  # the escalation it never reached is no promise any more
    assert "<progress" not in page and "Its goal was 500 signatures." in page


def test_a_closed_campaign_that_reached_no_threshold_lists_none(stranger):
    campaign = make_campaign(goal=5000)
    Campaign.objects.filter(pk=campaign.pk).update(
        status="closed", closed_at=timezone.now(), signature_count=12
    )
    page = _main(stranger.get(campaign.get_absolute_url()))
    assert 'id="thresholds"' not in page and "5,000 signatures the decision maker" not in page


def test_the_starter_may_not_edit_the_goal_below_the_threshold(starter, starter_member):
    campaign = make_campaign(starter_member, goal=5000, status="gathering")
    Campaign.objects.filter(pk=campaign.pk).update(response_threshold=1000)
    response = starter.post(
        f"/campaigns/{campaign.slug}/manage/edit/", _start_form(goal="500", response_threshold="1000")
    )
    assert response.status_code == 400
    field = _main(response).split('id="field-response_threshold"')[1].split("</div>")[0]
    assert "no more than your goal of 500 signatures" in field
    campaign.refresh_from_db()
    assert (campaign.goal, campaign.response_threshold) == (5000, 1000)


def test_existing_campaigns_get_thresholds_within_their_goal_and_keep_those_reached(settings):
    from importlib import import_module

    fit = import_module("ustoo.campaigns.migrations.0005_campaign_thresholds").fit_thresholds_to_goals
    small = make_campaign(goal=5000)
    asked = make_campaign(goal=5000)
    large = make_campaign(goal=500_000)
    Campaign.objects.update(response_threshold=None, escalation_threshold=None)
    Campaign.objects.filter(pk=asked.pk).update(response_requested_at=timezone.now())
    fit(apps, None)
    rows = dict(Campaign.objects.values_list("pk", "response_threshold"))
    assert rows == {small.pk: 5000, asked.pk: 10_000, large.pk: 10_000}
    assert Campaign.objects.get(pk=large.pk).escalation_threshold == 100_000
    assert Campaign.objects.get(pk=small.pk).escalation_threshold is None


def test_the_demo_campaigns_follow_the_rules_and_show_a_won_campaign(stranger):
    created = load_demo_campaigns(timezone.now())
    for campaign in created:
        campaign.refresh_from_db()
        assert all(threshold["signatures"] <= campaign.goal for threshold in campaign.thresholds())
    won = next(campaign for campaign in created if campaign.victory_at)
    page = _main(stranger.get(won.get_absolute_url()))
    assert 'class="panel" id="victory"' in page and "returned the donation in full" in page
    assert 'id="response"' in page and "The board has decided" in page
    assert "It reached its goal of 500 signatures." in page


# --- The count, the goal, the outcome ---------------------------------------------------------


def test_the_count_reads_with_thousands_separators_and_the_progress_in_words(stranger, survivor):
    campaign = make_campaign(goal=20_000)
    Campaign.objects.filter(pk=campaign.pk).update(signature_count=12_345)
    page = _main(stranger.get(campaign.get_absolute_url()))
    count = page.split('<p class="campaign-count" role="status" aria-atomic="true">')[1].split("</p>")[0]
    assert 'id="signature-count">12,345</span> signatures' in count
    progress = page.split("<progress")[1].split(">")[0]
    assert 'max="20000" value="12345"' in progress
    assert 'aria-valuetext="12,345 of a goal of 20,000 signatures"' in progress
    assert "Goal: 20,000 signatures" in page
    french = _main(survivor.get(campaign.get_absolute_url(), headers={"accept-language": "fr"}))
    assert re.search(r'id="signature-count">12\s345</span>', french)


def test_a_closed_campaign_says_so_and_takes_no_signature(stranger):
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(status="closed", closed_at=timezone.now())
    page = _main(stranger.get(campaign.get_absolute_url()))
    assert 'id="closed"' in page and "it no longer takes signatures" in page
    assert ">Closed</strong>" in page and 'id="sign-form"' not in page and 'id="victory"' not in page


def test_a_won_campaign_shows_its_victory_and_the_decision_makers_response(stranger):
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(
        status="closed",
        closed_at=timezone.now(),
        victory_at=timezone.now(),
        victory_text="The money went back.",
        response_at=timezone.now(),
        response_text="We will return it.",
    )
    page = _main(stranger.get(campaign.get_absolute_url()))
    victory = page.split('<div class="panel" id="victory">')[1].split("</div>\n</div>")[0]
    assert "The money went back." in victory and "Declared by its starter on" in victory
    assert "We will return it." in page.split('id="response"')[1].split("</section>")[0]
    assert ">Victory</strong>" in page and 'id="closed"' not in page


def test_the_list_shows_open_campaigns_before_closed_ones(stranger):
    open_campaign = make_campaign(title="Still open")
    closed = make_campaign(title="Closed and well signed")
    Campaign.objects.filter(pk=open_campaign.pk).update(signature_count=3)
    Campaign.objects.filter(pk=closed.pk).update(status="closed", signature_count=5000)
    listing = _main(stranger.get("/campaigns/")).split('id="campaign-list"')[1]
    assert listing.index("Still open") < listing.index("Closed and well signed")
    assert "5,000 signatures" in listing and ">Open</strong>" in listing and ">Closed</strong>" in listing


def test_the_starters_updates_show_newest_first_with_their_dates(stranger):
    campaign = make_campaign()
    for days, text in [(9, "We met the board."), (2, "The board will vote.")]:
        CampaignUpdate.objects.create(
            campaign=campaign, text=text, created_at=timezone.now() - datetime.timedelta(days=days)
        )
    updates = _main(stranger.get(campaign.get_absolute_url())).split('id="updates"')[1].split("</section>")[0]
    assert updates.index("The board will vote.") < updates.index("We met the board.")
    newest = (timezone.now() - datetime.timedelta(days=2)).strftime("%-d %B %Y")
    assert f">{newest}</time>" in updates


# --- Signing: the sign page and its errors ---------------------------------------------------------


def test_a_failed_signing_shows_its_errors_first_and_keeps_what_was_typed(stranger):
    campaign = make_campaign()
    typed = {**SIGNER, "email": "not an address", "reason": "Because it matters to me.", "show_on_page": "on"}
    response = stranger.post(f"/campaigns/{campaign.slug}/sign/", typed)
    assert response.status_code == 400
    assert "<title>Error: Sign – " in response.content.decode()
    page = _main(response)
    assert page.index("Give your e-mail address in full, like name@example.org.") < page.index(
        "<h1"
    )  # the summary, first
    assert 'href="#id_email"' in page.split("<h1")[0]
    field = page.split('id="field-email"')[1].split("</div>")[0]
    assert (
        "Give your e-mail address in full, like name@example.org." in field
        and 'value="not an address"' in field
    )
    assert 'value="Ada Lovelace"' in page and "Because it matters to me.</textarea>" in page
    assert re.search(r'name="show_on_page"[^>]*checked', page)
    assert f'action="/campaigns/{campaign.slug}/sign/"' in page


def test_each_missing_answer_is_named(stranger, starter):
    campaign = make_campaign()
    summary = _main(stranger.post(f"/campaigns/{campaign.slug}/sign/", {})).split("<h1")[0]
    for message in [
        "Give your name, or tick “Don&#x27;t show my name”.",
        "Give your e-mail address: your signature counts once you open the link we send.",
        "Choose your country.",
    ]:
        assert message in summary
    summary = _main(starter.post("/campaigns/start/", {})).split("<h1")[0]
    for message in [
        "Give your campaign a title.",
        "Say what you ask the decision maker to do.",
        "Name the person who can make the change.",
        "Give the decision maker&#x27;s role.",
        "Give the decision maker&#x27;s organisation.",
        "Say why it matters.",
        "Give a goal: the number of signatures you aim for.",
        "Give the date the campaign ends.",
    ]:
        assert message in summary
    assert "This field is required." not in summary


@pytest.mark.parametrize(
    ("state", "says"),
    [
        ({"status": "closed"}, "This campaign is closed: it no longer takes signatures."),
        (
            {"status": "rejected", "rejection_code": "not_actionable"},
            "This campaign was rejected: it takes no",
        ),
    ],
)
def test_the_sign_page_of_a_campaign_that_takes_no_signature_says_why(stranger, state, says):
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(**state)
    page = _main(stranger.get(f"/campaigns/{campaign.slug}/sign/"))
    assert says in page and 'id="sign-form"' not in page


def test_the_sign_page_can_be_opened(stranger):
    campaign = make_campaign()
    page = _main(stranger.get(f"/campaigns/{campaign.slug}/sign/"))
    assert 'id="sign-form"' in page and "Sign this campaign" in page
    assert "error" not in page.split("<h1")[0]


# --- Titles ----------------------------------------------------------------------------------------


def _title(response) -> str:
    return response.content.decode().split("<title>", 1)[1].split("</title>", 1)[0]


def test_every_page_has_a_neutral_title_never_the_campaigns_words(
    smtp, stranger, starter, starter_member, moderator, settings
):
    """A tab or a history entry says which kind of page it was, never what the campaign is about."""
    from ustoo.campaigns import tokens
    from ustoo.campaigns.models import Signature
    from ustoo.campaigns.views import reverse_manage

    campaign = make_campaign(starter_member, title="Stop the abuse at Example Hall")
    draft = make_campaign(starter_member, title="Expel the abuser", status="gathering")
    stranger.post(f"/campaigns/{campaign.slug}/sign/", SIGNER)
    signature = Signature.objects.get()
    confirm = f"/campaigns/confirm/{tokens.make('confirm', signature.pk, signature.nonce)}/"
    expected = {
        "/campaigns/": (stranger, "Campaigns"),
        campaign.get_absolute_url(): (stranger, "Campaign"),
        f"/campaigns/{campaign.slug}/sign/": (stranger, "Sign"),
        f"/campaigns/{campaign.slug}/check-your-inbox/": (stranger, "Check your inbox"),
        confirm: (stranger, "Confirm your signature"),
        reverse_manage(signature): (stranger, "Your signature"),
        "/campaigns/confirm/nonsense/": (stranger, "This link cannot be used"),
        "/campaigns/privacy/": (stranger, "Campaigns and your data"),
        "/campaigns/start/": (starter, "Start a campaign"),
        f"/campaigns/{campaign.slug}/manage/": (starter, "Your campaign"),
        f"/campaigns/{draft.slug}/manage/edit/": (starter, "Change your campaign"),
        f"/campaigns/{draft.slug}/support/{draft.sponsor_key}/": (starter, "Support a new campaign"),
        "/campaigns/story-links/": (starter, "Your stories and campaigns"),
        "/campaigns/my-email/": (starter, "Sign campaigns in one click"),
        "/moderate/campaigns/": (moderator, "Campaign moderation"),
        f"/moderate/campaigns/{campaign.pk}/": (moderator, "Review a campaign"),
    }
    for path, (client, title) in expected.items():
        shown = _title(client.get(path))
        assert shown == f"{title} – {settings.SITE_NAME}", path
        assert "abuse" not in shown.lower() and "Hall" not in shown
    confirmed = stranger.post(confirm)
    assert _title(confirmed) == f"Signature confirmed – {settings.SITE_NAME}"
    assert _title(starter.post("/campaigns/start/", {})) == f"Error: Start a campaign – {settings.SITE_NAME}"
