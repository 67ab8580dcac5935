from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_page
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from ustoo.core import proof_of_work, ratelimit
from ustoo.core.form_input import post_data
from ustoo.core.views import too_many_requests
from ustoo.safety import naming_guard, resources
from ustoo.stories import access, services
from ustoo.stories.forms import (
    CountMeForm,
    DeleteForm,
    EditStoryForm,
    ReaderPreferencesForm,
    ReceiptForm,
    ReplyForm,
    ShareStoryForm,
    SolidarityForm,
    WallFilterForm,
    wants_to_share_a_story,
)
from ustoo.stories.models import Reply
from ustoo.stories.preferences import preferences_for, save_preferences
from ustoo.stories.wall import Cursor, wall_page

GUARD_REDACT, GUARD_SEND = "redact", "send"
HONEYPOT = "website"


# Readers without cookies share the page; anyone with a session (a member, a reading preference,
# a message) gets their own. Django learns the key from the response's Vary before the middleware
# adds theirs, hence Cookie here. The cache keeps it for WALL_CACHE_SECONDS (its max-age); browsers
# are told no-store (core.middleware).
@require_safe
@cache_page(None, cache="pages")
@vary_on_headers("Cookie", "HX-Request")
def wall(request: HttpRequest) -> HttpResponse:
    response = _render_wall(request)
    patch_cache_control(response, max_age=settings.WALL_CACHE_SECONDS)
    return response


def _render_wall(request: HttpRequest) -> HttpResponse:
    filters = WallFilterForm(request.GET)
    cleaned = filters.cleaned_data if filters.is_valid() else {}
    cursor = Cursor.decode(cleaned.get("before") or "") if cleaned.get("before") else None
    preferences = preferences_for(request)
    page = wall_page(
        reader=request.user,
        size=settings.WALL_PAGE_SIZE,
        cursor=cursor,
        hashtag=cleaned.get("hashtag", ""),
        language=cleaned.get("language", ""),
        query=cleaned.get("q", ""),
        hide_warnings=preferences.hide,
    )
    next_query = None
    if page.next_cursor:
        params = request.GET.copy()
        params["before"] = page.next_cursor.encode()
        next_query = params.urlencode()
    template = "stories/wall.html#stories" if request.htmx and cursor else "stories/wall.html"
    return render(
        request,
        template,
        {
            "filters": filters,
            "stories": page.stories,
            "next_query": next_query,
            "preferences": preferences,
            "filtered": any(cleaned.get(name) for name in ("hashtag", "language", "q")),
            "shows_demo": any(story.demo for story in page.stories),
        },
    )


def _speak_page(request: HttpRequest, form, status: int = 200, **extra) -> HttpResponse:
    """The count-only page, or the story page when `form` shares a story."""
    context = {"form": form, **extra}
    if not request.user.is_authenticated and ratelimit.site_is_flooded("speak"):
        context.update(
            pow_challenge=proof_of_work.new_challenge(), pow_difficulty=settings.POW_DIFFICULTY_BITS
        )
    template = "stories/share.html" if isinstance(form, ShareStoryForm) else "stories/speak.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET", "POST"])
def speak(request: HttpRequest) -> HttpResponse:
    """Say "me too": count me in one click, or go on to share a story (share_story)."""
    if request.method != "POST":
        if request.GET.get("mode") == "story":  # the address older pages link to
            return redirect("stories:share")
        return _speak_page(request, CountMeForm(initial={"once": CountMeForm.new_token()}))
    return _say_me_too(request)


@require_http_methods(["GET", "POST"])
def share_story(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _speak_page(request, ShareStoryForm(initial={"once": ShareStoryForm.new_token()}))
    return _say_me_too(request, story=True)


def _say_me_too(request: HttpRequest, *, story: bool = False) -> HttpResponse:
    # A client over its own limit is refused first, at the cost of one cache read: it is not counted
    # in the site-wide flood measure either.
    if (wait := ratelimit.hit(request, "speak")) is not None:
        return too_many_requests(request, wait)
    ratelimit.site_attempts("speak")
    # Bytes that are not UTF-8 are named on their field, not stored as "�" (core/form_input.py).
    data, undecodable = post_data(request)
    form_class = ShareStoryForm if story or wants_to_share_a_story(data) else CountMeForm
    if data.get(HONEYPOT):
        # Only automated scripts fill the hidden field; they get a plain refusal and nothing is kept.
        return _speak_page(request, form_class(data), status=400, refused=True)
    flooded = not request.user.is_authenticated and ratelimit.site_is_flooded("speak")
    if flooded and not proof_of_work.is_solved(data.get("pow_challenge", ""), data.get("pow_nonce", "")):
        response = _speak_page(request, form_class(data), status=429, pow_needed=True)
        response["Retry-After"] = "1"  # as soon as the puzzle on the page is solved
        return response
    if data.get("guard") == GUARD_REDACT:
        data = data.copy()
        data["title"] = naming_guard.redact(data.get("title", ""))
        data["text"] = naming_guard.redact(data.get("text", ""))
    form = form_class(data, undecodable=undecodable)
    if not form.is_valid():
        return _speak_page(request, form)
    shares_story = isinstance(form, ShareStoryForm)
    if shares_story and data.get("guard") != GUARD_SEND:
        # Before a story that names or identifies someone goes out, the author is told, and may
        # remove what was found in one click or send it anyway (it then waits for a moderator).
        findings = naming_guard.find_identifiers(f"{form.cleaned_data['title']}\n{form.cleaned_data['text']}")
        if findings or data.get("guard") == GUARD_REDACT:
            return _speak_page(request, form, findings=findings, redacted=data.get("guard") == GUARD_REDACT)
    try:
        spoken = services.say_me_too(
            member=request.user,
            anonymous=form.cleaned_data["anonymous"] or not request.user.is_authenticated,
            details=form.details(),
            draft=form.draft() if shares_story else None,
            language=get_language() or "",
            once=form.cleaned_data["once"],
        )
    except services.NotAllowedNow as refusal:
        form.add_error(None, str(refusal))
        return _speak_page(request, form, status=403)
    if spoken.receipt is not None:
        access.remember_receipt_statement(request, spoken.statement)
    # Whoever spoke, by name or not, is offered help at once (crisis lines when their words signal danger).
    offer = resources.help_after_speaking(
        request,
        country=spoken.statement.country_code,
        urgent=bool(spoken.story and spoken.story.urgent),
    )
    return render(
        request,
        "stories/receipt.html",
        {
            "spoken": spoken,
            "receipt": spoken.receipt,
            "help_country": offer.country,
            "help_services": offer.services,
            "crisis_services": offer.crisis_lines,
        },
    )


def detail(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.get_story_for_reader(request, story_id)
    return _detail_page(request, story, ReplyForm())


def _detail_page(request: HttpRequest, story, reply_form: ReplyForm, status: int = 200, **extra):
    """A story's page. The reply form is offered only to a reader who may reply; anyone else is told
    why, so nobody writes a reply that would then be refused."""
    refusal = services.reply_refusal(story=story, member=request.user)
    replies = story.replies.visible().select_related("member") if story.replies_enabled else []
    return render(
        request,
        "stories/detail.html",
        {
            "story": story,
            "replies": replies,
            "reply_form": reply_form if refusal is None else None,
            "submitted_reply": reply_form,
            "reply_refusal": refusal,
            "preferences": preferences_for(request),
            **extra,
        },
        status=status,
    )


@require_POST
def stand_with(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.get_story_for_reader(request, story_id)
    if (wait := ratelimit.hit(request, "solidarity")) is not None:
        return too_many_requests(request, wait)
    form = SolidarityForm(request.POST)
    if form.is_valid():
        try:
            added = services.stand_with(
                story=story,
                kind=form.cleaned_data["kind"],
                responder=access.responder_key(request),
                member=request.user,
            )
        except services.NotAllowedNow as refusal:
            if request.htmx:
                return HttpResponse(str(refusal), status=403)
            messages.error(request, str(refusal))
            return redirect(story)
        story.refresh_from_db()
        if not request.htmx:
            if added:
                messages.success(request, _("Thank you. The author will see it."))
            else:
                messages.info(request, _("You already sent that to this story."))
    if request.htmx:
        return render(request, "stories/detail.html#solidarity", {"story": story})
    return redirect(story)


@login_required
@require_POST
def reply(request: HttpRequest, story_id: int) -> HttpResponse:
    story = access.get_story_for_reader(request, story_id)
    # Whatever refuses a reply, the page comes back with the words in the box.
    data, undecodable = post_data(request)
    form = ReplyForm(data, undecodable=undecodable)
    if (wait := ratelimit.hit(request, "reply")) is not None:
        form.add_error(
            None, _("You replied several times in a short while. Wait a few minutes and send again.")
        )
        response = _detail_page(request, story, form, status=429)
        response["Retry-After"] = str(wait)
        return response
    if not form.is_valid():
        return _detail_page(request, story, form, status=400)
    try:
        services.reply_to(story=story, member=request.user, text=form.cleaned_data["text"])
    except services.ReplyRefused as refusal:
        form.add_error(None, str(refusal))
        return _detail_page(request, story, form, status=403, refused_text=form.cleaned_data["text"])
    messages.success(request, _("Your reply is posted."))
    return redirect(story)


@require_http_methods(["GET", "POST"])
def enter_receipt(request: HttpRequest) -> HttpResponse:
    form = ReceiptForm(request.POST or None)
    if request.method == "POST" and (wait := ratelimit.hit(request, "receipt")) is not None:
        return too_many_requests(request, wait)
    if request.method == "POST" and form.is_valid():
        statement = access.unlock_with_receipt(request, form.cleaned_data["receipt"])
        if statement is not None:
            return redirect("stories:mine", statement_id=statement.pk)
        form.add_error("receipt", _("This receipt does not open anything. Check each word and try again."))
    return render(request, "stories/enter_receipt.html", {"form": form}, status=400 if form.errors else 200)


def mine(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = access.get_statement_for_author(request, statement_id)
    story = getattr(statement, "story", None)
    replies = story.replies.select_related("member") if story else []
    return render(request, "stories/mine.html", {"statement": statement, "story": story, "replies": replies})


@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, statement_id: int) -> HttpResponse:
    story = access.get_story_for_author(request, statement_id)
    statement = story.statement
    refused = False
    if request.method == "POST":
        data, undecodable = post_data(request)
        form = EditStoryForm(data, undecodable=undecodable)
        if form.is_valid():
            try:
                services.edit_story(
                    story=story, draft=form.draft(), details=form.details(), member=request.user
                )
            except services.NotAllowedNow as refusal:
                form.add_error(None, str(refusal))
                refused = True
            else:
                messages.success(request, _("Your story is updated."))
                return redirect("stories:mine", statement_id=statement.pk)
    else:
        year = str(_("ongoing")) if statement.ongoing else statement.year or ""
        form = EditStoryForm(
            initial={
                "title": story.title,
                "text": story.text,
                "content_warnings": story.content_warnings,
                "cw_note": story.cw_note,
                "visibility": story.visibility,
                "replies_enabled": story.replies_enabled,
                "language": story.language,
                "setting": statement.setting,
                "relation": statement.relation,
                "age_at_time": statement.age_at_time,
                "year": year,
                "country": statement.country.code if statement.country else "",
                "harms": statement.harms,
            }
        )
    return render(
        request,
        "stories/edit.html",
        {
            "form": form,
            "statement": statement,
            "story": story,
            "goes_back_to_review": services.edit_goes_back_to_review(story=story, member=request.user),
        },
        status=403 if refused else 400 if form.errors else 200,
    )


@require_POST
def forget_receipt(request: HttpRequest) -> HttpResponse:
    """Close what a receipt opened in this browser (also sent by the quick exit)."""
    access.forget_receipts(request)
    if request.POST.get("quiet"):  # the quick exit's beacon: leave no message for the next visitor
        return HttpResponse(status=204)
    messages.success(request, _("This device no longer has your receipt open."))
    return redirect("stories:wall")


@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = access.get_statement_for_author(request, statement_id)
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.delete_statement(statement=statement, keep_in_total=form.cleaned_data["keep_in_total"])
        access.forget_statement(request, statement_id)
        messages.success(request, _("It is deleted. Nothing of what you wrote is kept."))
        return redirect("stories:wall")
    return render(request, "stories/delete.html", {"form": form, "statement": statement})


@require_POST
def block_replier(request: HttpRequest, statement_id: int, reply_id: int) -> HttpResponse:
    story = access.get_story_for_author(request, statement_id)
    reply = get_object_or_404(Reply, pk=reply_id, story=story)
    services.block_replier(story=story, member_id=reply.member_id)
    messages.success(request, _("That member can no longer reply to your story."))
    return redirect("stories:mine", statement_id=statement_id)


@require_POST
def hide_reply(request: HttpRequest, statement_id: int, reply_id: int) -> HttpResponse:
    story = access.get_story_for_author(request, statement_id)
    reply = get_object_or_404(Reply, pk=reply_id, story=story)
    services.set_reply_hidden(reply=reply, hidden=request.POST.get("hidden", "1") == "1")
    return redirect("stories:mine", statement_id=statement_id)


@require_http_methods(["GET", "POST"])
def reading_preferences(request: HttpRequest) -> HttpResponse:
    current = preferences_for(request)
    form = ReaderPreferencesForm(
        request.POST or None, initial={"expand": sorted(current.expand), "hide": sorted(current.hide)}
    )
    if request.method == "POST" and form.is_valid():
        save_preferences(request, expand=form.cleaned_data["expand"], hide=form.cleaned_data["hide"])
        messages.success(request, _("Your reading preferences are saved."))
        return redirect("stories:wall")
    return render(request, "stories/preferences.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def my_statements(request: HttpRequest) -> HttpResponse:
    statements = access.statements_for_author(request).select_related("story").order_by("-created_at")
    return render(request, "stories/my_statements.html", {"statements": statements})
