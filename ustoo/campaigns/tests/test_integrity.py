"""Integrity: rate limits on signing and confirming, trending domains and clients for moderators,
and bulk invalidation with the count updated."""

import pytest

from ustoo.campaigns import tokens
from ustoo.campaigns.models import Campaign, Signature, SupportCount
from ustoo.campaigns.services import confirm_signature

from .conftest import SIGNER, deliver

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "campaign_sign": ((3, 3600), (3, 3600)),
        "campaign_confirm": ((2, 3600), (2, 3600)),
    }


def test_signing_is_rate_limited_per_client(limited, smtp, campaign, stranger):
    for number in range(3):
        response = stranger.post(
            f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "email": f"s{number}@example.org"}
        )
        assert response.status_code == 302
    over = stranger.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "email": "s9@example.org"})
    assert over.status_code == 429 and int(over["Retry-After"]) > 0
    deliver()
    assert len(smtp.messages) == 3 and Signature.objects.count() == 3


def test_confirming_is_rate_limited_per_client(limited, smtp, campaign, stranger):
    for number in range(3):
        stranger.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "email": f"s{number}@example.org"})
    deliver()
    paths = [message.path("/confirm/") for message in smtp.messages]
    assert [stranger.post(path).status_code for path in paths] == [200, 200, 429]
    campaign.refresh_from_db()
    assert campaign.signature_count == 2


def _confirmed(campaign, email, *, client_hash="c" * 32, country="GB", region=""):
    signature = Signature.objects.create(
        campaign=campaign,
        email=email,
        email_hash=email,
        email_domain=email.split("@")[1],
        country=country,
        region=region,
        client_hash=client_hash,
        nonce="n" + email,
    )
    confirm_signature(token=tokens.make("confirm", signature.pk, signature.nonce))
    return signature


def test_moderators_see_trending_domains_and_clients_and_invalidate_in_bulk(moderator, supporter, campaign):
    for number in range(6):
        _confirmed(campaign, f"bot{number}@spam.example", client_hash="a" * 32, region="SW")
    for number in range(2):
        _confirmed(campaign, f"real{number}@example.org", client_hash=f"{number}" * 32, country="FR")
    campaign.refresh_from_db()
    assert campaign.signature_count == 8
    assert supporter.get(f"/moderate/campaigns/{campaign.pk}/integrity/").status_code == 403

    page = moderator.get(f"/moderate/campaigns/{campaign.pk}/integrity/").content.decode()
    domains = page.split('id="trending-domains"')[1].split("</table>")[0]
    assert domains.index("spam.example") < domains.index("example.org")
    assert "<td>6</td>" in domains
    clients = page.split('id="trending-clients"')[1].split("</table>")[0]
    assert "<td>6</td>" in clients

    # Tick two, then invalidate every one left from the domain.
    ticked = list(Signature.objects.filter(email_domain="spam.example").values_list("pk", flat=True)[:2])
    response = moderator.post(f"/moderate/campaigns/{campaign.pk}/invalidate/", {"signatures": ticked})
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.signature_count == 6
    response = moderator.post(
        f"/moderate/campaigns/{campaign.pk}/invalidate/?domain=spam.example&hours=1", {"all_matching": "yes"}
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.signature_count == 2
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="").count == 0
    assert SupportCount.objects.get(campaign=campaign, country="GB", region="SW").count == 0
    assert SupportCount.objects.get(campaign=campaign, country="FR", region="").count == 2
    assert Signature.objects.filter(status="invalidated").count() == 6
    # Invalidating again changes nothing; an invalidated address cannot sign again.
    moderator.post(f"/moderate/campaigns/{campaign.pk}/invalidate/", {"signatures": ticked})
    campaign.refresh_from_db()
    assert campaign.signature_count == 2
    from ustoo.campaigns.models import CampaignDecision

    counts = list(CampaignDecision.objects.filter(action="invalidate").values_list("count", flat=True))
    assert sorted(counts) == [2, 4]


def test_signatures_of_another_campaign_cannot_be_invalidated_from_this_one(moderator, campaign):
    from .conftest import make_campaign

    other = make_campaign(title="Other")
    victim = _confirmed(other, "victim@example.org")
    moderator.post(f"/moderate/campaigns/{campaign.pk}/invalidate/", {"signatures": [victim.pk]})
    victim.refresh_from_db()
    assert victim.status == "confirmed"
    assert Campaign.objects.get(pk=other.pk).signature_count == 1
