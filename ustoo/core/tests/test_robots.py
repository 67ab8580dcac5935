"""robots.txt: crawlers are turned away from everything unless the operator allows indexing, and even
then never reach a story, an account, a receipt, a search or moderation."""

import pytest
from django.urls import reverse

from ustoo.conftest import make_story

pytestmark = pytest.mark.django_db


def rules(client) -> list[str]:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    return response.content.decode().splitlines()


def test_by_default_every_crawler_is_turned_away_from_every_page(client):
    assert reverse("robots_txt") == "/robots.txt"
    assert rules(client) == ["User-agent: *", "Disallow: /"]


def test_allowed_indexing_still_keeps_crawlers_from_what_concerns_one_person(client, settings):
    settings.ALLOW_INDEXING = True
    found = rules(client)
    assert found[0] == "User-agent: *" and "Disallow: /" not in found
    disallowed = [line.removeprefix("Disallow: ") for line in found[1:]]
    story = make_story().story
    for private in (
        story.get_absolute_url(),
        "/?q=bus",
        reverse("stories:speak"),
        reverse("stories:enter_receipt"),
        reverse("stories:my_statements"),
        reverse("accounts:login"),
        reverse("moderation:queue"),
        reverse("contact"),
        "/api/v1/stories",
    ):
        assert any(private.startswith(prefix) for prefix in disallowed), private
    for public in (reverse("about"), reverse("privacy"), reverse("magnitude:index"), reverse("help:index")):
        assert not any(public.startswith(prefix) for prefix in disallowed), public


def test_pages_ask_not_to_be_indexed_unless_the_operator_allows_it(client, settings):
    assert '<meta name="robots" content="noindex, noarchive">' in client.get("/about/").content.decode()
    settings.ALLOW_INDEXING = True
    assert '<meta name="robots" content="noarchive">' in client.get("/about/").content.decode()
