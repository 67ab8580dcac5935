"""A member's campaign data in their export, and gone with their account."""

import pytest

from ustoo.accounts.member_data import delete_member, export_member_data
from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature, Sponsor
from ustoo.conftest import logged_in_client, make_member

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


def test_export_then_deletion_withdraws_open_signatures(smtp):
    member = make_member("leaving")
    client = logged_in_client(member)
    client.post(
        "/campaigns/my-email/", {"email": "leaving@example.org", "name": "L. Eaving", "country": "FR"}
    )
    client.post(smtp.messages[0].path("/my-email/confirm/"))
    campaign = make_campaign()
    gathering = make_campaign(status="gathering", title="Gathering")
    client.post(f"/campaigns/{campaign.slug}/sign/member/")
    Sponsor.objects.create(campaign=gathering, member=member)
    started = make_campaign(member, title="Mine")

    data = export_member_data(member)["campaigns"]
    assert data["signatures"][0]["email"] == "leaving@example.org"
    assert data["signatures"][0]["campaign"] == campaign.slug
    assert data["supported"] == [gathering.slug]
    assert [c["slug"] for c in data["started"]] == [started.slug]
    assert data["signing_email"]["confirmed"] is True

    delete_member(member)
    campaign.refresh_from_db()
    assert campaign.signature_count == 0
    assert not Signature.objects.filter(email="leaving@example.org").exists()
    assert not Signature.objects.exclude(name="").filter(name="L. Eaving").exists()
    assert not ConfirmedEmail.objects.exists() and not Sponsor.objects.exists()
    assert Campaign.objects.get(pk=started.pk).starter is None
