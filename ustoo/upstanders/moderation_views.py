"""Moderator pages for what upstanders wrote, under /moderate/upstanders/: nothing is shown to anyone
else before a moderator has read it."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ustoo.moderation.access import moderator_required
from ustoo.upstanders import services
from ustoo.upstanders.forms import WordsDecisionForm
from ustoo.upstanders.models import OwnWords, WordsDecision

PAGE_SIZE = 25


def _queue_page(request: HttpRequest, *, forms=None, status: int = 200) -> HttpResponse:
    page = Paginator(OwnWords.objects.waiting(), PAGE_SIZE).get_page(request.GET.get("page"))
    forms = forms or {}
    return render(
        request,
        "upstanders/moderation/queue.html",
        {
            "page": page,
            "items": [
                (words, forms.get(words.pk) or WordsDecisionForm(prefix=f"w{words.pk}")) for words in page
            ],
            "log": WordsDecision.objects.all()[:10],
        },
        status=status,
    )


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    return _queue_page(request)


@moderator_required
@require_POST
def decide(request: HttpRequest, words_id: int) -> HttpResponse:
    words = get_object_or_404(OwnWords, pk=words_id)
    form = WordsDecisionForm(request.POST, prefix=f"w{words.pk}")
    if not form.is_valid():
        return _queue_page(request, forms={words.pk: form}, status=400)
    publish = form.cleaned_data["decision"] == WordsDecisionForm.PUBLISH
    try:
        services.decide_on_words(
            words=words, publish=publish, moderator=request.user, code=form.cleaned_data["code"]
        )
    except services.DecisionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("Published.") if publish else _("Not published: the words will be deleted.")
        )
    return redirect("upstanders_moderation:queue")
