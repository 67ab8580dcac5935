"""The words of the pages' scripts (core/script_text.py): Django's JavaScript catalogue of the djangojs
domain, one script per language, which holds every plural form of each counted message and the language's
own rule for choosing one."""

from __future__ import annotations

import json
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import to_locale

from ustoo.core.tests.test_languages import catalogue_path, offered
from ustoo.core.tests.test_translations import read_po

CATALOGUE = re.compile(r"const newcatalog = (\{.*?\});\n", re.S)
RULE = re.compile(r"django\.pluralidx = function\(n\) \{\s*const v = (.*?);\n")


def script_words(client: Client, code: str) -> tuple[str | None, dict]:
    """The plural rule and the entries of the catalogue the site serves for a language."""
    response = client.get(f"/i18n/script-words/{code}.js")
    assert response.status_code == 200, code
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    rule = RULE.search(body)
    entries = CATALOGUE.search(body)
    return (rule.group(1) if rule else None), (json.loads(entries.group(1)) if entries else {})


@pytest.mark.parametrize("locale", offered())
def test_each_language_gets_every_form_of_each_counted_message_and_its_rule(locale):
    """What the page's ngettext chooses from: as many forms as the catalogue's language has, each
    translated, and the catalogue's own Plural-Forms as the rule (Arabic six forms, Chinese one)."""
    code = next(code for code, _name in settings.LANGUAGES if to_locale(code) == locale)
    header, entries = read_po(catalogue_path(locale, "djangojs"))
    written = re.search(r"Plural-Forms:\s*nplurals=(\d+);\s*plural=(.+?);?\s*\n", header.msgstr[0])
    nplurals, expression = int(written.group(1)), written.group(2).strip()
    rule, served = script_words(Client(), code)
    assert rule == expression
    counted = [entry for entry in entries if entry.msgid_plural]
    assert len(counted) >= 8
    for entry in counted:
        forms = served[entry.msgid]
        assert forms == [entry.msgstr[index] for index in range(nplurals)], entry.msgid
        assert len(forms) == nplurals and all(forms)
    for entry in entries:
        if not entry.msgid_plural:
            assert served[entry.msgid] == entry.msgstr[0]


def test_arabic_has_six_forms_and_french_its_singular_zero():
    client = Client()
    rule, served = script_words(client, "ar")
    assert len(served["%(count)s entry"]) == 6
    assert served["about %(count)s hour"][2] == "نحو ساعتين"  # the dual
    assert rule.startswith("n==0 ? 0 : n==1 ? 1 : n==2 ? 2")
    rule, served = script_words(client, "fr")
    assert rule == "(n > 1)"
    rule, served = script_words(client, "zh-hans")
    assert rule == "0" and len(served["%(count)s entry"]) == 1


def test_english_gets_the_library_and_no_entries():
    rule, served = script_words(Client(), "en")
    assert rule is None and served == {}  # gettext gives the English, ngettext by English's rule


def test_a_language_the_site_does_not_offer_is_not_found():
    assert Client().get("/i18n/script-words/de.js").status_code == 404
    assert Client().get("/i18n/script-words/..%2Fen.js").status_code == 404


def test_the_script_words_stay_out_of_caches_and_need_nothing_inline():
    response = Client().get("/i18n/script-words/fr.js")
    assert response["Cache-Control"] == "no-store" and "Expires" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]
    body = response.content.decode()
    assert "eval(" not in body and "new Function" not in body
    assert "http://" not in body and "https://" not in body  # nothing from another site


def test_the_journal_loads_the_words_of_its_language_before_its_script():
    """The catalogue of the page's language, a file of this site, runs before the module (both deferred,
    in order); no words are written into the page (the escrow's page: matching/tests/test_pages.py)."""
    client = Client(headers={"accept-language": "ar"})
    journal = client.get("/journal/").content.decode()
    words = journal.index('<script src="/i18n/script-words/ar.js" defer></script>')
    assert words < journal.index('<script type="module" src="/static/journal/journal.')
    assert 'id="journal-text"' not in journal
