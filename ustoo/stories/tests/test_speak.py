"""Saying "me too": count only, or with a story; receipts; bad input loses nothing."""

import pytest

from ustoo.core import receipts
from ustoo.stories.models import Statement, StatementTally, Status, Story

pytestmark = pytest.mark.django_db

STORY = {
    "mode": "story",
    "title": "The night bus",
    "text": "He sat next to me and would not stop. #MeToo #BalanceTonPorc",
    "content_warnings": ["harassment"],
    "visibility": "public",
    "setting": "transport",
    "relation": "stranger",
    "age_at_time": "adult",
    "year": "2017",
    "country": "FR",
    "harms": ["verbal", "physical"],
}


def test_every_page_links_to_say_me_too(survivor):
    for path in ["/", "/speak/", "/receipt/", "/account/login/", "/about/", "/reading/"]:
        response = survivor.get(path)
        assert response.status_code == 200, path
        assert b'id="say-me-too"' in response.content, path
        assert b'href="/speak/"' in response.content, path


def test_count_only_is_one_click_and_counts_once(survivor):
    response = survivor.post("/speak/", {"mode": "count"})
    assert response.status_code == 200
    statement = Statement.objects.get()
    assert not Story.objects.exists()
    assert StatementTally.total()[0] == 1
    receipt = response.context["receipt"]
    assert receipt.encode() in response.content
    assert statement.receipt_hash == receipts.receipt_hash(receipt)
    assert receipt.encode() not in bytes(statement.receipt_hash)


def test_story_without_account_is_stored_and_waits_for_review(survivor, stranger):
    response = survivor.post("/speak/", STORY)
    assert response.status_code == 200
    story = Story.objects.get()
    assert story.status == Status.PENDING
    assert b"The night bus" not in stranger.get("/").content
    assert stranger.get(f"/stories/{story.pk}/").status_code == 404
    assert story.title == "The night bus"
    assert story.content_warnings == ["harassment"]
    statement = story.statement
    assert (statement.setting, statement.relation, statement.age_at_time, statement.year) == (
        "transport",
        "stranger",
        "adult",
        2017,
    )
    assert statement.country.code == "FR"
    assert statement.harms == ["physical", "verbal"]
    assert set(story.hashtag_rows.values_list("tag", flat=True)) == {"metoo", "balancetonporc"}
    assert statement.member_id is None


def test_ongoing_year_is_accepted(survivor):
    survivor.post("/speak/", {**STORY, "year": "ongoing"})
    statement = Statement.objects.get()
    assert statement.ongoing and statement.year is None


@pytest.mark.parametrize("written", ["٢٠١٧", "２０１７"])
def test_a_year_in_other_decimal_digits_is_read_as_that_year(survivor, written):
    survivor.post("/speak/", {**STORY, "year": written})
    assert Statement.objects.get().year == 2017


def test_moderators_only_story_is_never_published(survivor):
    survivor.post("/speak/", {**STORY, "visibility": "moderators"})
    assert Story.objects.get().status == Status.PENDING
    assert b"The night bus" not in survivor.get("/").content


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "x" * 20_001}, "text"),
        ({"content_warnings": []}, "content_warnings"),
        ({"setting": "moon"}, "setting"),
        ({"relation": "robot"}, "relation"),
        ({"age_at_time": "99"}, "age_at_time"),
        ({"country": "XX"}, "country"),
        ({"country": "France"}, "country"),
        ({"harms": ["verbal", "telepathy"]}, "harms"),
        ({"year": "1850"}, "year"),
        ({"year": "next year"}, "year"),
        ({"year": "²"}, "year"),
        ({"year": "²⁰¹⁷"}, "year"),
        ({"year": "①⑨⑨⑨"}, "year"),
        ({"visibility": "everyone"}, "visibility"),
        ({"content_warnings": ["spoilers"]}, "content_warnings"),
        ({"title": "t" * 201}, "title"),
        ({"text": "null \x00 byte"}, "text"),
    ],
)
def test_bad_input_rerenders_with_what_was_typed_and_stores_nothing(survivor, change, field):
    typed = {**STORY, "text": "Words I do not want to type twice. #MeToo", **change}
    response = survivor.post("/speak/", typed)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert b"error-message" in response.content and b"error-summary" in response.content
    if typed["text"] and "\x00" not in typed["text"] and len(typed["text"]) < 100:
        assert typed["text"].encode() in response.content
    assert not Statement.objects.exists()
    assert StatementTally.total()[0] == 0


def test_html_in_a_story_is_shown_as_text(survivor, stranger):
    survivor.post("/speak/", {**STORY, "text": "<script>alert('x')</script> <b>bold</b>"})
    story = Story.objects.get()
    story.publish()
    page = stranger.get(f"/stories/{story.pk}/").content
    assert b"<script>alert" not in page
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_missing_csrf_token_is_refused_and_stores_nothing(csrf_client):
    response = csrf_client.post("/speak/", {"mode": "count"})
    assert response.status_code == 403
    assert b"This form expired" in response.content
    assert not Statement.objects.exists()


def test_member_speaking_by_name_gets_no_receipt(supporter, supporter_member):
    response = supporter.post("/speak/", {**STORY, "anonymous": ""})
    assert response.status_code == 200 and response.context["receipt"] is None
    statement = Statement.objects.get()
    assert statement.member == supporter_member
    assert statement.receipt_hash is None


def test_member_speaking_anonymously_is_not_linked_but_can_manage(supporter, supporter_member, stranger):
    response = supporter.post("/speak/", {**STORY, "anonymous": "on"})
    assert response.status_code == 200
    assert "receipt" in response.context
    statement = Statement.objects.get()
    assert statement.member_id is None
    assert statement.member_tag is not None
    story_page = stranger.get(f"/stories/{statement.story.pk}/").content
    assert b"supporter" not in story_page
    assert supporter.get(f"/mine/{statement.pk}/").status_code == 200
    assert stranger.get(f"/mine/{statement.pk}/").status_code == 404


def test_invalid_utf8_in_a_form_is_a_clear_answer_not_an_error(survivor):
    response = survivor.post(
        "/speak/",
        data=b"mode=story&content_warnings=other&text=%FF%FE%FDbroken",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert "text" in response.context["form"].errors  # named, not stored as "\ufffd" (test_bad_input.py)
    assert "broken" in response.content.decode()
    assert not Statement.objects.exists()
