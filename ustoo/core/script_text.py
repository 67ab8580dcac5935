"""The words the pages' scripts show (the journal's and the escrow's front ends), in the reader's language.

They are in the scripts' sources (each front end's words.js), in gettext's `djangojs` domain, and reach the
browser as Django's JavaScript catalogue: a script file from this site (the CSP allows no inline script),
loaded before the page's own script. Its ngettext picks a counted message's form by the catalogue's
Plural-Forms, as the server does: every form a language has (Arabic's six, Chinese's one) is in it.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

CATALOGUE = JavaScriptCatalog.as_view(domain="djangojs")


# The language is in the address, so that the script always matches the page that names it. Each process
# keeps what it made for a day (the catalogues change only with a new release, which restarts it); the
# browser keeps nothing (core/middleware.py), as for every answer of the site.
@cache_page(24 * 60 * 60, cache="pages", key_prefix="script-words")
def catalogue(request: HttpRequest, language: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        return CATALOGUE(request)
