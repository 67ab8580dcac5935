"""The public help pages: support services by country, and how to stand with someone.

Both are open to everyone, need no account and set no cookie; the country comes from the page's own
form or the browser's language, never from the reader's address.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ustoo.safety import resources


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    country = resources.country_for_request(request)
    return render(
        request,
        "moderation/help/index.html",
        {
            "country": country,
            "country_name": resources.country_name(country) if country else "",
            "local_services": resources.services_in(country) if country else [],
            "emergency": resources.emergency_numbers(country),
            # With no country known, every listed country is shown, each under its own heading.
            "groups": [] if country else resources.grouped(),
            "international": resources.international(),
            "choices": resources.listed_countries(),
            "checked": resources.directory().checked,
        },
    )


@require_safe
def stand_with(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/help/stand_with.html")
