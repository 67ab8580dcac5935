"""The magnitude pages: the figures, how they are counted, and a counter other sites can embed."""

import datetime
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_safe

from ustoo.magnitude import charts, figures, page, release, services

# The embeddable counter may be framed by any site; every other page keeps frame-ancestors 'none'.
EMBED_CSP = {**settings.SECURE_CSP, "frame-ancestors": ["*"]}


def _total() -> dict:
    """The day's exact total, and the last day it counts: it changes once a day, not when anyone speaks.
    Kept apart from the release in the cache: the badge and the counter on other sites need only it."""
    total, as_of = services.for_this_release(
        "total", make=lambda today: (today.figures["statements"], today.as_of)
    )
    return {
        "total": total,
        "total_display": formats.number_format(total, force_grouping=True),
        "last_day": as_of - datetime.timedelta(days=1),
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    # The figures change once a day: their HTML is kept per release and language (page.released_part).
    return render(request, "magnitude/index.html", {**_total(), "released_html": page.released_part()})


def _privacy_terms() -> dict:
    """The budget and what it buys, as numbers the template formats for the reader's language."""
    budget = services.lifetime_rho()
    rows = []
    for name, spec in services.BREAKDOWNS.items():
        variance = services.sigma_squared(spec, budget)
        rows.append(
            {
                "title": page.titles()[name],
                "share": round(100 * spec.share),
                "sd": float(variance) ** 0.5,
                "margin": release.margin(variance),
            }
        )
    epsilon = services.magnitude_epsilon()
    return {
        "epsilon": epsilon,
        "e_to_epsilon": math.exp(min(epsilon, 50)),
        "delta_one_in": round(1 / release.DELTA),
        "rho": float(budget),
        "shares": rows,
        "min_cohort": services.MIN_COHORT_STATEMENTS,
        "max_months": services.MAX_COHORT_MONTHS,
        "hashtags_per_statement": services.HASHTAGS_PER_STATEMENT,
    }


@require_safe
def how_we_count(request: HttpRequest) -> HttpResponse:
    context = {
        **_privacy_terms(),
        "timezone": settings.TIME_ZONE,
        "window_days": figures.DEFAULT_WINDOW_DAYS,
    }
    return render(request, "magnitude/how_we_count.html", context)


@require_safe
@xframe_options_exempt
@csp_override(EMBED_CSP)
def embed(request: HttpRequest) -> HttpResponse:
    response = render(request, "magnitude/embed.html", _total())
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_safe
def badge(request: HttpRequest) -> HttpResponse:
    svg = charts.badge(_("me too"), _total()["total_display"])
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    # Other sites show it with <img>.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
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
    svg = page.chart_download(name)
    if svg is None:
        return _not_found(_("Too few statements yet to show this chart."))
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    as_of = services.current_release().as_of.isoformat()
    response["Content-Disposition"] = f'attachment; filename="magnitude_{name}_as-of-{as_of}.svg"'
    return response
