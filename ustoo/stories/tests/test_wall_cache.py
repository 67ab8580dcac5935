"""The wall is kept a few seconds for readers without cookies, and never shared with anyone else."""

import pytest
from django.core.cache import caches
from django.test import Client

from ustoo.conftest import make_story
from ustoo.stories.wall import Cursor

pytestmark = pytest.mark.django_db


@pytest.fixture
def reuse(settings):
    settings.WALL_CACHE_SECONDS = 60


def test_anonymous_readers_share_the_page_for_a_few_seconds(reuse):
    make_story(text="first story")
    assert b"first story" in Client().get("/").content
    make_story(text="second story")
    page = Client().get("/")
    assert b"second story" not in page.content  # reused
    assert not page.cookies
    caches["pages"].clear()  # as when the few seconds are over
    assert b"second story" in Client().get("/").content


def test_each_filter_and_language_has_its_own_page(reuse):
    make_story(text="an office story", setting="workplace")
    Client().get("/", {"setting": "street"})
    assert b"an office story" in Client().get("/", {"setting": "workplace"}).content
    french = Client(headers={"accept-language": "fr"}).get("/")
    assert b'lang="fr"' in french.content


def test_members_and_people_with_a_session_get_their_own_page(reuse, supporter):
    make_story(text="members only story", visibility="members")
    assert b"members only story" not in Client().get("/").content
    assert b"members only story" in supporter.get("/").content
    reader = Client()
    reader.post("/reading/", {"hide": ["harassment"]})
    make_story(text="public harassment story", warnings=("harassment",))
    assert b"public harassment story" not in reader.get("/").content


def test_a_page_with_a_message_is_not_shared(reuse):
    spoken = make_story(text="to delete")
    author = Client()
    author.post("/receipt/", {"receipt": spoken.receipt})
    response = author.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "no"}, follow=True)
    assert b"It is deleted" in response.content
    assert b"It is deleted" not in Client().get("/").content


def test_a_partial_page_for_htmx_is_kept_apart_from_the_whole_page(reuse):
    older = make_story(text="older story").story
    make_story(text="newer story")
    more = {"before": Cursor(older.published_at, older.pk + 1).encode()}  # "more stories" from the older
    partial = Client().get("/", more, headers={"hx-request": "true"})
    whole = Client().get("/", more)
    assert b"older story" in partial.content and b"<html" not in partial.content
    assert b"older story" in whole.content and b"<html" in whole.content


def test_browsers_are_told_not_to_keep_the_page(reuse):
    Client().get("/")
    reused = Client().get("/")
    assert reused["Cache-Control"] == "no-store"
    assert "Expires" not in reused


def test_a_reader_without_cookies_gets_none_and_nothing_personal(reuse):
    make_story(text="first story")
    page = Client().get("/")
    assert not page.cookies
    assert b"csrfmiddlewaretoken" not in page.content
