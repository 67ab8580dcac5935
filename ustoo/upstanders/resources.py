"""Services for people who have harmed someone, or fear they might, by country.

They live in ``data/harm_prevention_services.json``, in the support services' format (safety/resources.py,
whose parser reads and checks them), with one more field per entry: ``source``, the page each entry
was checked against in the month the file's ``checked`` names. A wrong entry stops the site from
starting, as a wrong support number does."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ustoo.safety import resources
from ustoo.safety.resources import InvalidServiceData, Service

DATA_FILE = Path(__file__).resolve().parent / "data" / "harm_prevention_services.json"


@dataclass(frozen=True)
class CheckedService:
    service: Service
    source: str

    @property
    def source_host(self) -> str:
        return (urlsplit(self.source).hostname or "").removeprefix("www.")


@dataclass(frozen=True)
class HarmPrevention:
    checked: str
    source_note: str
    services: tuple[CheckedService, ...]


def _is_https(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname) and "@" not in parts.netloc


def parse(raw: Any) -> HarmPrevention:
    """The data file, checked: each entry's source here, the rest by the support services' parser.
    Every problem is reported at once (InvalidServiceData)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("services"), list):
        raise InvalidServiceData(["the file must be an object with a list of services"])
    problems, sources, entries = [], [], []
    for index, entry in enumerate(raw["services"]):
        entry = dict(entry) if isinstance(entry, dict) else entry
        source = entry.pop("source", None) if isinstance(entry, dict) else None
        if not _is_https(source):
            problems.append(f"services[{index}]: source must be the https address the entry was checked on")
        sources.append(source)
        entries.append(entry)
    try:
        checked = resources.parse_directory({**raw, "services": entries})
    except InvalidServiceData as error:
        problems.extend(error.problems)
    if problems:
        raise InvalidServiceData(problems)
    return HarmPrevention(
        checked=checked.checked,
        source_note=checked.source_note,
        services=tuple(
            CheckedService(s, source) for s, source in zip(checked.services, sources, strict=True)
        ),
    )


@functools.cache
def directory() -> HarmPrevention:
    """Read and checked once per process: it changes only with a deployment."""
    with DATA_FILE.open(encoding="utf-8") as handle:
        return parse(json.load(handle))


def services_in(country: str | None) -> list[CheckedService]:
    code = resources.normalize_country(country)
    return [entry for entry in directory().services if entry.service.country == code] if code else []


def listed_countries() -> list[tuple[str, str]]:
    """(code, name) of every country with a service, sorted by name in the reader's language."""
    codes = {entry.service.country for entry in directory().services}
    return sorted(
        ((code, resources.country_name(code)) for code in codes), key=lambda item: item[1].casefold()
    )
