"""Country names for the languages django-countries does not translate come from the CLDR, through the
catalogue scripts/country-names writes from the pinned Babel (the second of LOCALE_PATHS)."""

import importlib.machinery
import importlib.util
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django_countries import countries
from django_countries.data import COUNTRIES

SCRIPT = settings.BASE_DIR.parent / "scripts" / "country-names"


def load_script():
    loader = importlib.machinery.SourceFileLoader("country_names", str(SCRIPT))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_each_catalogue_is_what_the_pinned_cldr_data_writes():
    script = load_script()
    for language in script.LANGUAGES:
        path = settings.BASE_DIR / "country_names" / language / "LC_MESSAGES" / "django.po"
        assert path.read_text(encoding="utf-8") == script.catalogue(language), (
            f"run scripts/country-names: {path} is not what Babel's CLDR data says"
        )


def test_every_country_has_its_hindi_name():
    with translation.override(None):
        english = {code: str(name) for code, name in COUNTRIES.items()}
    with translation.override("hi"):
        in_english = [code for code in COUNTRIES if countries.name(code) == english[code]]
        assert countries.name("IN") == "भारत"
        assert countries.name("ES") == "स्पेन"
    assert in_english == []


def test_the_project_catalogue_comes_first():
    assert [Path(path).name for path in settings.LOCALE_PATHS] == ["locale", "country_names", "month_names"]
