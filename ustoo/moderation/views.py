"""Moderator pages, under /moderate/, apart from the public ones; and the members' flag form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ustoo.accounts.forms import ConfirmPassphraseForm
from ustoo.accounts.models import Member
from ustoo.core import ratelimit
from ustoo.core.views import too_many_requests
from ustoo.moderation import services
from ustoo.moderation.access import mark_passphrase_confirmed, moderator_required
from ustoo.moderation.forms import DecisionForm, FlagForm, MemberActionForm, QueueFilterForm, SlowModeForm
from ustoo.moderation.models import Decision
from ustoo.stories.access import get_story_for_reader
from ustoo.stories.models import Reply, Status, Story

QUEUE_PAGE_SIZE = 25


@login_required
@require_http_methods(["GET", "POST"])
def confirm_passphrase(request: HttpRequest) -> HttpResponse:
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        mark_passphrase_confirmed(request)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "moderation:queue"
        return redirect(target)
    return render(request, "moderation/confirm.html", {"form": form}, status=400 if form.errors else 200)


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    state = cleaned.get("state") or "pending"
    stories = Story.objects.select_related("statement").annotate(
        open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True))
    )
    if state == "hidden":
        stories = stories.filter(status=Status.HIDDEN)
    else:
        stories = stories.filter(status=Status.PENDING)
        if state == "identifies":
            stories = stories.filter(identifies_someone=True)
        elif state == "urgent":
            stories = stories.filter(urgent=True)
    if cleaned.get("language"):
        stories = stories.filter(language=cleaned["language"])
    # Danger first, then the oldest: nobody waits behind newer stories.
    page = Paginator(stories.order_by("-urgent", "created_at", "id"), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = {
        "pending": Story.objects.filter(status=Status.PENDING).count(),
        "hidden": Story.objects.filter(status=Status.HIDDEN).count(),
    }
    return render(
        request, "moderation/queue.html", {"page": page, "filters": filters, "state": state, "counts": counts}
    )


@moderator_required
def review(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("statement", "statement__member"), pk=story_id)
    return _render_review(request, story, DecisionForm(initial={"version": story.version}))


def _render_review(request, story, form, status=200):
    return render(
        request,
        "moderation/review.html",
        {
            "story": story,
            "form": form,
            "flags": story.flags.select_related(None).order_by("created_at"),
            "replies": story.replies.select_related("member"),
            "slow_mode_form": SlowModeForm(initial={"seconds": story.slow_mode_seconds}),
            # Anonymous authors stay anonymous here: only a named member's username is shown.
            "named_author": story.statement.member,
        },
        status=status,
    )


@moderator_required
@require_POST
def decide(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("statement"), pk=story_id)
    if request.POST.get("block_receipt"):
        services.block_receipt(statement=story.statement, moderator=request.user)
        messages.success(request, _("That receipt opens nothing any more. Who holds it stays unknown."))
        return redirect("moderation:review", story_id=story.pk)
    if reply_id := request.POST.get("reply"):
        reply = get_object_or_404(Reply, pk=reply_id, story=story)
        services.set_reply_hidden_by_moderators(
            reply=reply, moderator=request.user, hidden=request.POST.get("hidden") == "1"
        )
        return redirect("moderation:review", story_id=story.pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_review(request, story, form, status=400)
    data = form.cleaned_data
    try:
        match data["action"]:
            case DecisionForm.APPROVE:
                services.approve_story(story=story, moderator=request.user, expected_version=data["version"])
            case DecisionForm.REJECT:
                services.reject_story(
                    story=story,
                    moderator=request.user,
                    code=data["code"],
                    message=data["message"],
                    expected_version=data["version"],
                )
            case DecisionForm.REQUEST_CHANGES:
                services.request_changes(
                    story=story,
                    moderator=request.user,
                    message=data["message"],
                    expected_version=data["version"],
                )
            case DecisionForm.HIDE:
                services.hide_story(
                    story=story,
                    moderator=request.user,
                    code=data["code"],
                    message=data["message"],
                    expected_version=data["version"],
                )
    except services.ModerationRefused as refusal:
        story.refresh_from_db()
        form.add_error(None, str(refusal))
        return _render_review(request, story, form, status=409)
    messages.success(request, _("Done. Next story:"))
    return redirect("moderation:queue")


@moderator_required
@require_POST
def slow_mode(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story, pk=story_id)
    form = SlowModeForm(request.POST)
    if form.is_valid():
        services.set_slow_mode(story=story, moderator=request.user, seconds=form.cleaned_data["seconds"])
        messages.success(request, _("Slow mode saved."))
    else:
        messages.error(request, _("Give a number of seconds between 0 and one week."))
    return redirect("moderation:review", story_id=story.pk)


@moderator_required
def members(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:40]
    found = Member.objects.order_by("-date_joined")
    if query:
        found = found.filter(username__icontains=query)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/members.html", {"page": page, "q": query, "form": MemberActionForm()})


@moderator_required
@require_POST
def member_action(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member, pk=member_id)
    form = MemberActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
        return redirect("moderation:members")
    action = form.cleaned_data["action"]
    try:
        match action:
            case MemberActionForm.PROMOTE:
                services.promote(member=member, moderator=request.user)
            case MemberActionForm.SUSPEND:
                services.suspend(member=member, moderator=request.user, days=form.cleaned_data["days"])
            case MemberActionForm.BAN:
                services.ban(member=member, moderator=request.user)
            case MemberActionForm.REINSTATE:
                services.reinstate(member=member, moderator=request.user)
    except services.ModerationRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("moderation:members")
    messages.success(request, _("Saved."))
    return redirect("moderation:members")


@moderator_required
def audit_log(request: HttpRequest) -> HttpResponse:
    page = Paginator(Decision.objects.all(), 100).get_page(request.GET.get("page"))
    return render(request, "moderation/log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def flag_story(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_story_for_reader(request, story_id)
    return _flag(request, form_target=story, story=story)


@login_required
@require_http_methods(["GET", "POST"])
def flag_reply(request: HttpRequest, reply_id: int) -> HttpResponse:
    reply = get_object_or_404(Reply.objects.visible(), pk=reply_id)
    story = get_story_for_reader(request, reply.story_id)
    return _flag(request, form_target=story, reply=reply)


def _flag(request, *, form_target: Story, story=None, reply=None) -> HttpResponse:
    form = FlagForm(request.POST or None)
    if request.method == "POST" and (wait := ratelimit.hit(request, "flag")) is not None:
        return too_many_requests(request, wait)
    if request.method == "POST" and form.is_valid():
        try:
            added = services.flag(
                member=request.user, reason=form.cleaned_data["reason"], story=story, reply=reply
            )
        except services.ModerationRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(form_target)
        if added:
            messages.success(request, _("Thank you. Moderators will look at it."))
        else:
            messages.info(request, _("You already flagged this."))
        return redirect(form_target if form_target.status == Status.PUBLISHED else "stories:wall")
    return render(
        request,
        "moderation/flag.html",
        {"form": form, "story": form_target, "reply": reply},
        status=400 if form.errors else 200,
    )
