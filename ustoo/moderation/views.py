"""Moderator pages, under /moderate/, apart from the public ones; and the members' flag form."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from ustoo.accounts import throttle
from ustoo.accounts.forms import ConfirmPassphraseForm
from ustoo.accounts.models import Member
from ustoo.core import ratelimit
from ustoo.core.views import too_many_requests
from ustoo.moderation import queue as moderation_queue
from ustoo.moderation import services
from ustoo.moderation.access import mark_passphrase_confirmed, moderator_required
from ustoo.moderation.forms import (
    DecisionForm,
    FlagForm,
    MemberActionForm,
    MemberSearchForm,
    QueueFilterForm,
    ReplyDecisionForm,
    SlowModeForm,
    StoryVersionForm,
)
from ustoo.moderation.models import Decision
from ustoo.stories.access import get_story_for_reader
from ustoo.stories.models import Reply, Status, Story

QUEUE_PAGE_SIZE = 25


def _refusal_page(request: HttpRequest, message: str, *, status: int, retry_after: int | None = None):
    response = render(
        request, "error.html", {"title": _("Please wait a moment"), "message": message}, status=status
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def confirm_passphrase(request: HttpRequest) -> HttpResponse:
    form = ConfirmPassphraseForm(request.user, request.POST or None)
    context = {"form": form, "idle_minutes": settings.MODERATOR_IDLE_MINUTES}
    if request.method == "POST" and (wait := throttle.passphrase_attempt(request, request.user.username)):
        # An unbound form: showing the typed one would check the passphrase after all.
        context["form"] = ConfirmPassphraseForm(request.user)
        return throttle.refused(request, "moderation/confirm.html", context, wait)
    if request.method == "POST" and form.is_valid():
        throttle.passphrase_was_right(request, request.user.username)
        mark_passphrase_confirmed(request)
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = "moderation:queue"
        return redirect(target)
    return render(
        request,
        "moderation/confirm.html",
        context,
        status=400 if form.errors else 200,
    )


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    state = cleaned.get("state") or "pending"
    stories = moderation_queue.with_open_flag_counts(Story.objects.select_related("statement"))
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
    page = Paginator(stories.order_by(*moderation_queue.QUEUE_ORDER), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    more = request.GET.copy()
    more.pop("page", None)
    return render(
        request,
        "moderation/queue.html",
        {
            "page": page,
            "filters": filters,
            "state": state,
            "filtered": state != "pending" or bool(cleaned.get("language")),
            "counts": moderation_queue.counts(),
            "more_query": more.urlencode(),
        },
    )


@moderator_required
def flagged(request: HttpRequest) -> HttpResponse:
    """Stories and replies members flagged, with flags no moderator has answered yet: those the flags
    already hid come first (they wait for a decision), then the longest flagged."""
    hidden_story = Case(When(status=Status.HIDDEN, then=Value(0)), default=Value(1))
    stories = Paginator(
        moderation_queue.flagged_stories().order_by(hidden_story, "first_flag", "id"), QUEUE_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    replies = moderation_queue.flagged_replies().order_by("-hidden_by_moderators", "first_flag", "id")
    replies = Paginator(replies, QUEUE_PAGE_SIZE).get_page(request.GET.get("replies_page"))
    return render(request, "moderation/flagged.html", {"stories": stories, "replies": replies})


@moderator_required
def review(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("statement", "statement__member"), pk=story_id)
    return _render_review(request, story, DecisionForm(initial={"version": story.version}))


def _render_review(request, story, form, status=200, slow_mode_form=None):
    return render(
        request,
        "moderation/review.html",
        {
            "story": story,
            "form": form,
            "flags": story.flags.select_related(None).order_by("created_at"),
            "replies": moderation_queue.with_open_flag_counts(story.replies.select_related("member")),
            "slow_mode_form": slow_mode_form
            or SlowModeForm(initial={"seconds": story.slow_mode_seconds, "version": story.version}),
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
        return _block_receipt(request, story)
    if request.POST.get("reply"):
        return _decide_on_reply(request, story)
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
    return _after_decision(request, story, DECISION_OUTCOMES[data["action"]])


# What the moderator reads after each decision, above the next story or the empty queue.
DECISION_OUTCOMES = {
    DecisionForm.APPROVE: gettext_lazy("The story is published."),
    DecisionForm.REJECT: gettext_lazy("The story is not published: the author will see the reason."),
    DecisionForm.REQUEST_CHANGES: gettext_lazy("The author is asked to change the story: it waits for them."),
    DecisionForm.HIDE: gettext_lazy("The story is hidden: the author will see the reason."),
}


def _after_decision(request: HttpRequest, story: Story, outcome: str) -> HttpResponse:
    """On to the next story waiting, so a moderator works the queue without going back to it; to the
    queue, saying it is empty, when none is left."""
    following = moderation_queue.next_waiting_story(after=story)
    if following is None:
        # A story whose author was asked for changes still waits: the queue is then not empty.
        if moderation_queue.waiting_stories().exists():
            left = _("No other story is waiting.")
        else:
            left = _("The queue is empty.")
        messages.success(request, f"{outcome} {left}")
        return redirect("moderation:queue")
    next_one = _("Here is the next story waiting.")
    messages.success(request, f"{outcome} {next_one}")
    return redirect("moderation:review", story_id=following.pk)


def _refused_review(request, story, refusal: services.ModerationRefused) -> HttpResponse:
    story.refresh_from_db()
    form = DecisionForm(initial={"version": story.version})
    messages.error(request, str(refusal))
    return _render_review(
        request, story, form, status=403 if isinstance(refusal, services.NotPermitted) else 409
    )


def _block_receipt(request, story: Story) -> HttpResponse:
    form = StoryVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This form is missing the story's version: reload the page and try again."))
        return _render_review(request, story, DecisionForm(initial={"version": story.version}), status=400)
    try:
        services.block_receipt(
            story=story, moderator=request.user, expected_version=form.cleaned_data["version"]
        )
    except services.ModerationRefused as refusal:
        return _refused_review(request, story, refusal)
    messages.success(request, _("That receipt opens nothing any more. Who holds it stays unknown."))
    return redirect("moderation:review", story_id=story.pk)


def _decide_on_reply(request, story: Story) -> HttpResponse:
    form = ReplyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a reply, and whether to hide or restore it."))
        return _render_review(request, story, DecisionForm(initial={"version": story.version}), status=400)
    reply = get_object_or_404(Reply, pk=form.cleaned_data["reply"], story=story)
    try:
        services.set_reply_hidden_by_moderators(
            reply=reply, moderator=request.user, hidden=form.cleaned_data["hidden"] == "1"
        )
    except services.ModerationRefused as refusal:
        return _refused_review(request, story, refusal)
    return redirect("moderation:review", story_id=story.pk)


@moderator_required
@require_POST
def slow_mode(request: HttpRequest, story_id: int) -> HttpResponse:
    story = get_object_or_404(Story.objects.select_related("statement"), pk=story_id)
    form = SlowModeForm(request.POST)
    if not form.is_valid():
        return _render_review(
            request, story, DecisionForm(initial={"version": story.version}), status=400, slow_mode_form=form
        )
    try:
        services.set_slow_mode(
            story=story,
            moderator=request.user,
            seconds=form.cleaned_data["seconds"],
            expected_version=form.cleaned_data["version"],
        )
    except services.ModerationRefused as refusal:
        return _refused_review(request, story, refusal)
    messages.success(request, _("Slow mode saved."))
    return redirect("moderation:review", story_id=story.pk)


@moderator_required
def members(request: HttpRequest) -> HttpResponse:
    search = MemberSearchForm(request.GET)
    query = search.cleaned_data["q"][:40] if search.is_valid() else ""
    found = Member.objects.order_by("-date_joined")
    if query:
        found = found.filter(username__icontains=query)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(request, "moderation/members.html", {"page": page, "q": query})


@moderator_required
@require_http_methods(["GET", "POST"])
def member(request: HttpRequest, member_id: int) -> HttpResponse:
    """One member's standing, and the decisions a moderator may take about them."""
    member = get_object_or_404(Member, pk=member_id)
    form = MemberActionForm(
        request.POST or None,
        member=member,
        moderator=request.user,
        initial={"state": services.member_state(member)},
    )
    if request.method == "GET":
        return _render_member(request, member, form)
    if not form.is_valid():
        return _render_member(request, member, form, status=400)
    data = form.cleaned_data
    try:
        services.check_may_decide_about(member, request.user)
        if data["action"] in MemberActionForm.NEEDS_CONFIRMATION and not data["confirmed"]:
            return render(request, "moderation/member_confirm.html", _confirmation(member, data))
        _apply_member_action(request, member, data)
    except services.ModerationRefused as refusal:
        # Shown with the member as they are now, so the next decision starts from what is true.
        member.refresh_from_db()
        messages.error(request, str(refusal))
        fresh = MemberActionForm(
            member=member, moderator=request.user, initial={"state": services.member_state(member)}
        )
        return _render_member(
            request, member, fresh, status=403 if isinstance(refusal, services.NotPermitted) else 409
        )
    messages.success(request, MEMBER_OUTCOMES[data["action"]] % {"name": member.username})
    return redirect("moderation:member", member_id=member.pk)


def _render_member(request, member: Member, form: MemberActionForm, status: int = 200) -> HttpResponse:
    try:
        services.check_may_decide_about(member, request.user)
        refusal = ""
    except services.NotPermitted as not_permitted:
        refusal = str(not_permitted)
    return render(
        request,
        "moderation/member.html",
        {"member": member, "form": form, "refusal": refusal},
        status=status,
    )


def _apply_member_action(request, member: Member, data: dict) -> None:
    state = data["state"]
    match data["action"]:
        case MemberActionForm.PROMOTE:
            services.promote(member=member, moderator=request.user, expected_state=state)
        case MemberActionForm.MAKE_MODERATOR:
            services.make_moderator(member=member, moderator=request.user, expected_state=state)
        case MemberActionForm.SUSPEND:
            services.suspend(member=member, moderator=request.user, days=data["days"], expected_state=state)
        case MemberActionForm.BAN:
            services.ban(member=member, moderator=request.user, expected_state=state)
        case MemberActionForm.REINSTATE:
            services.reinstate(member=member, moderator=request.user, expected_state=state)


MEMBER_OUTCOMES = {
    MemberActionForm.PROMOTE: gettext_lazy(
        "%(name)s is now a member: their stories publish without waiting."
    ),
    MemberActionForm.MAKE_MODERATOR: gettext_lazy("%(name)s is now a moderator."),
    MemberActionForm.SUSPEND: gettext_lazy("%(name)s is suspended."),
    MemberActionForm.BAN: gettext_lazy("%(name)s is banned."),
    MemberActionForm.REINSTATE: gettext_lazy("%(name)s is reinstated."),
}


def _confirmation(member: Member, data: dict) -> dict[str, object]:
    """What the confirmation page of a suspension or a ban says will happen, and sends back."""
    days = data["days"] if data["action"] == MemberActionForm.SUSPEND else None
    return {
        "member": member,
        "action": data["action"],
        "days": days,
        "until": timezone.now() + datetime.timedelta(days=days) if days else None,
        "state": data["state"],
    }


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
        except services.FlagLimited as refusal:
            return _refusal_page(request, str(refusal), status=429, retry_after=refusal.retry_after)
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
