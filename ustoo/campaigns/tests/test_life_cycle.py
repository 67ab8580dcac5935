"""The whole life of a campaign through HTTP: supporters → review → signatures → thresholds →
response → victory → closing → anonymisation, with the e-mail going through a real SMTP server."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ustoo.campaigns.models import Campaign, CampaignDecision, Signature, SupportCount
from ustoo.campaigns.retention import anonymise_expired_signatures
from ustoo.conftest import logged_in_client, make_member

from .conftest import SIGNER, sign_and_confirm

pytestmark = pytest.mark.django_db


def _start(starter) -> Campaign:
    ends_on = timezone.localdate() + datetime.timedelta(days=90)
    response = starter.post(
        "/campaigns/start/",
        {
            "title": "Give back the donation",
            "asks_for": "Return the $5 million donation.",
            "decision_maker_name": "Dana Dean",
            "decision_maker_role": "President",
            "decision_maker_organisation": "Example University",
            "decision_maker_email": "president@university.example",
            "why": "Because survivors deserve better.",
            "goal": "3",
            "ends_on": ends_on.isoformat(),
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.slug}/manage/"
    return campaign


def test_from_supporters_to_anonymisation(settings, smtp, starter, moderator, stranger):
    settings.CAMPAIGN_RESPONSE_THRESHOLD = 2
    settings.CAMPAIGN_ESCALATION_THRESHOLD = 3
    campaign = _start(starter)
    # Not public while it gathers supporters.
    assert stranger.get(f"/campaigns/{campaign.slug}/").status_code == 404

    manage = starter.get(f"/campaigns/{campaign.slug}/manage/")
    support_path = f"/campaigns/{campaign.slug}/support/{campaign.sponsor_key}/"
    assert support_path in manage.content.decode()
    assert starter.post(support_path).status_code == 302  # the starter cannot support their own
    for number in range(5):
        supporter = logged_in_client(make_member(f"backer{number}"))
        assert supporter.post(support_path).status_code == 302
        supporter.post(support_path)  # twice counts once
        campaign.refresh_from_db()
        assert campaign.status == ("pending" if number == 4 else "gathering")
    assert campaign.sponsors.count() == 5

    # Review: the moderator publishes it.
    assert f"/moderate/campaigns/{campaign.pk}/" in moderator.get("/moderate/campaigns/").content.decode()
    assert (
        moderator.post(f"/moderate/campaigns/{campaign.pk}/decide/", {"decision": "publish"}).status_code
        == 302
    )
    campaign.refresh_from_db()
    assert campaign.status == "open"
    assert stranger.get(f"/campaigns/{campaign.slug}/").status_code == 200

    # Signatures: each counts once its e-mail link is followed.
    sign_and_confirm(stranger, smtp, campaign.slug, email="ada@example.org")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1 and campaign.response_requested_at is None
    sign_and_confirm(stranger, smtp, campaign.slug, email="grace@example.org", wants_updates="")
    campaign.refresh_from_db()
    assert campaign.signature_count == 2
    assert campaign.response_requested_at is not None and campaign.escalated_at is None
    sign_and_confirm(stranger, smtp, campaign.slug, email="karen@example.org", country="FR", postcode="75011")
    campaign.refresh_from_db()
    assert campaign.escalated_at is not None
    page = stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert 'id="signature-count">3</span> signatures' in page
    assert page.count("Reached ") == 2

    # At the threshold the decision maker is asked, once, by the batch mail command; at the
    # escalation threshold the signers who asked for news hear it, and moderators must follow up.
    smtp.clear()
    call_command("send_campaign_mail")
    call_command("send_campaign_mail")
    requests = smtp.to("president@university.example")
    assert len(requests) == 1
    assert "signed by 3 people" in requests[0].body
    assert f"https://petitions.example.org/campaigns/{campaign.slug}/" in requests[0].body
    escalation = [m for m in smtp.messages if m.to != "president@university.example"]
    assert sorted(m.to for m in escalation) == ["ada@example.org", "karen@example.org"]
    assert all("escalated" in m.subject and "It reached 3 signatures" in m.body for m in escalation)
    assert "It reached 3 signatures" in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert 'id="escalated"' in starter.get(f"/campaigns/{campaign.slug}/manage/").content.decode()
    follow_up = moderator.get("/moderate/campaigns/").content.decode().split('id="to-follow-up"')[1]
    assert campaign.title in follow_up.split("</ul>")[0]
    assert moderator.post(f"/moderate/campaigns/{campaign.pk}/followed-up/").status_code == 302
    follow_up = moderator.get("/moderate/campaigns/").content.decode().split('id="to-follow-up"')[1]
    assert campaign.title not in follow_up.split("</ul>")[0]

    # The response is published and e-mailed to the signers who asked for news (Ada and Karen).
    response = moderator.post(
        f"/moderate/campaigns/{campaign.pk}/response/", {"text": "We will return the donation."}
    )
    assert response.status_code == 302
    assert "We will return the donation." in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    smtp.clear()
    call_command("send_campaign_mail")
    assert {m.to for m in smtp.messages} == {"ada@example.org", "karen@example.org"}
    assert all("We will return the donation." in m.body for m in smtp.messages)

    # Victory, e-mailed the same way, once.
    assert (
        starter.post(
            f"/campaigns/{campaign.slug}/manage/victory/", {"text": "The money went back."}
        ).status_code
        == 302
    )
    smtp.clear()
    call_command("send_campaign_mail")
    call_command("send_campaign_mail")
    assert sorted(m.to for m in smtp.messages) == ["ada@example.org", "karen@example.org"]
    assert all("Victory" in m.subject for m in smtp.messages)

    # Closing at the end date: a later signature is refused, nothing counted.
    after_end = timezone.now() + datetime.timedelta(days=91)
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    call_command("send_campaign_mail")
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.closed_at is not None
    closed = stranger.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "email": "late@example.org"})
    assert closed.status_code == 400
    assert "closed" in closed.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 3

    # Anonymisation six months after closing: not before.
    assert anonymise_expired_signatures(after_end) == 0
    assert Signature.objects.filter(email="ada@example.org").exists()
    hashes_before = set(Signature.objects.values_list("email_hash", flat=True))
    later = campaign.closed_at + datetime.timedelta(days=184)
    assert anonymise_expired_signatures(later) == 1
    for signature in Signature.objects.filter(campaign=campaign):
        assert (signature.name, signature.email, signature.postcode, signature.reason) == ("", "", "", "")
        assert signature.manage_key == "" and signature.client_hash == ""
    assert not Signature.objects.filter(email_hash__in=hashes_before).exists()
    campaign.refresh_from_db()
    assert campaign.signature_count == 3 and campaign.decision_maker_email == ""
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="").count == 2
    assert stranger.get(f"/campaigns/{campaign.slug}/").status_code == 200

    actions = list(CampaignDecision.objects.filter(campaign_id=campaign.pk).values_list("action", flat=True))
    assert sorted(actions) == sorted(
        [
            "start",
            "submit",
            "publish",
            "response_due",
            "response_asked",
            "escalated",
            "followed_up",
            "response",
            "victory",
            "close",
            "anonymise",
        ]
    )


def test_an_update_is_mailed_in_batches_and_never_twice(smtp, campaign, stranger, starter_member):
    Campaign.objects.filter(pk=campaign.pk).update(starter=starter_member)
    for number in range(5):
        sign_and_confirm(stranger, smtp, campaign.slug, email=f"signer{number}@example.org")
    sign_and_confirm(stranger, smtp, campaign.slug, email="quiet@example.org", wants_updates="")
    starter = logged_in_client(starter_member)
    assert (
        starter.post(f"/campaigns/{campaign.slug}/manage/update/", {"text": "We met the board."}).status_code
        == 302
    )
    smtp.clear()
    call_command("send_campaign_mail", "--batch-size", "2")
    call_command("send_campaign_mail", "--batch-size", "2")
    assert sorted(m.to for m in smtp.messages) == [f"signer{number}@example.org" for number in range(5)]
    update = campaign.updates.get()
    assert update.recipients == 5 and update.sent_at is not None
    # Each e-mail carries the signer's own link to stop updates.
    stop_path = smtp.messages[0].path("/signature/")
    assert stranger.post(stop_path, {"action": "stop_updates"}).status_code == 302
    assert Signature.objects.filter(email=smtp.messages[0].to, wants_updates=False).exists()
