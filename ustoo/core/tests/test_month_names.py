"""Month names are the CLDR's in every language, through the catalogue scripts/month-names writes from the
pinned Babel (the third of LOCALE_PATHS): Django's own capitalise Italian ("Dicembre"), misspell Hindi
("दिसमबर") and abbreviate in their own way ("Ene.", "十二月")."""

import datetime
import importlib.machinery
import importlib.util

import pytest
from django.conf import settings
from django.utils import dateformat, translation
from django.utils.translation import to_locale

SCRIPT = settings.BASE_DIR.parent / "scripts" / "month-names"
MONTHS = (datetime.date(2030, 4, 6), datetime.date(2030, 9, 6), datetime.date(2030, 12, 6))
# April, September and December as the CLDR writes them: alone (F), in a date (E), abbreviated (N).
NAMES = {
    "fr": (("avril", "septembre", "décembre"), ("avril", "septembre", "décembre"), ("avr.", "sept.", "déc.")),
    "es": (
        ("abril", "septiembre", "diciembre"),
        ("abril", "septiembre", "diciembre"),
        ("abr", "sept", "dic"),
    ),
    "it": (("aprile", "settembre", "dicembre"), ("aprile", "settembre", "dicembre"), ("apr", "set", "dic")),
    "ar": (("أبريل", "سبتمبر", "ديسمبر"), ("أبريل", "سبتمبر", "ديسمبر"), ("أبريل", "سبتمبر", "ديسمبر")),
    "hi": (("अप्रैल", "सितंबर", "दिसंबर"), ("अप्रैल", "सितंबर", "दिसंबर"), ("अप्रैल", "सित॰", "दिस॰")),
    "zh-hans": (("四月", "九月", "十二月"), ("四月", "九月", "十二月"), ("4月", "9月", "12月")),
}


def load_script():
    loader = importlib.machinery.SourceFileLoader("month_names", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_each_catalogue_is_what_the_pinned_cldr_data_writes():
    script = load_script()
    for language in script.LANGUAGES:
        path = settings.BASE_DIR / "month_names" / language / "LC_MESSAGES" / "django.po"
        assert path.read_text(encoding="utf-8") == script.catalogue(language), (
            f"run scripts/month-names: {path} is not what Babel's CLDR data says"
        )


def test_every_language_but_english_has_its_catalogue():
    languages = {to_locale(code) for code, _name in settings.LANGUAGES} - {"en"}
    assert set(load_script().LANGUAGES) == languages == {to_locale(code) for code in NAMES}


@pytest.mark.parametrize("code", NAMES)
def test_month_names_are_the_cldrs(code):
    with translation.override(code):
        written = [tuple(dateformat.format(day, form) for day in MONTHS) for form in "FEN"]
    assert written == list(NAMES[code])
