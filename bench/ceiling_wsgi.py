"""The site with parts of signing and confirming switched off, for bench/campaigns_ceiling.py only.

An experiment, never served to anyone: it answers how fast signing and confirming could be if a
part the issue requires cost nothing. USTOO_BENCH_SKIP names the parts (comma-separated):

- ``form``: the signing form is not validated (no e-mail, country, postcode or length checks; the
  posted fields are taken as they are);
- ``page``: confirming answers a two-byte body instead of the confirmation page in the site's
  layout;
- ``mail``: no sender runs beside the server (signatures stay owed their e-mail; the web server
  never sends mail itself).

Everything else (middleware, CSRF, the statements, the redirect after signing) is the site's own.
"""

import os

from ustoo.wsgi import application  # noqa: F401  (Django is set up from here on)

SKIPPED = {part for part in os.environ.get("USTOO_BENCH_SKIP", "").split(",") if part}
UNKNOWN = SKIPPED - {"form", "page", "mail"}
if UNKNOWN:
    raise SystemExit(f"USTOO_BENCH_SKIP: no part named {', '.join(sorted(UNKNOWN))}")


class _UncheckedSignForm:
    """The fields as posted, with none of SignForm's checks."""

    def __init__(self, data) -> None:
        self.data = data

    def is_valid(self) -> bool:
        return True

    def signer(self, language: str):
        from ustoo.campaigns.services import SignerDetails

        return SignerDetails(
            name=self.data.get("name", ""),
            show_name=True,
            email=self.data["email"],
            country=self.data["country"],
            postcode=self.data.get("postcode", ""),
            language=language,
        )


def _bare_page(request, template_name, context=None, status=None):
    from django.http import HttpResponse

    return HttpResponse(b"ok", status=status or 200)


def _skip() -> None:
    from ustoo.campaigns import views

    if "form" in SKIPPED:
        views.SignForm = _UncheckedSignForm
    if "page" in SKIPPED:
        views.render = _bare_page  # the bench's requests never reach views' other pages


_skip()
