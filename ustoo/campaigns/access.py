"""The only ways a view reaches a campaign: one place per permission rule."""

from django.http import Http404, HttpRequest

from ustoo.campaigns import prepared
from ustoo.campaigns.models import Campaign, CampaignStoryLink, Status
from ustoo.moderation.access import is_active_moderator
from ustoo.stories.access import statements_for_author


def _is_moderator(request: HttpRequest) -> bool:
    # A moderator whose passphrase went stale reads as anyone else (moderation.access).
    return is_active_moderator(request)


def get_campaign_for_reader(request: HttpRequest, slug: str) -> Campaign:
    """Open, closed and visibly rejected campaigns for everyone; one still gathering supporters or
    waiting for moderation for its starter and moderators; a hidden one for moderators only.
    Otherwise the same 404 whether it exists or not."""
    return _readable(request, Campaign.objects.filter(slug=slug).first())


def get_campaign_to_sign(request: HttpRequest, slug: str) -> Campaign:
    """The campaign as get_campaign_for_reader finds it, with only what signing reads (signing
    is frequent, and a campaign has many long fields; any other field is read when first used)."""
    return _readable(request, prepared.campaign_to_sign(slug))


def _readable(request: HttpRequest, campaign: Campaign | None) -> Campaign:
    if campaign is None:
        raise Http404
    if campaign.is_hidden:
        if not _is_moderator(request):
            raise Http404
    elif campaign.status in (Status.GATHERING, Status.PENDING):
        is_starter = request.user.is_authenticated and campaign.starter_id == request.user.pk
        if not (is_starter or _is_moderator(request)):
            raise Http404
    return campaign


def get_campaign_for_starter(request: HttpRequest, slug: str) -> Campaign:
    if not request.user.is_authenticated:
        raise Http404
    campaign = Campaign.objects.filter(slug=slug, starter=request.user).first()
    if campaign is None or campaign.is_hidden:
        raise Http404
    return campaign


def get_campaign_for_supporter(slug: str, key: str) -> Campaign:
    """A campaign gathering supporters, through its supporter link (slug and key)."""
    campaign = Campaign.objects.filter(slug=slug, sponsor_key=key).first()
    if campaign is None or campaign.is_hidden:
        raise Http404
    return campaign


def story_links_for_author(request: HttpRequest):
    """Requests to show this visitor's stories with campaigns (member stories, or receipt-unlocked)."""
    return CampaignStoryLink.objects.filter(
        story__statement__in=statements_for_author(request)
    ).select_related("campaign", "story")


def pending_story_links_for_author(request: HttpRequest):
    """Requests this visitor has not answered yet, from campaigns that were not rejected."""
    return (
        story_links_for_author(request)
        .filter(agreed_at__isnull=True)
        .exclude(campaign__status=Status.REJECTED)
    )


def get_story_link_for_author(request: HttpRequest, link_id: int) -> CampaignStoryLink:
    try:
        return story_links_for_author(request).get(pk=link_id)
    except CampaignStoryLink.DoesNotExist:
        raise Http404 from None
