"""Pledges and interventions in the JSON API. Bodies go through the same forms and services as the
pages; the figures are released with the magnitude (GET /api/v1/magnitude/upstanders)."""

from django.http import HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.decorators import decorate_view

from ustoo.core.api import (
    BAD_BODY,
    INVALID,
    NOT_JSON,
    OTHER_SITE,
    TOO_LARGE,
    TOO_MANY,
    ApiError,
    json_write,
    proof_of_work_when_flooded,
    rate_limited,
    refusals,
)
from ustoo.upstanders import services
from ustoo.upstanders.forms import InterventionForm, PledgeForm
from ustoo.upstanders.models import Action, Approach, Outcome, Place

router = Router(tags=["upstanders"])

ONCE = Field(
    "",
    description="Optional: a token of your own (up to 64 characters) sent with this body only. Sending the "
    "same body again with it counts nothing more (200, repeated).",
)
FLOODED = (
    f"{TOO_MANY} While the site is flooded, the request must carry `X-Proof-Of-Work: <challenge> <nonce>`; "
    'without it the body holds a fresh `challenge` and its `difficulty` (SHA-256 of "challenge:nonce" must '
    "start with that many zero bits)."
)


def _listed(choices) -> str:
    return ", ".join(choices.values)


class PledgeIn(Schema):
    actions: list[str] = Field(
        default_factory=list, description=f"The actions pledged, each at most once: {_listed(Action)}."
    )
    own_words: str = Field(
        "",
        description="Optional, at most 500 characters: read by a moderator before anyone sees it, never "
        "counted. Words that name or identify someone are kept for the moderator, flagged.",
    )
    once: str = ONCE


class PledgeOut(Schema):
    counted: list[str] = Field(..., description="The actions counted now.")
    already: list[str] = Field(
        ..., description="Actions this client had pledged before (today, for a client without a session)."
    )
    words_waiting: bool = Field(..., description="The own words wait for a moderator.")
    repeated: bool = Field(
        ..., description="The same body was sent before with this `once`: nothing more counted."
    )


class InterventionIn(Schema):
    approach: str = Field(..., description=f"Which of the five Ds: {_listed(Approach)}.")
    setting: str = Field(..., description=f"Where: {_listed(Place)}.")
    outcome: str = Field(..., description=f"Whether it helped: {_listed(Outcome)}.")
    account: str = Field(
        "",
        description="Optional, at most 2,000 characters: read by a moderator before anyone sees it, and "
        "shown without the answers above. Words that name or identify someone are flagged.",
    )
    once: str = ONCE


class InterventionOut(Schema):
    counted: bool = Field(..., description="Counted now (false when repeated).")
    words_waiting: bool = Field(..., description="The account waits for a moderator.")
    repeated: bool


def _form_errors(form) -> dict[str, str]:
    return {name: " ".join(str(message) for message in errors) for name, errors in form.errors.items()}


def _valid(form):
    if not form.is_valid():
        raise ApiError(400, _("Some fields are not valid."), _form_errors(form))
    return form.cleaned_data


ERRORS = {
    400: BAD_BODY,
    403: OTHER_SITE,
    413: TOO_LARGE,
    415: NOT_JSON,
    422: INVALID,
    429: FLOODED,
}


@router.post(
    "/pledges",
    auth=None,
    summary="Pledge to step up",
    **refusals({200: PledgeOut, 201: PledgeOut}, ERRORS),
)
@decorate_view(json_write)
def create_pledge(request: HttpRequest, payload: PledgeIn):
    """Each action counts once per client: a client without a session is known only by its
    fingerprint of the day, so it may pledge each action once a day. 201 when something was counted
    or kept, 200 when nothing new was (every action pledged before, or the same `once` again).
    Limited per client (429 with Retry-After)."""
    rate_limited(request, services.RATE_SCOPE)
    proof_of_work_when_flooded(request, services.RATE_SCOPE)
    data = _valid(PledgeForm(payload.dict()))
    sent = services.pledge(
        actions=data["actions"],
        pledger=services.client_pledger_key(request),
        words=data["own_words"],
        language=get_language() or "",
        once=data["once"],
    )
    body = {
        "counted": list(sent.counted),
        "already": list(sent.already),
        "words_waiting": sent.words is not None,
        "repeated": sent.repeated,
    }
    kept_something = sent.counted or (sent.words is not None and not sent.repeated)
    return Status(201 if kept_something else 200, body)


@router.post(
    "/interventions",
    auth=None,
    summary="Report that you stepped up",
    **refusals({200: InterventionOut, 201: InterventionOut}, ERRORS),
)
@decorate_view(json_write)
def create_intervention(request: HttpRequest, payload: InterventionIn):
    """Count one intervention: which D, where, whether it helped. 201 when counted, 200 when the same
    `once` was sent before (nothing more counted). Limited per client (429 with Retry-After)."""
    rate_limited(request, services.RATE_SCOPE)
    proof_of_work_when_flooded(request, services.RATE_SCOPE)
    data = _valid(InterventionForm(payload.dict()))
    sent = services.report_intervention(
        approach=data["approach"],
        setting=data["setting"],
        outcome=data["outcome"],
        words=data["account"],
        language=get_language() or "",
        once=data["once"],
    )
    body = {"counted": not sent.repeated, "words_waiting": sent.words is not None, "repeated": sent.repeated}
    return Status(200 if sent.repeated else 201, body)
