"""The escrow's pages. Survivors: what the escrow is and who may use it (`index`), making an entry
(`new_entry`: the browser does every step of it, frontend/ bundled into static/matching/), the entries
they hold and withdrawing one (plain pages and a form, which work without JavaScript). Counselors: how
many matches there are, the key entries are sealed to, and the export to open offline with `ustoo
matching open` (COUNSELORS.md)."""

import orjson
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ustoo.matching import hpke, oprf_client, page_text, services
from ustoo.matching.forms import ExportForm
from ustoo.matching.models import CounselorKey, Entry


def _keys() -> dict:
    """The two keys a survivor can compare before making an entry (PROTOCOL.md, threat model): the
    counselors' fingerprint, and the OPRF service's public key (None while the service is not answering)."""
    key = CounselorKey.objects.current()
    try:
        oprf_key = oprf_client.public_key().hex()
    except oprf_client.ServiceUnavailable:
        oprf_key = None
    return {
        "counselor_fingerprint": hpke.readable_fingerprint(key.fingerprint) if key else "",
        "oprf_key": hpke.readable_fingerprint(oprf_key) if oprf_key else "",
    }


def _standing(request: HttpRequest) -> dict:
    """Whether this reader may make entries, and if not, why (in words for them)."""
    member = request.user
    return {
        "why_not": services.why_not_allowed(member) if member.is_authenticated else "",
        "min_days": settings.MATCHING_MIN_ACCOUNT_DAYS,
        "evaluations_per_day": settings.MATCHING_EVALUATIONS_PER_DAY,
        "entries_allowed": settings.MATCHING_ENTRIES_PER_ACCOUNT,
        "counselors": settings.MATCHING_COUNSELORS,
        "counselors_url": settings.MATCHING_COUNSELORS_URL,
    }


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/index.html", {**_keys(), **_standing(request)})


@login_required
@require_safe
def new_entry(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "matching/new.html",
        {
            **_standing(request),
            "key_ready": CounselorKey.objects.current() is not None,
            "matching_params": {
                "api": reverse("api:params").removesuffix("params"),
                "entries": reverse("matching:entries"),
            },
            "identifier_kinds": page_text.identifier_kinds(),
        },
    )


@login_required
@require_safe
def entries(request: HttpRequest) -> HttpResponse:
    return render(request, "matching/entries.html", {"entries": services.entries_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, reference: str) -> HttpResponse:
    """A page that asks once, then a form that deletes: withdrawing needs no JavaScript."""
    entry = get_object_or_404(services.entries_of(request.user), reference=reference)
    if request.method == "POST":
        services.withdraw(request.user, entry.reference)
        messages.success(request, _("Your entry was withdrawn. It is deleted from the site."))
        return redirect("matching:entries")
    return render(request, "matching/withdraw.html", {"entry": entry})


@login_required
@require_http_methods(["GET", "POST"])
def counselor(request: HttpRequest) -> HttpResponse:
    if not services.is_counselor(request.user):
        raise PermissionDenied
    form = ExportForm(request.POST or None, member=request.user)
    if request.method == "POST" and form.is_valid():
        export = services.export_for(request.user)
        response = HttpResponse(
            orjson.dumps(export, option=orjson.OPT_INDENT_2), content_type="application/json"
        )
        name = f"matching-export-{timezone.now():%Y%m%d-%H%M}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    key = CounselorKey.objects.current()
    return render(
        request,
        "matching/counselor.html",
        {
            "form": form,
            "matches": services.match_count(),
            "entries": Entry.objects.count(),
            "key": key,
            "fingerprint": hpke.readable_fingerprint(key.fingerprint) if key else "",
        },
        status=400 if form.errors else 200,
    )
