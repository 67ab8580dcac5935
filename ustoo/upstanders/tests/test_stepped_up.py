"""'I stepped up': a count-only report of an intervention, counted on write; its optional account
is moderated like a story and never shown with the answers."""

import pytest
from django.test import Client

from ustoo.upstanders.models import Intervention, OwnWords, WordsKind, WordsStatus
from ustoo.upstanders.tests.conftest import counted, form_token

pytestmark = pytest.mark.django_db

STEPPED_UP = "/step-up/i-stepped-up/"
ANSWERS = {"approach": "delay", "setting": "street", "outcome": "helped"}


def test_the_form_asks_which_d_where_and_whether_it_helped(survivor):
    html = survivor.get(STEPPED_UP).content.decode()
    assert "<title>Stepped up – ustoo</title>" in html
    for name, count in (("approach", 5), ("setting", 6), ("outcome", 3)):
        assert html.count(f'type="radio" name="{name}"') == count
    assert "Delay: I checked on the person afterwards" in html and "I do not know" in html


def test_a_report_is_counted_on_write_and_nothing_links_it_to_anyone(survivor):
    answer = survivor.post(STEPPED_UP, {**ANSWERS, "once": form_token(survivor, STEPPED_UP)})
    assert answer.status_code == 200
    assert "Thank you for stepping up" in answer.content.decode()
    row = Intervention.objects.get()
    assert (row.approach, row.setting, row.outcome) == ("delay", "street", "helped")
    assert {field.name for field in Intervention._meta.get_fields()} == {
        "id",
        "approach",
        "setting",
        "outcome",
        "once_key",
        "day",
    }
    assert counted("interventions") == 1


def test_each_missing_answer_is_named_on_its_field(survivor):
    answer = survivor.post(STEPPED_UP, {"account": "I asked her if she was all right."})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Choose what you did: one of the five ways of stepping up." in html
    assert "Choose where it was." in html
    assert "Choose whether it helped, or “I do not know”." in html
    assert "I asked her if she was all right.</textarea>" in html
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("approach", "punch"), ("setting", "moon"), ("outcome", "maybe"), ("setting", "")]
)
def test_an_unknown_choice_is_refused_with_a_clear_message(survivor, field, value):
    answer = survivor.post(STEPPED_UP, {**ANSWERS, field: value})
    assert answer.status_code == 400
    assert f'id="id_{field}_error"' in answer.content.decode()
    assert not Intervention.objects.exists() and counted("interventions") == 0


def test_an_over_long_account_is_named_and_kept(survivor):
    account = "word " * 401
    answer = survivor.post(STEPPED_UP, {**ANSWERS, "account": account})
    assert answer.status_code == 400
    assert "Too long (2,004 characters, at most 2,000)." in answer.content.decode()
    assert account.strip() in answer.content.decode()


def test_a_replayed_report_counts_once(survivor):
    body = {**ANSWERS, "account": "I sat next to her.", "once": form_token(survivor, STEPPED_UP)}
    survivor.post(STEPPED_UP, body)
    again = Client().post(STEPPED_UP, body)
    assert "This was already counted: it counts once." in again.content.decode()
    assert Intervention.objects.count() == 1 and OwnWords.objects.count() == 1
    assert counted("interventions") == 1


def test_two_reports_from_one_person_are_two_interventions(survivor):
    survivor.post(STEPPED_UP, {**ANSWERS, "once": form_token(survivor, STEPPED_UP)})
    survivor.post(STEPPED_UP, {**ANSWERS, "outcome": "unknown", "once": form_token(survivor, STEPPED_UP)})
    assert counted("interventions") == 2


def test_an_account_naming_someone_goes_through_the_naming_guard(survivor):
    body = {**ANSWERS, "account": "I told Mr Smith to stop. Call me on +44 20 7946 0958."}
    warned = survivor.post(STEPPED_UP, body)
    assert 'id="naming-guard"' in warned.content.decode() and not Intervention.objects.exists()
    redacted = survivor.post(STEPPED_UP, {**body, "guard": "redact"})
    html = redacted.content.decode()
    assert "[name removed]" in html and "[contact removed]" in html and not Intervention.objects.exists()
    survivor.post(STEPPED_UP, {**body, "account": "I told [name removed] to stop."})
    words = OwnWords.objects.get()
    assert words.kind == WordsKind.INTERVENTION and not words.identifies_someone
    assert counted("interventions") == 1


def test_an_approved_account_is_shown_folded_and_without_the_answers(survivor, stranger):
    survivor.post(STEPPED_UP, {**ANSWERS, "account": "I waited with her for the bus."})
    OwnWords.objects.update(status=WordsStatus.PUBLISHED)
    html = stranger.get(STEPPED_UP).content.decode()
    shown = html[html.index('class="published-words"') :]
    assert '<details class="content-warning">' in shown and "I waited with her for the bus." in shown
    assert "Delay" not in shown and "Street or public transport" not in shown


def test_an_account_that_signals_danger_is_answered_with_crisis_lines(survivor):
    answer = survivor.post(
        STEPPED_UP, {**ANSWERS, "account": "Since I stepped in, he is following me and I am not safe."}
    )
    assert answer.status_code == 200
    assert OwnWords.objects.get().urgent
    assert 'id="crisis-lines-heading"' in answer.content.decode()
