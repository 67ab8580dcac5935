"""Support services a person can reach now, read from one data file and chosen by country.

The services live in ``data/support_services.json`` so that a site's operators can check and correct
numbers without touching code. The file is read once per process and checked entry by entry when it is
read: a typo in a crisis number must stop the site from starting, not reach someone who needs it.

Nothing here contacts a service. Pages show plain ``tel:``, ``sms:`` and ``https:`` links that the
person may choose to follow.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_countries import countries

DATA_FILE = Path(__file__).resolve().parent / "data" / "support_services.json"

INTERNATIONAL = "INT"
COUNTRY_PARAMETER = "country"
# Countries the project promises to cover; the tests hold the data file to it.
REQUIRED_COUNTRIES = ("US", "GB", "FR", "CA", "IN", "PK", "AU")

PURPOSES = {
    "sexual-violence": gettext_lazy("Sexual violence"),
    "domestic-violence": gettext_lazy("Domestic violence"),
    "children": gettext_lazy("Children and young people"),
    "suicide-crisis": gettext_lazy("Suicide and crisis"),
    "mental-health": gettext_lazy("Mental health"),
    "emergency": gettext_lazy("Emergency"),
    "indigenous-peoples": gettext_lazy("Indigenous peoples"),
    "directory": gettext_lazy("Directory of helplines"),
    # Used by ustoo/upstanders/data/harm_prevention_services.json, which is read with this module's parser.
    "harm-prevention": gettext_lazy("For people who have harmed, or fear they might"),
}
DAYS = {
    "daily": gettext_lazy("Every day"),
    "mon-fri": gettext_lazy("Monday to Friday"),
    "mon-sat": gettext_lazy("Monday to Saturday"),
    "sat-sun": gettext_lazy("Saturday and Sunday"),
}
ALWAYS_OPEN = "24/7"

# Django's language table lacks some languages that helplines answer in; their own names are used.
EXTRA_LANGUAGE_NAMES = {"cr": "nēhiyawēwin", "oj": "Anishinaabemowin", "iu": "ᐃᓄᒃᑎᑐᑦ", "zh": "中文"}

# "UK" is not an ISO 3166 code but is what people (and some browsers' language tags) use for Britain.
COUNTRY_ALIASES = {"UK": "GB"}

# The country to show first when the reader's language says it and nothing else does: languages spoken
# mostly in one country. Spanish, Arabic, French and English are each the language of many countries,
# each with its own emergency numbers: guessing one (Spain for a reader in Mexico) would put a number
# that does not answer there first, so those readers see every country, and choose theirs.
LANGUAGE_COUNTRIES = {"hi": "IN", "zh-hans": "CN", "it": "IT"}

# Longer headers are cut: nobody needs more to say which languages they read, and parsing stays cheap.
ACCEPT_LANGUAGE_MAX_LENGTH = 500

REQUIRED_FIELDS = {"country", "name", "phone", "web", "hours", "languages", "for", "crisis"}
# Where an entry was confirmed and when (the page of the service or of a public authority it was read on,
# and the month, YYYY-MM), both or neither. Entries older than these fields have neither yet.
OPTIONAL_FIELDS = {"sms", "sms_body", "source", "checked"}
PHONE = re.compile(r"\+?[0-9][0-9 \-]*[0-9]|[0-9]")
SMS_BODY = re.compile(r"[A-Za-z0-9]{1,20}")
TIME = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00")
MONTH = re.compile(r"[0-9]{4}-(?:0[1-9]|1[0-2])")
LANGUAGE = re.compile(r"[a-z]{2}")


class InvalidServiceData(ImproperlyConfigured):
    """The data file has entries that cannot be shown safely; every problem is listed."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("support_services.json: " + "; ".join(problems))


@dataclass(frozen=True)
class OpeningHours:
    days: str
    opens: str
    closes: str

    def __str__(self) -> str:
        return _("%(days)s, %(opens)s–%(closes)s") % {
            "days": DAYS[self.days],
            "opens": self.opens,
            "closes": self.closes,
        }


@dataclass(frozen=True)
class Service:
    country: str
    name: str
    phone: str | None
    web: str | None
    always_open: bool
    opening_hours: tuple[OpeningHours, ...]
    languages: tuple[str, ...]
    purposes: tuple[str, ...]
    crisis: bool
    sms: str | None = None
    sms_body: str | None = None
    source: str | None = None
    checked: str | None = None

    @property
    def tel_uri(self) -> str:
        return "tel:" + dialled(self.phone) if self.phone else ""

    @property
    def sms_uri(self) -> str:
        if not self.sms:
            return ""
        # RFC 5724: the keyword the service asks for is pre-filled, so sending it is one tap.
        body = f"?body={quote(self.sms_body)}" if self.sms_body else ""
        return f"sms:{dialled(self.sms)}{body}"

    @property
    def web_host(self) -> str:
        """The site's name as shown beside its link, so the reader sees where it goes before following it."""
        if not self.web:
            return ""
        host = urlsplit(self.web).hostname or ""
        return host.removeprefix("www.")

    @property
    def is_emergency(self) -> bool:
        return "emergency" in self.purposes

    @property
    def purpose_labels(self) -> list[str]:
        return [str(PURPOSES[purpose]) for purpose in self.purposes]

    @property
    def language_names(self) -> list[tuple[str, str]]:
        return [(code, language_name(code)) for code in self.languages]

    def as_dict(self) -> dict[str, Any]:
        """What the API shows of a service."""
        return {
            "name": self.name,
            "country": self.country,
            "phone": self.phone,
            "sms": self.sms,
            "web": self.web,
            "hours": self.hours_text,
            "languages": list(self.languages),
            "crisis": self.crisis,
        }

    @property
    def hours_text(self) -> str:
        """The opening hours in the reader's language; empty when the data file does not know them."""
        if self.always_open:
            return _("Open 24 hours a day, every day")
        return "; ".join(str(span) for span in self.opening_hours)


@dataclass(frozen=True)
class Directory:
    checked: str
    source_note: str
    services: tuple[Service, ...]


@dataclass(frozen=True)
class CountryGroup:
    code: str
    name: str
    services: list[Service]


@dataclass(frozen=True)
class HelpOffer:
    """Support to show someone who has just spoken: services for their country (`country`, empty when
    unknown), and, when what they wrote signals danger, the crisis lines to reach at once."""

    country: str
    services: list[Service]
    crisis_lines: list[Service]


def dialled(number: str) -> str:
    """What a phone dials: the digits, and a leading + where the number has one."""
    digits = re.sub(r"[^0-9]", "", number)
    return "+" + digits if number.startswith("+") else digits


def language_name(code: str) -> str:
    # Each language in its own name: someone who reads only that language can still find it.
    if code in EXTRA_LANGUAGE_NAMES:
        return EXTRA_LANGUAGE_NAMES[code]
    return LANG_INFO[code]["name_local"]


def country_name(code: str) -> str:
    if code == INTERNATIONAL:
        return _("International")
    return str(countries.name(code))


def normalize_country(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code for `value`, or None when it names no country."""
    value = (value or "").strip().upper()
    value = COUNTRY_ALIASES.get(value, value)
    # Only two letters: the numeric and three-letter forms django-countries also reads would let "12"
    # quietly mean Algeria.
    if len(value) != 2 or not value.isalpha():
        return None
    return value if countries.alpha2(value) == value else None


# --- Reading and checking the data file ------------------------------------------------------------


def _check_web(web: Any, where: str, problems: list[str]) -> None:
    if web is None:
        return
    if not isinstance(web, str):
        problems.append(f"{where}: web must be a string or null")
        return
    parts = urlsplit(web)
    # Only https on a plain host: no credentials or ports that could disguise where a link goes.
    if parts.scheme != "https" or not parts.hostname or "@" in parts.netloc or parts.port is not None:
        problems.append(f"{where}: web must be an https address, got {web!r}")


def _parse_hours(hours: Any, where: str, problems: list[str]) -> tuple[bool, tuple[OpeningHours, ...]]:
    if hours is None:
        return False, ()
    if hours == ALWAYS_OPEN:
        return True, ()
    spans = []
    if not isinstance(hours, list) or not hours:
        problems.append(f'{where}: hours must be "24/7", null or a list of opening spans')
        return False, ()
    for span in hours:
        if (
            not isinstance(span, dict)
            or set(span) != {"days", "open", "close"}
            or span["days"] not in DAYS
            or not TIME.fullmatch(str(span["open"]))
            or not TIME.fullmatch(str(span["close"]))
        ):
            problems.append(
                f"{where}: an opening span needs days (one of {sorted(DAYS)}), open and close (HH:MM)"
            )
            continue
        spans.append(OpeningHours(span["days"], span["open"], span["close"]))
    return False, tuple(spans)


def parse_service(entry: Any, where: str = "entry") -> Service:
    """One entry of the data file as a Service; raises InvalidServiceData listing what is wrong."""
    problems: list[str] = []
    if not isinstance(entry, dict):
        raise InvalidServiceData([f"{where}: must be an object"])
    missing = REQUIRED_FIELDS - set(entry)
    unknown = set(entry) - REQUIRED_FIELDS - OPTIONAL_FIELDS
    if missing:
        problems.append(f"{where}: missing {sorted(missing)}")
    if unknown:
        # A misspelt key would otherwise silently drop a number.
        problems.append(f"{where}: unknown fields {sorted(unknown)}")
    if problems:
        raise InvalidServiceData(problems)

    country = entry["country"]
    if not isinstance(country, str) or (
        country != INTERNATIONAL and (len(country) != 2 or countries.alpha2(country) != country)
    ):
        problems.append(f"{where}: country must be an ISO 3166-1 alpha-2 code or {INTERNATIONAL!r}")
    name = entry["name"]
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: name must be a non-empty string")
    for key in ("phone", "sms"):
        number = entry.get(key)
        if number is not None and (not isinstance(number, str) or not PHONE.fullmatch(number)):
            problems.append(f"{where}: {key} must be digits, spaces and hyphens (a leading + allowed)")
    sms_body = entry.get("sms_body")
    if sms_body is not None and (not entry.get("sms") or not SMS_BODY.fullmatch(str(sms_body))):
        problems.append(f"{where}: sms_body needs an sms number and must be one short word")
    _check_web(entry["web"], where, problems)
    if not (entry["phone"] or entry.get("sms") or entry["web"]):
        problems.append(f"{where}: a service needs a phone number, a text number or a web address")
    always_open, spans = _parse_hours(entry["hours"], where, problems)
    languages = entry["languages"]
    if (
        not isinstance(languages, list)
        or not languages
        or not all(
            isinstance(code, str)
            and LANGUAGE.fullmatch(code)
            and (code in LANG_INFO or code in EXTRA_LANGUAGE_NAMES)
            for code in languages
        )
    ):
        problems.append(f"{where}: languages must be a non-empty list of known ISO 639-1 codes")
    purposes = entry["for"]
    if not isinstance(purposes, list) or not purposes or not all(p in PURPOSES for p in purposes):
        problems.append(f"{where}: for must be a non-empty list drawn from {sorted(PURPOSES)}")
    if not isinstance(entry["crisis"], bool):
        problems.append(f"{where}: crisis must be true or false")
    if ("source" in entry) != ("checked" in entry):
        problems.append(f"{where}: source and checked go together (where it was confirmed, and when)")
    if "source" in entry:
        # A citation for the operators, never shown as a link: the page's address as it was read.
        source = urlsplit(str(entry["source"] or ""))
        if source.scheme not in ("http", "https") or not source.hostname:
            problems.append(f"{where}: source must be the address of the page the entry was checked on")
        if "checked" in entry and not MONTH.fullmatch(str(entry["checked"])):
            problems.append(f"{where}: checked must be the month the entry was checked, as YYYY-MM")
    if problems:
        raise InvalidServiceData(problems)
    return Service(
        country=country,
        name=name.strip(),
        phone=entry["phone"],
        web=entry["web"],
        always_open=always_open,
        opening_hours=spans,
        languages=tuple(languages),
        purposes=tuple(purposes),
        crisis=entry["crisis"],
        sms=entry.get("sms"),
        sms_body=sms_body,
        source=entry.get("source"),
        checked=entry.get("checked"),
    )


def parse_directory(raw: Any) -> Directory:
    """The whole data file, checked; every problem in every entry is reported at once."""
    if not isinstance(raw, dict) or not isinstance(raw.get("services"), list):
        raise InvalidServiceData(["the file must be an object with a list of services"])
    problems: list[str] = []
    if not MONTH.fullmatch(str(raw.get("checked", ""))):
        problems.append('"checked" must be the month the numbers were last verified, as YYYY-MM')
    if not isinstance(raw.get("source_note"), str) or not raw["source_note"].strip():
        problems.append('"source_note" must say where the numbers come from and who verifies them')
    services: list[Service] = []
    seen: set[tuple[str, str]] = set()
    for index, entry in enumerate(raw["services"]):
        where = f"services[{index}]"
        try:
            service = parse_service(entry, where)
        except InvalidServiceData as error:
            problems.extend(error.problems)
            continue
        if (service.country, service.name) in seen:
            problems.append(f"{where}: {service.name!r} is listed twice for {service.country}")
        seen.add((service.country, service.name))
        services.append(service)
    if problems:
        raise InvalidServiceData(problems)
    return Directory(checked=raw["checked"], source_note=raw["source_note"], services=tuple(services))


@functools.cache
def directory() -> Directory:
    """The data file, read and checked once per process: it changes only with a deployment."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse_directory(json.load(handle))


# --- Choosing services -----------------------------------------------------------------------------


def services_in(country: str) -> list[Service]:
    return [service for service in directory().services if service.country == country]


def international() -> list[Service]:
    return services_in(INTERNATIONAL)


def services_for(country: str | None) -> list[Service]:
    """The country's services in the file's order (emergency numbers first there), then international ones.

    With no known country, only the international directories: they can find a line anywhere.
    """
    code = normalize_country(country)
    local = services_in(code) if code else []
    return local + international()


def crisis_lines(country: str | None) -> list[Service]:
    """The lines to show at once when someone may be in danger: the country's, then international."""
    return [service for service in services_for(country) if service.crisis]


def emergency_numbers(country: str | None) -> list[Service]:
    code = normalize_country(country)
    return [service for service in services_in(code) if service.is_emergency] if code else []


def listed_countries() -> list[tuple[str, str]]:
    """(code, name) of every country with services, sorted by name in the reader's language."""
    codes = {service.country for service in directory().services} - {INTERNATIONAL}
    return sorted(((code, country_name(code)) for code in codes), key=lambda item: item[1].casefold())


def grouped() -> list[CountryGroup]:
    """Every listed country with its services, for a reader whose country is not known."""
    return [CountryGroup(code, name, services_in(code)) for code, name in listed_countries()]


def country_from_accept_language(header: str) -> str | None:
    """The region of the most preferred language tag that has one: `fr-CA` → CA, `en-GB` → GB."""
    return _country_from_language_ranges(header[:ACCEPT_LANGUAGE_MAX_LENGTH])


@functools.lru_cache(maxsize=512)
def _country_from_language_ranges(header: str) -> str | None:
    # Browsers send a handful of distinct headers, each on every request: each is read once.
    ranges = []
    for position, part in enumerate(header.split(",")):
        tag, _separator, parameters = part.strip().partition(";")
        quality = 1.0
        parameters = parameters.strip()
        if parameters.startswith("q="):
            try:
                quality = float(parameters[2:])
            except ValueError:
                continue
        if quality > 0:
            # Position breaks ties, so equal weights keep the order the browser sent.
            ranges.append((-quality, position, tag.strip().replace("_", "-")))
    for _quality, _position, tag in sorted(ranges):
        # Subtags after the language: a 4-letter script, then a 2-letter region (3 digits are UN areas).
        for subtag in tag.split("-")[1:]:
            if len(subtag) == 2 and subtag.isalpha():
                code = normalize_country(subtag)
                if code:
                    return code
    return None


def country_for_request(request: HttpRequest) -> str | None:
    """The country whose services to show: the one chosen on the page, else the browser's language region,
    else the country of the page's language when it is spoken mostly in one (LANGUAGE_COUNTRIES).

    An empty choice means "all countries" and is respected; a code that names no country is ignored.
    """
    # META, not request.GET and request.headers: those parse every parameter and header of the request
    # to read one, and this runs after every "me too".
    if request.META.get("QUERY_STRING") and COUNTRY_PARAMETER in request.GET:
        chosen = request.GET[COUNTRY_PARAMETER].strip()
        if not chosen:
            return None
        code = normalize_country(chosen)
        if code:
            return code
    from_browser = country_from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
    return from_browser or LANGUAGE_COUNTRIES.get(get_language())


def help_after_speaking(request: HttpRequest, *, country: str, urgent: bool) -> HelpOffer:
    """The help to offer after someone spoke: for the country they gave with what they said, else the
    one chosen on the page (?country=), else their browser's language region; crisis lines too when
    their words signal danger."""
    code = normalize_country(country) or country_for_request(request)
    return HelpOffer(
        country=code or "",
        services=services_for(code),
        crisis_lines=crisis_lines(code) if urgent else [],
    )


def help_context(request: HttpRequest) -> dict[str, Any]:
    """What the help includes need on another page (a receipt, a warning), for the reader's country.

    Include them as ``{% include "moderation/help/_after_speaking.html" with services=help_services %}``
    or ``{% include "moderation/help/_crisis_lines.html" with services=crisis_services %}``.
    """
    country = country_for_request(request)
    return {
        "help_country": country,
        "help_services": services_for(country),
        "crisis_services": crisis_lines(country),
    }
