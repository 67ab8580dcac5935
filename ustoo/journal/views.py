"""The journal's pages. The journal itself lives in the browser (frontend/, bundled into
static/journal/): the page gives it its parameters and its questions, the site's JavaScript catalogue
its words (core/script_text.py), and the JSON API (api.py) keeps what it sends. Without JavaScript the
page offers the paper log."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ustoo.journal import params, questions


@require_safe
def journal(request):
    return render(
        request,
        "journal/journal.html",
        {
            "journal_params": params.for_browser(),
            "journal_questions": questions.for_browser(),
            "kinds": questions.KINDS,
        },
    )


@require_safe
def paper_log(request):
    return render(request, "journal/paper_log.html", {"kinds": questions.KINDS})
