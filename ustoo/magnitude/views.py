"""The magnitude pages: the figures, how they are counted, and a counter other sites can embed."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from ustoo.core.shared_pages import shared_page
from ustoo.magnitude import charts, figures, page, services
from ustoo.magnitude.per_release import once_per_release

# The embeddable counter may be framed by any site; every other page keeps frame-ancestors 'none'.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _live_total() -> dict:
    total, as_of = figures.headline()
    return {
        "total": total,
        "total_display": formats.number_format(total, force_grouping=True),
        "as_of": as_of,
        "live_seconds": getattr(settings, "MAGNITUDE_LIVE_SECONDS", 5),
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    def render_page() -> HttpResponse:
        context = {**_live_total(), "released_html": page.released_part(now=timezone.now())}
        return render(request, "magnitude/index.html", context)

    return shared_page(request, "magnitude", render_page)


@require_safe
def total(request: HttpRequest) -> HttpResponse:
    """The live total alone, for htmx to swap in every few seconds."""
    return render(request, "magnitude/index.html#total", _live_total())


@require_safe
def how_we_count(request: HttpRequest) -> HttpResponse:
    terms = once_per_release("terms", make=figures.release_terms)
    context = {
        "k": terms["k"],
        "epsilon": terms["epsilon"],
        "epsilon_per_breakdown": terms["epsilon_per_breakdown"],
        "noise_scale": {page.titles()[name]: scale for name, scale in terms["noise_scale"].items()},
        "release_minutes": services.release_seconds() // 60,
        "hours_shown": services.hours_shown(),
        "timezone": settings.TIME_ZONE,
        "window_days": figures.DEFAULT_WINDOW_DAYS,
        "breakdown_count": terms["breakdown_count"],
    }
    return render(request, "magnitude/how_we_count.html", context)


@require_safe
@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed(request: HttpRequest) -> HttpResponse:
    response = render(request, "magnitude/embed.html", _live_total())
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
def badge(request: HttpRequest) -> HttpResponse:
    total, _as_of = figures.headline()
    svg = charts.badge(_("me too"), formats.number_format(total, force_grouping=True))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Other sites show it with <img>; a minute of caching keeps it live enough and cheap.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=60"
    return response


def _not_found(message: str) -> HttpResponse:
    return HttpResponseNotFound(message, content_type="text/plain; charset=utf-8")


@require_safe
def chart_svg(request: HttpRequest, name: str) -> HttpResponse:
    if name not in page.SECTIONS:
        return _not_found(
            _("There is no chart called “%(name)s”. The charts are: %(names)s.")
            % {"name": name, "names": ", ".join(page.SECTIONS)}
        )
    svg = page.chart_download(name, now=timezone.now())
    if svg is None:
        return _not_found(_("Not enough statements yet to show this without risking someone's privacy."))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="magnitude-{name}.svg"'
    return response
