"""The escrow's JSON API, /api/v1/matching/ (PROTOCOL.md §6). Views are thin: sizes and encodings are
checked here, the rules in services.py."""

import binascii
import datetime
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.decorators import decorate_view

from ustoo.core.api import (
    BAD_BODY,
    INVALID,
    NOT_JSON,
    OTHER_SITE,
    TOO_LARGE,
    ApiError,
    json_write,
    refusals,
)
from ustoo.matching import budgets, escrow, hpke, oprf, oprf_client, services
from ustoo.matching.oprf_service import from_b64u

router = Router(tags=["matching"])

SIGNED_OUT = "Not signed in: entries belong to an account."
NOT_ALLOWED = (
    f"{OTHER_SITE} Also: the CSRF token is missing or wrong (X-CSRFToken), or this account may not make "
    "entries (not trusted yet, too new, suspended, or a counselor)."
)
UNAVAILABLE = "The OPRF service does not answer, or no counselors' key is set yet: nothing was done."
ON_MATCH = ["contact", "contact_at_three", "do_not_contact"]


class OprfKeyOut(Schema):
    suite: str = Field(..., description="ristretto255-SHA512")
    mode: str = Field(..., description="VOPRF (RFC 9497 mode 0x01)")
    public_key: str = Field(..., description="The service's public key, 32 bytes, base64url.")


class CounselorKeyOut(Schema):
    suite: str
    kem_id: int
    kdf_id: int
    aead_id: int
    public_key: str = Field(..., description="X25519, 32 bytes, base64url.")
    fingerprint: str = Field(..., description="32 hex digits: what people compare (PROTOCOL.md §6).")


class LimitsOut(Schema):
    identifiers_per_entry: int
    record_max_bytes: int
    entries_held: int
    entries_allowed: int
    evaluations_left_today: int
    evaluations_left_month: int


class ParamsOut(Schema):
    may_enter: bool
    why_not: str = Field(..., description="Why this account may not make entries now; empty when it may.")
    owner: str = Field(..., description="This account's pseudonym, 32 bytes base64url: the share's x.")
    csrf_token: str = Field(..., description="Send it as X-CSRFToken with every write.")
    oprf: OprfKeyOut
    counselor_key: CounselorKeyOut | None
    limits: LimitsOut
    on_match: list[str]


class EvaluateIn(Schema):
    blinded: list[str] = Field(
        ..., min_length=1, max_length=services.MAX_IDENTIFIERS, description="Blinded elements, base64url."
    )


class EvaluateOut(Schema):
    evaluated: list[str]
    proof: str = Field(..., description="One batch proof, c || s (64 bytes), base64url.")


class ShareIn(Schema):
    index: str = Field(..., max_length=64, description="32 bytes, base64url.")
    sealed: str = Field(..., max_length=256, description="HPKE enc || ct, 172 bytes, base64url.")


class EntryIn(Schema):
    ciphertext: str = Field(..., max_length=24_000, description="nonce || AES-256-GCM of the padded record.")
    counselor_key: str = Field(
        ..., max_length=64, description="The fingerprint of the key the shares were sealed to."
    )
    shares: list[ShareIn] = Field(..., min_length=1, max_length=services.MAX_IDENTIFIERS)


class WithdrawIn(Schema):
    pass


class EntryOut(Schema):
    reference: str
    held_since: datetime.date


class HeldEntry(EntryOut):
    identifiers: int


class EntriesOut(Schema):
    entries: list[HeldEntry]


def _signed_in(request: HttpRequest):
    if not request.user.is_authenticated:
        raise ApiError(401, _("Sign in to use the escrow."))
    return request.user


def _require_csrf(request: HttpRequest) -> None:
    """The session cookie authorises these writes, so they need the CSRF token like a form."""
    from django.middleware.csrf import CsrfViewMiddleware

    if CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {}) is not None:
        raise ApiError(
            403, _("The CSRF token is missing or wrong."), {"csrf": _("Send the X-CSRFToken header.")}
        )


def _refused(refusal: services.Refused) -> ApiError:
    headers = {"Retry-After": str(refusal.retry_after)} if refusal.retry_after else {}
    return ApiError(refusal.status, refusal.message, headers=headers)


def _decoded(value: str, field: str, *, sizes: frozenset[int] | set[int]) -> bytes:
    try:
        data = from_b64u(value)
    except (ValueError, binascii.Error):
        raise ApiError(
            400, _("Some fields are not valid."), {field: _("Send base64url without padding.")}
        ) from None
    if len(data) not in sizes:
        raise ApiError(400, _("Some fields are not valid."), {field: _("This value has the wrong length.")})
    return data


@router.get(
    "/matching/oprf-key",
    auth=None,
    summary="The OPRF service's public key",
    **refusals({200: OprfKeyOut}, {503: UNAVAILABLE}),
)
def oprf_key(request: HttpRequest):
    try:
        key = oprf_client.public_key()
    except oprf_client.ServiceUnavailable:
        raise ApiError(503, _("The matching service is not answering. Try again later.")) from None
    return {"suite": oprf.SUITE, "mode": oprf.MODE, "public_key": services.b64u(key)}


@router.get(
    "/matching/params",
    auth=None,
    summary="What the browser needs to make an entry",
    **refusals({200: ParamsOut}, {401: SIGNED_OUT, 503: UNAVAILABLE}),
)
def params(request: HttpRequest):
    member = _signed_in(request)
    key = services.CounselorKey.objects.current()
    owner = services.owner_of(member)
    left = budgets.left(owner)
    return {
        "may_enter": not (why_not := services.why_not_allowed(member)),
        "why_not": why_not,
        "owner": owner,
        "csrf_token": get_token(request),
        "oprf": oprf_key(request),
        "counselor_key": None
        if key is None
        else {
            "suite": hpke.SUITE_NAME,
            "kem_id": hpke.KEM_ID,
            "kdf_id": hpke.KDF_ID,
            "aead_id": hpke.AEAD_ID,
            "public_key": key.public_key,
            "fingerprint": key.fingerprint,
        },
        "limits": {
            "identifiers_per_entry": services.MAX_IDENTIFIERS,
            "record_max_bytes": escrow.PAD_MAX,
            "entries_held": services.entries_of(member).count(),
            "entries_allowed": settings.MATCHING_ENTRIES_PER_ACCOUNT,
            "evaluations_left_today": left["today"],
            "evaluations_left_month": left["month"],
        },
        "on_match": ON_MATCH,
    }


@router.post(
    "/matching/evaluate",
    auth=None,
    summary="Evaluate blinded identifiers (VOPRF)",
    **refusals(
        {200: EvaluateOut},
        {
            400: BAD_BODY,
            401: SIGNED_OUT,
            403: NOT_ALLOWED,
            413: TOO_LARGE,
            415: NOT_JSON,
            422: INVALID,
            429: "Over this account's or the site's budget of evaluations: wait the seconds "
            "`Retry-After` says.",
            503: UNAVAILABLE,
        },
    ),
)
@decorate_view(json_write)
def evaluate(request: HttpRequest, payload: EvaluateIn):
    """Answered after a fixed delay, the same way whatever anyone entered before."""
    member = _signed_in(request)
    _require_csrf(request)
    blinded = [_decoded(b, f"blinded.{i}", sizes={oprf.ELEMENT_BYTES}) for i, b in enumerate(payload.blinded)]
    for i, element in enumerate(blinded):
        try:
            oprf.element(element)
        except oprf.InvalidElement:
            raise ApiError(
                400, _("Some fields are not valid."), {f"blinded.{i}": _("This is not a group element.")}
            ) from None
    try:
        evaluated, proof = services.evaluate(member, blinded)
    except services.Refused as refusal:
        raise _refused(refusal) from None
    return {"evaluated": [services.b64u(e) for e in evaluated], "proof": services.b64u(proof)}


@router.post(
    "/matching/entries",
    auth=None,
    summary="Make an entry",
    **refusals(
        {201: EntryOut},
        {
            400: BAD_BODY,
            401: SIGNED_OUT,
            403: NOT_ALLOWED,
            409: "The counselors' key changed (fetch `params`, seal again), or this account holds as many "
            "entries as it may.",
            413: TOO_LARGE,
            415: NOT_JSON,
            422: INVALID,
            503: UNAVAILABLE,
        },
    ),
)
@decorate_view(json_write)
def make_entry(request: HttpRequest, payload: EntryIn):
    """The same answer whoever entered what before: nothing here looks for a match."""
    member = _signed_in(request)
    _require_csrf(request)
    ciphertext = _decoded(payload.ciphertext, "ciphertext", sizes=escrow.CIPHERTEXT_SIZES)
    shares = [
        services.SealedShare(
            index=_decoded(share.index, f"shares.{i}.index", sizes={escrow.INDEX_BYTES}),
            sealed=_decoded(share.sealed, f"shares.{i}.sealed", sizes={escrow.SEALED_BYTES}),
        )
        for i, share in enumerate(payload.shares)
    ]
    if len({share.index for share in shares}) != len(shares):
        raise ApiError(400, _("Some fields are not valid."), {"shares": _("Each index may appear once.")})
    try:
        entry = services.hold_entry(
            member, ciphertext=ciphertext, counselor_key=payload.counselor_key, shares=shares
        )
    except services.Refused as refusal:
        raise _refused(refusal) from None
    return Status(201, {"reference": entry.reference, "held_since": entry.held_since})


@router.get(
    "/matching/entries",
    auth=None,
    summary="This account's entries",
    **refusals({200: EntriesOut}, {401: SIGNED_OUT}),
)
def list_entries(request: HttpRequest):
    """Each entry is held until withdrawn; the answer never says whether it matched."""
    member = _signed_in(request)
    return {
        "entries": [
            {"reference": e.reference, "held_since": e.held_since, "identifiers": e.identifiers}
            for e in services.entries_of(member)
        ]
    }


Reference = Annotated[str, Path(max_length=16, pattern=r"^[A-Za-z0-9_-]{16}$")]


@router.delete(
    "/matching/entries/{reference}",
    auth=None,
    summary="Withdraw an entry (it is deleted)",
    **refusals(
        {204: None},
        {
            400: BAD_BODY,
            401: SIGNED_OUT,
            403: NOT_ALLOWED,
            404: "This account has no entry with this reference.",
            413: TOO_LARGE,
            415: NOT_JSON,
            422: INVALID,
        },
    ),
)
@decorate_view(json_write)
def withdraw(request: HttpRequest, reference: Reference, payload: WithdrawIn):
    """The body is `{}`, sent as JSON like every write."""
    member = _signed_in(request)
    _require_csrf(request)
    try:
        services.withdraw(member, reference)
    except services.Refused as refusal:
        raise _refused(refusal) from None
    return Status(204, None)
