"""Campaigns in the JSON API. Signing goes through the same form and service as the page."""

import datetime
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.decorators import decorate_view

from ustoo.campaigns import figures, services
from ustoo.campaigns.forms import SignForm
from ustoo.campaigns.models import Campaign
from ustoo.core.api import (
    INVALID,
    NOT_JSON,
    NOTHING_HERE,
    OTHER_SITE,
    TOO_LARGE,
    TOO_MANY,
    ApiError,
    json_write,
    rate_limited,
    refusals,
)
from ustoo.core.ratelimit import client_fingerprint

router = Router(tags=["campaigns"])


class Threshold(Schema):
    name: str = Field(..., description="response (the decision maker is asked to respond) or escalation")
    signatures: int
    reached_at: datetime.datetime | None


class CountryCount(Schema):
    code: str = Field(..., description="ISO 3166-1 alpha-2")
    name: str
    signatures: int


class CampaignSummary(Schema):
    slug: str
    title: str
    status: str = Field(..., description="open or closed")
    signatures: int = Field(..., description="Confirmed signatures")
    goal: int
    ends_on: datetime.date
    decision_maker: str


class CampaignOut(CampaignSummary):
    asks_for: str
    why: str
    thresholds: list[Threshold] = Field(..., description="Each threshold, with the time it was reached")
    by_country: list[CountryCount]
    response: str | None = None
    response_at: datetime.datetime | None = None
    victory: str | None = None
    victory_at: datetime.datetime | None = None


class SignatureIn(Schema):
    name: str = Field("", description="Required unless hide_name is true")
    hide_name: bool = False
    email: str
    country: str = Field(..., description="ISO 3166-1 alpha-2")
    postcode: str = ""
    reason: str = ""
    show_on_page: bool = Field(
        False, description="Show the first name and the reason on the campaign's page, once confirmed"
    )
    wants_updates: bool = False


class SignatureAccepted(Schema):
    status: str = Field("confirmation_pending", description="Always the same, signed before or not")
    message: str


def _summary(campaign: Campaign) -> dict:
    return {
        "slug": campaign.slug,
        "title": campaign.title,
        "status": campaign.status,
        "signatures": campaign.signature_count,
        "goal": campaign.goal,
        "ends_on": campaign.ends_on,
        "decision_maker": campaign.decision_maker(),
    }


def _listed(slug: str) -> Campaign:
    campaign = Campaign.objects.listed().filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


Slug = Annotated[
    str,
    Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=80, description="The campaign's slug, from its address."),
]


@router.get(
    "/campaigns",
    summary="Open and closed campaigns",
    **refusals({200: list[CampaignSummary]}, {422: INVALID}),
)
def list_campaigns(request: HttpRequest, status: Literal["", "open", "closed"] = ""):
    """The most signed first. `status=open` or `status=closed` narrows the list."""
    campaigns = Campaign.objects.listed().order_by("-signature_count", "-id")
    if status:
        campaigns = campaigns.filter(status=status)
    return [_summary(campaign) for campaign in campaigns[:200]]


@router.get(
    "/campaigns/{slug}",
    summary="One campaign, with its counts by country",
    **refusals({200: CampaignOut}, {404: NOTHING_HERE, 422: INVALID}),
)
def get_campaign(request: HttpRequest, slug: Slug):
    campaign = _listed(slug)
    return {
        **_summary(campaign),
        "asks_for": campaign.asks_for,
        "why": campaign.why,
        "thresholds": campaign.thresholds(),
        "by_country": figures.by_country(campaign),
        "response": campaign.response_text or None,
        "response_at": campaign.response_at,
        "victory": campaign.victory_text or None,
        "victory_at": campaign.victory_at,
    }


@router.post(
    "/campaigns/{slug}/signatures",
    auth=None,
    summary="Sign a campaign (counted once the e-mailed link is followed)",
    **refusals(
        {202: SignatureAccepted},
        {
            400: "The body is not a JSON object in UTF-8.",
            403: OTHER_SITE,
            404: NOTHING_HERE,
            409: "The campaign is closed: it takes no more signatures.",
            413: TOO_LARGE,
            415: NOT_JSON,
            422: f"{INVALID} Also a field that breaks the rule its description gives (an address at a "
            "throwaway domain included).",
            429: TOO_MANY,
        },
    ),
)
@decorate_view(json_write)
def sign_campaign(request: HttpRequest, slug: Slug, payload: SignatureIn):
    """Always 202 with the same body for a valid request, whether or not the address signed
    before, so the API cannot reveal who signed (the address is mailed either way, within moments:
    a link to confirm, or a note that it signed already; an address is mailed at most once every
    few minutes). 422 names the fields that are not valid (an address at a throwaway domain
    included); 409 when the campaign is closed; 429 when too many attempts come from one client."""
    campaign = _listed(slug)
    rate_limited(request, "campaign_sign")
    form = SignForm(payload.dict())
    if not form.is_valid():
        raise ApiError(
            422,
            _("Some fields are not valid."),
            {name: " ".join(str(message) for message in errors) for name, errors in form.errors.items()},
        )
    try:
        services.sign_campaign(
            campaign=campaign, signer=form.signer(get_language()), client_hash=client_fingerprint(request)
        )
    except services.CampaignRefused as refusal:
        raise ApiError(409, str(refusal)) from None
    return Status(
        202,
        {
            "status": "confirmation_pending",
            "message": _(
                "We are sending an e-mail to this address: the signature counts once the link in it "
                "is opened."
            ),
        },
    )
