"""The wall is reused for a few seconds for anonymous readers, and never for anyone else."""

from contextlib import ExitStack

import pytest
from django.core.cache import caches
from django.test import Client

from ustoo.conftest import make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def reuse(settings):
    settings.SHARED_PAGE_SECONDS = 60
    caches["local"].clear()
    yield
    caches["local"].clear()


def test_anonymous_readers_share_the_page_for_a_few_seconds(reuse):
    make_story(text="first story")
    assert b"first story" in Client().get("/").content
    make_story(text="second story")
    page = Client().get("/")
    assert b"second story" not in page.content  # reused
    assert not page.cookies
    caches["local"].clear()  # as when the few seconds are over
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


def test_while_one_request_renders_the_page_again_the_others_get_the_one_it_replaces(reuse, monkeypatch):
    from ustoo.core import shared_pages

    make_story(text="first story")
    assert b"first story" in Client().get("/").content
    make_story(text="second story")
    later = shared_pages.time.monotonic() + 61  # the page's 60 seconds are over
    monkeypatch.setattr(shared_pages.time, "monotonic", lambda: later)
    with ExitStack() as rendering_elsewhere:  # as if another thread were rendering it now
        for lock in shared_pages._RENDER_LOCKS:
            rendering_elsewhere.enter_context(lock)
        meanwhile = Client().get("/")
    assert b"first story" in meanwhile.content and b"second story" not in meanwhile.content
    assert b"second story" in Client().get("/").content  # no render under way: rendered afresh
