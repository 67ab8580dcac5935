"""Community flags lead moderators to decide: every story or reply with open flags is in the flagged
queue, those the flags hid first, until a moderator's decision resolves the flags."""

import pytest
from django.test import Client

from ustoo.conftest import make_member, make_story
from ustoo.moderation.models import Decision, Flag
from ustoo.stories.models import Reply, Status, Story

pytestmark = pytest.mark.django_db


def flag(target: str, pk: int, count: int, *, start: int = 0) -> None:
    for n in range(start, start + count):
        client = Client()
        client.force_login(make_member(f"flagger{n}"))
        assert client.post(f"/flag/{target}/{pk}/", {"reason": "hateful"}).status_code == 302


def flagged(moderator):
    response = moderator.get("/moderate/flagged/")
    assert response.status_code == 200
    return (
        [story.pk for story in response.context["stories"]],
        [reply.pk for reply in response.context["replies"]],
    )


def test_flagged_stories_and_replies_wait_for_a_decision_hidden_ones_first(moderator):
    once = make_story(text="flagged once").story
    hidden = make_story(text="flagged three times").story
    conversation = make_story(text="with replies", replies_enabled=True).story
    reply = Reply.objects.create(story=conversation, member=make_member("replier"), text="a cruel reply")
    quiet = Reply.objects.create(story=conversation, member=make_member("kind"), text="a kind reply")
    calm = make_story(text="nobody flagged this").story
    flag("story", once.pk, 1)
    flag("story", hidden.pk, 3, start=1)
    flag("reply", reply.pk, 3, start=4)
    assert Story.objects.get(pk=once.pk).status == Status.PUBLISHED  # one flag does not hide it
    assert Story.objects.get(pk=hidden.pk).status == Status.HIDDEN
    stories, replies = flagged(moderator)
    assert stories == [hidden.pk, once.pk]
    assert replies == [reply.pk]
    assert calm.pk not in stories and quiet.pk not in replies
    queue = moderator.get("/moderate/").content.decode()
    assert "3 flagged stories or replies wait for a decision" in queue


def test_a_reply_hidden_by_flags_stays_queued_until_a_moderator_decides(moderator):
    story = make_story(replies_enabled=True).story
    reply = Reply.objects.create(story=story, member=make_member("replier"), text="a cruel reply")
    flag("reply", reply.pk, 3)
    assert Reply.objects.get().hidden_by_moderators
    review = moderator.get(f"/moderate/stories/{story.pk}/").content.decode()
    assert f'id="reply-{reply.pk}"' in review and "Keep hidden" in review
    keep = moderator.post(f"/moderate/stories/{story.pk}/decide/", {"reply": reply.pk, "hidden": "1"})
    assert keep.status_code == 302
    assert Reply.objects.get().hidden_by_moderators
    assert not Flag.objects.filter(resolved_at__isnull=True).exists()
    assert flagged(moderator) == ([], [])
    assert list(Decision.objects.filter(actor__isnull=False).values_list("action", flat=True)) == [
        "hide_reply"
    ]


def test_approving_a_story_hidden_by_flags_republishes_it_and_clears_the_queue(moderator, stranger):
    story = make_story(text="wrongly flagged").story
    flag("story", story.pk, 3)
    story.refresh_from_db()
    assert b"wrongly flagged" not in stranger.get("/").content
    moderator.post(f"/moderate/stories/{story.pk}/decide/", {"version": story.version, "action": "approve"})
    assert Story.objects.get().status == Status.PUBLISHED
    assert b"wrongly flagged" in stranger.get("/").content
    assert flagged(moderator) == ([], [])


def test_a_published_story_with_open_flags_is_in_the_flagged_queue_until_decided(moderator):
    story = make_story(text="flagged twice").story
    flag("story", story.pk, 2)
    assert flagged(moderator) == ([story.pk], [])
    story.refresh_from_db()
    moderator.post(
        f"/moderate/stories/{story.pk}/decide/",
        {"version": story.version, "action": "hide", "code": "hateful"},
    )
    assert flagged(moderator) == ([], [])


def test_the_number_of_flags_that_hides_is_configurable(settings):
    settings.MODERATION_FLAGS_TO_HIDE = 2
    story = make_story(text="two are enough here").story
    flag("story", story.pk, 1)
    assert Story.objects.get().status == Status.PUBLISHED
    flag("story", story.pk, 1, start=1)
    assert Story.objects.get().status == Status.HIDDEN
    settings.MODERATION_FLAGS_TO_HIDE = 5
    other = make_story(text="five are needed here").story
    flag("story", other.pk, 4, start=2)
    assert Story.objects.get(pk=other.pk).status == Status.PUBLISHED
    flag("story", other.pk, 1, start=6)
    assert Story.objects.get(pk=other.pk).status == Status.HIDDEN


def test_the_flagged_queue_is_for_moderators_only(supporter, stranger):
    assert supporter.get("/moderate/flagged/").status_code == 403
    assert stranger.get("/moderate/flagged/").status_code == 302
