"""Help for the countries of the interface's languages: emergency numbers and lines confirmed on a page (or,
for emergency numbers, in a dataset) that is cited, with the month they were checked, chosen by the reader's
country or browser language, on pages in that language."""

import copy
import json

import pytest
from django.test import Client
from phonenumbers import shortnumberinfo

from ustoo.safety import resources
from ustoo.safety.resources import InvalidServiceData

RAW = json.loads(resources.DATA_FILE.read_text(encoding="utf-8"))

# The countries of the movement's languages (es, it, ar, hi, zh): issue 20 promises each its help.
MOVEMENT_COUNTRIES = ("ES", "MX", "AR", "IT", "EG", "TN", "MA", "LB", "SA", "IN", "CN")

# Each country's line for sexual or domestic violence, confirmed on a stored official page that is cited
# (a public authority's, or the service's own).
CITED = {"ES": "016", "IT": "1522", "TN": "1899", "CN": "12338", "AR": "144", "SA": "1919"}

# Not yet sourced: in December 2026 only press reports named these countries' lines (Mexico's Línea de las
# Mujeres 079, Egypt's National Council for Women 15115, Morocco's Kolna Maak 8350, Lebanon's ISF line 1745,
# India's Women Helpline 181); no ministry, service or UN agency page saying so could
# be read. Their readers get their emergency numbers and the international directories until an operator
# confirms a line on its own page and moves the country to CITED.
NOT_YET_SOURCED = ("MX", "EG", "MA", "LB", "IN")

# Each country's emergency numbers, in the order the page shows them, each cited: an official page, or
# Google's libphonenumber short-number data (which the project's phonenumbers package ships).
EMERGENCY = {
    "ES": ("112",),
    "MX": ("911",),
    "AR": ("911",),
    "IT": ("112",),
    "EG": ("122", "123"),
    "TN": ("190", "197"),
    "MA": ("19", "15"),
    "LB": ("112", "999"),
    "SA": ("911",),
    "IN": ("112",),
    "CN": ("110", "120"),
}

# A reader in each country, as their browser says it: the region of the language tag picks the country.
READERS = {
    "ES": ("es-ES", "es"),
    "MX": ("es-MX", "es"),
    "AR": ("es-AR", "es"),
    "IT": ("it-IT", "it"),
    "EG": ("ar-EG", "ar"),
    "TN": ("ar-TN", "ar"),
    "MA": ("ar-MA", "ar"),
    "LB": ("ar-LB", "ar"),
    "SA": ("ar-SA", "ar"),
    "IN": ("hi-IN", "hi"),
    "CN": ("zh-CN", "zh-hans"),
}


def test_every_movement_country_has_a_cited_line_or_is_listed_as_not_yet_sourced():
    assert set(CITED) | set(NOT_YET_SOURCED) == set(MOVEMENT_COUNTRIES)
    assert not set(CITED) & set(NOT_YET_SOURCED)
    assert set(EMERGENCY) == set(READERS) == set(MOVEMENT_COUNTRIES)
    for country in NOT_YET_SOURCED:
        # Once a line is confirmed, the country belongs in CITED, where its test names the line.
        cited = [s for s in resources.services_in(country) if s.source and not s.is_emergency]
        assert not cited, f"{country} has a cited line now: move it to CITED"


@pytest.mark.parametrize(("country", "number"), CITED.items())
def test_each_cited_line_says_where_and_when_it_was_checked(country, number):
    services = [service for service in resources.services_in(country) if service.phone == number]
    assert services, f"{country}: no line {number}"
    for service in services:
        assert not service.is_emergency
        assert {"sexual-violence", "domestic-violence"} & set(service.purposes)
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


@pytest.mark.parametrize(("country", "numbers"), EMERGENCY.items())
def test_each_movement_country_has_its_emergency_numbers_first_each_cited(country, numbers):
    emergency = resources.emergency_numbers(country)
    assert tuple(service.phone for service in emergency) == numbers
    # The country's list starts with them, so every list of its lines leads with the emergency numbers.
    assert resources.services_in(country)[: len(numbers)] == emergency
    for service in emergency:
        assert service.crisis and service.always_open
        assert service.source and service.source.startswith(("https://", "http://"))
        assert service.checked and service.checked >= "2026-12"
        # Whatever page is cited, the data the project ships knows the number as an emergency number.
        assert shortnumberinfo.is_emergency_number(service.phone, country), service.phone


@pytest.mark.django_db
@pytest.mark.parametrize("country", MOVEMENT_COUNTRIES)
def test_the_help_page_shows_the_readers_emergency_numbers_first_and_their_line(country):
    """Without JavaScript, from the browser's language alone: the page in the reader's language (English
    while that language is not offered yet), their emergency numbers in the warning above everything else,
    their country's cited line, and the international directories."""
    from django.conf import settings

    accept_language, lang = READERS[country]
    response = Client(headers={"accept-language": accept_language}).get("/help/")
    assert response.status_code == 200
    page = response.content.decode()
    offered = {code for code, _name in settings.LANGUAGES}
    assert f'<html lang="{lang if lang in offered else "en"}"' in page
    warning = page.split('id="emergency"', 1)[1].split("</p>", 1)[0]
    for number in EMERGENCY[country]:
        assert f'href="tel:{number}"' in warning
    assert page.index('id="emergency"') < page.index('id="help-country-heading"')
    if country in CITED:
        assert f'href="tel:{CITED[country]}"' in page.split('id="help-country-heading"', 1)[1]
    assert "https://findahelpline.com" in page


# Of the countries not yet sourced, those with nothing listed but their emergency numbers (India has lines
# still to confirm, shown meanwhile).
EMERGENCY_NUMBERS_ONLY = ("MX", "EG", "MA", "LB")


@pytest.mark.django_db
@pytest.mark.parametrize("country", EMERGENCY_NUMBERS_ONLY)
def test_a_country_with_only_its_emergency_numbers_says_so_and_offers_the_directories(country):
    assert all(service.is_emergency for service in resources.services_in(country))
    page = Client(headers={"accept-language": "en"}).get("/help/", {"country": country}).content.decode()
    local = page.split('id="help-country-heading"', 1)[1].split('id="help-international"', 1)[0]
    assert "We do not list a support line in" in local
    assert "only its emergency numbers" in local
    assert "https://findahelpline.com" in page


@pytest.mark.django_db
@pytest.mark.parametrize("country", [*CITED, "IN"])
def test_a_country_with_a_support_line_does_not_say_it_has_none(country):
    page = Client(headers={"accept-language": "en"}).get("/help/", {"country": country}).content.decode()
    assert "We do not list" not in page


@pytest.mark.django_db
def test_a_line_without_website_or_known_hours_sends_nobody_to_a_website():
    page = Client(headers={"accept-language": "en"}).get("/help/", {"country": "CN"}).content.decode()
    line = page.split('href="tel:12338"', 1)[1].split("</li>", 1)[0]
    assert "see their website" not in line
    assert "Languages:" in line
