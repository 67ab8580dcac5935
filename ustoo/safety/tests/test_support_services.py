"""Help for the countries of the interface's languages: lines confirmed on a page that is cited, with the
month they were checked, chosen by the reader's country or browser language, on pages in that language."""

import copy
import json

import pytest
from django.test import Client

from ustoo.safety import resources
from ustoo.safety.resources import InvalidServiceData

RAW = json.loads(resources.DATA_FILE.read_text(encoding="utf-8"))

# The countries of the movement's languages whose lines could be confirmed on a stored official page
# (the service's or a public authority's). Mexico, Argentina, Egypt, Morocco, Lebanon and Saudi Arabia
# have none yet: their readers get the international directories until an operator confirms theirs.
CITED = {"ES": "016", "IT": "1522", "TN": "1899", "CN": "12338"}
NOT_YET_CITED = ("MX", "AR", "EG", "MA", "LB", "SA")


@pytest.mark.parametrize(("country", "number"), CITED.items())
def test_each_cited_line_says_where_and_when_it_was_checked(country, number):
    services = [service for service in resources.services_in(country) if service.phone == number]
    assert services, f"{country}: no line {number}"
    for service in services:
        assert service.source and service.source.startswith(("https://", "http://"))
        assert service.checked and service.checked >= "2026-12"


def test_every_entry_with_a_source_has_its_month():
    for service in resources.directory().services:
        assert (service.source is None) == (service.checked is None), service.name


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source": "https://example.org/page"}, "source and checked go together"),
        ({"checked": "2026-12"}, "source and checked go together"),
        ({"source": "ftp://example.org/", "checked": "2026-12"}, "source must be the address"),
        ({"source": "https://example.org/", "checked": "December"}, "checked must be the month"),
    ],
)
def test_a_source_without_its_month_or_a_bad_one_is_refused(change, problem):
    entry = {**copy.deepcopy(RAW["services"][0]), **change}
    with pytest.raises(InvalidServiceData, match=problem):
        resources.parse_service(entry)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "number", "lang"),
    [("es-ES", "016", "es"), ("it-IT", "1522", "it"), ("ar-TN", "1899", "ar"), ("zh-CN", "12338", "zh-hans")],
)
def test_the_help_page_finds_the_readers_line_from_their_browser_language(accept_language, number, lang):
    """Without JavaScript: the page itself, in the reader's language (English while that language is not
    offered yet), with their country's line either way."""
    from django.conf import settings

    response = Client(headers={"accept-language": accept_language}).get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    offered = {code for code, _name in settings.LANGUAGES}
    assert f'<html lang="{lang if lang in offered else "en"}"' in page
    assert f'href="tel:{number}"' in page
    assert "https://findahelpline.com" in page


@pytest.mark.django_db
@pytest.mark.parametrize("country", NOT_YET_CITED)
def test_a_country_not_yet_cited_gets_the_international_directories(country):
    page = Client(headers={"accept-language": "ar"}).get("/help/", {"country": country}).content.decode()
    assert "https://findahelpline.com" in page
    assert resources.services_in(country) == []


@pytest.mark.django_db
def test_a_line_without_website_or_known_hours_sends_nobody_to_a_website():
    page = Client(headers={"accept-language": "en"}).get("/help/", {"country": "CN"}).content.decode()
    line = page.split('href="tel:12338"', 1)[1].split("</li>", 1)[0]
    assert "see their website" not in line
    assert "Languages:" in line
