"""Signers' data: what the privacy page promises, and that it goes when it should: six months
after closing by the real `ustoo prune_expired`, at once on withdrawal or account deletion."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from ustoo.accounts.member_data import delete_member
from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature, SupportCount
from ustoo.conftest import logged_in_client, make_member

from .conftest import sign_and_confirm

pytestmark = pytest.mark.django_db

IDENTIFYING = ("name", "email", "email_domain", "postcode", "reason", "client_hash", "nonce", "manage_key")


def _assert_nothing_identifies(signature: Signature, *hashes: str) -> None:
    assert all(getattr(signature, field) == "" for field in IDENTIFYING), signature.__dict__
    assert signature.member_id is None and signature.email_hash not in hashes


def test_the_privacy_page_says_signers_data_is_never_shared_or_sold(stranger):
    page = stranger.get("/campaigns/privacy/").content.decode()
    promises = page.split('id="signer-privacy"')[1].split("</ul>")[0]
    assert "never shared or sold" in promises
    assert "Six months after a campaign closes" in promises


def test_prune_expired_anonymises_signers_six_months_after_closing(smtp, campaign, stranger):
    sign_and_confirm(stranger, smtp, campaign.slug, email="ada@example.org")
    sign_and_confirm(stranger, smtp, campaign.slug, email="grace@example.org", country="FR", postcode="")
    stranger.post(
        f"/campaigns/{campaign.slug}/sign/",
        {"email": "waiting@example.org", "hide_name": "on", "country": "FR"},
    )
    hashes = set(Signature.objects.values_list("email_hash", flat=True))
    assert len(hashes) == 3
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    call_command("prune_expired")
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.anonymised_at is None
    assert Signature.objects.filter(email="ada@example.org").exists()  # not before six months

    Campaign.objects.filter(pk=campaign.pk).update(closed_at=timezone.now() - datetime.timedelta(days=184))
    call_command("prune_expired")
    campaign.refresh_from_db()
    assert campaign.anonymised_at is not None and campaign.decision_maker_email == ""
    kept = list(Signature.objects.filter(campaign=campaign))
    assert len(kept) == 2  # the counted ones; the one never confirmed is gone
    for signature in kept:
        _assert_nothing_identifies(signature, *hashes)
    assert campaign.signature_count == 2
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="SW").count == 1


def _member_who_signed(smtp, campaign, name: str):
    member = make_member(name)
    ConfirmedEmail.objects.create(
        member=member,
        email=f"{name}@example.org",
        name=name,
        country="GB",
        postcode="SW1A 1AA",
        confirmed_at=timezone.now(),
    )
    assert logged_in_client(member).post(f"/campaigns/{campaign.slug}/sign/member/").status_code == 302
    return member, Signature.objects.get(member=member)


def test_deleting_an_account_leaves_nothing_of_its_signature_on_a_closed_campaign(smtp, campaign):
    member, signature = _member_who_signed(smtp, campaign, "leaving")
    Campaign.objects.filter(pk=campaign.pk).update(status="closed", closed_at=timezone.now())
    delete_member(member)
    signed_hash = signature.email_hash
    signature.refresh_from_db()
    _assert_nothing_identifies(signature, signed_hash)
    assert signature.status == "confirmed"
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 1  # it still counts


def test_deleting_an_account_deletes_its_signature_on_an_open_campaign(smtp, campaign):
    member, signature = _member_who_signed(smtp, campaign, "leaving")
    delete_member(member)
    assert not Signature.objects.filter(pk=signature.pk).exists()
    assert Campaign.objects.get(pk=campaign.pk).signature_count == 0
