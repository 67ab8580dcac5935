"""Hostile values in the campaigns' forms: a 4xx that names the field, nothing stored, and nothing that
was typed written in the log (a traceback quotes the value that broke it)."""

import logging

import pytest

from ustoo.campaigns.models import Campaign, CampaignStoryLink, Signature
from ustoo.conftest import make_story

from .conftest import make_campaign
from .test_campaign_page import _start_form

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # above the largest 64-bit integer a database id can be


@pytest.fixture
def log_text(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.mark.parametrize("typed", ["abc", "1.5", HUGE, "-3", "", " 7 x"])
def test_answering_a_story_request_with_a_bad_link_is_a_400_naming_it(author, author_member, log_text, typed):
    spoken = make_story(member=author_member, anonymous=False)
    link = make_campaign().story_links.create(story=spoken.story)
    response = author.post("/campaigns/story-links/", {"link": typed, "agree": "yes"})
    assert response.status_code == 400
    assert "link" in response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    assert not CampaignStoryLink.objects.filter(pk=link.pk, agreed_at__isnull=False).exists()
    if typed.strip():
        assert typed.strip() not in log_text.text


def test_answering_a_story_request_still_works(author, author_member):
    spoken = make_story(member=author_member, anonymous=False)
    link = make_campaign().story_links.create(story=spoken.story)
    assert author.post("/campaigns/story-links/", {"link": str(link.pk), "agree": "yes"}).status_code == 302
    link.refresh_from_db()
    assert link.agreed_at is not None
    # Someone else's request is not found, whatever the number.
    other = make_campaign(title="Other").story_links.create(story=make_story().story)
    assert author.post("/campaigns/story-links/", {"link": other.pk, "agree": "yes"}).status_code == 404


@pytest.mark.parametrize("stories", [HUGE, f"/stories/{HUGE}/", "12 " + "9" * 5000])
def test_a_story_number_no_story_can_have_is_refused_naming_the_field(starter, log_text, stories):
    response = starter.post("/campaigns/start/", _start_form(stories=stories))
    assert response.status_code == 400
    assert "stories" in response.context["form"].errors
    assert not Campaign.objects.exists()
    assert HUGE not in log_text.text


@pytest.mark.parametrize("typed", ["abc", "1.5", HUGE, "-1", "\x00"])
def test_invalidating_with_a_bad_signature_number_is_a_400_naming_the_field(moderator, log_text, typed):
    from .test_integrity import _confirmed

    campaign = make_campaign()
    kept = _confirmed(campaign, "real@example.org")
    response = moderator.post(
        f"/moderate/campaigns/{campaign.pk}/invalidate/", {"signatures": [str(kept.pk), typed]}
    )
    assert response.status_code == 400
    assert "signatures" in response.context["form"].errors
    assert "There is a problem" in response.content.decode()
    kept.refresh_from_db()
    assert kept.status == "confirmed"
    assert not Signature.objects.filter(status="invalidated").exists()
    if typed.strip("\x00"):
        assert typed not in log_text.text


@pytest.mark.parametrize(
    "query", ["client=%00", "domain=spam%00.example", "hours=abc", "hours=" + HUGE, "hours=-5"]
)
def test_integrity_filters_that_are_not_valid_are_left_out(moderator, query):
    """A NUL character cannot go into a PostgreSQL query: it was a 500 there."""
    from .test_integrity import _confirmed

    campaign = make_campaign()
    _confirmed(campaign, "real@example.org")
    response = moderator.get(f"/moderate/campaigns/{campaign.pk}/integrity/?{query}")
    assert response.status_code == 200
    assert response.context["matching"] == 1
