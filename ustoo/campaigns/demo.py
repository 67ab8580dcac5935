"""Demo campaigns for a new site (`ustoo load_demo`): fictional, and they say so. One is open to
sign, with confirmed signatures from several countries; one closed in victory."""

import datetime
import random

from django.db import transaction

from ustoo.accounts.models import Member
from ustoo.campaigns.models import Campaign, CampaignDecision, Signature, SignatureStatus, Status
from ustoo.campaigns.services import _count

DEMO_STARTER = "demo-campaigner"
DEMO_NOTE = "(A fictional demo campaign: the people and organisations named are invented.)"
COUNTRIES = ["GB", "FR", "US", "IN", "DE", "ES", "CA", "BR", "NG", "AU"]


def load_demo_campaigns(now: datetime.datetime) -> list[Campaign]:
    if Campaign.objects.filter(starter__username=DEMO_STARTER).exists():
        return []
    starter, _created = Member.objects.get_or_create(username=DEMO_STARTER)
    rng = random.Random(2017)
    with transaction.atomic():
        open_campaign = _campaign(
            starter,
            now,
            slug="demo-independent-reporting-line",
            title="Give students an independent way to report harassment",
            asks_for="Set up a reporting line run independently of the faculty, with trained advisers.",
            name="Prof. Alex Example",
            role="Vice-Chancellor",
            organisation="University of Exampleton (fictional)",
            why="Students told us they did not report because the people they would report to "
            "worked with the people they would report on. " + DEMO_NOTE,
            goal=5000,
            ends_on=now.date() + datetime.timedelta(days=120),
            status=Status.OPEN,
        )
        _sign(open_campaign, rng, 137, now)
        won = _campaign(
            starter,
            now,
            slug="demo-return-the-donation",
            title="Return the donation",
            asks_for="Return the donation made by a man many women have accused.",
            name="Jordan Sample",
            role="Chair of the board",
            organisation="Exampleton Arts Foundation (fictional)",
            why="Keeping the money tells survivors their voices are worth less. " + DEMO_NOTE,
            goal=500,
            ends_on=now.date() - datetime.timedelta(days=10),
            status=Status.CLOSED,
        )
        _sign(won, rng, 599, now)
        won.victory_at = now - datetime.timedelta(days=12)
        won.victory_text = "The foundation returned the donation in full. Thank you, all 599 of you."
        won.closed_at = now - datetime.timedelta(days=9)
        won.save(update_fields=["victory_at", "victory_text", "closed_at"])
    return [open_campaign, won]


def _campaign(starter, now, *, slug, title, asks_for, name, role, organisation, why, goal, ends_on, status):
    campaign = Campaign.objects.create(
        slug=slug,
        title=title,
        asks_for=asks_for,
        decision_maker_name=name,
        decision_maker_role=role,
        decision_maker_organisation=organisation,
        why=why,
        goal=goal,
        ends_on=ends_on,
        starter=starter,
        status=status,
        created_at=now - datetime.timedelta(days=40),
        published_at=now - datetime.timedelta(days=35),
        decided_at=now - datetime.timedelta(days=35),
    )
    CampaignDecision.objects.create(action="publish", campaign_id=campaign.pk)
    return campaign


def _sign(campaign: Campaign, rng: random.Random, count: int, now: datetime.datetime) -> None:
    signatures = Signature.objects.bulk_create(
        Signature(
            campaign=campaign,
            name=f"Demo signer {number}",
            show_name=rng.random() < 0.6,
            email_hash=f"demo:{campaign.slug}:{number}",
            country=rng.choice(COUNTRIES),
            status=SignatureStatus.CONFIRMED,
            manage_key="",
            created_at=now - datetime.timedelta(minutes=number),
            confirmed_at=now - datetime.timedelta(minutes=number),
        )
        for number in range(count)
    )
    _count(campaign, signatures, +1)
