from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ustoo.moderation.access import moderator_required


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/moderation/queue.html", {"pending": []})
