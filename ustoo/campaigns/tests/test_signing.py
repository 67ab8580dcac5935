"""Signing and confirming through the loopback SMTP server: the neutral answer, single-use and
expiring links, closed campaigns, bad input, withdrawal, and members signing in one click. The mail
a signing owes is sent by `deliver()`, as `send_campaign_mail` does apart from the web server."""

import datetime
import email

import pytest
from django.core import signing
from django.utils import timezone

from ustoo.accounts.models import Member
from ustoo.campaigns import tokens
from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature, SupportCount
from ustoo.conftest import logged_in_client, make_member

from .conftest import SIGNER, deliver, make_campaign

pytestmark = pytest.mark.django_db


def _sign(client, campaign, **fields):
    response = client.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, **fields})
    deliver()
    return response


def test_the_confirmation_email_links_to_the_configured_site_and_counts_once(smtp, campaign, stranger):
    response = _sign(stranger, campaign)
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.slug}/check-your-inbox/"
    campaign.refresh_from_db()
    assert campaign.signature_count == 0  # not before the address is confirmed
    [received] = smtp.messages
    assert received.to == "ada@example.org" and received.sender == "campaigns@example.org"
    assert received.subject.endswith("Confirm your signature")
    link = next(link for link in received.links() if "/confirm/" in link)
    assert link.startswith("https://petitions.example.org/campaigns/confirm/")
    path = received.path("/confirm/")
    # Opening the link (as a mail scanner would) does not use it up.
    assert "Confirm my signature" in stranger.get(path).content.decode()
    confirmed = stranger.post(path)
    assert confirmed.status_code == 200 and "your signature counts" in confirmed.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="").count == 1
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="SW").count == 1
    # A reused link: a clear message, nothing counted twice.
    again = stranger.post(path)
    assert again.status_code == 400 and "already used" in again.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def _mailed_long_ago() -> None:
    """As if every address had last been mailed before the resend window (10 minutes)."""
    Signature.objects.update(mail_queued_at=timezone.now() - datetime.timedelta(minutes=11))


def test_an_already_signed_address_gets_the_same_answer_and_one_mail_like_a_new_one(
    smtp, campaign, stranger, survivor
):
    _sign(stranger, campaign)
    stranger.post(smtp.messages[0].path("/confirm/"))
    _mailed_long_ago()
    smtp.clear()
    first = _sign(survivor, campaign, name="Someone Else", email="ADA@Example.org")
    new = _sign(survivor, campaign, email="new@example.org")
    assert first.status_code == new.status_code == 302
    assert survivor.get(first["Location"]).content == survivor.get(new["Location"]).content
    # Each address got one e-mail: the new one a link to confirm, the signed one a note saying so
    # (with the signer's own link, at the address that confirmed), so both did the same work.
    [note] = smtp.to("ada@example.org")
    [link] = smtp.to("new@example.org")
    assert "/confirm/" in link.body and "/confirm/" not in note.body
    assert note.subject.endswith("You already signed this campaign")
    assert "signed it already" in note.body and "/campaigns/signature/" in note.body
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert Signature.objects.get(campaign=campaign, email="ada@example.org").name == "Ada Lovelace"
    # Within the resend window neither address is mailed again, and the answers stay the same.
    smtp.clear()
    again = _sign(survivor, campaign, email="ada@example.org")
    new_again = _sign(survivor, campaign, email="new@example.org")
    assert again.status_code == new_again.status_code == 302
    assert smtp.messages == []


def test_an_invalidated_address_gets_the_same_answer_and_a_note_without_a_link(smtp, campaign, stranger):
    _sign(stranger, campaign)
    stranger.post(smtp.messages[0].path("/confirm/"))
    Signature.objects.update(status="invalidated")
    _mailed_long_ago()
    smtp.clear()
    assert _sign(stranger, campaign)["Location"] == f"/campaigns/{campaign.slug}/check-your-inbox/"
    [note] = smtp.messages
    assert "only once" in note.body and "/confirm/" not in note.body
    assert Signature.objects.get().status == "invalidated"


def test_signing_does_not_wait_for_the_mail_server(smtp, campaign, stranger):
    response = stranger.post(f"/campaigns/{campaign.slug}/sign/", SIGNER)
    assert response.status_code == 302
    # The request wrote the signature owing it an e-mail; the sender sends it afterwards.
    assert smtp.messages == []
    assert Signature.objects.owed_mail().get().email == "ada@example.org"
    page = stranger.get(response["Location"]).content.decode()
    assert "We are sending an e-mail about" in page and "Nothing after 10 minutes?" in page
    deliver()
    assert [m.to for m in smtp.messages] == ["ada@example.org"]
    assert not Signature.objects.owed_mail().exists()


def test_while_the_mail_server_is_down_signing_is_answered_alike_and_the_mail_goes_later(
    smtp, mail_outage, campaign, stranger
):
    _sign(stranger, campaign)
    stranger.post(smtp.messages[0].path("/confirm/"))
    _mailed_long_ago()
    smtp.clear()
    mail_outage.begin()
    signed = _sign(stranger, campaign)
    new = _sign(stranger, campaign, email="new@example.org", name="New Signer")
    assert signed.status_code == new.status_code == 302
    assert signed["Location"] == new["Location"]
    # Nothing was lost: both e-mails wait for their next try, and signing again adds none.
    assert Signature.objects.owed_mail().filter(mail_attempts=1).count() == 2
    assert Signature.objects.get(email="new@example.org").name == "New Signer"
    _sign(stranger, campaign, email="new@example.org")
    assert Signature.objects.owed_mail().count() == 2
    mail_outage.end()
    deliver()
    assert smtp.messages == []  # not before their next try is due
    Signature.objects.owed_mail().update(mail_due_at=timezone.now())
    deliver()
    [note] = smtp.to("ada@example.org")
    [link] = smtp.to("new@example.org")
    assert "/confirm/" not in note.body and "/confirm/" in link.body
    assert stranger.post(link.path("/confirm/")).status_code == 200
    campaign.refresh_from_db()
    assert campaign.signature_count == 2


@pytest.mark.parametrize(
    ("first", "variant"),
    [
        ("jane.doe@gmail.com", "JaneDoe+petitions@googlemail.com"),
        ("jane@outlook.com", "Jane+x@Outlook.com"),
        ("jane@icloud.com", "jane+tag@ICLOUD.COM"),
        ("jane@fastmail.com", "jane+news@fastmail.com"),
        ("jane@proton.me", "JANE+a@proton.me"),
        ("Jane@Example.org", "jane@example.ORG"),
    ],
)
def test_variants_of_one_address_sign_once(smtp, campaign, stranger, first, variant):
    _sign(stranger, campaign, email=first)
    stranger.post(smtp.messages[-1].path("/confirm/"))
    _sign(stranger, campaign, email=variant)
    assert len(smtp.messages) == 1
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert Signature.objects.filter(campaign=campaign).count() == 1


@pytest.mark.parametrize(
    ("first", "other"),
    [
        ("jane.doe@example.org", "janedoe@example.org"),  # dots matter outside Gmail
        ("jane+a@example.org", "jane+b@example.org"),  # so do plus tags at unknown providers
    ],
)
def test_distinct_addresses_elsewhere_are_distinct_signers(smtp, campaign, stranger, first, other):
    _sign(stranger, campaign, email=first)
    _sign(stranger, campaign, email=other)
    assert sorted(m.to for m in smtp.messages) == sorted([first, other])


def test_an_expired_link_says_so_and_counts_nothing(smtp, campaign, stranger, settings):
    _sign(stranger, campaign)
    path = smtp.messages[0].path("/confirm/")
    token = path.rstrip("/").rsplit("/", 1)[-1]
    pk, nonce = signing.loads(token, salt="ustoo.campaigns.confirm")
    # The same link as if it had been sent four days ago (links last 72 hours).
    signer = signing.TimestampSigner(salt="ustoo.campaigns.confirm")
    value = signing.dumps([pk, nonce], salt="ustoo.campaigns.confirm").rsplit(":", 2)[0]
    four_days_ago = int(datetime.datetime.now(datetime.UTC).timestamp()) - 4 * 24 * 3600
    expired = f"{value}:{signing.b62_encode(four_days_ago)}"
    expired = f"{expired}:{signer.signature(expired)}"
    response = stranger.post(f"/campaigns/confirm/{expired}/")
    assert response.status_code == 400 and "expired" in response.content.decode()
    tampered = stranger.post(f"/campaigns/confirm/{token[:-2]}xx/")
    assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 0
    # Signing again sends a fresh link, which works.
    Signature.objects.update(mail_queued_at=None)
    _sign(stranger, campaign)
    assert stranger.post(smtp.messages[-1].path("/confirm/")).status_code == 200
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def test_a_campaign_that_closed_meanwhile_counts_nothing(smtp, campaign, stranger):
    _sign(stranger, campaign)
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    response = stranger.post(smtp.messages[0].path("/confirm/"))
    assert response.status_code == 400 and "closed" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 0


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": "not-an-address"}, "email", "in full, like name@example.org"),
        ({"email": "someone@mailinator.com"}, "email", "throwaway"),
        ({"email": "someone@eu.guerrillamail.com"}, "email", "throwaway"),
        # Not in the list once copied here: only in the maintained package.
        ({"email": "someone@besttempmail.com"}, "email", "throwaway"),
        ({"name": "x" * 81}, "name", "at most 80"),
        ({"reason": "x" * 501}, "reason", "at most 500"),
        ({"postcode": "<b>"}, "postcode", "letters, digits"),
        ({"country": "XX"}, "country", "Choose your country from the list."),
        ({"name": ""}, "name", "Don't show my name"),
        ({"email": f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example"}, "email", "at most 254"),
    ],
)
def test_bad_input_is_named_and_nothing_is_lost(smtp, campaign, stranger, fields, field, message):
    response = _sign(stranger, campaign, **fields)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="field-{field}"' in page and message in page.replace("&#x27;", "'")
    # What was typed is still there.
    assert 'value="Ada Lovelace"' in page or field == "name"
    assert smtp.messages == [] and not Signature.objects.exists()


def test_a_hidden_name_is_never_shown_and_the_signer_can_withdraw(smtp, campaign, stranger):
    _sign(stranger, campaign, name="", hide_name="on")
    stranger.post(smtp.messages[0].path("/confirm/"))
    signature = Signature.objects.get()
    assert signature.show_name is False
    assert "Ada Lovelace" not in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    manage = f"/campaigns/signature/{tokens.make('manage', signature.pk, signature.manage_key)}/"
    assert "Withdraw my signature" in stranger.get(manage).content.decode()
    assert stranger.post(manage, {"action": "withdraw"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.signature_count == 0
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="").count == 0
    # Nothing that could point at the signer is left: not the address, its domain or its hash.
    assert not Signature.objects.exists()
    # Withdrawing twice changes nothing; signing again is possible at once, and counts once.
    assert stranger.post(manage, {"action": "withdraw"}).status_code == 400
    _sign(stranger, campaign)
    stranger.post(smtp.messages[-1].path("/confirm/"))
    campaign.refresh_from_db()
    assert campaign.signature_count == 1


def test_the_confirmed_page_gives_the_signer_their_withdrawal_link(smtp, campaign, stranger):
    _sign(stranger, campaign)
    page = stranger.post(smtp.messages[0].path("/confirm/")).content.decode()
    signature = Signature.objects.get()
    assert f"/campaigns/signature/{tokens.make('manage', signature.pk, signature.manage_key)}/" in page


def test_a_member_confirms_an_address_then_signs_in_one_click(smtp, campaign, db):
    member = make_member("signer")
    client = logged_in_client(member)
    response = client.post(
        "/campaigns/my-email/", {"email": "Member.Name@gmail.com", "name": "M. Name", "country": "FR"}
    )
    assert response.status_code == 302
    [received] = smtp.messages
    assert received.to == "Member.Name@gmail.com"
    # Someone else's account cannot use the link.
    other = logged_in_client(make_member("other"))
    assert other.post(received.path("/my-email/confirm/")).status_code == 400
    assert client.post(received.path("/my-email/confirm/")).status_code == 302
    page = client.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "Sign in one click" in page
    assert client.post(f"/campaigns/{campaign.slug}/sign/member/", {"wants_updates": "on"}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert "You signed this campaign." in client.get(f"/campaigns/{campaign.slug}/").content.decode()
    client.post(f"/campaigns/{campaign.slug}/sign/member/")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    # The same person signing by the form with a variant of the address is not counted again:
    # the address that confirmed is told it signed already, like any other.
    Client = type(client)
    _sign(Client(), campaign, email="membername+x@gmail.com")
    campaign.refresh_from_db()
    assert campaign.signature_count == 1
    assert [m.to for m in smtp.messages] == ["Member.Name@gmail.com", "Member.Name@gmail.com"]
    assert "/confirm/" not in smtp.messages[-1].body


def _member_with_confirmed_address(name: str, email: str):
    member = make_member(name)
    ConfirmedEmail.objects.create(member=member, email=email, country="FR", confirmed_at=timezone.now())
    return member


@pytest.mark.parametrize(
    "barred",
    [
        {"banned_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
        {"suspended_until": datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)},
    ],
)
def test_a_barred_member_cannot_sign_in_one_click(campaign, barred):
    member = _member_with_confirmed_address("barred", "barred@example.org")
    Member.objects.filter(pk=member.pk).update(**barred)
    response = logged_in_client(member).post(f"/campaigns/{campaign.slug}/sign/member/", follow=True)
    assert "cannot take part" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 0 and not Signature.objects.exists()


def test_signing_in_one_click_is_rate_limited(settings, db):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "campaign_sign": ((2, 3600), (2, 3600))}
    member = _member_with_confirmed_address("quick", "quick@example.org")
    client = logged_in_client(member)
    campaigns = [make_campaign(title=f"Campaign {number}") for number in range(3)]
    answers = [client.post(f"/campaigns/{c.slug}/sign/member/").status_code for c in campaigns]
    assert answers == [302, 302, 429]
    assert [Campaign.objects.get(pk=c.pk).signature_count for c in campaigns] == [1, 1, 0]


def test_a_member_without_a_confirmed_address_cannot_sign_in_one_click(campaign, supporter):
    response = supporter.post(f"/campaigns/{campaign.slug}/sign/member/", follow=True)
    assert "Confirm an e-mail address" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.signature_count == 0


def test_no_mail_server_means_the_mail_is_written_to_the_data_directory(
    settings, tmp_path, campaign, stranger
):
    from ustoo.core.mail import mailer_from_url

    settings.MAILERS = {"default": mailer_from_url("", mail_dir=tmp_path / "mail")}
    settings.SITE_URL = "http://127.0.0.1:8000"
    _sign(stranger, campaign)
    [written] = list((tmp_path / "mail").iterdir())
    message = email.message_from_bytes(written.read_bytes().split(b"\n" + b"-" * 79)[0])
    assert message["To"] == "ada@example.org"
    assert "http://127.0.0.1:8000/campaigns/confirm/" in message.get_payload(decode=True).decode()


@pytest.mark.parametrize(
    ("state", "answer", "says"),
    [
        ({"status": "gathering"}, 404, ""),
        ({"status": "pending"}, 404, ""),
        ({"status": "rejected", "rejection_code": "libellous"}, 404, ""),
        (
            {"status": "rejected", "rejection_code": "not_actionable"},
            400,
            "This campaign was rejected: it takes no",
        ),
        ({"status": "closed"}, 400, "no longer takes signatures"),
        ({"ends_on": datetime.date(2020, 1, 1)}, 400, "no longer takes signatures"),
    ],
)
def test_only_a_campaign_a_reader_sees_and_that_takes_signatures_can_be_signed(
    smtp, campaign, stranger, state, answer, says
):
    Campaign.objects.filter(pk=campaign.pk).update(**state)
    response = _sign(stranger, campaign)
    assert response.status_code == answer
    assert says in response.content.decode()
    assert not Signature.objects.exists()
    assert smtp.messages == []


def test_a_french_signer_reads_their_email_exactly_as_written(smtp, campaign, stranger):
    """Through Django's EmailMessage and the SMTP server: accents in the subject and the text, and a
    domain that is not ASCII."""
    response = stranger.post(
        f"/campaigns/{campaign.slug}/sign/",
        {**SIGNER, "email": "ada@bücher.example"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    deliver()
    [received] = smtp.messages
    assert received.to == "ada@xn--bcher-kva.example"
    assert received.subject == "[ustoo] Confirmez votre signature"
    assert "Give back the donation" in received.body and "é" in received.body
    assert received.message["Auto-Submitted"] == "auto-generated"
