"""/movement: the released aggregates of imported datasets, and the same figures as files.

Counts only: never a handle, a text or an author hash.
"""

import json

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ustoo.movement import downloads
from ustoo.movement.charts import report_charts
from ustoo.movement.release import released, released_report


def _released_or_404(dataset: str) -> dict:
    report = released_report(dataset)
    if report is None:
        raise Http404("No such released dataset.")
    return report


def _attachment(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _files(report: dict) -> list[dict]:
    """The downloads of one released report, for the page: what each holds, its file name, its address."""
    dataset = report["dataset"]
    return [
        *(
            {
                "title": table.title,
                "name": downloads.filename(report, table.name, "csv"),
                "url": reverse("movement:table_csv", args=[dataset, table.name]),
            }
            for table in downloads.TABLES.values()
        ),
        {
            "title": _("What each file counts, its window, time zone and partial days (metadata, JSON)"),
            "name": downloads.filename(report, "metadata", "json"),
            "url": reverse("movement:metadata", args=[dataset]),
        },
        {
            "title": _("Every figure in one file (JSON)"),
            "name": downloads.filename(report, "report", "json"),
            "url": reverse("movement:report_json", args=[dataset]),
        },
    ]


@require_safe
def index(request):
    reports = [
        {
            "report": report,
            "charts": report_charts(report),
            "files": _files(report),
            "metadata_name": downloads.filename(report, "metadata", "json"),
        }
        for report in released()
    ]
    return render(request, "movement/index.html", {"reports": reports})


@require_safe
def table_csv(request, dataset: str, table: str):
    report = _released_or_404(dataset)
    if table not in downloads.TABLES:
        raise Http404("No such table.")
    return _attachment(
        downloads.as_csv(report, downloads.TABLES[table]),
        "text/csv; charset=utf-8; header=present",  # RFC 4180: the first row is the header
        downloads.filename(report, table, "csv"),
    )


@require_safe
def metadata_json(request, dataset: str):
    report = _released_or_404(dataset)
    return _attachment(
        json.dumps(downloads.metadata(report), ensure_ascii=False, indent=2) + "\n",
        "application/json",
        downloads.filename(report, "metadata", "json"),
    )


@require_safe
def report_json(request, dataset: str):
    report = _released_or_404(dataset)
    return _attachment(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n",
        "application/json",
        downloads.filename(report, "report", "json"),
    )
