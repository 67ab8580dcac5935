"""GET /api/v1/magnitude: the exact total, the released breakdowns, their CSV, and refusals that
name the parameter."""

import csv
import io

import pytest

from ustoo.conftest import make_story
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
    for _ in range(12):
        services.say_me_too(
            member=None,
            anonymous=True,
            language="fr",
            details=Details(setting="workplace", country="FR", relation="colleague", age_at_time="adult"),
        )
    for _ in range(3):
        # Three people from one small place: a cell that could single them out.
        services.say_me_too(
            member=None,
            anonymous=True,
            language="fr",
            details=Details(setting="military", country="VA", relation="superior", age_at_time="under_13"),
        )


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


def test_the_csv_holds_the_same_released_figures_and_nothing_held_back(stranger, statements, nearly_exact):
    response = stranger.get("/api/v1/magnitude", {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["breakdown", "category", "statements"]
    assert ["total", "", "15"] in rows
    assert ["setting", "workplace", "12"] in rows
    assert not any("military" in row[1] or row[1] == "VA" or row[1] == "under_13" for row in rows)
    assert all(int(row[2]) >= 10 for row in rows[2:])


def test_one_breakdown_and_a_window_of_days(stranger, statements, nearly_exact):
    body = stranger.get(
        "/api/v1/magnitude", {"breakdowns": "per_day,setting", "since": "2017-10-15", "until": "2017-10-21"}
    ).json()
    assert set(body["breakdowns"]) == {"per_day", "setting"}
    assert body["window"] == {"since": "2017-10-15", "until": "2017-10-21"}
    assert body["breakdowns"]["per_day"] == {}
    assert body["suppressed"]["per_day"] == [f"2017-10-{day}" for day in range(15, 22)]


def test_todays_statements_are_in_per_day(stranger, statements, nearly_exact):
    body = stranger.get("/api/v1/magnitude", {"breakdowns": "per_day,per_hour"}).json()
    assert sum(body["breakdowns"]["per_day"].values()) == 15
    assert sum(body["breakdowns"]["per_hour"].values()) in (0, 15)  # 15, unless split over two hours


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"breakdowns": "setting,postcode"}, "breakdowns"),
        ({"breakdowns": ","}, "breakdowns"),
        ({"since": "2017-13-01"}, "since"),
        ({"until": "yesterday"}, "until"),
        ({"since": "2017-10-21", "until": "2017-10-15"}, "since"),
        ({"since": "1900-01-01", "until": "2017-10-15"}, "since"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(stranger, params, field):
    response = stranger.get("/api/v1/magnitude", params)
    assert response.status_code == 400
    body = response.json()
    assert set(body["fields"]) == {field}
    assert body["error"]


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
