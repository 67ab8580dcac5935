"""The e-mails signers are owed go through an outbox: queued in the signing's own transaction, sent
after it by the process's sender thread, by any other sender or by `send_campaign_mail`; never
twice by two senders at once, tried again after an outage, and sent by the next sender when the one
that took them died."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ustoo.campaigns import outbox, sender, services
from ustoo.campaigns.models import QueuedMail, Signature
from ustoo.campaigns.outbox import send_owed_mail
from ustoo.campaigns.services import SignerDetails

from .conftest import SIGNER, deliver, make_campaign


def _signer(email: str) -> SignerDetails:
    return SignerDetails(name="Ada Lovelace", show_name=True, email=email, country="GB", postcode="SW1A 1AA")


@pytest.mark.django_db
def test_the_mail_is_queued_in_the_signing_transaction_and_rolled_back_with_it(smtp, campaign):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
        assert QueuedMail.objects.filter(signature__email="ada@example.org").exists()
        raise RuntimeError("the request failed after signing")
    assert not Signature.objects.exists() and not QueuedMail.objects.exists()
    deliver()
    assert smtp.messages == []


@pytest.mark.django_db
def test_the_message_says_what_is_true_when_it_is_sent(smtp, campaign, stranger):
    """Queued while the signature waited, sent after it was confirmed some other way: a note."""
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    Signature.objects.update(status="confirmed", nonce="")
    deliver()
    [note] = smtp.messages
    assert note.subject.endswith("You already signed this campaign") and "/confirm/" not in note.body


@pytest.mark.django_db
def test_an_outage_defers_the_mail_with_a_growing_wait_and_it_is_sent_once_afterwards(
    smtp, mail_outage, campaign
):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    mail_outage.begin()
    waits = []
    for _ in range(3):
        before = timezone.now()
        done = send_owed_mail()
        assert (done.sent, done.deferred) == (0, 1)
        waits.append(QueuedMail.objects.get().due_at - before)
        QueuedMail.objects.update(due_at=timezone.now())  # as if the wait were over
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 2, 4]
    assert QueuedMail.objects.get().attempts == 3
    mail_outage.end()
    assert send_owed_mail().sent == 1
    assert send_owed_mail().sent == 0
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert not QueuedMail.objects.exists()


@pytest.mark.django_db
def test_mail_held_by_a_sender_that_died_is_sent_by_the_cron_command_after_its_lease(smtp, campaign):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    lease_end, taken = outbox._take_owed_mail(10)  # ...and the process stops here
    assert [owed.signature.email for owed in taken] == ["ada@example.org"]
    call_command("send_campaign_mail")
    assert smtp.messages == []  # held: nobody sends it twice while its sender may still be working
    QueuedMail.objects.update(due_at=lease_end - outbox.LEASE)  # the lease is over
    call_command("send_campaign_mail")
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert "/confirm/" in smtp.messages[0].body
    assert not QueuedMail.objects.exists()


@pytest.mark.django_db
def test_an_address_refused_for_good_is_dropped_and_marked_and_the_others_go(smtp, campaign):
    for address in ("gone@example.org", "ada@example.org"):
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user here"
    done = send_owed_mail()
    assert (done.sent, done.refused) == (1, 1)
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert Signature.objects.get(email="gone@example.org").mail_refused_at is not None
    assert not QueuedMail.objects.exists()


@pytest.mark.django_db
def test_mail_the_server_never_took_is_given_up_when_a_link_would_have_expired(
    smtp, mail_outage, campaign, settings
):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    QueuedMail.objects.update(created_at=timezone.now() - datetime.timedelta(hours=73))
    mail_outage.begin()
    assert send_owed_mail().dropped == 1
    assert not QueuedMail.objects.exists()
    assert Signature.objects.get().status == "pending"  # signing again queues a new one


@pytest.mark.django_db
def test_nothing_owed_to_anonymised_or_withdrawn_signers_is_sent(smtp, campaign):
    for address in ("ada@example.org", "grace@example.org", "mary@example.org"):
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    Signature.objects.filter(email="ada@example.org").anonymise(timezone.now())
    Signature.objects.filter(email="grace@example.org").delete()
    assert QueuedMail.objects.count() == 1
    # One anonymised after the sender took it is not written to either.
    lease_end, _taken = outbox._take_owed_mail(10)
    Signature.objects.filter(email="mary@example.org").update(email="")
    QueuedMail.objects.update(due_at=lease_end - outbox.LEASE)
    assert send_owed_mail().dropped == 1
    assert smtp.messages == [] and not QueuedMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_senders_racing_send_each_message_once(smtp, monkeypatch):
    monkeypatch.setattr(sender, "wake", lambda: None)  # only the senders below
    campaign = make_campaign()
    addresses = [f"signer{number}@example.org" for number in range(40)]
    for address in addresses:
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    assert QueuedMail.objects.count() == len(addresses)
    start = threading.Barrier(4)

    def send_from_a_thread(_number: int) -> int:
        try:
            if connection.vendor == "sqlite":
                # The test database is in memory, in SQLite's shared-cache mode, where a reader
                # locks out writers by the table (a file in WAL mode, as served, has no such lock).
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA read_uncommitted = 1")
            start.wait()
            return send_owed_mail(batch_size=3).sent
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(send_from_a_thread, range(4)))
    assert sum(sent) == len(addresses)
    assert sorted(m.to for m in smtp.messages) == sorted(addresses)
    assert not QueuedMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_sender_thread_sends_as_soon_as_the_signing_commits(smtp, stranger):
    campaign = make_campaign()
    assert stranger.post(f"/campaigns/{campaign.slug}/sign/", SIGNER).status_code == 302
    [received] = smtp.wait_for("ada@example.org")
    assert "/confirm/" in received.body
    assert stranger.post(received.path("/confirm/")).status_code == 200
