"""The help page in the reader's language: the country shown first when nothing else says it (a language
spoken mostly in one country), and country names in that language."""

import pytest
from django.utils import translation
from django_countries import countries


@pytest.mark.parametrize(
    ("accept_language", "country"),
    [
        ("hi", "IN"),
        ("zh-Hans", "CN"),
        ("it", "IT"),
        # Languages of many countries, each with its own emergency numbers: every country, to choose.
        ("es", None),
        ("ar", None),
        ("fr", None),
        ("en", None),
        # The browser's region still comes first.
        ("hi-GB", "GB"),
        ("es-MX", "MX"),
    ],
)
def test_the_country_shown_first_follows_the_language(stranger, accept_language, country):
    response = stranger.get("/help/", headers={"accept-language": accept_language})
    assert response.status_code == 200
    assert response.context["country"] == country


def test_a_hindi_reader_who_chooses_every_country_gets_every_country(stranger):
    response = stranger.get("/help/", {"country": ""}, headers={"accept-language": "hi"})
    assert response.context["country"] is None
    assert response.context["groups"]


def test_a_hindi_reader_reads_country_names_in_hindi(stranger):
    page = stranger.get("/help/", headers={"accept-language": "hi"}).content.decode()
    assert "भारत" in page
    assert '<option value="AU">ऑस्ट्रेलिया</option>' in page
    assert "Australia" not in page


def test_the_names_of_other_languages_are_still_django_countries(db):
    with translation.override("zh-hans"):
        assert countries.name("IN") == "印度"
    with translation.override("en"):
        assert countries.name("IN") == "India"
