"""'I own what I did': a count-only acknowledgement with a commitment, a clear warning, help to change
by country, and words that never leave identifying anyone, nor unmoderated."""

import pytest
from django.test import Client

from ustoo.upstanders.models import Acknowledgement, OwnWords, WordsKind, WordsStatus
from ustoo.upstanders.tests.conftest import counted, form_token

pytestmark = pytest.mark.django_db

OWN = "/step-up/i-own-what-i-did/"


def test_the_page_warns_it_is_neither_legal_advice_nor_confidential_from_the_law(stranger):
    html = stranger.get(OWN).content.decode()
    warning = html[html.index('id="not-legal-advice"') :]
    assert "This is not legal advice, and it is not confidential from the law." in warning[:400]
    assert "<title>Accountability – ustoo</title>" in html  # a neutral name in the tab and the history


def test_help_to_change_is_listed_by_country_with_its_source_and_when_it_was_checked(stranger):
    html = stranger.get(OWN, {"country": "GB"}).content.decode()
    assert "Stop It Now UK and Ireland" in html and 'href="tel:08081000900"' in html
    assert 'href="https://www.stopitnow.org.uk/helpline/"' in html
    assert "Checked 2026-12 against" in html
    assert "Opening hours: see their website." in html and "Cymraeg" in html


def test_a_country_without_a_known_service_says_so(stranger):
    html = stranger.get(OWN, {"country": "NZ"}).content.decode()
    assert "We do not know such a service in New Zealand yet." in html


def test_the_browser_language_chooses_the_country(stranger):
    html = stranger.get(OWN, headers={"Accept-Language": "fr-FR,fr;q=0.9"}).content.decode()
    assert "0806 23 10 63" in html


def test_an_acknowledgement_is_counted_with_its_commitment(survivor):
    answer = survivor.post(OWN, {"commitment": "get_help", "once": form_token(survivor, OWN)})
    assert answer.status_code == 200
    assert "It is counted" in answer.content.decode()
    assert Acknowledgement.objects.get().commitment == "get_help"
    assert counted("acknowledgements") == 1 and not OwnWords.objects.exists()


def test_a_replayed_acknowledgement_counts_once(survivor):
    body = {"commitment": "stop", "once": form_token(survivor, OWN)}
    survivor.post(OWN, body)
    again = Client().post(OWN, body)
    assert "This was already counted: it counts once." in again.content.decode()
    assert counted("acknowledgements") == 1


def test_no_commitment_or_an_unknown_one_is_named(survivor):
    missing = survivor.post(OWN, {"text": "I was wrong."})
    assert missing.status_code == 400
    assert "Choose what you will do now." in missing.content.decode()
    assert "I was wrong.</textarea>" in missing.content.decode()
    unknown = survivor.post(OWN, {"commitment": "nothing"})
    assert unknown.status_code == 400 and "Choose one of the options shown." in unknown.content.decode()
    assert not Acknowledgement.objects.exists()


def test_words_that_identify_anyone_can_never_be_sent_as_they_are(survivor):
    body = {"commitment": "stop", "text": "I am sorry, Sarah Connor. Write to me at me@example.org."}
    warned = survivor.post(OWN, body)
    html = warned.content.decode()
    assert 'id="naming-guard"' in html and 'id="guard-redact"' in html
    assert 'id="guard-send"' not in html
    # A "send anyway" made up by hand is answered the same way.
    forced = survivor.post(OWN, {**body, "guard": "send"})
    assert 'id="naming-guard"' in forced.content.decode()
    assert not Acknowledgement.objects.exists() and not OwnWords.objects.exists()

    redacted = survivor.post(OWN, {**body, "guard": "redact"})
    redacted_text = redacted.context["form"].data["text"]
    assert redacted_text == "I am sorry, [name removed]. Write to me at [contact removed]."
    survivor.post(OWN, {"commitment": "stop", "text": redacted_text})
    words = OwnWords.objects.get()
    assert words.kind == WordsKind.ACKNOWLEDGEMENT and words.status == WordsStatus.PENDING
    assert not words.identifies_someone
    assert counted("acknowledgements") == 1


def test_an_acknowledgement_that_signals_danger_is_answered_with_crisis_lines(survivor):
    answer = survivor.post(OWN, {"commitment": "get_help", "text": "I want to die after what I did."})
    assert OwnWords.objects.get().urgent
    assert 'id="crisis-lines-heading"' in answer.content.decode()


def test_approved_words_are_shown_folded(survivor, stranger):
    survivor.post(OWN, {"commitment": "learn", "text": "I called it banter. It was not."})
    assert "I called it banter." not in stranger.get(OWN).content.decode()
    OwnWords.objects.update(status=WordsStatus.PUBLISHED)
    html = stranger.get(OWN).content.decode()
    shown = html[html.index('class="published-words"') :]
    assert '<details class="content-warning">' in shown and "I called it banter. It was not." in shown
