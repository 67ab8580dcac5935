"""Daily batches: everything published is made once a day from stored measurements, so every request of
the day gets the very same figures, a statement made during the day changes nothing until the next
batch, and no published time is finer than the day."""

import datetime
import re

import orjson
import pytest
from django.core.cache import caches
from django.db import connection

from ustoo.magnitude import services
from ustoo.magnitude.models import Release
from ustoo.magnitude.tests.conftest import months_ago, speak

pytestmark = pytest.mark.django_db

STATEMENT_ROWS = re.compile(r'"?stories_(statement|story)"?', re.IGNORECASE)
ADDRESSES = (
    "/magnitude/",
    "/magnitude/how-we-count",
    "/magnitude/embed",
    "/magnitude/badge.svg",
    "/magnitude/charts/per_day.svg",
    "/magnitude/charts/per_month.svg",
    "/magnitude/charts/setting.svg",
    "/api/v1/magnitude",
    "/api/v1/magnitude?format=csv",
    "/api/v1/magnitude?breakdowns=setting&format=csv",
    "/api/v1/magnitude?breakdowns=per_day&since=2020-01-01",
)


@pytest.fixture
def spoken(monthly_cohorts):
    """Real noise (ε = 1): 150 statements two months ago, 120 last month, 4 today."""
    speak(150, at=months_ago(2), setting="workplace", relation="colleague", age_at_time="adult", country="FR")
    speak(120, at=months_ago(1), setting="home", relation="family", age_at_time="under_13", harms=["verbal"])
    speak(4, setting="street")


def everything(client) -> dict[str, bytes]:
    found = {}
    for address in ADDRESSES:
        response = client.get(address)
        assert response.status_code == 200, address
        found[address] = response.content
    return found


def test_every_request_of_the_day_gets_the_same_figures_even_from_a_cold_cache(stranger, spoken):
    first = everything(stranger)
    assert everything(stranger) == first
    caches["default"].clear()
    caches["pages"].clear()
    assert everything(stranger) == first  # made again from the stored release
    assert Release.objects.count() == 1


def test_a_lost_release_is_made_again_from_the_stored_noise_not_new_noise(stranger, spoken):
    before = orjson.loads(stranger.get("/api/v1/magnitude").content)
    Release.objects.all().delete()
    caches["default"].clear()
    again = orjson.loads(stranger.get("/api/v1/magnitude").content)
    assert again["breakdowns"] == before["breakdowns"]
    # Real noise was drawn (the figures are not the true counts), and it is the same noise again.
    measured = before["breakdowns"]["setting"]["cells"]
    assert (measured["workplace"]["measured"], measured["home"]["measured"]) != (150, 120)


def test_a_statement_made_during_the_day_changes_nothing_published(stranger, spoken):
    first = everything(stranger)
    speak(7, setting="online", country="DE")
    # Even one dated last month (as an import might) changes nothing until the next batch.
    speak(3, at=months_ago(1), setting="online")
    assert everything(stranger) == first


def test_the_next_days_batch_counts_todays_statements(spoken):
    today = services.today_utc()
    assert services.current_release().figures["statements"] == 270
    tomorrow = services.make_release(today + datetime.timedelta(days=1))
    assert tomorrow.figures["statements"] == 274
    assert tomorrow.figures["per_day"][today.isoformat()] == 4


def test_no_published_time_is_finer_than_the_day(stranger, spoken):
    body = stranger.get("/api/v1/magnitude").content.decode()
    today = services.today_utc()
    data = orjson.loads(body)
    assert data["as_of"] == today.isoformat()
    assert data["last_day"] == (today - datetime.timedelta(days=1)).isoformat()
    assert data["next_release"] == (today + datetime.timedelta(days=1)).isoformat()
    # No time of day anywhere: no "T12:34", no seconds, no microseconds.
    assert not re.search(r"\d{2}:\d{2}", body), re.search(r".{40}\d{2}:\d{2}.{20}", body)
    csv_text = stranger.get("/api/v1/magnitude", {"format": "csv"}).content.decode()
    assert not re.search(r"\d{2}:\d{2}", csv_text)
    page = stranger.get("/magnitude/").content.decode()
    last_day = today - datetime.timedelta(days=1)
    assert f"Statements made up to {last_day.day} {last_day:%B %Y} (UTC)" in page


def test_the_page_and_the_api_read_no_statement_rows_once_the_days_release_is_made(stranger, spoken):
    everything(stranger)  # makes the day's release, and measures the closed cohorts once
    caches["default"].clear()
    caches["pages"].clear()
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # execute_wrapper, not CaptureQueriesContext: pysqlite3 cannot quote the parameters it logs.
    with connection.execute_wrapper(record):
        everything(stranger)
    assert queries  # the check below looked at real queries
    assert not [sql for sql in queries if STATEMENT_ROWS.search(sql)]
