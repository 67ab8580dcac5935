"""Demo campaigns for a new site (`ustoo load_demo`): fictional, and they say so. One is open to
sign, with confirmed signatures from several countries, a starter's update and a few signers who
chose to show their first name and reason; one closed in victory, with the decision maker's
response. Their thresholds follow the same rules as any campaign's (never above the goal)."""

import datetime
import random

from django.db import transaction

from ustoo.accounts.models import Member
from ustoo.campaigns.models import (
    Campaign,
    CampaignDecision,
    CampaignUpdate,
    Signature,
    SignatureStatus,
    Status,
    UpdateKind,
    escalation_threshold_for,
)
from ustoo.campaigns.services import _count

DEMO_STARTER = "demo-campaigner"
DEMO_NOTE = "(A fictional demo campaign: the people and organisations named are invented.)"
COUNTRIES = ["GB", "FR", "US", "IN", "DE", "ES", "CA", "BR", "NG", "AU"]
# Fictional signers who agreed to show their first name and why they signed.
SHOWN = [
    ("Amara Example", "I did not report because I would have had to tell my own tutor."),
    ("Lucía Sample", "Every student deserves someone independent to talk to."),
    ("Priya Demo", ""),
    ("Chloé Exemple", "Parce que se taire ne protège personne."),
    ("Grace Fictional", "For the friends who left instead of reporting."),
]


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
            response_threshold=1000,
            ends_on=now.date() + datetime.timedelta(days=120),
            status=Status.OPEN,
        )
        _sign(open_campaign, rng, 137, now, shown=SHOWN)
        CampaignUpdate.objects.create(
            campaign=open_campaign,
            text="We met the students' union this week: they will raise the reporting line at the "
            "next university council. Thank you for signing and sharing.",
            created_at=now - datetime.timedelta(days=3),
            sent_at=now - datetime.timedelta(days=3),
        )
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
            response_threshold=400,
            ends_on=now.date() - datetime.timedelta(days=10),
            status=Status.CLOSED,
        )
        _sign(won, rng, 599, now - datetime.timedelta(days=20), shown=SHOWN[:2])
        _outcome(won, now)
    return [open_campaign, won]


def _campaign(
    starter,
    now,
    *,
    slug,
    title,
    asks_for,
    name,
    role,
    organisation,
    why,
    goal,
    response_threshold,
    ends_on,
    status,
):
    campaign = Campaign.objects.create(
        slug=slug,
        title=title,
        asks_for=asks_for,
        decision_maker_name=name,
        decision_maker_role=role,
        decision_maker_organisation=organisation,
        why=why,
        goal=goal,
        response_threshold=response_threshold,
        escalation_threshold=escalation_threshold_for(goal, response_threshold),
        ends_on=ends_on,
        starter=starter,
        status=status,
        created_at=now - datetime.timedelta(days=40),
        published_at=now - datetime.timedelta(days=35),
        decided_at=now - datetime.timedelta(days=35),
    )
    CampaignDecision.objects.create(action="publish", campaign_id=campaign.pk)
    return campaign


def _sign(campaign: Campaign, rng: random.Random, count: int, now: datetime.datetime, shown) -> None:
    """`count` confirmed signatures, the latest from the signers in `shown`."""
    signatures = Signature.objects.bulk_create(
        Signature(
            campaign=campaign,
            name=shown[number][0] if number < len(shown) else f"Demo signer {number}",
            show_name=number < len(shown) or rng.random() < 0.6,
            show_on_page=number < len(shown),
            reason=shown[number][1] if number < len(shown) else "",
            email_hash=f"demo:{campaign.slug}:{number}",
            country=rng.choice(COUNTRIES),
            status=SignatureStatus.CONFIRMED,
            manage_key="",
            created_at=now - datetime.timedelta(minutes=number * 7),
            confirmed_at=now - datetime.timedelta(minutes=number * 7),
        )
        for number in range(count)
    )
    _count(campaign, signatures, +1)


def _outcome(won: Campaign, now: datetime.datetime) -> None:
    """The won campaign's story: asked for a response at its threshold, answered, victory, closed."""
    asked = now - datetime.timedelta(days=19)
    won.response_requested_at = won.response_request_sent_at = asked
    won.response_at = now - datetime.timedelta(days=14)
    won.response_text = (
        "The board has decided to return the donation in full and to adopt a policy on gifts from "
        "people facing credible accusations. (Fictional.)"
    )
    won.victory_at = now - datetime.timedelta(days=12)
    won.victory_text = "The foundation returned the donation in full. Thank you, all 599 of you."
    won.closed_at = now - datetime.timedelta(days=9)
    won.save(
        update_fields=[
            "response_requested_at",
            "response_request_sent_at",
            "response_at",
            "response_text",
            "victory_at",
            "victory_text",
            "closed_at",
        ]
    )
    for kind, text, moment in [
        (UpdateKind.RESPONSE, won.response_text, won.response_at),
        (UpdateKind.VICTORY, won.victory_text, won.victory_at),
    ]:
        CampaignUpdate.objects.create(campaign=won, kind=kind, text=text, created_at=moment, sent_at=moment)
