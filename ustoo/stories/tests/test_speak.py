"""Saying "me too": count only, or with a story; receipts; bad input loses nothing."""

import re

import pytest

from ustoo.conftest import counted_total
from ustoo.core import receipts
from ustoo.stories.models import Statement, Status, Story

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
    assert counted_total() == 1
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
    assert counted_total() == 0


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


# --- A story typed is never dropped -------------------------------------------------------------


def _form_posting_to(page: str, action: str) -> str:
    found = re.findall(rf'<form method="post" novalidate action="{action}".*?</form>', page, re.S)
    assert len(found) == 1, f"one form posting to {action}"
    return found[0]


def test_counting_has_no_story_box_and_the_story_page_has_one_clear_submit(survivor):
    count_page = survivor.get("/speak/").content.decode()
    assert "<textarea" not in count_page
    assert _form_posting_to(count_page, "/speak/").count('type="submit"') == 1
    assert 'href="/speak/story/"' in count_page
    story_form = _form_posting_to(survivor.get("/speak/story/").content.decode(), "/speak/story/")
    assert story_form.count("<textarea") == 1
    assert story_form.count('type="submit"') == 1 and 'id="submit-story"' in story_form


def test_the_old_address_of_the_story_form_leads_to_it(survivor):
    response = survivor.get("/speak/?mode=story")
    assert response.status_code == 302 and response["Location"] == "/speak/story/"


def test_words_sent_with_count_only_are_kept_and_asked_about_never_dropped(survivor):
    words = "Last Year My manager cornered me in the lift."
    response = survivor.post("/speak/", {"mode": "count", "text": words})
    assert response.status_code == 200
    assert response.templates[0].name == "stories/share.html"
    assert words in response.content.decode()
    assert "content_warnings" in response.context["form"].errors
    assert not Statement.objects.exists()


def test_words_sent_to_the_count_form_with_warnings_are_shared(survivor):
    survivor.post("/speak/", {"text": "It was at the depot.", "content_warnings": ["harassment"]})
    assert Story.objects.get().text == "It was at the depot."
    assert counted_total() == 1


# --- Sending a form again counts once -----------------------------------------------------------


def _token(page) -> str:
    return page.context["form"]["once"].value()


def test_each_speaking_form_carries_its_own_token(survivor):
    first, second = _token(survivor.get("/speak/")), _token(survivor.get("/speak/"))
    assert first and second and first != second
    assert f'name="once" value="{first}"'.encode() not in survivor.get("/speak/").content
    assert _token(survivor.get("/speak/story/"))


def test_refreshing_the_receipt_page_counts_once_and_shows_the_same_receipt(survivor):
    once = _token(survivor.get("/speak/"))
    first = survivor.post("/speak/", {"once": once})
    again = survivor.post("/speak/", {"once": once})  # the browser's "resend" of the receipt page
    assert Statement.objects.count() == 1
    assert counted_total() == 1
    assert first.context["receipt"] == again.context["receipt"]
    assert again.context["receipt"].encode() in again.content
    assert Statement.objects.get().receipt_hash == receipts.receipt_hash(first.context["receipt"])


def test_a_double_click_on_share_gives_one_story(survivor):
    once = _token(survivor.get("/speak/story/"))
    data = {**STORY, "once": once}
    data.pop("mode")
    survivor.post("/speak/story/", data)
    survivor.post("/speak/story/", data)
    assert Story.objects.count() == 1 and Statement.objects.count() == 1


def test_a_member_speaking_by_name_is_counted_once_per_form(supporter):
    once = _token(supporter.get("/speak/"))
    supporter.post("/speak/", {"once": once, "anonymous": ""})
    supporter.post("/speak/", {"once": once, "anonymous": ""})
    assert Statement.objects.filter(member__username="supporter").count() == 1


def test_two_forms_are_two_statements(survivor):
    for _ in range(2):
        survivor.post("/speak/", {"once": _token(survivor.get("/speak/"))})
    assert counted_total() == 2


def test_the_same_form_sent_twice_at_once_counts_once(monkeypatch):
    """The second request found nothing when it looked, and its write hits the first one's row."""
    from ustoo.stories import services

    first = services.say_me_too(once="same-form")
    real = services._said_before
    calls = []

    def found_nothing_the_first_time(once):
        calls.append(once)
        return None if len(calls) == 1 else real(once)

    monkeypatch.setattr(services, "_said_before", found_nothing_the_first_time)
    second = services.say_me_too(once="same-form")
    assert len(calls) == 2  # the unique key stopped the second write, and then it looked again
    assert second.repeated and second.statement.pk == first.statement.pk
    assert second.receipt == first.receipt
    assert counted_total() == 1


def test_form_tokens_are_forgotten_after_a_day(survivor):
    import datetime

    from django.utils import timezone

    from ustoo.stories.retention import forget_form_tokens

    survivor.post("/speak/", {"once": _token(survivor.get("/speak/"))})
    assert forget_form_tokens(timezone.now()).startswith("Forgot the form tokens of 0 ")
    assert forget_form_tokens(timezone.now() + datetime.timedelta(days=2)).startswith(
        "Forgot the form tokens of 1 "
    )
    assert Statement.objects.get().once_key is None
