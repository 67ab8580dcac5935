"""Suspensions and bans stop a member from taking part, on the pages and the API alike: they may
read (and delete what they said), but not speak, edit, reply, flag or answer a story. A suspension
says until when, and ends by itself."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from ustoo.accounts.models import Member
from ustoo.conftest import PASSPHRASE, counted_total, make_member, make_story
from ustoo.moderation import services as moderation
from ustoo.moderation.models import Flag
from ustoo.stories import services
from ustoo.stories.models import Reply, Solidarity, Statement, Story

pytestmark = pytest.mark.django_db

STORY = {"mode": "story", "text": "It happened at the depot.", "content_warnings": ["harassment"]}


@pytest.fixture
def suspended(supporter_member, moderator_member) -> Member:
    moderation.suspend(
        member=supporter_member,
        moderator=moderator_member,
        days=3,
        expected_state=moderation.member_state(supporter_member),
    )
    supporter_member.refresh_from_db()
    return supporter_member


def test_a_suspended_member_cannot_speak_by_name_or_anonymously(supporter, suspended):
    for anonymous in ("", "on"):
        response = supporter.post("/speak/", {**STORY, "anonymous": anonymous})
        assert response.status_code == 403
        page = response.content.decode()
        assert "Your account is suspended until" in page
        assert "It happened at the depot." in page  # what they typed is kept on the page
        assert supporter.post("/speak/", {"mode": "count", "anonymous": anonymous}).status_code == 403
    assert not Statement.objects.exists()
    assert counted_total() == 0


def test_the_refusal_says_until_when(suspended):
    until = timezone.localtime(suspended.suspended_until)
    refusal = services.standing_refusal(suspended)
    assert str(until.year) in refusal and until.strftime("%B")[:3] in refusal


def test_a_suspended_member_cannot_edit_but_can_still_delete(supporter, supporter_member, moderator_member):
    spoken = make_story(member=supporter_member, anonymous=False, text="my own words")
    moderation.suspend(
        member=supporter_member,
        moderator=moderator_member,
        days=3,
        expected_state=moderation.member_state(supporter_member),
    )
    response = supporter.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {"text": "changed while suspended", "content_warnings": ["other"], "visibility": "public"},
    )
    assert response.status_code == 403
    assert b"suspended until" in response.content
    assert Story.objects.get().text == "my own words"
    assert supporter.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "no"}).status_code == 302
    assert not Statement.objects.exists()


def test_a_suspended_member_cannot_reply_flag_or_answer(supporter, suspended):
    story = make_story(replies_enabled=True).story
    replied = supporter.post(f"/stories/{story.pk}/reply/", {"text": "while suspended"}, follow=True)
    assert b"suspended until" in replied.content
    flagged = supporter.post(f"/flag/story/{story.pk}/", {"reason": "spam"}, follow=True)
    assert b"suspended until" in flagged.content
    answered = supporter.post(f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"}, follow=True)
    assert b"suspended until" in answered.content
    htmx = supporter.post(
        f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"}, headers={"HX-Request": "true"}
    )
    assert htmx.status_code == 403
    assert not Reply.objects.exists() and not Flag.objects.exists() and not Solidarity.objects.exists()
    assert Story.objects.get().believe_you_count == 0


def test_the_api_refuses_a_suspended_members_answer(supporter, suspended):
    story = make_story().story
    response = supporter.post(
        f"/api/v1/stories/{story.pk}/solidarity",
        data=json.dumps({"kind": "me_too"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    body = response.json()
    assert "suspended until" in body["error"] and "account" in body["fields"]
    assert not Solidarity.objects.exists()


def test_a_banned_member_is_refused_by_every_service(supporter_member, moderator_member):
    story = make_story(replies_enabled=True).story
    moderation.ban(
        member=supporter_member,
        moderator=moderator_member,
        expected_state=moderation.member_state(supporter_member),
    )
    supporter_member.refresh_from_db()
    with pytest.raises(services.NotAllowedNow, match="closed"):
        services.say_me_too(member=supporter_member, anonymous=True)
    with pytest.raises(services.NotAllowedNow):
        services.stand_with(story=story, kind="me_too", responder=b"x" * 32, member=supporter_member)
    with pytest.raises(services.ReplyRefused):
        services.reply_to(story=story, member=supporter_member, text="banned")
    with pytest.raises(moderation.ModerationRefused):
        moderation.flag(member=supporter_member, reason="spam", story=story)
    assert Statement.objects.count() == 1


def test_a_suspension_ends_by_itself(supporter, suspended, monkeypatch):
    story = make_story(replies_enabled=True).story
    assert supporter.post("/speak/", {"mode": "count", "anonymous": ""}).status_code == 403
    later = timezone.now() + datetime.timedelta(days=3, minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    suspended.refresh_from_db()
    assert suspended.may_take_part
    supporter.force_login(suspended)  # the old session expired meanwhile
    assert supporter.post("/speak/", {"mode": "count", "anonymous": ""}).status_code == 200
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "back again"})
    assert Reply.objects.filter(text="back again").exists()


def test_a_ban_ends_the_members_current_sessions(supporter, supporter_member, moderator):
    assert supporter.get("/account/").status_code == 200
    moderator.post(
        f"/moderate/members/{supporter_member.pk}/",
        {"action": "ban", "state": moderation.member_state(supporter_member), "confirmed": "on"},
    )
    response = supporter.get("/account/")
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert supporter.post("/speak/", {"mode": "count", "anonymous": ""}).status_code == 200
    # Logged out by the ban, it spoke as anyone without an account: nothing links it to the member.
    assert not Statement.objects.owned_by_member(supporter_member).exists()
    login = Client().post("/account/login/", {"username": "supporter", "passphrase": PASSPHRASE})
    assert login.status_code == 400


def test_a_member_in_good_standing_is_not_refused(supporter_member):
    assert services.standing_refusal(supporter_member) is None
    assert services.standing_refusal(None) is None
    member = make_member("fresh")
    services.say_me_too(member=member, anonymous=False)
    assert Statement.objects.filter(member=member).exists()
