"""Where support comes from (map, open JSON and CSV without personal data), the API, and the demo."""

import csv
import io
import time

import pytest
from django.conf import settings
from django.utils import timezone

from ustoo.campaigns import tokens
from ustoo.campaigns.demo import load_demo_campaigns
from ustoo.campaigns.models import Campaign, Signature
from ustoo.campaigns.services import confirm_signature

from .conftest import SIGNER, deliver, make_campaign

pytestmark = pytest.mark.django_db


def _confirmed(campaign, email, country, postcode=""):
    from ustoo.campaigns.models import region_of

    signature = Signature.objects.create(
        campaign=campaign,
        name="Secret Name",
        show_name=False,
        email=email,
        email_hash=email,
        country=country,
        postcode=postcode,
        region=region_of(country, postcode),
        reason="private reason",
        nonce="n",
    )
    confirm_signature(token=tokens.make("confirm", signature.pk, "n"))


@pytest.fixture
def signed(campaign, settings):
    settings.CAMPAIGN_REGION_MINIMUM = 2
    for number in range(3):
        _confirmed(campaign, f"gb{number}@example.org", "GB", "SW1A 1AA")
    _confirmed(campaign, "gb-ne@example.org", "GB", "NE1 4ST")
    _confirmed(campaign, "fr@example.org", "FR", "75011")
    return campaign


def test_counts_by_country_and_region_in_open_json_and_csv(stranger, signed):
    data = stranger.get(f"/campaigns/{signed.slug}/counts.json").json()
    assert data["signatures"] == 5
    assert data["by_country"] == [
        {"code": "GB", "name": "United Kingdom", "signatures": 4},
        {"code": "FR", "name": "France", "signatures": 1},
    ]
    # Regions below the minimum are left out (their country still counts them).
    assert data["by_region"] == [{"country": "GB", "region": "SW", "signatures": 3}]
    response = stranger.get(f"/campaigns/{signed.slug}/counts.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["country", "country_name", "region", "signatures"],
        ["GB", "United Kingdom", "", "4"],
        ["FR", "France", "", "1"],
        ["GB", "", "SW", "3"],
    ]
    for body in (response.content.decode(), str(data)):
        assert "example.org" not in body and "Secret Name" not in body and "private reason" not in body


def test_the_map_shades_countries_with_signatures(stranger, signed):
    response = stranger.get(f"/campaigns/{signed.slug}/map.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    svg = response.content.decode()
    assert "<title>United Kingdom: 4</title>" in svg
    assert "<title>France: 1</title>" in svg
    assert "<title>Germany: none</title>" in svg
    assert svg.count("<rect ") == 2  # its key: two shades, 1 and 2–4
    page = stranger.get(f"/campaigns/{signed.slug}/").content.decode()
    assert f'src="/campaigns/{signed.slug}/map.svg?key=no"' in page


def test_the_pages_map_has_its_key_in_html_legible_on_a_phone(stranger, signed):
    """Drawn in the SVG, the key would shrink with the map to a few pixels at 390 px wide."""
    svg = stranger.get(f"/campaigns/{signed.slug}/map.svg?key=no").content.decode()
    assert "<rect " not in svg and "<title>United Kingdom: 4</title>" in svg
    page = stranger.get(f"/campaigns/{signed.slug}/").content.decode()
    key = page.split('class="campaign-map__key"')[1].split("</ul>")[0]
    assert [item.split("</span>")[1] for item in key.split("<li>")[1:]] == ["1</li>", "2–4</li>", "None</li>"]
    assert "campaign-swatch--0" in key and "campaign-swatch--1" in key and "campaign-swatch--none" in key


def test_the_page_shows_every_country_on_the_map_with_its_regions_like_the_open_data(stranger, signed):
    page = stranger.get(f"/campaigns/{signed.slug}/").content.decode()
    table = page.split('id="support-table"')[1].split("</table>")[0]
    groups = table.split("<tbody>")[1:]
    assert [group.split("</th>")[0].rsplit(">", 1)[1] for group in groups] == ["United Kingdom", "France"]
    # The same cells as the open data: the region with enough signatures, not the one without.
    assert '<th scope="rowgroup">United Kingdom</th><td class="table__cell--numeric">4</td>' in groups[0]
    assert '<td>Postcodes starting SW</td><td class="table__cell--numeric">3</td>' in groups[0]
    assert "NE" not in groups[0]
    assert '<th scope="rowgroup">France</th><td class="table__cell--numeric">1</td>' in groups[1]
    assert "Postcodes starting" not in groups[1]
    data = stranger.get(f"/campaigns/{signed.slug}/counts.json").json()
    assert data["by_region"] == [{"country": "GB", "region": "SW", "signatures": 3}]
    svg = stranger.get(f"/campaigns/{signed.slug}/map.svg").content.decode()
    for row in data["by_country"]:
        assert f"<title>{row['name']}: {row['signatures']}</title>" in svg


def test_a_country_with_many_regions_lists_the_largest_and_points_to_the_open_data(
    stranger, campaign, settings
):
    settings.CAMPAIGN_REGION_MINIMUM = 1
    for number in range(12):
        _confirmed(campaign, f"fr{number}@example.org", "FR", f"{10 + number}000")
    page = stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    table = page.split('id="support-table"')[1].split("</table>")[0]
    assert table.count("Postcodes starting") == 5
    assert "and 7 more regions in the open data" in table


def test_the_delivery_export_needs_a_moderators_approval_and_holds_names_by_consent(
    starter, starter_member, moderator, stranger
):
    campaign = make_campaign(starter_member)
    _confirmed(campaign, "hidden@example.org", "GB")
    shown = Signature.objects.create(
        campaign=campaign,
        name="=Shown Name",
        show_name=True,
        email="s@example.org",
        email_hash="s",
        country="FR",
        nonce="m",
    )
    confirm_signature(token=tokens.make("confirm", shown.pk, "m"))
    assert starter.get(f"/campaigns/{campaign.slug}/delivery.csv").status_code == 404
    assert moderator.post(f"/moderate/campaigns/{campaign.pk}/delivery/").status_code == 302
    assert stranger.get(f"/campaigns/{campaign.slug}/delivery.csv").status_code == 302  # log in first
    response = starter.get(f"/campaigns/{campaign.slug}/delivery.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["name", "country"], ["(name not shown)", "GB"], ["'=Shown Name", "FR"]]


def test_api_lists_and_describes_campaigns(stranger, signed, settings):
    Campaign.objects.filter(pk=signed.pk).update(
        response_threshold=5, escalation_threshold=500, response_requested_at=timezone.now()
    )
    listing = stranger.get("/api/v1/campaigns").json()
    assert [item["slug"] for item in listing] == [signed.slug]
    assert listing[0]["signatures"] == 5 and listing[0]["status"] == "open"
    data = stranger.get(f"/api/v1/campaigns/{signed.slug}").json()
    assert data["signatures"] == 5 and data["goal"] == 1000 and data["status"] == "open"
    assert data["by_country"][0] == {"code": "GB", "name": "United Kingdom", "signatures": 4}
    assert [(t["name"], t["signatures"]) for t in data["thresholds"]] == [
        ("response", 5),
        ("escalation", 500),
    ]
    assert data["thresholds"][0]["reached_at"] is not None and data["thresholds"][1]["reached_at"] is None
    assert stranger.get("/api/v1/campaigns/unknown").status_code == 404
    gathering = make_campaign(status="gathering", title="Not yet")
    assert stranger.get(f"/api/v1/campaigns/{gathering.slug}").status_code == 404


def test_api_signing_answers_202_alike_and_names_bad_fields(smtp, stranger, campaign):
    body = {**SIGNER, "wants_updates": True}
    first = stranger.post(
        f"/api/v1/campaigns/{campaign.slug}/signatures", body, content_type="application/json"
    )
    again = stranger.post(
        f"/api/v1/campaigns/{campaign.slug}/signatures", body, content_type="application/json"
    )
    assert first.status_code == again.status_code == 202
    assert first.json() == again.json() and first.json()["status"] == "confirmation_pending"
    deliver()
    assert len(smtp.messages) == 1
    bad = stranger.post(
        f"/api/v1/campaigns/{campaign.slug}/signatures",
        {**body, "email": "x@yopmail.com", "postcode": "!!"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"email", "postcode"}
    Campaign.objects.filter(pk=campaign.pk).update(status="closed")
    closed = stranger.post(
        f"/api/v1/campaigns/{campaign.slug}/signatures",
        {**body, "email": "z@example.org"},
        content_type="application/json",
    )
    assert closed.status_code == 409
    assert "closed" in closed.json()["error"]
    deliver()
    assert len(smtp.messages) == 1 and not Signature.objects.filter(email="z@example.org").exists()


def test_api_signing_is_rate_limited(settings, smtp, stranger, campaign):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "campaign_sign": ((2, 3600), (2, 3600))}
    url = f"/api/v1/campaigns/{campaign.slug}/signatures"
    answers = [
        stranger.post(url, {**SIGNER, "email": f"s{number}@example.org"}, content_type="application/json")
        for number in range(3)
    ]
    assert [answer.status_code for answer in answers] == [202, 202, 429]
    assert int(answers[-1]["Retry-After"]) > 0 and answers[-1].json()["error"]
    deliver()
    assert len(smtp.messages) == 2 and Signature.objects.count() == 2


def test_api_signing_answers_202_while_the_mail_server_is_down_and_the_mail_goes_later(
    smtp, mail_outage, stranger, campaign
):
    mail_outage.begin()
    response = stranger.post(
        f"/api/v1/campaigns/{campaign.slug}/signatures", SIGNER, content_type="application/json"
    )
    assert response.status_code == 202 and "sending an e-mail" in response.json()["message"]
    deliver()
    assert Signature.objects.get().email == "ada@example.org"
    mail_outage.end()
    Signature.objects.owed_mail().update(mail_due_at=timezone.now())  # its next try is due
    deliver()
    assert [m.to for m in smtp.messages] == ["ada@example.org"]


def test_the_openapi_document_describes_the_campaign_endpoints(stranger):
    paths = stranger.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/campaigns" in paths
    assert "/api/v1/campaigns/{slug}" in paths
    assert "202" in paths["/api/v1/campaigns/{slug}/signatures"]["post"]["responses"]


def test_demo_content_has_an_open_campaign_to_sign(stranger):
    now = timezone.now()
    created = load_demo_campaigns(now)
    assert load_demo_campaigns(now) == []
    open_campaign = next(c for c in created if c.status == "open")
    open_campaign.refresh_from_db()
    assert open_campaign.signature_count == 137
    page = stranger.get(f"/campaigns/{open_campaign.slug}/").content.decode()
    assert "fictional" in page and "Sign this campaign" in page
    assert open_campaign.slug in stranger.get("/campaigns/").content.decode()


def _let_the_moderators_passphrase_go_stale(client) -> None:
    session = client.session
    session["moderator_last_seen"] = time.time() - settings.MODERATOR_IDLE_MINUTES * 60 - 1
    session.save()


def test_a_moderator_idle_too_long_gets_no_signers_names_until_the_passphrase_is_typed(
    starter_member, moderator
):
    campaign = make_campaign(starter_member)
    _confirmed(campaign, "hidden@example.org", "GB")
    assert moderator.post(f"/moderate/campaigns/{campaign.pk}/delivery/").status_code == 302
    assert moderator.get(f"/campaigns/{campaign.slug}/delivery.csv").status_code == 200
    _let_the_moderators_passphrase_go_stale(moderator)
    response = moderator.get(f"/campaigns/{campaign.slug}/delivery.csv")
    assert response.status_code == 302 and response["Location"].startswith("/moderate/confirm/?next=")
    assert b"GB" not in response.content


def test_a_moderator_idle_too_long_cannot_read_another_members_unpublished_campaign(moderator):
    campaign = make_campaign(status="gathering")
    assert moderator.get(campaign.get_absolute_url()).status_code == 200
    _let_the_moderators_passphrase_go_stale(moderator)
    assert moderator.get(campaign.get_absolute_url()).status_code == 404
