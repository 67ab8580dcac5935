"""The counselors' page: how many matches there are, the key entries are sealed to, and the export to
open offline with `ustoo matching open` (COUNSELORS.md). Survivors' pages are the browser's (frontend/)."""

import orjson
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ustoo.matching import hpke, services
from ustoo.matching.forms import ExportForm
from ustoo.matching.models import CounselorKey, Entry


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
