"""Review: publish or reject with a reason code; libellous and offensive campaigns hidden entirely,
the others shown as rejected with the reason; every decision in the append-only log."""

import datetime

import pytest

from ustoo.campaigns.models import Campaign, CampaignDecision
from ustoo.conftest import make_member, make_story

from .conftest import make_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(db):
    return make_campaign(status="pending", title="Expel him")


def _make_pending(campaign):
    Campaign.objects.filter(pk=campaign.pk).update(status="pending")


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("not_actionable", True),
        ("outside_remit", True),
        ("private_person", True),
        ("fake_name", True),
        ("libellous", False),
        ("offensive", False),
    ],
)
def test_rejection_codes(moderator, stranger, pending, code, shown):
    _make_pending(pending)
    response = moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": code})
    assert response.status_code == 302
    pending.refresh_from_db()
    assert (pending.status, pending.rejection_code) == ("rejected", code)
    page = stranger.get(f"/campaigns/{pending.slug}/")
    if shown:
        assert page.status_code == 200
        assert "This campaign was rejected:" in page.content.decode()
        assert pending.get_rejection_code_display() in page.content.decode()
        assert "Sign this campaign" not in page.content.decode()
    else:
        assert page.status_code == 404
        assert moderator.get(f"/campaigns/{pending.slug}/").status_code == 200
    assert pending.slug not in stranger.get("/campaigns/").content.decode()
    [entry] = CampaignDecision.objects.filter(campaign_id=pending.pk, action="reject")
    assert (entry.code, entry.actor_name) == (code, "moderator")


def test_a_duplicate_links_to_the_original(moderator, stranger, pending):
    _make_pending(pending)
    original = make_campaign(title="The original")
    missing = moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "duplicate"})
    assert missing.status_code == 400 and "published campaign" in missing.content.decode()
    response = moderator.post(
        f"/moderate/campaigns/{pending.pk}/decide/",
        {"decision": "duplicate", "duplicate_of": f"https://site.example/campaigns/{original.slug}/"},
    )
    assert response.status_code == 302
    page = stranger.get(f"/campaigns/{pending.slug}/").content.decode()
    assert f'href="/campaigns/{original.slug}/"' in page


def test_only_moderators_review_and_a_decision_is_taken_once(supporter, moderator, pending):
    _make_pending(pending)
    assert supporter.get("/moderate/campaigns/").status_code == 403
    assert (
        supporter.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "publish"}).status_code
        == 403
    )
    assert (
        moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "publish"}).status_code
        == 302
    )
    again = moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "offensive"})
    assert again.status_code == 400
    pending.refresh_from_db()
    assert pending.status == "open"


def test_the_log_is_append_only(moderator, pending):
    _make_pending(pending)
    moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "publish"})
    entry = CampaignDecision.objects.filter(action="publish").get()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        CampaignDecision.objects.all().delete()
    with pytest.raises(TypeError):
        entry.save()
    assert "Published" in moderator.get("/moderate/campaigns/log/").content.decode()


def test_a_campaign_gathering_supporters_is_seen_only_by_its_starter(
    starter, starter_member, stranger, supporter
):
    campaign = make_campaign(starter_member, status="gathering")
    assert starter.get(f"/campaigns/{campaign.slug}/").status_code == 200
    assert stranger.get(f"/campaigns/{campaign.slug}/").status_code == 404
    assert supporter.get(f"/campaigns/{campaign.slug}/manage/").status_code == 404
    # A supporter link with the wrong key finds nothing.
    assert supporter.get(f"/campaigns/{campaign.slug}/support/wrong/").status_code == 404


def test_stories_show_only_with_their_authors_agreement(
    starter, starter_member, author, author_member, stranger
):
    own = make_story(member=starter_member, anonymous=True, title="My own story")
    theirs = make_story(member=author_member, anonymous=False, title="Their story")
    from django.utils import timezone

    response = starter.post(
        "/campaigns/start/",
        {
            "title": "Change the policy",
            "asks_for": "Adopt a policy.",
            "decision_maker_name": "Sam",
            "decision_maker_role": "Chair",
            "decision_maker_organisation": "Board",
            "why": "Because.",
            "goal": "100",
            "ends_on": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
            "stories": f"{own.story.pk} https://site.example/stories/{theirs.story.pk}/",
        },
    )
    assert response.status_code == 302
    campaign = Campaign.objects.get(title="Change the policy")
    Campaign.objects.filter(pk=campaign.pk).update(status="open")
    page = stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert "My own story" in page and "Their story" not in page
    links = author.get("/campaigns/story-links/").content.decode()
    assert "Change the policy" in links
    link = campaign.story_links.get(story=theirs.story)
    # Nobody else can agree for the author.
    other = make_member("someone")
    from ustoo.conftest import logged_in_client

    assert (
        logged_in_client(other).post("/campaigns/story-links/", {"link": link.pk, "agree": "yes"}).status_code
        == 404
    )
    assert author.post("/campaigns/story-links/", {"link": link.pk, "agree": "yes"}).status_code == 302
    assert "Their story" in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()
    assert author.post("/campaigns/story-links/", {"link": link.pk, "agree": "no"}).status_code == 302
    assert "Their story" not in stranger.get(f"/campaigns/{campaign.slug}/").content.decode()


def test_an_end_date_more_than_six_months_away_is_refused(starter):
    from django.utils import timezone

    response = starter.post(
        "/campaigns/start/",
        {
            "title": "Too long",
            "asks_for": "x",
            "decision_maker_name": "Sam",
            "decision_maker_role": "Chair",
            "decision_maker_organisation": "Board",
            "why": "x",
            "goal": "100",
            "ends_on": (timezone.localdate() + timezone.timedelta(days=200)).isoformat(),
            "title_extra": "",
        },
    )
    assert response.status_code == 400 and "six months" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_whose_end_date_passed_cannot_be_published(moderator, pending):
    from django.utils import timezone

    Campaign.objects.filter(pk=pending.pk).update(
        status="pending", ends_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    response = moderator.post(f"/moderate/campaigns/{pending.pk}/decide/", {"decision": "publish"})
    assert response.status_code == 400
    assert "end date has passed" in response.content.decode()
    pending.refresh_from_db()
    assert (pending.status, pending.published_at) == ("pending", None)
    assert not CampaignDecision.objects.filter(campaign_id=pending.pk, action="publish").exists()


@pytest.mark.parametrize(
    "barred",
    [
        {"banned_at": datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)},
        {"suspended_until": datetime.datetime(2999, 1, 1, tzinfo=datetime.UTC)},
    ],
)
def test_a_barred_member_cannot_support_a_campaign(starter_member, barred):
    from ustoo.accounts.models import Member
    from ustoo.conftest import logged_in_client

    campaign = make_campaign(starter_member, status="gathering")
    member = make_member("barred")
    Member.objects.filter(pk=member.pk).update(**barred)
    path = f"/campaigns/{campaign.slug}/support/{campaign.sponsor_key}/"
    response = logged_in_client(member).post(path, follow=True)
    assert "cannot take part" in response.content.decode()
    assert not campaign.sponsors.exists()


def _start_form(**fields) -> dict:
    from django.utils import timezone

    return {
        "title": "Change the policy",
        "asks_for": "Adopt a policy.",
        "decision_maker_name": "Sam",
        "decision_maker_role": "Chair",
        "decision_maker_organisation": "Board",
        "decision_maker_email": "sam@board.example",
        "why": "Because.",
        "goal": "100",
        "ends_on": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(),
        **fields,
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "x" * 121, "at most 120"),
        ("asks_for", "x" * 1001, "at most 1000"),
        ("decision_maker_name", "x" * 121, "at most 120"),
        ("decision_maker_role", "x" * 121, "at most 120"),
        ("decision_maker_organisation", "x" * 161, "at most 160"),
        ("why", "x" * 5001, "at most 5000"),
        ("decision_maker_email", f"{'a' * 64}@{'b' * 63}.{'c' * 63}.{'d' * 63}.example", "at most 254"),
        ("goal", "100000001", "less than or equal to"),
        ("stories", "1 " * 251, "at most 500"),
    ],
)
def test_over_long_fields_on_the_start_form_are_named_and_nothing_is_saved(starter, field, value, message):
    response = starter.post("/campaigns/start/", _start_form(**{field: value}))
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="field-{field}"' in page and message in page
    assert 'value="Change the policy"' in page or field == "title"  # what was typed is still there
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("path", "text", "message"),
    [("update", "x" * 5001, "at most 5000"), ("victory", "x" * 5001, "at most 5000")],
)
def test_over_long_updates_and_victories_are_refused(starter, starter_member, path, text, message):
    campaign = make_campaign(starter_member)
    response = starter.post(f"/campaigns/{campaign.slug}/manage/{path}/", {"text": text})
    assert response.status_code == 400 and message in response.content.decode()
    assert not campaign.updates.exists()
    campaign.refresh_from_db()
    assert campaign.victory_at is None


@pytest.mark.parametrize("path", ["update", "victory"])
def test_only_the_starter_posts_updates_and_declares_victory(
    starter_member, supporter, moderator, stranger, path
):
    campaign = make_campaign(starter_member)
    for someone in (supporter, moderator):
        assert someone.post(f"/campaigns/{campaign.slug}/manage/{path}/", {"text": "Won!"}).status_code == 404
    assert stranger.post(f"/campaigns/{campaign.slug}/manage/{path}/", {"text": "Won!"}).status_code == 302
    assert not campaign.updates.exists()
    campaign.refresh_from_db()
    assert campaign.victory_at is None
