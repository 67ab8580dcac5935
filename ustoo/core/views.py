from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare view: what a load balancer polls, and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


def _error_page(request: HttpRequest, *, title: str, message: str, status: int) -> HttpResponse:
    """The error page, or under /api/ the API's JSON error shape: a client of the API never gets HTML."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"error": f"{title}. {message}"}, status=status)
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error_page(
        request,
        title=_("This form expired"),
        message=_(
            "For your safety, forms here only work for a while and only from this site. "
            "Go back, reload the page, and send it again: what you typed may still be there."
        ),
        status=403,
    )


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if isinstance(exception, RequestDataTooBig):
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return _error_page(
            request,
            title=_("What you sent is too large"),
            message=_(
                "It is more than %(limit)s, far more than a story can hold (20,000 characters). "
                "Go back: what you typed may still be there. Shorten it and send it again."
            )
            % {"limit": limit},
            status=413,
        )
    return _error_page(
        request,
        title=_("Something in this request was not right"),
        message=_("Go back and try again."),
        status=400,
    )


def not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(
        request,
        title=_("Nothing here"),
        message=_("This page does not exist, or is not for you to see."),
        status=404,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """Django has logged the error with its traceback (never the client's address: see LOGGING)."""
    return _error_page(
        request,
        title=_("Something went wrong on our side"),
        message=_("Nothing you sent was lost. Please try again in a moment."),
        status=500,
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "error.html",
        {
            "title": _("Please wait a moment"),
            "message": _("There were many attempts from here in a short time. Try again in a few minutes."),
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response
