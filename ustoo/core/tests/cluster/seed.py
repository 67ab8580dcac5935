"""What the cluster tests start from, written with the site's own services and printed as JSON:
`python -m ustoo.core.tests.cluster.seed` with a cluster's settings (Cluster.run_seed)."""

import datetime
import json

import django

django.setup()

from django.contrib.sessions.models import Session  # noqa: E402
from django.utils import timezone  # noqa: E402

from ustoo.accounts.models import Member  # noqa: E402
from ustoo.campaigns import services as campaign_services  # noqa: E402
from ustoo.campaigns.models import Campaign, Signature, SignatureStatus  # noqa: E402
from ustoo.campaigns.tests.conftest import make_campaign  # noqa: E402
from ustoo.conftest import PASSPHRASE, make_member, make_story, unique_marker  # noqa: E402
from ustoo.matching import services as matching_services  # noqa: E402
from ustoo.matching.tests.conftest import COUNSELOR_PUBLIC  # noqa: E402
from ustoo.moderation.models import ReasonCode  # noqa: E402
from ustoo.stories.models import Status, Story  # noqa: E402

# What prune_expired finds expired, and what the update e-mail goes to.
REJECTED_STORIES = 12
EXPIRED_SESSIONS = 30
CLOSED_CAMPAIGNS = 3
UPDATE_SIGNERS = 40
DECISION_MAKER = "dean@university.example"


def main() -> dict:
    now = timezone.now()
    member = make_member("cluster-member")
    stories = [make_story(text=f"It happened at work. {unique_marker()}").story.pk for _ in range(4)]
    # A story with a receipt, deleted by its author in one test.
    spoken = make_story(text=f"I was not believed. {unique_marker()}")
    campaign = make_campaign(member, title="Give back the donation")

    # prune_expired: rejected stories past their retention, sessions past their end, closed campaigns
    # past the time their signers are anonymised; and one of each not yet due.
    long_ago = now - datetime.timedelta(days=400)
    for index in range(REJECTED_STORIES + 1):
        story = make_story(text=f"Rejected. {unique_marker()}", publish=False).story
        rejected_at = long_ago if index < REJECTED_STORIES else now
        Story.objects.filter(pk=story.pk).update(
            status=Status.REJECTED, rejected_at=rejected_at, moderation_code=ReasonCode.OFF_TOPIC
        )
    for index in range(EXPIRED_SESSIONS + 1):
        expires = long_ago if index < EXPIRED_SESSIONS else now + datetime.timedelta(days=1)
        Session.objects.create(session_key=f"cluster{index:032d}", session_data="", expire_date=expires)
    for index in range(CLOSED_CAMPAIGNS + 1):
        closed = make_campaign(member, title=f"Closed campaign {index}")
        closed_at = long_ago if index < CLOSED_CAMPAIGNS else now
        Campaign.objects.filter(pk=closed.pk).update(status="closed", closed_at=closed_at)

    # send_campaign_mail: an update owed to signers who asked for news.
    news = make_campaign(member, title="Publish the report")
    for index in range(UPDATE_SIGNERS):
        campaign_services.sign_campaign(
            campaign=news,
            signer=campaign_services.SignerDetails(
                name="Signer",
                email=f"news{index}@example.org",
                country="GB",
                postcode="",
                reason="",
                show_name=False,
                show_on_page=False,
                wants_updates=True,
                language="en",
            ),
        )
    Signature.objects.filter(campaign=news).update(status=SignatureStatus.CONFIRMED, mail_due_at=None)
    campaign_services.post_update(campaign=news, starter=member, text="The report is out.")
    # ... and a campaign past its response threshold, whose decision maker is owed one request.
    asked = make_campaign(member, title="Answer the survivors", decision_maker_email=DECISION_MAKER)
    Campaign.objects.filter(pk=asked.pk).update(response_requested_at=now)
    # The escrow: the counselors' key, and a survivor whose account is old enough to make entries.
    matching_services.set_counselor_key(COUNSELOR_PUBLIC)
    survivor = make_member("cluster-survivor")
    Member.objects.filter(pk=survivor.pk).update(date_joined=now - datetime.timedelta(days=60))
    return {
        "survivor": survivor.username,
        "member": member.username,
        "passphrase": PASSPHRASE,
        "member_id": member.pk,
        "stories": stories,
        "receipt": spoken.receipt,
        "receipt_statement": spoken.statement.pk,
        "receipt_story": spoken.story.pk,
        "campaign": campaign.slug,
        "news_campaign": news.pk,
        "members": Member.objects.count(),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
