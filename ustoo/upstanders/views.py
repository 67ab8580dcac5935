"""Step up: the guides, and the three forms (pledge, "I stepped up", "I own what I did"). The forms
are protected like saying "me too" (rate limits, a proof of work while the site is flooded, a hidden
field for scripts, a one-time token), and their words go through the naming guard before anyone reads
them. Every page works without JavaScript."""

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from ustoo.core import proof_of_work, ratelimit
from ustoo.core.form_input import post_data
from ustoo.safety import naming_guard
from ustoo.safety import resources as support
from ustoo.stories.services import NotAllowedNow
from ustoo.upstanders import guides, resources, services
from ustoo.upstanders.forms import AcknowledgementForm, InterventionForm, OnceForm, PledgeForm
from ustoo.upstanders.models import PLEDGE_TEXT, OwnWords, WordsKind

SCOPE = services.RATE_SCOPE
HONEYPOT = "website"
GUARD_REDACT, GUARD_SEND = "redact", "send"
PUBLISHED_SHOWN = 10
TOO_OFTEN = _(
    "You sent this several times in a short while. Nothing more was counted. Wait a few minutes and send "
    "again: what you typed is still here."
)


# --- Guides ----------------------------------------------------------------------------------------


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "upstanders/index.html", {"ways": guides.FIVE_DS})


@require_safe
def notice(request: HttpRequest) -> HttpResponse:
    return render(request, "upstanders/guide_notice.html")


@require_safe
def five_ds(request: HttpRequest) -> HttpResponse:
    return render(request, "upstanders/guide_five_ds.html", {"ways": guides.FIVE_DS})


@require_safe
def five_d(request: HttpRequest, slug: str) -> HttpResponse:
    way = guides.BY_SLUG.get(slug)
    if way is None:
        raise Http404
    index = guides.FIVE_DS.index(way)
    return render(
        request,
        "upstanders/guide_d.html",
        {
            "way": way,
            "examples": [(label, way.examples[place]) for place, label in guides.EXAMPLE_PLACES],
            "previous": guides.FIVE_DS[index - 1] if index else None,
            "next": guides.FIVE_DS[index + 1] if index + 1 < len(guides.FIVE_DS) else None,
            "ways": guides.FIVE_DS,
        },
    )


@require_safe
def support_someone(request: HttpRequest) -> HttpResponse:
    return render(request, "upstanders/guide_support.html", support.help_context(request))


@require_safe
def report(request: HttpRequest) -> HttpResponse:
    """How to report, with the emergency numbers and the services of the reader's country (chosen on
    the page, else their browser's language region), from the support services' data."""
    country = support.country_for_request(request)
    return render(
        request,
        "upstanders/guide_report.html",
        {
            "country": country,
            "country_name": support.country_name(country) if country else "",
            "emergency": support.emergency_numbers(country),
            "services": [s for s in support.services_in(country) if not s.is_emergency] if country else [],
            "choices": support.listed_countries(),
            "checked": support.directory().checked,
        },
    )


@require_safe
def write_it_down(request: HttpRequest) -> HttpResponse:
    return render(request, "upstanders/guide_write_down.html")


# --- The forms -------------------------------------------------------------------------------------


def _form_page(request: HttpRequest, template: str, form, status: int = 200, **extra) -> HttpResponse:
    context = {"form": form, **extra}
    if not request.user.is_authenticated and ratelimit.site_is_flooded(SCOPE):
        context.update(
            pow_challenge=proof_of_work.new_challenge(), pow_difficulty=settings.POW_DIFFICULTY_BITS
        )
    return render(request, template, context, status=status)


def _submitted(
    request: HttpRequest,
    form_class: type[OnceForm],
    page: Callable[..., HttpResponse],
    *,
    may_send_identifying: bool,
) -> tuple[OnceForm | None, HttpResponse | None]:
    """The checks every form here goes through, as saying "me too" does: this client's and session's
    limits, the site's flood measure, the hidden field only scripts fill, the proof of work while the
    site is flooded, the form's own rules, and the naming guard on its words. Returns the valid form,
    or the page to answer with instead (the form as typed, with what is wrong)."""
    if (wait := ratelimit.hit(request, SCOPE)) is not None:
        # Counted nothing, and lost nothing: the form comes back with what was typed.
        data, undecodable = post_data(request)
        response = page(form_class(data, undecodable=undecodable), status=429, refusal=TOO_OFTEN)
        response["Retry-After"] = str(wait)
        return None, response
    ratelimit.site_attempts(SCOPE)
    data, undecodable = post_data(request)
    if data.get(HONEYPOT):
        # Only scripts fill the hidden field: a plain refusal, and nothing is kept.
        return None, page(form_class(data), status=400, refused=True)
    flooded = not request.user.is_authenticated and ratelimit.site_is_flooded(SCOPE)
    if flooded and not proof_of_work.is_solved(data.get("pow_challenge", ""), data.get("pow_nonce", "")):
        response = page(form_class(data), status=429, pow_needed=True)
        response["Retry-After"] = "1"  # as soon as the puzzle on the page is solved
        return None, response
    text_field = form_class.text_field
    guard = data.get("guard")
    if guard == GUARD_REDACT:
        data = data.copy()
        data[text_field] = naming_guard.redact(data.get(text_field, ""))
    form = form_class(data, undecodable=undecodable)
    if not form.is_valid():
        return None, page(form, status=400)
    text = form.cleaned_data[text_field]
    sends_anyway = may_send_identifying and guard == GUARD_SEND
    if text and not sends_anyway:
        # Before words that name or identify someone go out, the writer is told, and may remove what was
        # found in one click (or, where allowed, send them anyway: a moderator reads them first).
        findings = naming_guard.find_identifiers(text)
        if findings or guard == GUARD_REDACT:
            return None, page(
                form,
                findings=findings,
                redacted=guard == GUARD_REDACT,
                may_send_identifying=may_send_identifying,
            )
    return form, None


def _language() -> str:
    return get_language() or ""


@require_http_methods(["GET", "POST"])
def pledge(request: HttpRequest) -> HttpResponse:
    def page(form, status=200, **extra):
        published = OwnWords.objects.published(WordsKind.PLEDGE)[:PUBLISHED_SHOWN]
        return _form_page(request, "upstanders/pledge.html", form, status, published=published, **extra)

    if request.method != "POST":
        return page(PledgeForm(initial={"once": PledgeForm.new_token()}))
    form, refusal = _submitted(request, PledgeForm, page, may_send_identifying=True)
    if refusal is not None:
        return refusal
    try:
        sent = services.pledge(
            actions=form.cleaned_data["actions"],
            pledger=services.pledger_key(request),
            words=form.cleaned_data["own_words"],
            language=_language(),
            once=form.cleaned_data["once"],
            member=request.user,
        )
    except NotAllowedNow as refusal_message:
        form.add_error(None, str(refusal_message))
        return page(form, status=403)
    return render(
        request,
        "upstanders/pledged.html",
        {
            "sent": sent,
            "counted": [PLEDGE_TEXT[action] for action in sent.counted],
            "already": [PLEDGE_TEXT[action] for action in sent.already],
            **support.help_context(request),
        },
    )


@require_http_methods(["GET", "POST"])
def stepped_up(request: HttpRequest) -> HttpResponse:
    def page(form, status=200, **extra):
        published = OwnWords.objects.published(WordsKind.INTERVENTION)[:PUBLISHED_SHOWN]
        return _form_page(request, "upstanders/stepped_up.html", form, status, published=published, **extra)

    if request.method != "POST":
        return page(InterventionForm(initial={"once": InterventionForm.new_token()}))
    form, refusal = _submitted(request, InterventionForm, page, may_send_identifying=True)
    if refusal is not None:
        return refusal
    data = form.cleaned_data
    try:
        sent = services.report_intervention(
            approach=data["approach"],
            setting=data["setting"],
            outcome=data["outcome"],
            words=data["account"],
            language=_language(),
            once=data["once"],
            member=request.user,
        )
    except NotAllowedNow as refusal_message:
        form.add_error(None, str(refusal_message))
        return page(form, status=403)
    return render(request, "upstanders/stepped_up_sent.html", {"sent": sent, **support.help_context(request)})


@require_http_methods(["GET", "POST"])
def own_it(request: HttpRequest) -> HttpResponse:
    """For people who caused harm. Their words are never sent as they are when they identify anyone."""
    country = support.country_for_request(request)

    def page(form, status=200, **extra):
        return _form_page(
            request,
            "upstanders/own.html",
            form,
            status,
            country=country,
            country_name=support.country_name(country) if country else "",
            services=resources.services_in(country),
            choices=resources.listed_countries(),
            harm_prevention=resources.directory(),
            emergency=support.emergency_numbers(country),
            published=OwnWords.objects.published(WordsKind.ACKNOWLEDGEMENT)[:PUBLISHED_SHOWN],
            **extra,
        )

    if request.method != "POST":
        return page(AcknowledgementForm(initial={"once": AcknowledgementForm.new_token()}))
    form, refusal = _submitted(request, AcknowledgementForm, page, may_send_identifying=False)
    if refusal is not None:
        return refusal
    try:
        sent = services.acknowledge(
            commitment=form.cleaned_data["commitment"],
            words=form.cleaned_data["text"],
            language=_language(),
            once=form.cleaned_data["once"],
            member=request.user,
        )
    except NotAllowedNow as refusal_message:
        form.add_error(None, str(refusal_message))
        return page(form, status=403)
    return render(
        request,
        "upstanders/owned.html",
        {
            "sent": sent,
            "services": resources.services_in(country),
            "country_name": support.country_name(country) if country else "",
            "crisis_services": support.crisis_lines(country) if sent.urgent else [],
            "harm_prevention": resources.directory(),
        },
    )
