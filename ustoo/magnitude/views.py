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
from ustoo.magnitude.services import current_release

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


def _figures() -> tuple[dict, object]:
    release = current_release()
    window = figures.parse_window(since=None, until=None, today=timezone.now().date())
    return figures.open_data(release=release, names=list(figures.BREAKDOWNS), window=window), release


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    def render_page() -> HttpResponse:
        data, release = _figures()
        context = {
            **_live_total(),
            "data": data,
            "findings": page.findings(data),
            "sections_html": page.sections_html(data, release),
        }
        return render(request, "magnitude/index.html", context)

    return shared_page(request, "magnitude", render_page)


@require_safe
def total(request: HttpRequest) -> HttpResponse:
    """The live total alone, for htmx to swap in every few seconds."""
    return render(request, "magnitude/index.html#total", _live_total())


@require_safe
def how_we_count(request: HttpRequest) -> HttpResponse:
    release = current_release()
    context = {
        "k": release.k,
        "epsilon": release.epsilon,
        "epsilon_per_breakdown": release.figures["epsilon_per_breakdown"],
        "noise_scale": {
            page.titles()[name]: release.figures["noise_scale"][dimension]
            for name, dimension in figures.BREAKDOWNS.items()
            if dimension in release.figures["noise_scale"]
        },
        "release_minutes": services.release_seconds() // 60,
        "hours_shown": services.hours_shown(),
        "timezone": settings.TIME_ZONE,
        "window_days": figures.DEFAULT_WINDOW_DAYS,
        "breakdown_count": len(release.figures["noise_scale"]),
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
    data, release = _figures()
    svg = page.chart(name, data, release)
    if svg is None:
        return _not_found(_("Not enough statements yet to show this without risking someone's privacy."))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="magnitude-{name}.svg"'
    return response
