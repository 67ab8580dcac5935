"""What every app's part of the JSON API shares: its error answer, the reasons its OpenAPI document
gives for each error status, and the checks every write goes through. The API itself, which serves
the apps' routers, is ustoo/api.py."""

import functools
from collections.abc import Callable

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Schema

from ustoo.core import proof_of_work, ratelimit


class ApiError(Exception):
    """A 4xx answer in the shape {"error": "...", "fields": {"name": "what is wrong"}}."""

    def __init__(
        self,
        status: int,
        error: str,
        fields: dict[str, str] | None = None,
        *,
        extra: dict | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.fields = fields or {}
        self.extra = extra or {}
        self.headers = headers or {}


def error_response(error: ApiError) -> HttpResponse:
    body = {"error": error.error, **error.extra}
    if error.fields:
        body["fields"] = error.fields
    response = HttpResponse(orjson.dumps(body), status=error.status, content_type="application/json")
    for name, value in error.headers.items():
        response[name] = value
    return response


class ErrorOut(Schema):
    error: str = Field(..., description="What is wrong, in the request's language (Accept-Language).")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Each field, parameter or header at fault, with what is wrong with it (when any is).",
    )


# Why each error status is answered; an operation lists those it can give (see refusals()).
BAD_BODY = (
    "The body is not a JSON object in UTF-8, or a field breaks one of the rules its description gives; "
    "`fields` names each."
)
OTHER_SITE = "Sent by another site's page (its Origin or Sec-Fetch-Site header says so): refused."
NOTHING_HERE = "Nothing is published at this address."
TOO_LARGE = "The body is larger than 1 MiB."
NOT_JSON = "The body is not declared as JSON: send `Content-Type: application/json`."
INVALID = "A value has the wrong type, or is out of the range its schema gives; `fields` names each."
TOO_MANY = "Too many requests from this client or session: wait the seconds `Retry-After` says."
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def refusals(answers: dict[int, type], errors: dict[int, str]) -> dict:
    """An operation's `response` and `openapi_extra`: its answers, then each error status it can give
    with the reason, so that the OpenAPI document lists every answer a client can get."""
    documented = {}
    for status, reason in errors.items():
        documented[status] = {"description": reason}
        if status == 429:
            documented[status]["headers"] = RETRY_AFTER
    return {
        "response": {**answers, **dict.fromkeys(errors, ErrorOut)},
        "openapi_extra": {"responses": documented},
    }


# What a browser says of a request that a person or this site's own page sent (Sec-Fetch-Site).
OWN_FETCH_SITES = ("same-origin", "none")


def json_write(run: Callable) -> Callable:
    """For each operation that writes, with ninja's @decorate_view: before anything is read, refuse a
    request another site's page made a visitor's browser send (403), and a body not declared as JSON
    (415). A browser sends a text/plain, form or multipart body, or none, to any site without asking
    first; an application/json one only after asking, which this API never allows another site.
    Scripts and apps send no Origin and no Sec-Fetch-Site, and are served."""

    @functools.wraps(run)
    def checked(request: HttpRequest, *args, **kwargs):
        try:
            _refuse_other_sites(request)
            _require_json(request)
        except ApiError as refusal:
            return error_response(refusal)
        return run(request, *args, **kwargs)

    return checked


def same_site_write(content_type: str | None) -> Callable[[Callable], Callable]:
    """json_write's checks for a write whose body is not JSON: the same refusal of other sites' pages,
    and a body declared as `content_type` (an upload's application/octet-stream: a browser sends that
    type to another site only after asking, as for JSON), or None for a write without a body (DELETE,
    which a browser never sends to another site without asking)."""

    def decorator(run: Callable) -> Callable:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args, **kwargs):
            try:
                _refuse_other_sites(request)
                if content_type is not None and request.content_type != content_type:
                    raise ApiError(
                        415,
                        _("The request body must be %(type)s.") % {"type": content_type},
                        {
                            "Content-Type": _("Send the header Content-Type: %(type)s.")
                            % {"type": content_type}
                        },
                    )
            except ApiError as refusal:
                return error_response(refusal)
            return run(request, *args, **kwargs)

        return checked

    return decorator


def _refuse_other_sites(request: HttpRequest) -> None:
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in OWN_FETCH_SITES:
        raise ApiError(
            403,
            _("Another site's page cannot write here."),
            {"Sec-Fetch-Site": _("Only this site's pages, scripts and apps can write here.")},
        )
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.get_host()}":
        raise ApiError(
            403,
            _("Another site's page cannot write here."),
            {"Origin": _("Only this site's pages, scripts and apps can write here.")},
        )


def _require_json(request: HttpRequest) -> None:
    if request.content_type != "application/json":
        raise ApiError(
            415,
            _("The request body must be JSON."),
            {"Content-Type": _("Send the header Content-Type: application/json.")},
        )


def rate_limited(request: HttpRequest, scope: str) -> None:
    """Raise a 429 with Retry-After when this client or session is over the limit for `scope`."""
    if (wait := ratelimit.hit(request, scope)) is not None:
        raise ApiError(
            429,
            _("Too many attempts from here. Wait a little and try again."),
            headers={"Retry-After": str(wait)},
        )


def proof_of_work_when_flooded(request: HttpRequest, scope: str) -> None:
    """Count this attempt in the site's flood measure of `scope`; while the site is flooded, raise a
    429 unless the request carries `X-Proof-Of-Work: <challenge> <nonce>` solving a challenge of ours
    (the answer holds a fresh `challenge` and its `difficulty`)."""
    ratelimit.site_attempts(scope)
    if not ratelimit.site_is_flooded(scope):
        return
    challenge, _space, nonce = request.headers.get("X-Proof-Of-Work", "").partition(" ")
    if not proof_of_work.is_solved(challenge, nonce):
        raise ApiError(
            429,
            _("The site is very busy: solve the proof of work and send again."),
            fields={"X-Proof-Of-Work": _("Send the challenge and a nonce that solves it.")},
            extra={"challenge": proof_of_work.new_challenge(), "difficulty": settings.POW_DIFFICULTY_BITS},
            headers={"Retry-After": "1"},
        )
