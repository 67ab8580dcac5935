"""Bad bytes and big bodies: the person sees the form again with what they typed, and nothing is stored."""

import json

import pytest

from ustoo.conftest import counted_total, make_story
from ustoo.stories.models import Statement, Story

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def post_form(client, path, body: bytes):
    return client.post(path, data=body, content_type=FORM)


# --- Text that is not UTF-8 ------------------------------------------------------------------------


def test_invalid_utf8_in_the_story_rerenders_the_form_and_stores_nothing(survivor):
    body = b"mode=story&content_warnings=other&title=Caf%C3%A9&text=It+was+%FF%FEbroken+there+%C3%A9t%C3%A9"
    response = post_form(survivor, "/speak/", body)
    assert response.status_code == 200
    form = response.context["form"]
    assert [error.code for error in form.errors.as_data()["text"]] == ["encoding"]
    assert "title" not in form.errors  # the title was valid UTF-8
    page = response.content.decode()
    assert "could not be read" in page
    # What could be decoded is kept, without replacement characters.
    assert "It was broken there été" in page
    assert "\ufffd" not in page
    assert "Café" in page
    assert not Statement.objects.exists()
    assert counted_total() == 0
    assert "receipt" not in response.context


def test_invalid_utf8_in_an_edit_keeps_the_stored_story(survivor):
    spoken = make_story(text="What I first wrote")
    survivor.post("/receipt/", {"receipt": spoken.receipt})
    body = b"visibility=public&content_warnings=harassment&text=New+%E2%82words"
    response = post_form(survivor, f"/mine/{spoken.statement.pk}/edit/", body)
    assert response.status_code == 400
    assert "text" in response.context["form"].errors
    assert "New words" in response.content.decode()
    assert Story.objects.get().text == "What I first wrote"


def test_invalid_utf8_in_a_reply_is_refused(supporter):
    story = make_story(replies_enabled=True).story
    response = post_form(supporter, f"/stories/{story.pk}/reply/", b"text=I+believe+you%C0")
    assert response.status_code == 400
    assert "text" in response.context["reply_form"].errors
    assert not story.replies.exists()


def test_valid_utf8_is_untouched(survivor):
    body = "mode=story&content_warnings=other&text=Ça s'est passé à Montréal, #أنا_كمان".encode()
    response = post_form(survivor, "/speak/", body)
    assert "receipt" in response.context
    assert Story.objects.get().text == "Ça s'est passé à Montréal, #أنا_كمان"


@pytest.mark.parametrize(
    "raw",
    [
        b'{"story": {"text": "caf\xe9", "content_warnings": ["other"]}}',  # Latin-1, not UTF-8
        b'{"story": {"text": "\xed\xa0\x80", "content_warnings": ["other"]}}',  # an encoded surrogate
        b"\xff\xfe{}",
    ],
)
def test_invalid_utf8_in_json_names_the_body(client, raw):
    response = client.post("/api/v1/statements", data=raw, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "UTF-8" in body["error"]
    assert "body" in body["fields"]
    assert not Statement.objects.exists()


def test_malformed_json_names_the_body(client):
    response = client.post("/api/v1/statements", data=b'{"story": ', content_type="application/json")
    assert response.status_code == 400
    assert "body" in response.json()["fields"]
    response = client.post("/api/v1/statements", data=json.dumps([1]), content_type="application/json")
    assert response.status_code == 400
    assert "body" in response.json()["fields"]


# --- Over-long stories and oversized bodies --------------------------------------------------------


def test_an_overlong_story_comes_back_with_its_length_and_every_character_typed(survivor):
    typed = "It started in my first week. " + "x" * 300_000  # a 300 KB form body
    response = survivor.post("/speak/", {"mode": "story", "text": typed, "content_warnings": ["other"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Too long (300,029 characters, at most 20,000)." in page
    assert typed in page  # nothing to type again
    assert not Statement.objects.exists()


def test_a_story_of_20000_four_byte_characters_fits(survivor):
    typed = "\N{FACE WITH TEARS OF JOY}" * 20_000  # 240 KB once url-encoded
    response = survivor.post("/speak/", {"mode": "story", "text": typed, "content_warnings": ["other"]})
    assert "receipt" in response.context
    assert Story.objects.get().text == typed


def test_an_overlong_title_names_its_length():
    from ustoo.stories.forms import ShareStoryForm

    form = ShareStoryForm({"text": "x", "content_warnings": ["other"], "title": "t" * 1234})
    assert form.errors["title"] == ["Too long (1,234 characters, at most 200)."]


def test_a_body_beyond_the_ceiling_gets_a_clear_413_page(survivor, settings):
    body = b"mode=story&content_warnings=other&text=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = post_form(survivor, "/speak/", body)
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    assert "What you sent is too large" in response.content.decode()
    assert not Statement.objects.exists()


def test_a_body_beyond_the_ceiling_is_a_json_413_in_the_api(client, settings):
    story = {"text": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1), "content_warnings": ["other"]}
    response = client.post("/api/v1/statements", data={"story": story}, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["error"]
    assert not Statement.objects.exists()


def test_an_overlong_story_in_the_api_names_its_length(client):
    story = {"text": "x" * 25_000, "content_warnings": ["other"]}
    response = client.post("/api/v1/statements", data={"story": story}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["fields"]["text"] == "Too long (25,000 characters, at most 20,000)."
