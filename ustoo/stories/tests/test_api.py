"""The JSON API: same rules as the pages, errors that name the field, 4xx and never 500."""

import datetime
import json

import pytest
from django.utils import timezone

from ustoo.conftest import counted_total, make_story
from ustoo.core import receipts
from ustoo.stories import services
from ustoo.stories.models import Statement, Story

pytestmark = pytest.mark.django_db

STORY = {
    "text": "A teacher, for two years. I never told anyone until now. #MeToo",
    "title": "School",
    "visibility": "public",
    "content_warnings": ["child_abuse"],
    "setting": "school",
    "relation": "teacher",
    "age_at_time": "13_17",
    "year": 2009,
    "country": "CA",
    "harms": ["verbal", "coercion"],
}


def post_json(client, path, body, **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **extra)


def test_count_only_statement(client):
    response = post_json(client, "/api/v1/statements", {})
    assert response.status_code == 201
    body = response.json()
    statement = Statement.objects.get(pk=body["id"])
    assert receipts.receipt_hash(body["receipt"]) == bytes(statement.receipt_hash)
    assert len(body["receipt"].split()) == 7
    assert not Story.objects.exists()
    # Counted at once; the magnitude publishes it with the next day's total (its total is daily).
    assert counted_total() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"story": STORY},
        {"story": {**STORY, "text": "I can't go on, I want to end my life tonight.", "country": "GB"}},
    ],
    ids=["count-only", "story", "urgent-story"],
)
def test_the_statement_answer_is_what_the_openapi_document_says(client, body):
    """The answer matches StatementOut, the schema ninja checks it against, field for field, in the
    request's language."""
    from ustoo.stories.api import StatementOut

    response = post_json(client, "/api/v1/statements", body, headers={"accept-language": "fr"})
    assert response.status_code == 201
    assert response["Content-Type"].split(";")[0] == "application/json"
    answer = response.json()
    assert StatementOut.model_validate(answer).model_dump(mode="json") == answer
    assert answer["help"], "every statement is answered with support services"
    if body.get("story", {}).get("country") == "GB":
        assert answer["help_country"] == "GB" and answer["crisis_lines"]
        assert all(line["crisis"] for line in answer["crisis_lines"])
    if not body:
        return  # no country: the international directories only, with no opening hours to translate
    # Opening hours in the request's language, one language after the other (nothing kept across).
    english = post_json(client, "/api/v1/statements", body, headers={"accept-language": "en"}).json()
    assert "Ouvert 24 heures sur 24, tous les jours" in {service["hours"] for service in answer["help"]}
    assert "Open 24 hours a day, every day" in {service["hours"] for service in english["help"]}


def test_statement_needs_no_cookie_and_sets_none(csrf_client):
    response = post_json(csrf_client, "/api/v1/statements", {})
    assert response.status_code == 201
    assert not response.cookies


def test_statement_with_story(client):
    response = post_json(client, "/api/v1/statements", {"story": STORY})
    assert response.status_code == 201
    assert response.json()["story_status"] == "pending"
    story = Story.objects.get(pk=response.json()["story_id"])
    assert story.text == STORY["text"]
    assert story.statement.year == 2009
    assert story.statement.country.code == "CA"
    assert client.get("/api/v1/stories").json()["stories"] == []
    story.publish()  # as a moderator's approval does
    listed = client.get("/api/v1/stories").json()["stories"]
    assert [item["id"] for item in listed] == [story.pk]
    assert client.get(f"/api/v1/stories/{story.pk}").json()["title"] == "School"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"content_warnings": []}, "content_warnings"),
        ({"content_warnings": ["nope"]}, "content_warnings"),
        ({"visibility": "world"}, "visibility"),
        ({"setting": "moon"}, "setting"),
        ({"relation": "x"}, "relation"),
        ({"age_at_time": "old"}, "age_at_time"),
        ({"country": "ZZ"}, "country"),
        ({"harms": ["laser"]}, "harms"),
        ({"year": 3000}, "year"),
        ({"year": "soon"}, "year"),
        ({"year": "²"}, "year"),
        ({"year": "2⁰¹⁷"}, "year"),
    ],
)
def test_invalid_story_fields_are_named(client, change, field):
    response = post_json(client, "/api/v1/statements", {"story": {**STORY, **change}})
    assert response.status_code == 400
    body = response.json()
    assert field in body["fields"], body
    assert body["error"]
    assert not Statement.objects.exists()
    assert counted_total() == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"story": {"title": "no text or warnings"}}, "story.text"),
        ({"story": {"text": 12, "content_warnings": "harassment"}}, "story.content_warnings"),
        ({"story": "just a string"}, "story"),
    ],
)
def test_wrong_types_are_named(client, body, field):
    response = post_json(client, "/api/v1/statements", body)
    assert response.status_code == 422
    assert any(name.startswith(field) for name in response.json()["fields"])
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"{not json", b"\xff\xfe\x00garbage", b'{"story": ', b"[1, 2]", b'{"story": {"text": "\\ud800"}}']
)
def test_malformed_json_is_a_clear_400(client, raw):
    response = post_json(client, "/api/v1/statements", raw)
    assert 400 <= response.status_code < 500
    assert "error" in response.json()
    assert not Statement.objects.exists()


def test_oversized_body_is_refused(client):
    response = post_json(client, "/api/v1/statements", {"story": {**STORY, "text": "x" * 300_000}})
    assert response.status_code in (400, 413)
    assert "error" in response.json()
    assert not Statement.objects.exists()


def test_stories_list_hides_unpublished_and_members_only(client):
    public = make_story(text="public one").story
    make_story(text="members only", visibility="members")
    make_story(text="for moderators", visibility="moderators")
    ids = [item["id"] for item in client.get("/api/v1/stories").json()["stories"]]
    assert ids == [public.pk]
    hidden = Story.objects.exclude(pk=public.pk)
    for story in hidden:
        response = client.get(f"/api/v1/stories/{story.pk}")
        assert response.status_code == 404
        assert response.json()["error"]


def test_stories_keyset_pagination_walks_every_story_once(client, settings):
    settings.WALL_PAGE_SIZE = 3
    created = [make_story(text=f"story number {n}").story.pk for n in range(8)]
    seen, before = [], ""
    while True:
        page = client.get("/api/v1/stories", {"before": before} if before else {}).json()
        seen.extend(item["id"] for item in page["stories"])
        if not page["next"]:
            break
        before = page["next"]
    assert seen == sorted(created, reverse=True)


def test_bad_page_token_is_named(client):
    response = client.get("/api/v1/stories", {"before": "not-a-token"})
    assert response.status_code == 400
    assert "before" in response.json()["fields"]


def test_solidarity_once_of_each_kind_per_person(client):
    story = make_story().story
    first = post_json(client, f"/api/v1/stories/{story.pk}/solidarity", {"kind": "believe_you"})
    again = post_json(client, f"/api/v1/stories/{story.pk}/solidarity", {"kind": "believe_you"})
    other = post_json(client, f"/api/v1/stories/{story.pk}/solidarity", {"kind": "me_too"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert other.json()["solidarity"] == {"me_too": 1, "believe_you": 1, "not_alone": 0}


def test_solidarity_once_of_each_kind_from_a_client_without_cookies():
    """A script that drops the session cookie is still one person: the second identical answer from
    the same address is not counted (the mark is kept in the cache under a daily fingerprint)."""
    from django.core.cache import cache
    from django.test import Client

    story = make_story().story
    url = f"/api/v1/stories/{story.pk}/solidarity"
    answers = [post_json(Client(), url, {"kind": "believe_you"}) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [201, 200, 200]
    assert [answer.json()["added"] for answer in answers] == [True, False, False]
    assert answers[-1].json()["solidarity"] == {"me_too": 0, "believe_you": 1, "not_alone": 0}
    # Another kind from the same client, and the same kind from another address, still count.
    assert post_json(Client(), url, {"kind": "not_alone"}).status_code == 201
    assert post_json(Client(REMOTE_ADDR="192.0.2.8"), url, {"kind": "believe_you"}).status_code == 201
    story.refresh_from_db()
    assert story.solidarity_counts == {"me_too": 0, "believe_you": 2, "not_alone": 1}
    assert story.solidarity.count() == 3
    # What marks the answers holds no address.
    marks = [key for key in cache._cache if "solidarity-client" in key]
    assert len(marks) == 3
    assert not any("127.0.0.1" in key or "192.0.2.8" in key for key in marks)


def test_solidarity_unknown_kind_and_unknown_story(client):
    story = make_story().story
    response = post_json(client, f"/api/v1/stories/{story.pk}/solidarity", {"kind": "pity"})
    assert response.status_code == 400
    assert "kind" in response.json()["fields"]
    assert post_json(client, "/api/v1/stories/999999/solidarity", {"kind": "me_too"}).status_code == 404
    story.refresh_from_db()
    assert story.solidarity_counts == {"me_too": 0, "believe_you": 0, "not_alone": 0}


def test_member_solidarity_through_the_api_needs_csrf(supporter_member):
    from django.test import Client

    story = make_story().story
    client = Client(enforce_csrf_checks=True)
    client.force_login(supporter_member)
    response = post_json(client, f"/api/v1/stories/{story.pk}/solidarity", {"kind": "me_too"})
    assert response.status_code == 403
    story.refresh_from_db()
    assert story.me_too_count == 0


def test_magnitude_names_its_unit(client):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    services.say_me_too(member=None, anonymous=True, at=yesterday)
    body = client.get("/api/v1/magnitude").json()
    assert body["statements"] == 1
    assert body["unit"] == "statements"
    assert body["as_of"] == timezone.now().astimezone(datetime.UTC).date().isoformat()


def test_openapi_document_lists_the_endpoints(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in [
        "/api/v1/statements",
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/stories/{story_id}/solidarity",
        "/api/v1/magnitude",
    ]:
        assert path in paths, path


def test_no_docs_page_loads_anything_from_another_site(client):
    """django-ninja's docs page loads Swagger UI from a CDN, with inline script: it is turned off, and
    the OpenAPI document stays the reference."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert b"cdn" not in response.content and b"<script" not in response.content
    assert client.get("/api/v1/openapi.json").status_code == 200


def test_an_unknown_api_path_is_a_json_404(client):
    for path in ["/api/v1/nothing-here", "/api/v1/stories/1/nothing", "/api/v2/stories"]:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"], path


def test_an_unexpected_error_in_the_api_is_a_json_500_and_is_logged_without_the_address(
    client, monkeypatch, caplog
):
    from django.test import Client

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("ustoo.stories.api.wall_page", broken)
    client = Client(raise_request_exception=False, REMOTE_ADDR="198.51.100.77")
    with caplog.at_level("ERROR", logger="django.request"):
        response = client.get("/api/v1/stories")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]
    assert b"the database went away" not in response.content  # no internals to the client
    (record,) = [record for record in caplog.records if record.name == "django.request"]
    assert record.exc_info[0] is RuntimeError  # logged, with its traceback
    assert "198.51.100.77" not in caplog.text


def test_an_unexpected_error_on_a_page_is_still_the_html_page(monkeypatch):
    from django.test import Client

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("ustoo.stories.views.wall_page", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert b"Something went wrong on our side" in response.content
