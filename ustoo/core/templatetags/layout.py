"""Parts of the layout (templates/base.html) that are the same for every reader of a language.

Every page extends the layout, and most of what it renders — the stylesheet's and scripts' hashed
addresses, the quick exit, the site's links in the reader's language, the list of languages, the
footer — depends on nothing but the language and the address the site is served under. Rendering it
for each request cost about as much as the rest of a small page (the confirmation of a signature,
say), so each part is rendered once per language and script prefix and kept for the life of the
process. What depends on the reader (their account, the CSRF token, the page's own address, messages)
stays in the layout itself. Nothing is kept while DEBUG is on, so edited templates show at once, and
a change of settings (tests) forgets what was kept.
"""

import functools

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from ustoo.core.context_processors import layout_context

register = template.Library()

PARTS = frozenset({"head", "quick_exit", "nav_links", "language_options", "footer"})


@register.simple_tag
def layout_part(name: str) -> SafeString:
    if name not in PARTS:
        raise template.TemplateSyntaxError(f"No layout part named {name!r}")
    if settings.DEBUG:
        return _render(name, get_language(), get_script_prefix())
    return _rendered(name, get_language(), get_script_prefix())


@functools.lru_cache(maxsize=64)
def _rendered(name: str, language: str | None, script_prefix: str) -> SafeString:
    return _render(name, language, script_prefix)


def _render(name: str, language: str | None, script_prefix: str) -> SafeString:
    # The template's own escaping applies; the result is HTML to insert as it is.
    return mark_safe(get_template(f"layout/{name}.html").render(layout_context(language, script_prefix)))  # noqa: S308


def _forget(**kwargs) -> None:
    _rendered.cache_clear()


setting_changed.connect(_forget, dispatch_uid="ustoo.core.templatetags.layout")
