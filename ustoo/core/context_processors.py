import functools
from types import MappingProxyType

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.translation import get_language, gettext, gettext_noop

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

# The layout's words, by the name it uses for each.
_LAYOUT_TEXT = {
    "quick_exit": gettext_noop("Quick exit"),
    "quick_exit_hint": gettext_noop("or press Shift 3 times"),
    "main_nav": gettext_noop("Main"),
    "say_me_too": gettext_noop("Say “me too”"),
    "stories": gettext_noop("Stories"),
    "magnitude": gettext_noop("The magnitude"),
    "campaigns": gettext_noop("Campaigns"),
    "get_help": gettext_noop("Get help"),
    "movement": gettext_noop("The movement"),
    "have_receipt": gettext_noop("I have a receipt"),
    "my_account": gettext_noop("My account"),
    "log_out": gettext_noop("Log out"),
    "log_in": gettext_noop("Log in"),
    "language": gettext_noop("Language"),
    "change": gettext_noop("Change"),
    "privacy_footer": gettext_noop(
        "Nothing here records your address. Pages are not kept in your browser's cache, but your "
        "history still shows this site: the quick exit cannot erase it."
    ),
    "stand_with": gettext_noop("How to stand with someone"),
    "about": gettext_noop("About and privacy"),
    "preferences": gettext_noop("Reading preferences"),
}


def site(request: HttpRequest) -> dict[str, object]:
    return layout_context(get_language(), get_script_prefix())


def layout_context(language: str | None, script_prefix: str) -> dict[str, object]:
    """What the layout shows every reader of `language` on a site served under `script_prefix`."""
    return {
        "SITE_NAME": settings.SITE_NAME,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "layout_links": _layout_links(script_prefix),
        "layout_text": _layout_text(language),
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


@functools.lru_cache(maxsize=16)
def _layout_text(language: str | None) -> MappingProxyType:
    """The layout's words in `language` (the active one), translated once per language: twenty
    lookups on every render cost a third of a small page's time."""
    return MappingProxyType({key: gettext(message) for key, message in _LAYOUT_TEXT.items()})


def _forget(**kwargs) -> None:
    # The links and words depend on the URLs, languages and translations a change of settings (tests)
    # may replace; what the layout renders from them (templatetags/layout.py) forgets with them.
    _layout_links.cache_clear()
    _layout_text.cache_clear()


setting_changed.connect(_forget, dispatch_uid="ustoo.core.context_processors")
