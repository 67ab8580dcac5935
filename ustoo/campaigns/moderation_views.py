"""Moderator pages for campaigns, under /moderate/campaigns/: review, integrity, responses, delivery."""

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ustoo.campaigns import services
from ustoo.campaigns.forms import (
    DecisionMakerEmailForm,
    IntegrityFilterForm,
    InvalidateForm,
    ResponseForm,
    ReviewForm,
)
from ustoo.campaigns.models import Campaign, CampaignDecision, Signature, SignatureStatus, Status
from ustoo.moderation.access import moderator_required

TRENDING_LIMIT = 10
SELECTION_LIMIT = 500


@moderator_required
def queue(request: HttpRequest) -> HttpResponse:
    pending = Campaign.objects.filter(status=Status.PENDING).order_by("submitted_at", "id")
    open_campaigns = Campaign.objects.filter(status=Status.OPEN).order_by("-signature_count", "id")[:50]
    awaiting_response = Campaign.objects.filter(
        response_requested_at__isnull=False, response_at__isnull=True
    ).order_by("response_requested_at")
    return render(
        request,
        "campaigns/moderation/queue.html",
        {
            "pending": pending,
            "open_campaigns": open_campaigns,
            "awaiting_response": awaiting_response,
            "to_ask": Campaign.objects.to_ask_by_other_means().order_by("response_requested_at"),
            "to_follow_up": Campaign.objects.escalation_to_follow_up().order_by("escalated_at"),
        },
    )


@moderator_required
def review(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return _render_review(request, campaign, ReviewForm(), ResponseForm())


def _render_review(request, campaign, form, response_form, status=200, address_form=None):
    return render(
        request,
        "campaigns/moderation/review.html",
        {
            "campaign": campaign,
            "form": form,
            "response_form": response_form,
            "address_form": address_form or DecisionMakerEmailForm(),
            "to_ask": Campaign.objects.to_ask_by_other_means().filter(pk=campaign.pk).exists(),
            "supporters": campaign.sponsors.count(),
            "log": CampaignDecision.objects.filter(campaign_id=campaign.pk)[:20],
        },
        status=status,
    )


@moderator_required
@require_POST
def decide(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        decision = form.cleaned_data["decision"]
        try:
            if decision == ReviewForm.PUBLISH:
                services.publish_campaign(campaign=campaign, moderator=request.user)
                messages.success(request, _("Published."))
            else:
                services.reject_campaign(
                    campaign=campaign,
                    moderator=request.user,
                    code=decision,
                    duplicate_of=form.cleaned_data.get("original"),
                )
                messages.success(request, _("Rejected."))
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("campaign_moderation:queue")
    return _render_review(request, campaign, form, ResponseForm(), status=400)


def _selection(campaign: Campaign, request: HttpRequest):
    """Signatures from the last hours, narrowed to one e-mail domain or one client hash if asked
    (a filter that is not valid, such as text with a NUL character, is left out)."""
    filters = IntegrityFilterForm(request.GET)
    filters.is_valid()
    hours = filters.cleaned_data.get("hours") or 1
    since = timezone.now() - datetime.timedelta(hours=hours)
    signatures = (
        Signature.objects.since(since).filter(campaign=campaign).exclude(status=SignatureStatus.INVALIDATED)
    )
    if domain := filters.cleaned_data.get("domain", "").lower():
        signatures = signatures.filter(email_domain=domain)
    if client := filters.cleaned_data.get("client", ""):
        signatures = signatures.filter(client_hash=client)
    return signatures, since, hours


@moderator_required
def integrity(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    return _render_integrity(request, campaign, InvalidateForm())


def _render_integrity(request, campaign, form, status=200):
    recent, since, hours = _selection(campaign, request)
    everything = Signature.objects.since(since).filter(campaign=campaign)
    domains = (
        everything.exclude(email_domain="")
        .values("email_domain")
        .annotate(total=Count("id"))
        .order_by("-total", "email_domain")[:TRENDING_LIMIT]
    )
    clients = (
        everything.exclude(client_hash="")
        .values("client_hash")
        .annotate(total=Count("id"))
        .order_by("-total", "client_hash")[:TRENDING_LIMIT]
    )
    selection = recent.order_by("-created_at", "-id")
    page = Paginator(selection, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/moderation/integrity.html",
        {
            "campaign": campaign,
            "domains": domains,
            "clients": clients,
            "page": page,
            "matching": selection.count(),
            "hours": hours,
            "filters": request.GET.urlencode(),
            "domain": request.GET.get("domain", ""),
            "client": request.GET.get("client", ""),
            "form": form,
        },
        status=status,
    )


@moderator_required
@require_POST
def invalidate(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if request.POST.get("all_matching") == "yes":
        selection, _since, _hours = _selection(campaign, request)
        ids = list(selection.values_list("pk", flat=True)[:SELECTION_LIMIT])
    else:
        form = InvalidateForm(request.POST)
        if not form.is_valid():
            return _render_integrity(request, campaign, form, status=400)
        ids = form.cleaned_data["signatures"][:SELECTION_LIMIT]
    invalidated = services.invalidate_signatures(campaign=campaign, moderator=request.user, signature_ids=ids)
    messages.success(
        request,
        ngettext(
            "%(count)d signature invalidated; the count is updated.",
            "%(count)d signatures invalidated; the count is updated.",
            invalidated,
        )
        % {"count": invalidated},
    )
    return redirect(f"{request.path.rsplit('/invalidate/', 1)[0]}/integrity/?{request.GET.urlencode()}")


@moderator_required
@require_POST
def response(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.publish_response(
                campaign=campaign, moderator=request.user, text=form.cleaned_data["text"]
            )
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The response is published; signers who asked for news will get it."))
            return redirect("campaign_moderation:review", campaign.pk)
    return _render_review(request, campaign, ReviewForm(), form, status=400)


@moderator_required
@require_POST
def delivery(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id, status__in=[Status.OPEN, Status.CLOSED])
    services.approve_delivery(campaign=campaign, moderator=request.user)
    messages.success(request, _("The delivery export is approved for the starter."))
    return redirect("campaign_moderation:review", campaign.pk)


@moderator_required
@require_POST
def decision_maker_email(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Where to reach a decision maker the starter gave no address for: the next
    `send_campaign_mail` sends them the request for a response."""
    campaign = get_object_or_404(Campaign, pk=campaign_id, status__in=[Status.OPEN, Status.CLOSED])
    form = DecisionMakerEmailForm(request.POST)
    if form.is_valid():
        try:
            services.set_decision_maker_email(
                campaign=campaign, moderator=request.user, email=form.cleaned_data["email"]
            )
        except services.CampaignRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(
                request, _("Saved: the request for a response goes with the next batch of mail.")
            )
            return redirect("campaign_moderation:review", campaign.pk)
    return _render_review(request, campaign, ReviewForm(), ResponseForm(), status=400, address_form=form)


@moderator_required
@require_POST
def asked_by_other_means(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if services.record_response_request(campaign=campaign, now=timezone.now(), moderator=request.user):
        messages.success(request, _("Noted: the decision maker was asked for a response."))
    return redirect("campaign_moderation:review", campaign.pk)


@moderator_required
@require_POST
def escalation_followed_up(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if services.record_escalation_follow_up(campaign=campaign, moderator=request.user):
        messages.success(request, _("Noted: the escalation was followed up."))
    return redirect("campaign_moderation:review", campaign.pk)


@moderator_required
@require_POST
def hide_signer(request: HttpRequest, campaign_id: int, signature_id: int) -> HttpResponse:
    """Take one signer's first name and reason off the campaign's page (from the page itself)."""
    campaign = get_object_or_404(Campaign, pk=campaign_id)
    if services.hide_signer(campaign=campaign, moderator=request.user, signature_id=signature_id):
        messages.success(request, _("Hidden: that signer's name and reason are no longer shown."))
    return redirect(f"{campaign.get_absolute_url()}#recent-signers")


@moderator_required
def log(request: HttpRequest) -> HttpResponse:
    page = Paginator(CampaignDecision.objects.all(), 50).get_page(request.GET.get("page"))
    return render(request, "campaigns/moderation/log.html", {"page": page})
