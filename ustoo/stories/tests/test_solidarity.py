"""Standing with an author: one of each answer per person; replies only where the author allows."""

import pytest
from django.test import Client

from ustoo.conftest import make_member, make_story
from ustoo.stories.models import Reply

pytestmark = pytest.mark.django_db


def test_each_answer_once_per_person_counted_per_story(supporter, stranger):
    story = make_story().story
    for _ in range(2):
        supporter.post(f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"})
    stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"})
    stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "me_too"})
    story.refresh_from_db()
    assert story.solidarity_counts == {"me_too": 1, "believe_you": 2, "not_alone": 0}


def test_htmx_answer_returns_the_updated_buttons(stranger):
    story = make_story().story
    response = stranger.post(
        f"/stories/{story.pk}/stand-with/", {"kind": "not_alone"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b'id="solidarity"' in response.content
    assert b"<html" not in response.content


def test_unknown_kind_changes_nothing(stranger):
    story = make_story().story
    stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "pity"})
    story.refresh_from_db()
    assert sum(story.solidarity_counts.values()) == 0


def test_solidarity_on_hidden_story_is_404(stranger):
    story = make_story(visibility="moderators").story
    assert stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "me_too"}).status_code == 404


def test_replies_only_when_enabled_and_only_from_members(supporter, stranger):
    closed = make_story().story
    open_story = make_story(replies_enabled=True).story
    supporter.post(f"/stories/{closed.pk}/reply/", {"text": "I believe you"})
    assert not Reply.objects.exists()
    response = stranger.post(f"/stories/{open_story.pk}/reply/", {"text": "anonymous reply"})
    assert response.status_code == 302 and "/account/login/" in response["Location"]
    assert not Reply.objects.exists()
    supporter.post(f"/stories/{open_story.pk}/reply/", {"text": "I believe you"})
    assert Reply.objects.get().text == "I believe you"
    assert b"I believe you" in stranger.get(f"/stories/{open_story.pk}/").content


def test_empty_reply_rerenders(supporter):
    story = make_story(replies_enabled=True).story
    response = supporter.post(f"/stories/{story.pk}/reply/", {"text": ""})
    assert response.status_code == 400
    assert not Reply.objects.exists()


def test_author_hides_a_reply(survivor, stranger):
    spoken = make_story(replies_enabled=True)
    replier = Client()
    replier.force_login(make_member("replier"))
    replier.post(f"/stories/{spoken.story.pk}/reply/", {"text": "unkind words"})
    reply = Reply.objects.get()
    survivor.post("/receipt/", {"receipt": spoken.receipt})
    assert stranger.post(f"/mine/{spoken.statement.pk}/replies/{reply.pk}/hide/").status_code == 404
    survivor.post(f"/mine/{spoken.statement.pk}/replies/{reply.pk}/hide/", {"hidden": "1"})
    assert b"unkind words" not in stranger.get(f"/stories/{spoken.story.pk}/").content
    survivor.post(f"/mine/{spoken.statement.pk}/replies/{reply.pk}/hide/", {"hidden": "0"})
    assert b"unkind words" in stranger.get(f"/stories/{spoken.story.pk}/").content


@pytest.mark.parametrize("anonymous", [True, False], ids=["anonymously", "by-name"])
def test_a_member_sees_the_solidarity_counts_on_their_page(author, author_member, stranger, anonymous):
    spoken = make_story(member=author_member, anonymous=anonymous)
    story = spoken.story
    stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"})
    stranger.post(f"/stories/{story.pk}/stand-with/", {"kind": "not_alone"})
    other = Client()
    other.post(f"/stories/{story.pk}/stand-with/", {"kind": "believe_you"})

    page = author.get(f"/mine/{spoken.statement.pk}/").content.decode()
    assert "I believe you: <strong>2</strong>" in page
    assert "You are not alone: <strong>1</strong>" in page
    assert "Me too: <strong>0</strong>" in page
    # Only to the author: the page is not anyone else's to open.
    assert stranger.get(f"/mine/{spoken.statement.pk}/").status_code == 404
