"""/movement: the released aggregates of imported datasets.

Counts only: never a handle, a text or an author hash.
"""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ustoo.movement.charts import report_charts
from ustoo.movement.release import released


@require_safe
def index(request):
    reports = [{"report": report, "charts": report_charts(report)} for report in released()]
    return render(request, "movement/index.html", {"reports": reports})
