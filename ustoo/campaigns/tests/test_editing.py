"""The starter changes their campaign while it gathers supporters or waits for review; once
moderators decided, it is locked (updates remain), and the pages say so."""

import datetime

import pytest
from django.utils import timezone

from ustoo.campaigns.models import Campaign, CampaignDecision, Sponsor
from ustoo.conftest import make_member

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def _changes(**fields) -> dict:
    return {
        "title": "Return the whole donation",
        "asks_for": "Return all of it, this year.",
        "decision_maker_name": "Dana Dean",
        "decision_maker_role": "President",
        "decision_maker_organisation": "Example University",
        "decision_maker_email": "",
        "why": "Because survivors deserve better.",
        "goal": "2000",
        "response_threshold": "",
        "ends_on": (timezone.localdate() + datetime.timedelta(days=100)).isoformat(),
        **fields,
    }


@pytest.mark.parametrize("status", ["gathering", "pending"])
def test_the_starter_changes_their_campaign_before_review(starter, starter_member, status):
    campaign = make_campaign(starter_member, status="gathering")
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    Sponsor.objects.create(campaign=campaign, member=make_member("backer"))
    manage = starter.get(f"/campaigns/{campaign.slug}/manage/").content.decode()
    assert 'id="editable"' in manage and f"/campaigns/{campaign.slug}/manage/edit/" in manage
    form = starter.get(f"/campaigns/{campaign.slug}/manage/edit/").content.decode()
    assert 'value="Give back the donation"' in form and 'value="1000"' in form  # as it stands
    response = starter.post(f"/campaigns/{campaign.slug}/manage/edit/", _changes())
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{campaign.slug}/manage/"
    campaign.refresh_from_db()
    assert (campaign.title, campaign.asks_for, campaign.goal) == (
        "Return the whole donation",
        "Return all of it, this year.",
        2000,
    )
    assert campaign.status == status and campaign.response_threshold == 2000
    # Moderators see in the log that it changed, and how many had supported it by then.
    [entry] = CampaignDecision.objects.filter(campaign_id=campaign.pk, action="edit")
    assert (entry.actor_name, entry.count) == ("starter", 1)


def test_bad_changes_are_named_and_nothing_is_saved(starter, starter_member):
    campaign = make_campaign(starter_member, status="gathering")
    response = starter.post(f"/campaigns/{campaign.slug}/manage/edit/", _changes(title="", goal="0"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="field-title"' in page and "Give your campaign a title." in page.split('id="field-title"')[1]
    assert 'value="Return all of it, this year."' not in page  # a textarea, not an input
    assert "Return all of it, this year.</textarea>" in page
    campaign.refresh_from_db()
    assert campaign.title == "Give back the donation"


@pytest.mark.parametrize(
    ("status", "says"), [("open", "published"), ("closed", "published"), ("rejected", "rejected")]
)
def test_a_decided_campaign_is_locked_and_says_so(starter, starter_member, status, says):
    campaign = make_campaign(starter_member)
    Campaign.objects.filter(pk=campaign.pk).update(status=status, rejection_code="not_actionable")
    manage = starter.get(f"/campaigns/{campaign.slug}/manage/").content.decode()
    assert 'id="locked"' in manage and says in manage.split('id="locked"')[1].split("</p>")[0]
    assert "/manage/edit/" not in manage
    page = starter.get(f"/campaigns/{campaign.slug}/manage/edit/").content.decode()
    assert 'id="locked"' in page and "<form" not in page.split("<main")[1].split("</main>")[0]
    response = starter.post(f"/campaigns/{campaign.slug}/manage/edit/", _changes())
    assert response.status_code == 409
    campaign.refresh_from_db()
    assert campaign.title == "Give back the donation"
    assert not CampaignDecision.objects.filter(campaign_id=campaign.pk, action="edit").exists()


def test_only_the_starter_can_change_it(starter_member, supporter, moderator):
    campaign = make_campaign(starter_member, status="gathering")
    for client in (supporter, moderator):
        assert client.get(f"/campaigns/{campaign.slug}/manage/edit/").status_code == 404
        assert client.post(f"/campaigns/{campaign.slug}/manage/edit/", _changes()).status_code == 404
    campaign.refresh_from_db()
    assert campaign.title == "Give back the donation"


def test_the_preview_tells_the_starter_they_can_still_change_it(starter, starter_member):
    campaign = make_campaign(starter_member, status="gathering")
    preview = starter.get(campaign.get_absolute_url()).content.decode()
    assert 'id="preview"' in preview and f"/campaigns/{campaign.slug}/manage/edit/" in preview
