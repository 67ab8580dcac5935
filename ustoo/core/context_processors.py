import functools
from types import MappingProxyType

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse

# The links of the layout every page extends (templates/base.html), by the name it uses for each.
_LAYOUT_LINKS = {
    "wall": "stories:wall",
    "speak": "stories:speak",
    "enter_receipt": "stories:enter_receipt",
    "preferences": "stories:preferences",
    "magnitude": "magnitude:index",
    "movement": "movement:index",
    "campaigns": "campaigns:index",
    "help": "help:index",
    "stand_with": "help:stand_with",
    "account": "accounts:home",
    "login": "accounts:login",
    "logout": "accounts:logout",
    "set_language": "set_language",
    "about": "about",
}


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "layout_links": _layout_links(get_script_prefix()),
    }


@functools.lru_cache(maxsize=8)
def _layout_links(script_prefix: str) -> MappingProxyType:
    """The layout's links, reversed once per script prefix (the part of the address a deployment
    under a sub-path adds, and the only thing they depend on). Every page shows them, and reversing
    fourteen names on every render cost as much as the rest of a small page."""
    links = {}
    for key, name in _LAYOUT_LINKS.items():
        try:
            links[key] = reverse(name)
        except NoReverseMatch:  # a part of the site left out of the URLs: no link to it
            continue
    return MappingProxyType(links)
