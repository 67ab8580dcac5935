"""What the journal's page tells the browser (PROTOCOL.md, "Parameters"), and its word list.

The journal page's view (views.py) puts for_browser() in `<script type="application/json"
id="journal-params">`; words_txt serves /journal/words.txt."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from ustoo.core import keys, receipts
from ustoo.journal.codec import b64u

# Argon2id's cost is part of the protocol, not a setting: every lookup id and key-encryption key was
# derived with it, so another value would open no journal made before. OWASP's first recommendation.
ARGON2 = {"m": 19456, "t": 2, "p": 1}
# How many attachments one entry may name (the API refuses a longer list).
ATTACHMENTS_PER_ENTRY = 200


def site_salt() -> bytes:
    """Public and the same for every journal of this deployment: Argon2id's salt with the codename."""
    return keys.derive("journal-site-salt")[:16]


def for_browser() -> dict:
    return {
        "argon2": ARGON2,
        "site_salt": b64u(site_salt()),
        "limits": {
            "entry_bytes": settings.JOURNAL_ENTRY_MAX_BYTES,
            "attachment_bytes": settings.JOURNAL_ATTACHMENT_MAX_BYTES,
            "attachments_per_entry": ATTACHMENTS_PER_ENTRY,
            "attachments_per_journal": settings.JOURNAL_MAX_ATTACHMENTS,
            "journal_bytes": settings.JOURNAL_MAX_BYTES,
        },
        "words": "/journal/words.txt",
        "api": "/api/v1/journal/",
    }


@require_safe
def words_txt(request: HttpRequest) -> HttpResponse:
    """The receipts' word list, one word a line, from which the browser draws codenames. no-store like
    every answer (core.middleware): a cached copy would tell whoever holds the browser that the journal
    was opened."""
    return HttpResponse(
        "".join(f"{word}\n" for word in receipts.words()), content_type="text/plain; charset=utf-8"
    )
