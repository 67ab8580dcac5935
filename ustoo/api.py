"""The JSON API, /api/v1/, documented at /api/v1/openapi.json. Each app contributes a router.

Every answer is JSON, errors included: {"error": "...", "fields": {...}} for what the client can fix
(below), and for anything unexpected Django's 404 and 500 handlers answer in the same shape under
/api/ (ustoo/core/views.py), after logging the error as for any page."""

import functools
from collections.abc import Callable

import orjson
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser
from ninja.renderers import BaseRenderer

from ustoo.campaigns.api import router as campaigns_router
from ustoo.core.api import ApiError, error_response
from ustoo.journal.api import router as journal_router
from ustoo.magnitude.api import router as magnitude_router
from ustoo.matching.api import router as matching_router
from ustoo.stories.api import router as stories_router
from ustoo.upstanders.api import router as upstanders_router


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request, data, *, response_status):
        return orjson.dumps(data)


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest):
        try:
            body = request.body
        except RequestDataTooBig:
            raise ApiError(413, _("The request body is too large.")) from None
        if not body:
            return {}
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError as error:
            raise _not_json(body, error) from None
        if not isinstance(data, dict):
            raise ApiError(400, _("The request body must be a JSON object."), {"body": _("Send an object.")})
        return data


def _not_json(body: bytes, error: orjson.JSONDecodeError) -> ApiError:
    """Why a body is not JSON, naming the byte or character where it goes wrong."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as undecodable:
        return ApiError(
            400,
            _("The request body is not valid UTF-8."),
            {"body": _("Byte %(position)s is not UTF-8.") % {"position": undecodable.start}},
        )
    return ApiError(
        400,
        _("The request body is not valid JSON (UTF-8)."),
        {"body": _("Not valid JSON at character %(position)s.") % {"position": error.pos}},
    )


class JsonApi(NinjaAPI):
    """NinjaAPI whose every answer is JSON, 405 included: a method an address does not take is
    refused in the API's error shape, with the Allow header naming those it takes."""

    def _get_urls(self):
        urls = []
        for url in super()._get_urls():
            view = url.callback
            if url.name == "openapi-json":
                view = require_safe(view)  # the document is read, never written to
            urls.append(URLPattern(url.pattern, _json_when_not_allowed(view), url.default_args, url.name))
        return urls


def _json_when_not_allowed(view: Callable) -> Callable:
    @functools.wraps(view)
    def answered(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        allowed = response["Allow"]
        refusal = HttpResponse(
            orjson.dumps(
                {
                    "error": _("This address does not take %(method)s requests, only %(allowed)s.")
                    % {"method": request.method, "allowed": allowed}
                }
            ),
            status=405,
            content_type="application/json",
        )
        refusal["Allow"] = allowed
        return refusal

    return answered


api = JsonApi(
    title="ustoo API",
    version="1",
    description=(
        "Say “me too”, read stories, stand with their authors, pledge to step up, report that you did, "
        "and read the magnitude."
    ),
    urls_namespace="api",
    renderer=OrjsonRenderer(),
    parser=StrictJsonParser(),
    # No browsable docs page: django-ninja's loads Swagger UI from a CDN with inline script, which
    # our Content-Security-Policy forbids and our privacy rules exclude. The document is the reference.
    docs_url=None,
)


@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return error_response(exc)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    fields: dict[str, str] = {}
    for error in exc.errors:
        location = [
            str(part) for part in error.get("loc", []) if part not in ("body", "payload", "query", "path")
        ]
        name = ".".join(location) or "body"
        fields.setdefault(name, error.get("msg", _("This value is not valid.")))
    return api.create_response(
        request, {"error": _("Some fields are not valid."), "fields": fields}, status=422
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc: RequestDataTooBig):
    return api.create_response(request, {"error": _("The request body is too large.")}, status=413)


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return api.create_response(request, {"error": _("Nothing here")}, status=404)


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if isinstance(exc.__cause__, ApiError):
        # django-ninja wraps whatever the body parser raises in "Cannot parse request body" (400):
        # the parser's own answer says what is wrong, and with which status (413 for a large body).
        return _api_error(request, exc.__cause__)
    return api.create_response(request, {"error": str(exc)}, status=exc.status_code)


api.add_router("/", stories_router)
api.add_router("/", magnitude_router)
api.add_router("/", campaigns_router)
api.add_router("/", matching_router)
api.add_router("/", journal_router)
api.add_router("/", upstanders_router)
