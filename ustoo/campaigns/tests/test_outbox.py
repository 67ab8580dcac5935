"""The batch mail to signers, one message at a time: an address the server refuses does not hold
back the others or make anyone get the same update twice."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ustoo.campaigns import outbox, services
from ustoo.campaigns.models import Campaign, CampaignUpdate, Signature

from .conftest import sign_and_confirm

pytestmark = pytest.mark.django_db

GOOD = [f"signer{number}@example.org" for number in range(5)]


@pytest.fixture
def update(smtp, campaign, stranger, starter_member):
    Campaign.objects.filter(pk=campaign.pk).update(starter=starter_member)
    for address in [*GOOD[:2], "gone@example.org", *GOOD[2:]]:
        sign_and_confirm(stranger, smtp, campaign.slug, email=address)
    smtp.clear()
    return services.post_update(campaign=campaign, starter=starter_member, text="We met the board.")


def test_a_refused_address_is_skipped_and_the_others_get_the_update_once(smtp, update):
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user here"
    for _run in range(3):
        call_command("send_campaign_mail", "--batch-size", "2")
    assert sorted(m.to for m in smtp.messages) == GOOD
    update.refresh_from_db()
    assert update.sent_at is not None and update.recipients == 5
    refused = Signature.objects.get(email="gone@example.org")
    assert refused.mail_refused_at is not None
    # Never tried again: a later update goes to the five only.
    smtp.clear()
    services.post_update(campaign=update.campaign, starter=update.campaign.starter, text="And again.")
    call_command("send_campaign_mail")
    assert sorted(m.to for m in smtp.messages) == GOOD


def test_a_temporary_refusal_stops_the_run_and_the_next_run_goes_on_without_repeats(smtp, update):
    smtp.refuse["gone@example.org"] = "451 4.3.0 Try again later"
    call_command("send_campaign_mail", "--batch-size", "10")
    assert sorted(m.to for m in smtp.messages) == GOOD[:2]
    update.refresh_from_db()
    assert update.sent_at is None and update.recipients == 2
    assert Signature.objects.get(email="gone@example.org").mail_refused_at is None
    smtp.refuse.clear()
    call_command("send_campaign_mail", "--batch-size", "10")
    call_command("send_campaign_mail", "--batch-size", "10")
    assert sorted(m.to for m in smtp.messages) == sorted([*GOOD, "gone@example.org"])
    update.refresh_from_db()
    assert update.sent_at is not None and update.recipients == 6


def test_a_mail_server_that_is_down_loses_nothing(smtp, mail_outage, update):
    mail_outage.begin()
    call_command("send_campaign_mail")
    update.refresh_from_db()
    assert (update.sent_at, update.sent_up_to, update.recipients) == (None, 0, 0)
    mail_outage.end()
    call_command("send_campaign_mail")
    assert len(smtp.messages) == 6


def test_an_update_another_sender_holds_is_left_to_it_until_its_lease_ends(smtp, update):
    """send_campaign_mail on two servers at once: the one that took the update mails it, batch after
    batch; the other sends none of it (ustoo/core/tests/cluster/ runs both for real)."""
    held_until = outbox._take_update(update.pk)
    call_command("send_campaign_mail", "--batch-size", "2")
    assert smtp.messages == []
    # The holder died: once its lease is over, the next sender takes the update and mails it once.
    CampaignUpdate.objects.filter(pk=update.pk, taken_until=held_until).update(
        taken_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    call_command("send_campaign_mail", "--batch-size", "2")
    assert sorted(m.to for m in smtp.messages) == sorted([*GOOD, "gone@example.org"])
    update.refresh_from_db()
    assert update.sent_at is not None and update.taken_until is None
