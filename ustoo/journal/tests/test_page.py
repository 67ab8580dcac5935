"""The journal page as the server renders it: what it hands the browser's code, in the reader's
language, under the strict CSP; and the paper log, which needs no JavaScript."""

import json
import re

import pytest
from django.conf import settings
from django.test import Client

from ustoo.core.tests.test_script_words import script_words
from ustoo.journal import params, questions

pytestmark = pytest.mark.django_db

PROTOCOL_QUESTIONS = {
    "incident": [
        "when",
        "where",
        "who",
        "words_or_acts",
        "witnesses",
        "response",
        "told",
        "told_answer",
        "effects",
        "retaliation",
    ],
    "witness": [
        "when",
        "where",
        "who_harmed",
        "who_targeted",
        "words_or_acts",
        "others_present",
        "what_i_did",
        "after",
    ],
}


def script_json(html: str, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert found, element_id
    return json.loads(found.group(1))


def test_the_page_hands_the_browser_its_parameters_questions_and_words():
    response = Client().get("/journal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert script_json(html, "journal-params") == params.for_browser()
    handed = script_json(html, "journal-questions")
    assert {kind: [q["id"] for q in asked] for kind, asked in handed.items()} == PROTOCOL_QUESTIONS
    # Its words: the site's JavaScript catalogue in the page's language, then the bundle, as a module;
    # nothing inline runs.
    words = html.index('<script src="/i18n/script-words/en.js" defer></script>')
    assert re.search(r'<script type="module" src="/static/journal/journal\.[0-9a-f]+\.js">', html[words:])
    assert "The journal needs JavaScript" in html


def test_every_question_of_the_protocol_has_its_field_in_the_form():
    html = Client().get("/journal/").content.decode()
    for kind, ids in PROTOCOL_QUESTIONS.items():
        for question_id in ids:
            assert f'id="write-{kind}-{question_id}" data-question="{question_id}"' in html
    assert [q.id for q in questions.KINDS["incident"]] == PROTOCOL_QUESTIONS["incident"]


def test_the_page_is_not_kept_and_its_policy_stays_strict():
    response = Client().get("/journal/")
    assert response["Cache-Control"] == "no-store"
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    for loosened in ("unsafe-eval", "unsafe-inline", "wasm-unsafe-eval", "blob:"):
        assert loosened not in policy
    assert settings.SECURE_CSP["script-src"] == ["'self'"]


def test_the_page_and_its_words_in_french():
    client = Client(headers={"accept-language": "fr"})
    html = client.get("/journal/").content.decode()
    assert '<html lang="fr"' in html
    assert '<script src="/i18n/script-words/fr.js" defer></script>' in html
    _rule, words = script_words(client, "fr")
    assert words["Your journal is closed."] == "Votre journal est fermé."
    handed = script_json(html, "journal-questions")
    assert handed["incident"][0]["label"] != "When did it happen?"


def test_the_paper_log_asks_the_same_questions_without_javascript():
    response = Client().get("/journal/paper/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script type="module"' not in html
    for asked in questions.KINDS.values():
        for question in asked:
            assert str(question.label) in html.replace("&#x27;", "'")


def test_the_pages_only_read():
    assert Client().post("/journal/").status_code == 405
    assert Client().post("/journal/paper/").status_code == 405
