from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ustoo.safety import resources


def help_services(request: HttpRequest) -> dict[str, object]:
    """Support services for the reader's country, for any page that offers them (the receipt page,
    after someone has spoken). Lazy: pages that show none cost nothing."""

    def country() -> str | None:
        return resources.country_for_request(request)

    return {
        "help_country": SimpleLazyObject(lambda: country() or ""),
        "help_services": SimpleLazyObject(lambda: resources.services_for(country())),
        "crisis_services": SimpleLazyObject(lambda: resources.crisis_lines(country())),
    }
