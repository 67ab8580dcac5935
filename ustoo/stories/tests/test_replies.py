"""Replies: offered only to readers who may reply, and a refused reply never loses its words."""

import pytest
from django.test import Client

from ustoo.conftest import make_member, make_story
from ustoo.stories.models import Reply, ReplyBlock

pytestmark = pytest.mark.django_db

WORDS = "I believe you. What happened to you was not your fault."


@pytest.fixture
def story():
    return make_story(text="It happened at the depot.", replies_enabled=True).story


def test_a_trusted_member_is_offered_the_reply_form(supporter, story):
    page = supporter.get(f"/stories/{story.pk}/").content.decode()
    assert f'action="/stories/{story.pk}/reply/' in page
    assert 'id="reply-refusal"' not in page


def test_a_new_member_is_told_why_instead_of_being_offered_a_form(new_member, story):
    page = new_member.get(f"/stories/{story.pk}/").content.decode()
    assert f'action="/stories/{story.pk}/reply/' not in page
    assert 'id="reply-refusal"' in page and "only trusted members can reply" in page


def test_a_refused_reply_comes_back_with_its_words(new_member, story):
    response = new_member.post(f"/stories/{story.pk}/reply/", {"text": WORDS})
    assert response.status_code == 403
    page = response.content.decode()
    assert "only trusted members can reply" in page
    assert f'<textarea id="refused-reply" readonly rows="4" dir="auto">{WORDS}</textarea>' in page.replace(
        "&#x27;", "'"
    )
    assert not Reply.objects.exists()


def test_a_blocked_member_keeps_their_words_too(supporter, supporter_member, story):
    ReplyBlock.objects.create(story=story, member=supporter_member)
    response = supporter.post(f"/stories/{story.pk}/reply/", {"text": WORDS})
    assert response.status_code == 403
    assert "The author has turned off replies from you." in response.content.decode()
    assert WORDS in response.content.decode()


def test_slow_mode_gives_the_form_back_with_the_words_in_it(supporter, story):
    story.slow_mode_seconds = 3600
    story.save(update_fields=["slow_mode_seconds"])
    assert supporter.post(f"/stories/{story.pk}/reply/", {"text": "First."}).status_code == 302
    response = supporter.post(f"/stories/{story.pk}/reply/", {"text": WORDS})
    assert response.status_code == 403
    form = response.context["reply_form"]
    assert form is not None and form["text"].value() == WORDS
    assert "slow mode" in response.content.decode()
    assert Reply.objects.count() == 1


def test_too_many_replies_keep_the_words(settings, story):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "reply": ((1, 60), (1, 60))}
    member = Client()
    member.force_login(make_member("replier"))
    member.post(f"/stories/{story.pk}/reply/", {"text": "First."})
    response = member.post(f"/stories/{story.pk}/reply/", {"text": WORDS})
    assert response.status_code == 429 and response["Retry-After"]
    assert response.context["reply_form"]["text"].value() == WORDS
    assert Reply.objects.count() == 1


def test_a_reader_without_an_account_is_asked_to_log_in(stranger, story):
    page = stranger.get(f"/stories/{story.pk}/").content.decode()
    assert f'action="/stories/{story.pk}/reply/' not in page
    assert "/account/login/?next=" in page
