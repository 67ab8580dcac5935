"""Public campaign pages: list, start, support, sign, confirm, withdraw, and the starter's page."""

import csv
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ustoo.campaigns import access, figures, limits, services
from ustoo.campaigns.forms import (
    CampaignEditForm,
    CampaignForm,
    MemberEmailForm,
    MemberSignForm,
    SignForm,
    StoryLinkAnswerForm,
    UpdateForm,
    VictoryForm,
)
from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature, SignatureStatus, Sponsor, Status
from ustoo.core.ratelimit import client_fingerprint
from ustoo.moderation.access import ask_to_confirm, is_active_moderator

PAGE_SIZE = 20
UPDATES_SHOWN = 20


def index(request: HttpRequest) -> HttpResponse:
    page = Paginator(
        # Open before closed ("open" > "closed"), then the most signed.
        Campaign.objects.listed().order_by("-status", "-signature_count", "-id"),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    mine = []
    if request.user.is_authenticated:
        mine = list(Campaign.objects.filter(starter=request.user).order_by("-created_at")[:20])
    return render(
        request,
        "campaigns/index.html",
        {
            "page": page,
            "mine": mine,
            "story_requests": access.pending_story_links_for_author(request).count(),
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "campaigns/privacy.html")


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    if not request.user.may_take_part:
        raise Http404
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.start_campaign(
                starter=request.user, draft=form.draft(), story_ids=form.cleaned_data["stories"]
            )
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your campaign is saved. Now ask five people to support it."))
            return redirect("campaigns:manage", campaign.slug)
    return render(request, "campaigns/start.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The starter changes their campaign until moderators decide; after, the page says it is locked."""
    campaign = access.get_campaign_for_starter(request, slug)
    context = {"campaign": campaign, "editable": campaign.status in services.EDITABLE_STATUSES}
    if not context["editable"]:
        return render(
            request, "campaigns/edit.html", context, status=409 if request.method == "POST" else 200
        )
    form = CampaignEditForm(request.POST if request.method == "POST" else None, campaign=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_campaign(campaign=campaign, starter=request.user, draft=form.draft())
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("campaigns:manage", campaign.slug)
    return render(
        request, "campaigns/edit.html", {**context, "form": form}, status=400 if form.errors else 200
    )


def _signing_context(request: HttpRequest, campaign: Campaign, sign_form=None) -> dict:
    """What the sign form needs: the form, or the one-click button for a member with a confirmed
    address, or the note that they signed."""
    context = {
        "campaign": campaign,
        "sign_form": sign_form or SignForm(),
        "accepts": campaign.accepts_signatures(),
        "member_email": None,
        "member_signed": False,
    }
    if request.user.is_authenticated:
        context["member_email"] = ConfirmedEmail.objects.filter(
            member=request.user, confirmed_at__isnull=False
        ).first()
        context["member_signed"] = Signature.objects.filter(
            campaign=campaign, member=request.user, status=SignatureStatus.CONFIRMED
        ).exists()
    return context


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    context = {
        **_signing_context(request, campaign),
        # Called by the template only when its cached copy of the table is out of date.
        "countries": functools.partial(figures.support_table, campaign),
        "map_key": functools.partial(figures.map_key, campaign),
        "map_height": figures.MAP_HEIGHT,
        "updates": list(campaign.updates.all()[:UPDATES_SHOWN]),
        "recent_signers": figures.recent_signers(campaign),
        "stories": figures.agreed_stories(campaign),
        "is_starter": request.user.is_authenticated and campaign.starter_id == request.user.pk,
        "editable": campaign.status in services.EDITABLE_STATUSES,
    }
    return render(request, "campaigns/detail.html", context)


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    """The sign form on a page of its own: where a failed signing lands, its errors at the top and
    everything typed kept. Signing from the campaign's page posts here too."""
    if request.method == "GET":
        campaign = access.get_campaign_for_reader(request, slug)
        return render(request, "campaigns/sign.html", _signing_context(request, campaign))
    campaign = access.get_campaign_to_sign(request, slug)
    if (wait := limits.hit(request, "campaign_sign")) is not None:
        return limits.too_many(request, wait)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.sign_campaign(
                campaign=campaign,
                signer=form.signer(get_language()),
                client_hash=client_fingerprint(request),
            )
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("campaigns:check_inbox", campaign.slug)
    campaign = access.get_campaign_for_reader(request, slug)  # all of it, for the page
    return render(request, "campaigns/sign.html", _signing_context(request, campaign, form), status=400)


def check_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    return render(
        request,
        "campaigns/check_inbox.html",
        {"campaign": campaign, "resend_minutes": services.resend_minutes()},
    )


@login_required
@require_POST
def sign_as_member(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    if (wait := limits.hit(request, "campaign_sign")) is not None:
        return limits.too_many(request, wait)
    form = MemberSignForm(request.POST)
    form.is_valid()
    try:
        counted = services.sign_as_member(
            campaign=campaign,
            member=request.user,
            wants_updates=form.cleaned_data.get("wants_updates", False),
            language=get_language(),
        )
    except services.CampaignRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if counted:
            messages.success(request, _("Thank you: your signature counts."))
        else:
            messages.info(request, _("You had already signed this campaign."))
    return redirect(campaign)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button and POST counts: a mail program that opens links to scan them must not
    use up the single-use link."""
    if request.method == "POST" and (wait := limits.hit(request, "campaign_confirm")) is not None:
        return limits.too_many(request, wait)
    try:
        if request.method == "POST":
            signature = services.confirm_signature(token=token)
            return render(
                request,
                "campaigns/confirmed.html",
                {"campaign": signature.campaign, "manage_url": reverse_manage(signature)},
            )
        signature = services.signature_for_confirmation(token)
    except services.CampaignRefused as refusal:
        return render(request, "campaigns/link_problem.html", {"problem": str(refusal)}, status=400)
    return render(request, "campaigns/confirm.html", {"campaign": signature.campaign})


def reverse_manage(signature: Signature) -> str:
    from ustoo.campaigns import tokens

    return reverse("campaigns:signature", args=[tokens.make("manage", signature.pk, signature.manage_key)])


@require_http_methods(["GET", "POST"])
def signature(request: HttpRequest, token: str) -> HttpResponse:
    """The signer's own page, from the link in their e-mails: withdraw, or stop updates."""
    try:
        found = services.signature_for_signer(token)
    except services.CampaignRefused as refusal:
        return render(request, "campaigns/link_problem.html", {"problem": str(refusal)}, status=400)
    if request.method == "POST":
        if request.POST.get("action") == "withdraw" and services.withdraw_signature(signature=found):
            messages.success(request, _("Your signature was withdrawn and your details deleted."))
            return redirect(found.campaign)
        if request.POST.get("action") == "stop_updates":
            services.stop_updates(signature=found)
            messages.success(request, _("You will get no more e-mail about this campaign."))
            return redirect(request.path)
        if request.POST.get("action") == "stop_showing":
            services.stop_showing_on_page(signature=found)
            messages.success(
                request, _("Your first name and reason are no longer shown on the campaign page.")
            )
            return redirect(request.path)
    return render(request, "campaigns/signature.html", {"signature": found, "campaign": found.campaign})


@require_http_methods(["GET", "POST"])
def support(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    campaign = access.get_campaign_for_supporter(slug, key)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('accounts:login')}?next={request.path}")
        try:
            new = services.support_campaign(campaign=campaign, member=request.user)
        except services.CampaignRefused as refusal:
            messages.error(request, str(refusal))
        else:
            if new:
                messages.success(request, _("Thank you for supporting this campaign."))
        return redirect(request.path)
    supported = (
        request.user.is_authenticated
        and Sponsor.objects.filter(campaign=campaign, member=request.user).exists()
    )
    return render(
        request,
        "campaigns/support.html",
        {
            "campaign": campaign,
            "supported": supported,
            "supporters": campaign.sponsors.count(),
            "needed": services.sponsors_needed(),
        },
    )


@login_required
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_starter(request, slug)
    return _render_manage(request, campaign, UpdateForm(), VictoryForm())


def _render_manage(request, campaign, update_form, victory_form, status=200):
    support_url = request.build_absolute_uri(
        reverse("campaigns:support", args=[campaign.slug, campaign.sponsor_key])
    )
    return render(
        request,
        "campaigns/manage.html",
        {
            "campaign": campaign,
            "support_url": support_url,
            "supporters": campaign.sponsors.count(),
            "needed": services.sponsors_needed(),
            "update_form": update_form,
            "victory_form": victory_form,
            "story_links": campaign.story_links.select_related("story"),
            "published": campaign.status in (Status.OPEN, Status.CLOSED),
            "editable": campaign.status in services.EDITABLE_STATUSES,
        },
        status=status,
    )


@login_required
@require_POST
def post_update(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_starter(request, slug)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            services.post_update(campaign=campaign, starter=request.user, text=form.cleaned_data["text"])
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Your update is published; signers who asked for news will get it."))
            return redirect("campaigns:manage", campaign.slug)
    return _render_manage(request, campaign, form, VictoryForm(), status=400)


@login_required
@require_POST
def declare_victory(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_starter(request, slug)
    form = VictoryForm(request.POST)
    if form.is_valid():
        try:
            services.declare_victory(campaign=campaign, starter=request.user, text=form.cleaned_data["text"])
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("Victory declared. Signers who asked for news will hear it."))
            return redirect(campaign)
    return _render_manage(request, campaign, UpdateForm(), form, status=400)


@login_required
def delivery(request: HttpRequest, slug: str) -> HttpResponse:
    """What goes to the decision maker: names shown by consent, and countries. Only after a
    moderator approved it."""
    if is_active_moderator(request):
        campaign = access.get_campaign_for_reader(request, slug)
    elif request.user.is_moderator and not Campaign.objects.filter(slug=slug, starter=request.user).exists():
        return ask_to_confirm(request)  # signers' names: a stale moderator session types the passphrase
    else:
        campaign = access.get_campaign_for_starter(request, slug)
    if campaign.delivery_approved_at is None or campaign.anonymised_at is not None:
        raise Http404
    return figures.delivery_csv(campaign)


@require_http_methods(["GET", "POST"])
def story_links(request: HttpRequest) -> HttpResponse:
    """For members, and for authors without an account who opened their statement with a receipt."""
    form = StoryLinkAnswerForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        link = access.get_story_link_for_author(request, form.cleaned_data["link"])
        services.agree_to_story_link(link=link, agree=form.cleaned_data["agree"] == "yes")
        return redirect("campaigns:story_links")
    return render(
        request,
        "campaigns/story_links.html",
        {"form": form, "links": access.story_links_for_author(request).order_by("agreed_at", "-proposed_at")},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_email(request: HttpRequest) -> HttpResponse:
    current = ConfirmedEmail.objects.filter(member=request.user).first()
    initial = {}
    if current is not None:
        initial = {
            "email": current.email,
            "name": current.name,
            "country": current.country,
            "postcode": current.postcode,
        }
    form = MemberEmailForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if (wait := limits.hit(request, "campaign_sign")) is not None:
            return limits.too_many(request, wait)
        if form.is_valid():
            try:
                services.set_member_email(member=request.user, language=get_language(), **form.cleaned_data)
            except services.MailNotSent as failure:
                form.add_error(None, str(failure))
                return render(
                    request, "campaigns/member_email.html", {"form": form, "current": current}, status=503
                )
            messages.success(request, _("We sent a link to this address. Open it to confirm."))
            return redirect("campaigns:member_email")
    return render(
        request,
        "campaigns/member_email.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        try:
            services.confirm_member_email(token=token, member=request.user)
        except services.CampaignRefused as refusal:
            return render(request, "campaigns/link_problem.html", {"problem": str(refusal)}, status=400)
        messages.success(request, _("Your address is confirmed: you can now sign in one click."))
        return redirect("campaigns:index")
    return render(request, "campaigns/confirm_email.html")


# --- Open data ------------------------------------------------------------------------------------


@require_GET
def counts_json(request: HttpRequest, slug: str) -> JsonResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    response = JsonResponse(figures.open_counts(campaign), json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def counts_csv(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{campaign.slug}-counts.csv"'
    writer = csv.writer(response)
    writer.writerow(["country", "country_name", "region", "signatures"])
    data = figures.open_counts(campaign)
    for row in data["by_country"]:
        writer.writerow([row["code"], row["name"], "", row["signatures"]])
    for row in data["by_region"]:
        writer.writerow([row["country"], "", row["region"], row["signatures"]])
    return response


@require_GET
def map_svg(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = access.get_campaign_for_reader(request, slug)
    # The campaign's page writes the key under the map in HTML (?key=no): legible on a phone.
    svg = figures.support_map(campaign, with_key=request.GET.get("key") != "no")
    return HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
