"""Nobody but a counselor holding a match ever sees an identifier: after two survivors name the same
person, the identifier (typed, canonical, or as digits) and the record's words appear nowhere in the
database, the logs (the site's and the OPRF service's) or the cache."""

import io
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from ustoo.conftest import logged_in_client
from ustoo.matching import services
from ustoo.matching.tests.client import SurvivorBrowser, Typed
from ustoo.matching.tests.conftest import COUNSELOR_PUBLIC, make_survivor, start_service, stop_service

SECRETS = [
    "+33612345678",
    "33612345678",
    "0612345678",
    "06 12 34 56 78",
    "Predator.Person+x@gmail.com",
    "predatorperson@gmail.com",
    "predator",
    "@the_predator",
    "the_predator",
    "the words only they wrote",
]


def files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()] if path.is_dir() else [path]


def assert_nowhere(blobs: dict[str, bytes]) -> None:
    for name, blob in blobs.items():
        lowered = blob.lower()
        for secret in SECRETS:
            for encoded in (secret.lower().encode(), secret.lower().encode("utf-16-le")):
                assert encoded not in lowered, f"{secret!r} found in {name}"


@pytest.mark.django_db(transaction=True)
def test_the_identifier_is_nowhere_on_the_server(settings_override, tmp_path):
    service_dir = tmp_path / "service"
    service_log = tmp_path / "service.log"
    process, url = start_service(service_dir, stderr=service_log)
    site_log = io.StringIO()
    handler = logging.StreamHandler(site_log)
    loggers = [logging.getLogger(name) for name in ("", "django", "ustoo", "ustoo.matching")]
    for logger in loggers:
        logger.addHandler(handler)
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        settings_override.MATCHING_OPRF_URL = url
        services.set_counselor_key(COUNSELOR_PUBLIC)
        a = SurvivorBrowser(logged_in_client(make_survivor("first")))
        b = SurvivorBrowser(logged_in_client(make_survivor("second")))
        a.enter(
            [Typed("phone", "06 12 34 56 78", "FR"), Typed("email", "Predator.Person+x@gmail.com")],
            who="the predator",
            what="the words only they wrote",
        )
        b.enter(
            [Typed("phone", "+33 6 12 34 56 78", "US"), Typed("x", "@the_predator")],
            what="the words only they wrote",
        )
        assert services.match_count() == 1
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
        stop_service(process)

    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    blobs = {"dumpdata": dump.getvalue().encode(), "site log": site_log.getvalue().encode()}
    places = [service_log, service_dir, Path(settings.CACHES["default"]["LOCATION"])]
    if connection.vendor == "sqlite":  # the file itself, its write-ahead log and what SQLite freed
        name = Path(connection.settings_dict["NAME"])
        places += [name, name.with_name(name.name + "-wal")]
    for place in places:
        for path in files_under(place):
            blobs[str(path)] = path.read_bytes()
    assert len(blobs) > 4
    assert_nowhere(blobs)


@pytest.fixture
def settings_override(settings):
    settings.MATCHING_DELAY_MS = 0
    return settings


def test_the_search_finds_an_identifier_where_there_is_one():
    with pytest.raises(AssertionError, match="found in"):
        assert_nowhere({"a row": b'{"x": "The_Predator"}'})
    with pytest.raises(AssertionError, match="found in"):
        assert_nowhere({"a page": "+33612345678".encode("utf-16-le")})
