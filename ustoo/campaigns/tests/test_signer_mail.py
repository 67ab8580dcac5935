"""The e-mails signers are owed: written with the signature (Signature.mail_due_at) in the signing's
own statement, sent after it by `send_campaign_mail` (its loop, or a run from cron); never twice by
two senders at once, tried again after an outage, and sent by the next sender when the one that took
them died."""

import datetime
import json
import os
import subprocess
import sys
import textwrap
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ustoo.campaigns import outbox, services
from ustoo.campaigns.models import Signature
from ustoo.campaigns.outbox import send_owed_mail
from ustoo.campaigns.services import SignerDetails
from ustoo.core.tests.file_database import run_on_file_database

from .conftest import deliver, make_campaign


def _signer(email: str) -> SignerDetails:
    return SignerDetails(name="Ada Lovelace", show_name=True, email=email, country="GB", postcode="SW1A 1AA")


@pytest.mark.django_db
def test_the_mail_is_owed_in_the_signing_write_and_rolled_back_with_it(smtp, campaign):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
        assert Signature.objects.owed_mail().filter(email="ada@example.org").exists()
        raise RuntimeError("the request failed after signing")
    assert not Signature.objects.exists()
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
        waits.append(Signature.objects.get().mail_due_at - before)
        Signature.objects.update(mail_due_at=timezone.now())  # as if the wait were over
    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 2, 4]
    assert Signature.objects.get().mail_attempts == 3
    mail_outage.end()
    assert send_owed_mail().sent == 1
    assert send_owed_mail().sent == 0
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert not Signature.objects.owed_mail().exists()


@pytest.mark.django_db
def test_mail_held_by_a_sender_that_died_is_sent_by_the_cron_command_after_its_lease(smtp, campaign):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    lease_end, taken = outbox._take_owed_mail(10)  # ...and the process stops here
    assert [signature.email for signature in taken] == ["ada@example.org"]
    call_command("send_campaign_mail")
    assert smtp.messages == []  # held: nobody sends it twice while its sender may still be working
    Signature.objects.update(mail_due_at=lease_end - outbox.LEASE)  # the lease is over
    call_command("send_campaign_mail")
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert "/confirm/" in smtp.messages[0].body
    assert not Signature.objects.owed_mail().exists()


@pytest.mark.django_db
def test_an_address_refused_for_good_is_dropped_and_marked_and_the_others_go(smtp, campaign):
    for address in ("gone@example.org", "ada@example.org"):
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    smtp.refuse["gone@example.org"] = "550 5.1.1 No such user here"
    done = send_owed_mail()
    assert (done.sent, done.refused) == (1, 1)
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert Signature.objects.get(email="gone@example.org").mail_refused_at is not None
    assert not Signature.objects.owed_mail().exists()


@pytest.mark.django_db
def test_mail_the_server_never_took_is_given_up_when_a_link_would_have_expired(
    smtp, mail_outage, campaign, settings
):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    Signature.objects.update(mail_queued_at=timezone.now() - datetime.timedelta(hours=73))
    mail_outage.begin()
    assert send_owed_mail().dropped == 1
    assert not Signature.objects.owed_mail().exists()
    assert Signature.objects.get().status == "pending"  # signing again queues a new one


@pytest.mark.django_db
def test_nothing_owed_to_anonymised_or_withdrawn_signers_is_sent(smtp, campaign):
    for address in ("ada@example.org", "grace@example.org", "mary@example.org"):
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    Signature.objects.filter(email="ada@example.org").anonymise(timezone.now())
    Signature.objects.filter(email="grace@example.org").delete()
    assert list(Signature.objects.owed_mail().values_list("email", flat=True)) == ["mary@example.org"]
    # One anonymised after the sender took it is not written to either.
    lease_end, _taken = outbox._take_owed_mail(10)
    Signature.objects.filter(email="mary@example.org").update(email="")
    Signature.objects.owed_mail().update(mail_due_at=lease_end - outbox.LEASE)
    assert send_owed_mail().dropped == 1
    assert smtp.messages == [] and not Signature.objects.owed_mail().exists()


# On SQLite the races run as served: processes sharing a database file. (The test database is in
# memory, in SQLite's shared-cache mode, where a second writer fails at once instead of waiting.)
RACE = textwrap.dedent(
    """
    import collections, json, multiprocessing, pathlib, sys, time
    from concurrent.futures import ThreadPoolExecutor

    import django

    ADDRESSES = [f"signer{number}@example.org" for number in range(40)]

    def signer(email):
        from ustoo.campaigns.services import SignerDetails
        return SignerDetails(name="Ada Lovelace", show_name=True, email=email, country="GB")

    def in_a_thread(job):
        from django.db import connection
        from ustoo.campaigns import services
        from ustoo.campaigns.models import Campaign
        from ustoo.campaigns.outbox import send_owed_mail
        try:
            if job == "send":
                return send_owed_mail(batch_size=3).sent
            services.sign_campaign(campaign=Campaign.objects.get(), signer=signer("Ada@Example.org"))
            return 0
        finally:
            connection.close()

    def process(job, start):
        django.setup()
        time.sleep(max(0.0, start - time.time()))
        with ThreadPoolExecutor(2) as pool:
            return sum(pool.map(in_a_thread, [job, job]))

    if __name__ == "__main__":
        job, signed_before = sys.argv[1], sys.argv[2] == "yes"
        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connections
        from django.utils import timezone
        from ustoo.campaigns import services
        from ustoo.campaigns.models import Campaign, Signature
        from ustoo.campaigns.outbox import send_owed_mail
        call_command("migrate", verbosity=0)
        campaign = Campaign.objects.create(
            slug="race", title="Race", asks_for="-", decision_maker_name="-", decision_maker_role="-",
            decision_maker_organisation="-", why="-", goal=10, status="open",
            ends_on=timezone.localdate() + timezone.timedelta(days=30),
        )
        for address in ADDRESSES if job == "send" else ["ada@example.org"] if signed_before else []:
            services.sign_campaign(campaign=campaign, signer=signer(address))
        if job == "sign" and signed_before:
            send_owed_mail()
            Signature.objects.update(mail_queued_at=timezone.now() - timezone.timedelta(minutes=11))
        connections.close_all()
        start = time.time() + 3
        with multiprocessing.get_context("spawn").Pool(3) as pool:
            done = pool.starmap(process, [(job, start)] * 3)
        if job == "sign":
            send_owed_mail()
        mail = collections.Counter(
            line.removeprefix("To: ")
            for written in (pathlib.Path(settings.DATA_DIR) / "mail").glob("*")
            for line in written.read_text().splitlines()
            if line.startswith("To: ")
        )
        print(json.dumps({
            "sent": sum(done), "mail": mail, "signatures": Signature.objects.count(),
            "owed": Signature.objects.owed_mail().count(),
        }))
    """
)


def _race_on_a_sqlite_file(tmp_path, job: str, *, signed_before: bool = False) -> dict:
    script = tmp_path / "race.py"
    script.write_text(RACE)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "USTOO_CACHE_URL", "EMAIL_URL"}
    }
    env.update(USTOO_DATA_DIR=str(tmp_path / "data"), DJANGO_SETTINGS_MODULE="ustoo.settings")
    done = subprocess.run(
        [sys.executable, str(script), job, "yes" if signed_before else "no"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_two_senders_racing_send_each_message_once(smtp, monkeypatch, tmp_path):
    addresses = [f"signer{number}@example.org" for number in range(40)]
    if connection.vendor == "sqlite":
        race = _race_on_a_sqlite_file(tmp_path, "send")
        assert race["sent"] == len(addresses) and race["owed"] == 0
        assert race["mail"] == dict.fromkeys(addresses, 1)
        return
    campaign = make_campaign()
    for address in addresses:
        services.sign_campaign(campaign=campaign, signer=_signer(address))
    assert Signature.objects.owed_mail().count() == len(addresses)
    start = threading.Barrier(4)

    def send_from_a_thread(_number: int) -> int:
        try:
            start.wait()
            return send_owed_mail(batch_size=3).sent
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        sent = list(pool.map(send_from_a_thread, range(4)))
    assert sum(sent) == len(addresses)
    assert sorted(m.to for m in smtp.messages) == sorted(addresses)
    assert not Signature.objects.owed_mail().exists()


LOOP = textwrap.dedent(
    """
    import json, signal, subprocess, sys, time

    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from ustoo.campaigns import services
    from ustoo.campaigns.models import Campaign, Signature

    def signed(email):
        services.sign_campaign(campaign=campaign, signer=services.SignerDetails(
            name="Ada Lovelace", show_name=True, email=email, country="GB"))
        started = time.monotonic()
        while Signature.objects.owed_mail().exists():
            assert time.monotonic() - started < 30, "the loop sent nothing"
            time.sleep(0.05)
        return time.monotonic() - started

    call_command("migrate", verbosity=0)
    campaign = Campaign.objects.create(
        slug="loop", title="Loop", asks_for="-", decision_maker_name="-", decision_maker_role="-",
        decision_maker_organisation="-", why="-", goal=10, status="open",
        ends_on=timezone.localdate() + timezone.timedelta(days=30),
    )
    loop = subprocess.Popen(
        [sys.executable, "-m", "ustoo", "send_campaign_mail", "--loop", "--interval", "0.2"],
        stdout=subprocess.PIPE, text=True,
    )
    waits = [signed("ada@example.org"), signed("grace@example.org")]
    loop.send_signal(signal.SIGTERM)
    output, _ = loop.communicate(timeout=30)
    print(json.dumps({"waits": waits, "exit": loop.returncode, "output": output}))
    """
)


@pytest.mark.django_db
def test_the_loop_sends_what_each_signing_owes_until_it_is_stopped(smtp, tmp_path):
    """`send_campaign_mail --loop`, as `make run` starts it beside the web server, in a process of
    its own on a site of its own, sending to the loopback SMTP server."""
    done = json.loads(run_on_file_database(tmp_path, LOOP, EMAIL_URL=smtp.url).splitlines()[-1])
    assert sorted(m.to for m in smtp.messages) == ["ada@example.org", "grace@example.org"]
    assert all("/confirm/" in m.body for m in smtp.messages)
    assert done["exit"] == 0  # stopped by SIGTERM after its look, not killed
    assert done["output"].count("sent 1 signer e-mails") == 2


@pytest.mark.parametrize("signed_before", [False, True], ids=["new", "signed-before"])
@pytest.mark.django_db(transaction=True)
def test_one_address_signing_in_many_requests_at_once_is_one_signature_owed_one_email(
    smtp, monkeypatch, tmp_path, signed_before
):
    if connection.vendor == "sqlite":
        race = _race_on_a_sqlite_file(tmp_path, "sign", signed_before=signed_before)
        assert (race["signatures"], race["owed"]) == (1, 0)
        # One e-mail for the six signings (and one for the first signing, long ago).
        assert race["mail"] == ({"ada@example.org": 1} if signed_before else {}) | {"Ada@Example.org": 1}
        return
    campaign = make_campaign()
    if signed_before:
        services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
        deliver()
        smtp.clear()
        Signature.objects.update(mail_queued_at=timezone.now() - datetime.timedelta(minutes=11))
    start = threading.Barrier(6)

    def sign(_number: int) -> None:
        try:
            start.wait()
            services.sign_campaign(campaign=campaign, signer=_signer("Ada@Example.org"))
        finally:
            connection.close()

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(sign, range(6)))
    assert Signature.objects.count() == 1
    assert Signature.objects.owed_mail().count() == 1
    deliver()
    assert [m.to for m in smtp.messages] == ["Ada@Example.org"]  # the latest details win


@pytest.mark.django_db
def test_signing_again_changes_nothing_that_another_request_changed_since_it_read(campaign):
    services.sign_campaign(campaign=campaign, signer=_signer("ada@example.org"))
    long_ago = timezone.now() - datetime.timedelta(minutes=11)
    Signature.objects.update(mail_queued_at=long_ago, mail_due_at=None)  # sent
    signature = Signature.objects.get()

    def read():
        return services.signature_for_signing(campaign_id=campaign.pk, email_hash=signature.email_hash)

    def owe_again(found) -> bool:
        signature_id, status, queued_at = found
        return services.owe_mail_again(
            signature_id=signature_id, status=status, queued_at=queued_at, details=None, now=timezone.now()
        )

    found = read()
    Signature.objects.update(mail_queued_at=timezone.now())  # another request queued mail meanwhile
    assert owe_again(found) is False
    Signature.objects.update(mail_queued_at=long_ago)
    found = read()
    Signature.objects.update(status="confirmed")  # the link was followed meanwhile
    assert owe_again(found) is False
    found = read()
    assert owe_again(found) is True
    assert Signature.objects.get().mail_queued_at > long_ago
    assert Signature.objects.owed_mail().exists()
