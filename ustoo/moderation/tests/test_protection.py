"""The naming guard, danger signals, flags, trust levels, sanctions and replies, by persona."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.moderation.models import Decision, Flag
from ustoo.moderation.services import member_state
from ustoo.stories.models import Reply, Statement, Status, Story

pytestmark = pytest.mark.django_db

NAMING = {
    "mode": "story",
    "text": "It was my manager, John Miller. You can write to him at john.miller@example.com.",
    "content_warnings": ["harassment"],
}


def test_the_naming_guard_warns_before_anything_is_stored(survivor):
    response = survivor.post("/speak/", NAMING)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="naming-guard"' in page
    assert "john.miller@example.com" in page
    assert not Statement.objects.exists()


def test_one_click_redaction_keeps_the_rest_and_stores_nothing_yet(survivor):
    response = survivor.post("/speak/", {**NAMING, "guard": "redact"})
    text = response.context["form"].data["text"]
    assert "john.miller@example.com" not in text and "John Miller" not in text
    assert "[name removed]" in text and "It was my manager" in text
    assert not Statement.objects.exists()
    # Sending the redacted text goes through without a warning.
    sent = survivor.post("/speak/", {**NAMING, "text": text})
    assert "receipt" in sent.context
    story = Story.objects.get()
    assert story.text == text and not story.identifies_someone


def test_sent_anyway_it_waits_flagged_whoever_wrote_it(supporter, moderator):
    response = supporter.post("/speak/", {**NAMING, "guard": "send", "anonymous": ""})
    assert response.status_code == 200
    story = Story.objects.get()
    assert story.identifies_someone and story.status == Status.PENDING  # a trusted member, held all the same
    queue = moderator.get("/moderate/", {"state": "identifies"}).context["page"]
    assert [item.pk for item in queue] == [story.pk]


def test_the_api_flags_and_holds_a_story_that_identifies_someone(client):
    body = {"story": {"text": NAMING["text"], "content_warnings": ["harassment"]}}
    response = client.post("/api/v1/statements", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201
    story = Story.objects.get()
    assert story.identifies_someone and story.status == Status.PENDING


def test_danger_puts_the_story_first_and_shows_crisis_lines_at_once(survivor, moderator):
    make_story(text="an older story", publish=False)
    response = survivor.post(
        "/speak/",
        {
            "mode": "story",
            "text": "I want to die, I cannot go on.",
            "content_warnings": ["self_harm"],
            "country": "GB",
        },
        headers={"accept-language": "en-GB"},
    )
    page = response.content.decode()
    assert 'id="crisis-lines"' in page
    assert "116 123" in page  # Samaritans, for someone in the United Kingdom
    urgent = Story.objects.get(urgent=True)
    assert moderator.get("/moderate/").context["page"][0].pk == urgent.pk


def test_every_receipt_page_offers_help(survivor):
    page = survivor.post("/speak/", {"mode": "count"}).content.decode()
    assert "If you need to talk to someone" in page
    assert 'href="/help/' in page


def test_three_flags_from_distinct_members_hide_a_story(stranger):
    story = make_story(text="flag me").story
    members = [make_member(f"flagger{n}") for n in range(3)]
    for member in members[:2]:
        client = Client()
        client.force_login(member)
        client.post(f"/flag/story/{story.pk}/", {"reason": "hateful"})
        client.post(f"/flag/story/{story.pk}/", {"reason": "hateful"})  # the same member again: once
    assert Story.objects.get().status == Status.PUBLISHED
    assert Flag.objects.count() == 2
    last = Client()
    last.force_login(members[2])
    last.post(f"/flag/story/{story.pk}/", {"reason": "spam"})
    assert Story.objects.get().status == Status.HIDDEN
    assert b"flag me" not in stranger.get("/").content
    assert Decision.objects.get().action == "hide_by_flags"


def test_flags_on_replies_hide_them(supporter):
    story = make_story(replies_enabled=True).story
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "a cruel reply"})
    reply = Reply.objects.get()
    for n in range(3):
        client = Client()
        client.force_login(make_member(f"reader{n}"))
        client.post(f"/flag/reply/{reply.pk}/", {"reason": "harassment"})
    assert b"a cruel reply" not in Client().get(f"/stories/{story.pk}/").content


def test_new_members_flag_at_a_limited_rate(new_member, settings):
    settings.MODERATION_NEW_MEMBER_FLAGS_PER_DAY = 2
    stories = [make_story(text=f"story {n}").story for n in range(3)]
    for story in stories:
        new_member.post(f"/flag/story/{story.pk}/", {"reason": "spam"})
    assert Flag.objects.count() == 2


def test_flag_needs_an_account_and_a_valid_reason(stranger, supporter):
    story = make_story().story
    assert stranger.post(f"/flag/story/{story.pk}/", {"reason": "spam"}).status_code == 302
    assert supporter.post(f"/flag/story/{story.pk}/", {"reason": "boring"}).status_code == 400
    assert not Flag.objects.exists()


def test_replies_only_from_members_in_good_standing(new_member, supporter, supporter_member, moderator):
    story = make_story(replies_enabled=True).story
    new_member.post(f"/stories/{story.pk}/reply/", {"text": "from a newcomer"})
    assert not Reply.objects.exists()
    member_action(moderator, supporter_member, action="suspend", days=3)
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "while suspended"})
    assert not Reply.objects.exists()
    member_action(moderator, supporter_member, action="reinstate")
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "after reinstatement"})
    assert list(Reply.objects.values_list("text", flat=True)) == ["after reinstatement"]


def test_the_author_blocks_a_member_from_replying(survivor, supporter):
    spoken = make_story(replies_enabled=True)
    supporter.post(f"/stories/{spoken.story.pk}/reply/", {"text": "first"})
    reply = Reply.objects.get()
    survivor.post("/receipt/", {"receipt": spoken.receipt})
    survivor.post(f"/mine/{spoken.statement.pk}/replies/{reply.pk}/block/")
    supporter.post(f"/stories/{spoken.story.pk}/reply/", {"text": "second"})
    assert list(Reply.objects.values_list("text", flat=True)) == ["first"]
    assert b"first" not in Client().get(f"/stories/{spoken.story.pk}/").content


def test_slow_mode_spaces_one_members_replies(supporter, moderator):
    story = make_story(replies_enabled=True).story
    moderator.post(f"/moderate/stories/{story.pk}/slow-mode/", {"seconds": 600, "version": story.version})
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "one"})
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "two"})
    assert Reply.objects.count() == 1
    Reply.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=11))
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "three"})
    assert Reply.objects.count() == 2


def test_a_ban_stops_login_and_the_members_receipts(moderator):
    member = make_member("troll")
    client = Client()
    client.force_login(member)
    response = client.post(
        "/speak/",
        {"mode": "story", "text": "anonymous words", "content_warnings": ["other"], "anonymous": "on"},
    )
    receipt = response.context["receipt"]
    member_action(moderator, member, action="ban")
    login = Client().post("/account/login/", {"username": "troll", "passphrase": PASSPHRASE})
    assert login.status_code == 400
    assert not login.wsgi_request.user.is_authenticated
    assert client.get("/account/").status_code == 302  # the session it had is over
    assert Client().post("/receipt/", {"receipt": receipt}).status_code == 400
    assert Decision.objects.get().action == "ban"


def test_moderators_stop_an_anonymous_receipt_without_learning_who(survivor, moderator):
    spoken = make_story(publish=False)
    version = Story.objects.get().version
    moderator.post(f"/moderate/stories/{spoken.story.pk}/decide/", {"block_receipt": "1", "version": version})
    assert Client().post("/receipt/", {"receipt": spoken.receipt}).status_code == 400


def test_moderators_cannot_ban_or_suspend_other_moderators(moderator, moderator_member):
    other = make_member("other-mod", role="moderator")
    for action in ("ban", "suspend"):
        response = member_action(moderator, other, action=action, days=2)
        assert response.status_code == 403
        assert b"Only an administrator can take a decision about a moderator." in response.content
    other.refresh_from_db()
    assert not other.is_banned and not other.is_suspended
    assert not Decision.objects.exists()


def member_action(client, member, **data):
    """A decision sent from the member's page, as the page shows the member now, and confirmed."""
    member.refresh_from_db()
    return client.post(
        f"/moderate/members/{member.pk}/", {"state": member_state(member), "confirmed": "on", **data}
    )
