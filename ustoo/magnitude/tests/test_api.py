"""GET /api/v1/magnitude: the exact total, the released breakdowns, their CSV, and refusals that
name the parameter."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ustoo.conftest import make_story
from ustoo.magnitude import buckets
from ustoo.magnitude.models import Release
from ustoo.stories import services
from ustoo.stories.services import Details

pytestmark = pytest.mark.django_db


@pytest.fixture
def nearly_exact(settings):
    """So much budget that the noise is almost always 0: the figures can be checked exactly."""
    settings.MAGNITUDE_EPSILON = 10_000
    settings.MAGNITUDE_K = 10


@pytest.fixture
def statements(db):
    # All in this hour, so that per_hour has one cell of 15 rather than two that may each be below k.
    this_hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for _ in range(12):
        services.say_me_too(
            member=None,
            anonymous=True,
            language="fr",
            details=Details(setting="workplace", country="FR", relation="colleague", age_at_time="adult"),
            at=this_hour,
        )
    for _ in range(3):
        # Three people from one small place: a cell that could single them out.
        services.say_me_too(
            member=None,
            anonymous=True,
            language="fr",
            details=Details(setting="military", country="VA", relation="superior", age_at_time="under_13"),
            at=this_hour,
        )


def csv_table(response) -> tuple[dict[str, str], list[list[str]]]:
    """The "#" lines as {key: value}, and the table after them."""
    about, lines = {}, []
    for line in response.content.decode().splitlines():
        if line.startswith("# "):
            key, _, value = line[2:].partition(": ")
            about[key] = value
        else:
            lines.append(line)
    return about, list(csv.reader(lines))


def test_the_total_is_exact_and_says_what_it_counts(survivor, statements, nearly_exact):
    body = survivor.get("/api/v1/magnitude").json()
    assert body["statements"] == 15
    assert body["unit"] == "statements"
    assert body["timezone"] == "UTC"
    assert body["k"] == 10
    assert body["epsilon"] == 10_000
    assert body["as_of"]
    assert set(body["breakdowns"]) == {
        "setting",
        "relation",
        "age_at_time",
        "harm",
        "country",
        "language",
        "hashtag",
        "per_day",
        "per_hour",
        "per_month",
        "setting_by_age",
    }


def test_cells_below_k_are_absent_and_listed_as_suppressed(stranger, statements, nearly_exact):
    body = stranger.get("/api/v1/magnitude").json()
    assert body["breakdowns"]["setting"] == {"workplace": 12}
    assert body["breakdowns"]["country"] == {"FR": 12}
    assert body["breakdowns"]["language"] == {"fr": 15}
    assert "military" in body["suppressed"]["setting"]
    assert "VA" in body["suppressed"]["country"]
    assert "under_13" in body["suppressed"]["age_at_time"]
    assert "military|under_13" in body["suppressed"]["setting_by_age"]
    for cells in body["breakdowns"].values():
        assert all(count >= 10 for count in cells.values())


def test_the_csv_says_what_it_counts_and_holds_the_released_figures_only(stranger, statements, nearly_exact):
    response = stranger.get(
        "/api/v1/magnitude", {"format": "csv", "since": "2026-01-01", "until": "2026-12-31"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    about, rows = csv_table(response)
    assert about["unit"].startswith("statements")
    assert about["timezone"] == "UTC"
    assert about["window"].startswith("per_day from 2026-01-01 to 2026-12-31")
    assert about["k"].startswith("10:")
    assert about["epsilon"].startswith("10000.0 per release")
    assert "setting 0.0011" in about["noise_scale"]
    assert rows[0] == ["breakdown", "category", "statements", "status"]
    assert ["total", "", "15", "exact"] in rows
    assert ["setting", "workplace", "12", "noisy"] in rows
    # Small cells are named only as held back, with no count, alike with the empty ones.
    assert ["setting", "military", "", "held_back"] in rows
    assert ["setting", "school", "", "held_back"] in rows
    assert ["country", "VA", "", "held_back"] in rows
    for breakdown, category, count, status in rows[2:]:
        assert (status, bool(count)) in (("noisy", True), ("held_back", False)), (breakdown, category)
        assert not count or int(count) >= 10
        if category in ("military", "VA", "under_13"):
            assert status == "held_back"
    # Parseable as plain CSV once the "#" lines are skipped, as pandas' comment="#" does.
    body = "".join(line for line in io.StringIO(response.content.decode()) if not line.startswith("#"))
    assert next(csv.DictReader(io.StringIO(body))) == {
        "breakdown": "total",
        "category": "",
        "statements": "15",
        "status": "exact",
    }


def test_one_breakdown_and_a_window_of_days(stranger, statements, nearly_exact):
    body = stranger.get(
        "/api/v1/magnitude", {"breakdowns": "per_day,setting", "since": "2017-10-15", "until": "2017-10-21"}
    ).json()
    assert set(body["breakdowns"]) == {"per_day", "setting"}
    assert body["window"] == {"since": "2017-10-15", "until": "2017-10-21"}
    assert body["breakdowns"]["per_day"] == {}
    assert body["suppressed"]["per_day"] == [f"2017-10-{day}" for day in range(15, 22)]


def test_todays_statements_are_in_per_day_per_hour_and_per_month(stranger, statements, nearly_exact):
    body = stranger.get("/api/v1/magnitude", {"breakdowns": "per_day,per_hour,per_month"}).json()
    this_hour = timezone.now().astimezone(datetime.UTC)
    assert body["breakdowns"]["per_day"] == {this_hour.strftime("%Y-%m-%d"): 15}
    assert body["breakdowns"]["per_hour"] == {this_hour.strftime("%Y-%m-%dT%H"): 15}
    assert body["breakdowns"]["per_month"] == {this_hour.strftime("%Y-%m"): 15}
    assert len(body["suppressed"]["per_hour"]) == 7 * 24 - 1


def test_months_add_up_the_days_and_held_back_months_are_listed(stranger, nearly_exact):
    for day in (1, 2, 28):
        for _ in range(4):
            services.say_me_too(
                member=None, anonymous=True, at=datetime.datetime(2025, 1, day, tzinfo=datetime.UTC)
            )
    for _ in range(3):
        services.say_me_too(
            member=None, anonymous=True, at=datetime.datetime(2025, 3, 5, tzinfo=datetime.UTC)
        )
    body = stranger.get(
        "/api/v1/magnitude", {"breakdowns": "per_month,per_day", "since": "2025-01-01"}
    ).json()
    # Each day is below k and held back; the month, 12 statements, is not.
    assert body["breakdowns"]["per_day"] == {}
    assert body["breakdowns"]["per_month"] == {"2025-01": 12}
    assert body["suppressed"]["per_month"][:3] == ["2025-02", "2025-03", "2025-04"]
    assert body["noise_scale"]["per_month"] == body["noise_scale"]["per_day"]


def test_each_breakdowns_noise_scale_is_its_sensitivity_over_its_share_of_epsilon(stranger, settings):
    settings.MAGNITUDE_EPSILON = 1.1
    body = stranger.get("/api/v1/magnitude").json()
    share = 1.1 / len(buckets.RELEASED)
    assert body["epsilon_per_breakdown"] == pytest.approx(share)
    assert body["noise_scale"]["harm"] == pytest.approx(6 / share)
    assert body["noise_scale"]["hashtag"] == pytest.approx(3 / share)
    for name in (
        "setting",
        "relation",
        "age_at_time",
        "country",
        "language",
        "per_day",
        "per_hour",
        "per_month",
    ):
        assert body["noise_scale"][name] == pytest.approx(1 / share), name


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"breakdowns": "setting,postcode"}, "breakdowns"),
        ({"breakdowns": ","}, "breakdowns"),
        ({"since": "2017-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2017-10-21", "until": "2017-10-15"}, "since"),
        ({"since": "2000-01-01", "until": "2017-10-15"}, "since"),
        ({"since": "1900-01-01", "until": "2017-10-15"}, "since"),
        ({"until": "0001-03-01"}, "until"),
        ({"until": "0001-01-01", "since": "2017-01-01"}, "until"),
        ({"until": "2017-01-01", "since": "0001-01-01"}, "since"),
        ({"until": "1999-12-31"}, "until"),
        ({"since": "9999-12-31", "until": "9999-12-31", "breakdowns": "per_day"}, None),
        ({"until": "10000-01-01"}, "until"),
        ({"since": "20171015"}, "since"),
        ({"since": "2017-W42-1"}, "since"),
        ({"since": "2017-10-15T00:00"}, "since"),
        ({"since": "２０１７-10-15"}, "since"),
        ({"since": " 2017-10-15"}, "since"),
        ({"since": "2017-02-29"}, "since"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(stranger, params, field):
    response = stranger.get("/api/v1/magnitude", params)
    if field is None:  # the very last day there is: a valid window
        assert response.status_code == 200
        assert response.json()["suppressed"]["per_day"] == ["9999-12-31"]
        return
    assert response.status_code == 400
    body = response.json()
    assert set(body["fields"]) == {field}
    assert body["error"]
    assert not Release.objects.exists()  # a refused request makes no release


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    since=st.none() | st.dates().map(datetime.date.isoformat) | st.text(max_size=12),
    until=st.none() | st.dates().map(datetime.date.isoformat) | st.text(max_size=12),
    output=st.none() | st.sampled_from(["json", "csv", "JSON", "", "xml"]),
)
def test_any_window_and_format_is_answered_or_refused_naming_the_parameter(stranger, since, until, output):
    params = {
        name: value for name, value in (("since", since), ("until", until), ("format", output)) if value
    }
    response = stranger.get("/api/v1/magnitude", {**params, "breakdowns": "per_day"})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert set(response.json()["fields"]) <= {"since", "until", "format"}
        assert len(response.json()["fields"]) == 1
    elif output != "csv":
        window = response.json()["window"]
        assert (
            len(response.json()["suppressed"]["per_day"])
            == (
                datetime.date.fromisoformat(window["until"]) - datetime.date.fromisoformat(window["since"])
            ).days
            + 1
        )


def test_reloading_shows_the_same_release_and_spends_no_more_budget(stranger, settings):
    settings.MAGNITUDE_EPSILON = 0.5
    for n in range(40):
        make_story(text=f"story {n} #MeToo", setting="street", harms=["verbal"], language="en")
    first = stranger.get("/api/v1/magnitude").json()
    second = stranger.get("/api/v1/magnitude").json()
    assert first["breakdowns"] == second["breakdowns"]
    assert Release.objects.count() == 1


def test_the_api_is_documented(stranger):
    document = stranger.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/magnitude"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {
        "breakdowns",
        "since",
        "until",
        "format",
    }
    assert "text/csv" in operation["responses"]["200"]["content"]
