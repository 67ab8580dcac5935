"""Help when it is needed: the support-services data file, choosing a country, and the help pages."""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import phonenumbers
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django_countries import countries
from phonenumbers import shortnumberinfo

from ustoo.safety import resources
from ustoo.safety.resources import INTERNATIONAL, REQUIRED_COUNTRIES, InvalidServiceData

RAW = json.loads(resources.DATA_FILE.read_text(encoding="utf-8"))
ENTRIES = RAW["services"]

# National short codes that are in service but not yet in the phonenumbers metadata this project pins.
SHORT_CODES_MISSING_FROM_METADATA = {("IN", "14416"), ("PK", "1098"), ("TN", "1899")}


def entry_id(entry: dict) -> str:
    return f"{entry.get('country')}:{entry.get('name')}"


# --- The data file ---------------------------------------------------------------------------------


def test_the_data_file_loads_and_says_it_must_be_verified():
    directory = resources.directory()
    assert len(directory.services) == len(ENTRIES)
    assert directory.checked == "2026-11"
    assert "verified" in directory.source_note and "operators" in directory.source_note


@pytest.mark.parametrize("entry", ENTRIES, ids=entry_id)
def test_every_entry_is_complete_and_valid(entry):
    service = resources.parse_service(entry)
    assert set(entry) >= resources.REQUIRED_FIELDS
    assert service.country == INTERNATIONAL or service.country in countries
    if service.web:
        assert urlsplit(service.web).scheme == "https"
    # Emergency numbers may have no website of their own; every other service must have one to check it,
    # or name the page it was checked on (source).
    assert service.web or service.is_emergency or service.country in {"IN", "PK"} or service.source
    assert service.phone or service.sms or service.web
    assert service.languages and service.purposes


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e["country"] != INTERNATIONAL], ids=entry_id)
def test_numbers_are_dialable_in_their_country(entry):
    # Catches a digit dropped or swapped in a number someone may call in a crisis.
    for number in filter(None, (entry["phone"], entry.get("sms"))):
        if (entry["country"], number) in SHORT_CODES_MISSING_FROM_METADATA:
            continue
        parsed = phonenumbers.parse(number, entry["country"])
        assert (
            phonenumbers.is_valid_number(parsed)
            or shortnumberinfo.is_valid_short_number(parsed)
            or shortnumberinfo.is_emergency_number(number, entry["country"])
        ), number


def test_required_countries_and_international_lines_are_present():
    present = {service.country for service in resources.directory().services}
    assert set(REQUIRED_COUNTRIES) | {INTERNATIONAL} <= present
    assert len(set(REQUIRED_COUNTRIES) | {INTERNATIONAL}) == 8


@pytest.mark.parametrize("country", REQUIRED_COUNTRIES)
def test_each_required_country_has_an_emergency_number_and_a_crisis_line(country):
    local = resources.services_in(country)
    assert any(service.crisis for service in local)
    assert any(service.is_emergency and service.crisis for service in local)
    assert any(not service.is_emergency for service in local), "a support line, not only emergencies"


def test_there_is_an_international_line_for_people_in_danger_anywhere():
    assert [service.name for service in resources.crisis_lines(None)] == ["Find A Helpline"]


def _valid_entry() -> dict:
    return copy.deepcopy(next(e for e in ENTRIES if e["name"] == "Samaritans"))


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"web": "http://www.samaritans.org"}, "https"),
        ({"web": "https://user@evil.example"}, "https"),
        ({"web": "javascript:alert(1)"}, "https"),
        ({"country": "ZZ"}, "country"),
        ({"country": "gb"}, "country"),
        ({"country": "UK"}, "country"),
        ({"phone": "116 123 call us"}, "phone"),
        ({"phone": None, "web": None}, "needs a phone"),
        ({"hours": "always"}, "hours"),
        ({"hours": [{"days": "weekdays", "open": "09:00", "close": "17:00"}]}, "opening span"),
        ({"hours": [{"days": "daily", "open": "9am", "close": "17:00"}]}, "opening span"),
        ({"languages": ["english"]}, "languages"),
        ({"languages": []}, "languages"),
        ({"for": ["everything"]}, "for must be"),
        ({"crisis": "yes"}, "crisis"),
        ({"phon": "116 123"}, "unknown fields"),
        ({"sms_body": "HOME"}, "sms_body"),
    ],
)
def test_invalid_entries_are_refused(change, problem):
    entry = _valid_entry() | change
    with pytest.raises(InvalidServiceData, match=problem):
        resources.parse_service(entry)


def test_a_missing_field_is_refused():
    entry = _valid_entry()
    del entry["hours"]
    with pytest.raises(InvalidServiceData, match="missing"):
        resources.parse_service(entry)


def test_the_whole_file_reports_every_problem_and_duplicates():
    raw = copy.deepcopy(RAW)
    raw["checked"] = "soon"
    raw["services"].append(_valid_entry())
    raw["services"].append(_valid_entry() | {"web": "http://example.org"})
    with pytest.raises(InvalidServiceData) as error:
        resources.parse_directory(raw)
    assert len(error.value.problems) == 3
    assert any("listed twice" in problem for problem in error.value.problems)


# --- Choosing services -----------------------------------------------------------------------------


def test_services_for_puts_the_country_first_then_international_lines():
    services = resources.services_for("CA")
    countries_in_order = [service.country for service in services]
    local = countries_in_order.count("CA")
    assert local >= 3
    assert countries_in_order == ["CA"] * local + [INTERNATIONAL] * len(resources.international())
    assert services[0].name == "911", "the emergency number comes first"
    assert resources.services_for("ca") == services


@pytest.mark.parametrize("country", [None, "", "ZZ", "not a country"])
def test_services_for_an_unknown_country_gives_the_international_lines(country):
    assert resources.services_for(country) == resources.international()


def test_crisis_lines_are_the_countrys_then_international():
    lines = resources.crisis_lines("US")
    assert all(service.crisis for service in lines)
    assert [service.name for service in lines if service.country == "US"][:2] == [
        "911",
        "988 Suicide & Crisis Lifeline",
    ]
    assert lines[-1].country == INTERNATIONAL


def test_links_are_dialable():
    rainn = next(s for s in resources.services_in("US") if s.name.startswith("RAINN"))
    assert rainn.tel_uri == "tel:8006564673"
    crisis_text = next(s for s in resources.services_in("US") if s.name == "Crisis Text Line")
    assert crisis_text.tel_uri == ""
    assert crisis_text.sms_uri == "sms:741741?body=HOME"
    assert resources.dialled("+44 808 500 2222") == "+448085002222"


@pytest.mark.parametrize(
    ("header", "country"),
    [
        ("fr-CA", "CA"),
        ("fr-CA,fr;q=0.9,en;q=0.8", "CA"),
        ("en-GB,en;q=0.9", "GB"),
        ("fr,fr-FR;q=0.8,en-US;q=0.5", "FR"),
        ("en-US;q=0.2,en-AU;q=0.9", "AU"),
        ("en-US;q=0,hi-IN;q=0.1", "IN"),
        ("zh-Hant-TW", "TW"),
        ("es-419,en-US;q=0.5", "US"),
        ("en_AU", "AU"),
        ("en-UK", "GB"),
        ("en", None),
        ("*", None),
        ("", None),
        ("de-ZZ", None),
        ("en;q=abc,ur-PK;q=0.5", "PK"),
        ("x" * 5000 + "-US", None),
    ],
)
def test_country_from_accept_language(header, country):
    assert resources.country_from_accept_language(header) == country


# --- The pages -------------------------------------------------------------------------------------


def get_help(client: Client, accept_language: str | None = None, **params):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    return client.get("/help/", params, headers=headers)


def test_accept_language_fr_ca_picks_canada(stranger):
    response = get_help(stranger, "fr-CA")
    assert response.status_code == 200
    assert response.context["country"] == "CA"
    page = response.content.decode()
    assert 'href="tel:911"' in page
    assert 'href="tel:988"' in page
    assert 'href="tel:18006686868"' in page
    assert 'href="sms:686868?body=CONNECT"' in page
    assert "tel:8006564673" not in page, "other countries' lines are not shown"
    assert "https://findahelpline.com" in page


def test_explicit_country_picks_india_over_the_browser_language(stranger):
    response = get_help(stranger, "fr-CA", country="IN")
    assert response.status_code == 200
    assert response.context["country"] == "IN"
    page = response.content.decode()
    for number in ("112", "181", "1098", "14416"):
        assert f'href="tel:{number}"' in page
    assert "tel:988" not in page
    assert '<option value="IN" selected>' in page


def test_us_page_has_text_links_and_marks_each_language(stranger):
    page = get_help(stranger, country="us").content.decode()
    assert 'href="tel:988"' in page and 'href="sms:988"' in page
    assert 'href="sms:741741?body=HOME"' in page
    assert '<span lang="es">español</span>' in page
    assert 'rel="noreferrer noopener"' in page


@pytest.mark.parametrize("value", ["ZZ", "zz", "INT", "x" * 300, "../", "%00", "<script>", "12"])
def test_an_unknown_country_falls_back_to_every_country(stranger, value):
    response = get_help(stranger, country=value)
    assert response.status_code == 200
    assert response.context["country"] is None
    page = response.content.decode()
    for country in REQUIRED_COUNTRIES:
        assert f'id="help-{country.lower()}"' in page
    assert "<script>" not in page.split("<main", 1)[1]


def test_an_unknown_country_falls_back_to_the_browser_language(stranger):
    assert get_help(stranger, "en-AU", country="ZZ").context["country"] == "AU"


def test_choosing_all_countries_overrides_the_browser_language(stranger):
    response = get_help(stranger, "fr-CA", country="")
    assert response.context["country"] is None
    assert len(response.context["groups"]) == len(resources.listed_countries())


def test_no_language_region_shows_every_country_and_a_selector(stranger):
    response = get_help(stranger, "en")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="get" action="/help/"' in page
    assert '<select name="country" id="help-country">' in page
    assert '<option value="" selected>' in page
    for number in ("999", "3919", "1800737732", "03041111741"):
        assert f'href="tel:{number}"' in page


def test_a_country_without_services_says_so_and_offers_directories(stranger):
    response = get_help(stranger, country="DE")
    assert response.status_code == 200
    page = response.content.decode()
    assert "We do not list services in Germany yet" in page
    assert "https://findahelpline.com" in page
    assert "If you are in danger, call your local emergency number." in page


def test_the_plain_language_note_and_emergency_numbers(stranger):
    page = get_help(stranger, country="FR").content.decode()
    assert "You can talk to someone now" in page
    assert "You do not have to share anything" in page
    assert "If you are in danger, call the emergency number:" in page
    emergency = page.split('id="emergency"', 1)[1].split("</p>", 1)[0]
    assert 'href="tel:17"' in emergency and 'href="tel:112"' in emergency and 'href="sms:114"' in emergency


def test_stand_with_page(stranger):
    response = stranger.get("/help/stand-with/")
    assert response.status_code == 200
    page = response.content.decode()
    for heading in ("Distract", "Delegate", "Document", "Delay", "Direct"):
        assert f"<dt>{heading}</dt>" in page
    assert 'id="write-things-down"' in page and 'id="what-not-to-say"' in page
    assert 'href="/help/#emergency"' in page


@pytest.mark.parametrize("path", ["/help/", "/help/stand-with/"])
def test_the_pages_only_read(stranger, path):
    assert stranger.post(path).status_code == 405
    assert stranger.head(path).status_code == 200


class ResourceCollector(HTMLParser):
    """Every address a page makes the browser fetch by itself, and any inline script or style."""

    FETCHING = {"src", "srcset", "href", "action", "formaction", "data", "poster", "background"}

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes or tag == "style" or any(name.startswith("on") for name in attributes):
            self.inline.append(tag)
        self._in_script = tag == "script" and "src" not in attributes
        if tag == "a":
            return  # A link is followed only if the person chooses to.
        self.fetched += [value for name, value in attrs if name in self.FETCHING and value]

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append("script")

    def handle_endtag(self, tag):
        self._in_script = False


@pytest.mark.parametrize(
    ("path", "params"),
    [("/help/", {}), ("/help/", {"country": "US"}), ("/help/", {"country": "FR"}), ("/help/stand-with/", {})],
)
def test_no_external_resources_and_nothing_inline(stranger, path, params):
    response = stranger.get(path, params)
    collector = ResourceCollector()
    collector.feed(response.content.decode())
    assert collector.fetched, "the page's own stylesheet and scripts are seen"
    for address in collector.fetched:
        parts = urlsplit(address)
        assert not parts.scheme and not parts.netloc, address
    assert collector.inline == []
    assert "'unsafe-inline'" not in response.headers.get("Content-Security-Policy", "")


# --- The includes ----------------------------------------------------------------------------------


def test_crisis_lines_include_renders_the_given_services():
    html = render_to_string("moderation/help/_crisis_lines.html", {"services": resources.crisis_lines("GB")})
    assert 'href="tel:999"' in html
    assert 'href="tel:116123"' in html
    assert 'href="tel:08085002222"' in html
    assert "Rape Crisis England &amp; Wales" in html
    assert "Childline" not in html, "only crisis lines"
    assert 'href="/help/"' in html


def test_crisis_lines_include_without_services_still_says_what_to_do():
    html = render_to_string("moderation/help/_crisis_lines.html", {"services": []})
    assert "Call your local emergency number." in html


def test_after_speaking_include_lists_services_and_links_to_help():
    html = render_to_string(
        "moderation/help/_after_speaking.html",
        {"services": resources.services_for("AU"), "help_country": "AU"},
    )
    assert "If you need to talk to someone" in html
    assert 'href="tel:1800737732"' in html and 'href="tel:131114"' in html
    assert 'href="/help/?country=AU"' in html


def test_help_context_for_another_page(rf):
    request = rf.get("/receipt/", headers={"Accept-Language": "en-GB"})
    context = resources.help_context(request)
    assert context["help_country"] == "GB"
    assert context["help_services"][0].name == "999"
    assert all(service.crisis for service in context["crisis_services"])


# --- Help after speaking -----------------------------------------------------------------------------

URGENT_STORY = {"mode": "story", "text": "I want to die, I cannot go on.", "content_warnings": ["self_harm"]}
CALM_STORY = {
    "mode": "story",
    "text": "It happened on the bus, years ago.",
    "content_warnings": ["harassment"],
}


def _phones(services) -> set[str]:
    return {service.phone for service in services if service.phone}


@pytest.mark.django_db
def test_a_member_speaking_by_name_is_shown_help_and_crisis_lines_at_once(supporter):
    response = supporter.post("/speak/", {**URGENT_STORY, "anonymous": "", "country": "GB"})
    assert response.status_code == 200 and response.context["receipt"] is None
    page = response.content.decode()
    assert 'id="crisis-lines"' in page and "116 123" in page  # Samaritans
    assert "If you need to talk to someone" in page
    assert "Your receipt" not in page


@pytest.mark.django_db
def test_help_is_shown_after_every_kind_of_statement(supporter, survivor):
    for client, data in (
        (supporter, {"mode": "count", "anonymous": ""}),
        (supporter, {**CALM_STORY, "anonymous": "on"}),
        (survivor, {"mode": "count"}),
        (survivor, CALM_STORY),
    ):
        page = client.post("/speak/", data).content.decode()
        assert "If you need to talk to someone" in page
        assert 'id="crisis-lines"' not in page  # nothing here signals danger


@pytest.mark.django_db
def test_the_country_given_with_the_story_comes_first(survivor):
    response = survivor.post(
        "/speak/?country=GB", {**URGENT_STORY, "country": "FR"}, headers={"accept-language": "en-US"}
    )
    assert response.context["help_country"] == "FR"
    assert "3919" in _phones(response.context["help_services"])
    assert "3114" in _phones(response.context["crisis_services"])  # the French suicide line
    assert "988" not in _phones(response.context["crisis_services"])


@pytest.mark.django_db
def test_without_a_country_the_pages_choice_comes_before_the_browsers_language(survivor):
    chosen = survivor.post("/speak/?country=GB", CALM_STORY, headers={"accept-language": "en-US"})
    assert chosen.context["help_country"] == "GB"
    assert "116 123" in _phones(chosen.context["help_services"])
    browser = Client().post("/speak/", CALM_STORY, headers={"accept-language": "en-US"})
    assert browser.context["help_country"] == "US"
    assert "988" in _phones(browser.context["help_services"])


@pytest.mark.django_db
def test_the_api_answers_with_help_and_crisis_lines_when_urgent(client):
    def speak(body, path="/api/v1/statements", **extra):
        response = client.post(path, data=json.dumps(body), content_type="application/json", **extra)
        assert response.status_code == 201
        return response.json()

    urgent = speak(
        {"story": {"text": URGENT_STORY["text"], "content_warnings": ["self_harm"], "country": "FR"}},
        headers={"accept-language": "en-GB"},
    )
    assert urgent["help_country"] == "FR"
    assert "3919" in {service["phone"] for service in urgent["help"]}
    crisis = urgent["crisis_lines"]
    assert crisis and all(service["crisis"] for service in crisis)
    assert "3114" in {service["phone"] for service in crisis}
    assert {"name", "phone", "web", "hours", "languages", "country"} <= set(crisis[0])

    calm = speak(
        {"story": {"text": CALM_STORY["text"], "content_warnings": ["harassment"]}},
        path="/api/v1/statements?country=IN",
        headers={"accept-language": "en-GB"},
    )
    assert calm["help_country"] == "IN" and calm["help"] and calm["crisis_lines"] == []

    count_only = speak({}, headers={"accept-language": "fr-CA"})
    assert count_only["help_country"] == "CA"
    assert count_only["help"] and count_only["crisis_lines"] == []


@pytest.mark.django_db
def test_the_help_page_and_every_footer_lead_to_the_journal_and_the_paper_log():
    page = Client().get("/help/").content.decode()
    assert 'href="/journal/"' in page and 'href="/journal/paper/"' in page
    about = Client().get("/about/").content.decode()
    assert 'href="/journal/"' in about.split('class="footer"')[1]
