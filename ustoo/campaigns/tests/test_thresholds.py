"""What happens at the thresholds: the decision maker is asked (by e-mail, or by moderators
another way when no address was given), and escalation reaches signers and moderators."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ustoo.campaigns import outbox, tokens
from ustoo.campaigns.models import Campaign, CampaignDecision, CampaignUpdate, Signature
from ustoo.campaigns.services import confirm_signature, withdraw_signature

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def _confirmed(campaign, email: str, *, wants_updates: bool = False) -> Signature:
    signature = Signature.objects.create(
        campaign=campaign,
        email=email,
        email_hash=email,
        country="GB",
        wants_updates=wants_updates,
        nonce="n",
    )
    confirm_signature(token=tokens.make("confirm", signature.pk, "n"))
    return signature


@pytest.fixture
def past_threshold(settings, smtp, starter_member):
    settings.CAMPAIGN_RESPONSE_THRESHOLD = 1
    campaign = make_campaign(starter_member, decision_maker_email="")
    _confirmed(campaign, "ada@example.org")
    return campaign


def _to_ask(moderator) -> str:
    page = moderator.get("/moderate/campaigns/").content.decode()
    return page.split('id="to-ask"')[1].split("</ul>")[0]


def test_without_an_address_moderators_are_given_the_task_and_can_add_one(smtp, moderator, past_threshold):
    campaign = past_threshold
    call_command("send_campaign_mail")
    assert smtp.messages == []  # nobody to send it to
    assert campaign.title in _to_ask(moderator)
    review = moderator.get(f"/moderate/campaigns/{campaign.pk}/").content.decode()
    assert 'id="ask-decision-maker"' in review

    bad = moderator.post(f"/moderate/campaigns/{campaign.pk}/decision-maker-email/", {"email": "nope"})
    assert bad.status_code == 400 and 'id="field-email"' in bad.content.decode()
    assert Campaign.objects.get(pk=campaign.pk).decision_maker_email == ""

    added = moderator.post(
        f"/moderate/campaigns/{campaign.pk}/decision-maker-email/", {"email": "dean@university.example"}
    )
    assert added.status_code == 302
    call_command("send_campaign_mail")
    call_command("send_campaign_mail")
    assert [m.to for m in smtp.messages] == ["dean@university.example"]
    assert campaign.title not in _to_ask(moderator)
    actions = set(
        CampaignDecision.objects.filter(campaign_id=campaign.pk).values_list("action", "actor_name")
    )
    assert {("dm_email", "moderator"), ("response_asked", "")} <= actions


def test_moderators_can_note_that_they_asked_another_way(smtp, moderator, starter, past_threshold):
    campaign = past_threshold
    assert moderator.post(f"/moderate/campaigns/{campaign.pk}/asked/").status_code == 302
    assert campaign.title not in _to_ask(moderator)
    campaign.refresh_from_db()
    assert campaign.response_request_sent_at is not None
    assert CampaignDecision.objects.filter(
        campaign_id=campaign.pk, action="response_asked", actor_name="moderator"
    ).exists()
    assert 'id="response-asked"' in starter.get(f"/campaigns/{campaign.slug}/manage/").content.decode()
    # Noted once; and only moderators can note it.
    moderator.post(f"/moderate/campaigns/{campaign.pk}/asked/")
    assert CampaignDecision.objects.filter(campaign_id=campaign.pk, action="response_asked").count() == 1
    assert starter.post(f"/moderate/campaigns/{campaign.pk}/asked/").status_code == 403
    call_command("send_campaign_mail")
    assert smtp.messages == []


def test_escalation_happens_once_and_reaches_signers_who_asked_for_news(settings, smtp):
    settings.CAMPAIGN_RESPONSE_THRESHOLD, settings.CAMPAIGN_ESCALATION_THRESHOLD = 1, 2
    campaign = make_campaign(decision_maker_email="")  # so the only mail is the escalation's
    _confirmed(campaign, "quiet@example.org")
    loud = _confirmed(campaign, "loud@example.org", wants_updates=True)
    campaign.refresh_from_db()
    assert campaign.escalated_at is not None
    assert CampaignUpdate.objects.filter(campaign=campaign, kind="escalation").count() == 1
    # Dropping below and passing the threshold again escalates nothing more.
    withdraw_signature(signature=loud)
    _confirmed(campaign, "again@example.org", wants_updates=True)
    assert CampaignUpdate.objects.filter(campaign=campaign, kind="escalation").count() == 1
    call_command("send_campaign_mail")
    assert [m.to for m in smtp.messages] == ["again@example.org"]
    assert "It reached 2 signatures, so it is escalated" in smtp.messages[0].body


def test_the_request_for_a_response_another_sender_holds_is_mailed_by_it_alone(smtp, past_threshold):
    """send_campaign_mail on two servers at once: the one that took the request mails the decision
    maker; the other does not (ustoo/core/tests/cluster/ runs both for real)."""
    campaign = past_threshold
    Campaign.objects.filter(pk=campaign.pk).update(decision_maker_email="dean@university.example")
    assert outbox._take_response_request(campaign.pk)
    call_command("send_campaign_mail")
    assert smtp.messages == []
    # The holder died: once its lease is over, the next sender mails it, once.
    Campaign.objects.filter(pk=campaign.pk).update(
        response_request_taken_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("send_campaign_mail")
    call_command("send_campaign_mail")
    assert [m.to for m in smtp.messages] == ["dean@university.example"]
