import datetime

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ustoo.core import contact as contact_mail
from ustoo.core import ratelimit
from ustoo.core.form_input import post_data
from ustoo.core.forms import ContactForm
from ustoo.core.operator import Operator

API_PREFIX = "/api/"
# When the accessibility statement was written and the site checked (axe in the browser tests): change
# it with the statement.
ACCESSIBILITY_CHECKED_ON = datetime.date(2026, 12, 7)


def healthz(request: HttpRequest) -> HttpResponse:
    """A bare view: what a load balancer polls, and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


# With indexing allowed, crawlers still stay out of what concerns one person (a story, an account, a
# receipt, a search), moderation and the forms.
NEVER_CRAWLED = [
    "/?",
    "/stories/",
    "/speak/",
    "/mine/",
    "/receipt/",
    "/reading/",
    "/account/",
    "/moderate/",
    "/flag/",
    "/contact/",
    "/step-up/pledge/",
    "/step-up/i-stepped-up/",
    "/step-up/i-own-what-i-did/",
    "/i18n/",
    "/api/",
]


@require_GET
def robots_txt(request: HttpRequest) -> HttpResponse:
    """Every page says noindex, and crawlers are turned away from all of them unless the operator
    allows indexing (ALLOW_INDEXING), and then only from the pages in NEVER_CRAWLED."""
    disallowed = NEVER_CRAWLED if settings.ALLOW_INDEXING else ["/"]
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in disallowed), ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


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


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    """Django's own 403 page is one English line. This one says what the missing page says: whether a
    page exists but belongs to someone else is not told either."""
    return _error_page(
        request,
        title=_("Nothing here"),
        message=_("This page does not exist, or is not for you to see."),
        status=403,
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


@require_GET
def language(request: HttpRequest) -> HttpResponse:
    """The language choice, as a form with a CSRF token for Django's set_language. The footer's
    form only leads here (GET): it is on every page, which anyone may be served alike."""
    languages = dict(settings.LANGUAGES)
    chosen = request.GET.get("language", "")
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    return render(
        request,
        "core/language.html",
        {"chosen": chosen if chosen in languages else get_language(), "next": next_url},
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about.html")


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice: who runs the site (from settings), and what is kept, for how long (from the
    retention settings), so it never says other than what this site does."""
    return render(
        request,
        "core/privacy.html",
        {
            "operator": Operator.from_settings(),
            "rejected_days": settings.RETENTION_REJECTED_DAYS,
            "receipt_days": settings.RECEIPT_LIFETIME_DAYS,
            "anonymise_days": settings.CAMPAIGN_ANONYMISE_DAYS,
            "session_length": _duration(settings.SESSION_COOKIE_AGE),
            "lockout_length": _duration(settings.LOGIN_LOCKOUT_SECONDS),
            "review_rule": _review_rule(),
        },
    )


def terms(request: HttpRequest) -> HttpResponse:
    return render(request, "core/terms.html", {"operator": Operator.from_settings()})


def guidelines(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/guidelines.html",
        {"flags_to_hide": settings.MODERATION_FLAGS_TO_HIDE, "review_rule": _review_rule()},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/accessibility.html",
        {
            "checked_on": ACCESSIBILITY_CHECKED_ON,
            "session_length": _duration(settings.SESSION_COOKIE_AGE),
            "moderator_idle": _duration(settings.MODERATOR_IDLE_MINUTES * 60),
        },
    )


def _review_rule() -> str:
    """Whose stories a moderator reads first, as the moderation settings have it (see
    stories.services): "untrusted" (everyone's but trusted members'), "all", or "none"."""
    if not settings.MODERATION_REVIEW:
        return "none"
    return "untrusted" if settings.MODERATION_TRUSTED_PUBLISH else "all"


def _duration(seconds: int) -> str:
    """A length of time as people say it ("8 hours", "1 hour, 30 minutes"), in Django's own words."""
    now = timezone.now()
    return timesince(now - datetime.timedelta(seconds=seconds), now)


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


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    """Write to the people who run the site: sent by e-mail, never stored. Without an address to send
    to (OPERATOR_EMAIL), the page says so instead of taking words that would go nowhere."""
    if not settings.OPERATOR_EMAIL:
        status = 503 if request.method == "POST" else 200
        return render(request, "core/contact.html", {"form": None}, status=status)
    if request.method != "POST":
        # A link may choose the topic (the accessibility statement's does).
        form = ContactForm(initial={"topic": request.GET.get("topic", "")[:20]})
        return render(request, "core/contact.html", {"form": form})
    data, undecodable = post_data(request)
    form = ContactForm(data, undecodable=undecodable)
    if (wait := ratelimit.hit(request, "contact")) is not None:
        # The form comes back with the message in it, to send once the wait is over.
        form.is_valid()
        form.errors.clear()
        form.add_error(None, _("Many messages came from here in a short time. Wait a while, then send it."))
        response = render(request, "core/contact.html", {"form": form}, status=429)
        response["Retry-After"] = str(wait)
        return response
    status = 400
    if form.is_valid():
        try:
            contact_mail.send_contact_message(form, language=get_language())
        except ValueError:
            form.add_error(
                "reply_to", _("An answer cannot be sent to this address. Check it, or leave it out.")
            )
        except contact_mail.NotSent:
            form.add_error(
                None, _("Your message could not be sent just now. Nothing is lost: try again later.")
            )
            status = 503
        else:
            return redirect("contact_sent")
    return render(request, "core/contact.html", {"form": form}, status=status)


@require_GET
def contact_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "core/contact_sent.html")
