"""GET /api/v1/magnitude: the day's exact total, the noisy breakdowns with their 95% ranges, their
CSV (header first, a file name of its own), and refusals that name the parameter."""

import csv
import datetime
import io

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ustoo.magnitude import figures, services
from ustoo.magnitude.models import Release
from ustoo.magnitude.tests.conftest import months_ago, speak

pytestmark = pytest.mark.django_db


@pytest.fixture
def statements(monthly_cohorts, nearly_exact):
    """Twelve from workplaces in France last month, three from the military in the Vatican, two today."""
    speak(
        12,
        at=months_ago(1),
        language="fr",
        setting="workplace",
        country="FR",
        relation="colleague",
        age_at_time="adult",
    )
    speak(
        3,
        at=months_ago(1),
        language="fr",
        setting="military",
        country="VA",
        relation="superior",
        age_at_time="under_13",
    )
    speak(2, setting="street")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_total_is_exact_as_of_the_start_of_the_day(survivor, statements):
    body = survivor.get("/api/v1/magnitude").json()
    assert body["statements"] == 15  # the two of today wait for tomorrow's release
    assert body["unit"] == "statements"
    assert body["timezone"] == "UTC"
    assert body["as_of"] == services.today_utc().isoformat()
    assert set(body["breakdowns"]) == set(figures.ANSWERS)
    assert body["privacy"]["epsilon"] == 10_000 and body["privacy"]["confidence"] == 0.95


def test_every_public_key_is_released_zeros_too_with_its_range(stranger, statements):
    setting = stranger.get("/api/v1/magnitude").json()["breakdowns"]["setting"]
    assert setting["statements"] == 15 and setting["cohorts"] == 1 and setting["kind"] == "projected"
    cells = setting["cells"]
    assert list(cells) == [*services.BREAKDOWNS["setting"].public_keys()]
    # Noise so small that the margin is 1 (a margin is rounded up to a whole statement).
    assert cells["workplace"] == {"value": 12, "low": 11, "high": 13, "measured": 12, "reliable": True}
    assert cells["military"]["value"] == 3
    assert cells["online"] == {"value": 0, "low": 0, "high": 1, "measured": 0, "reliable": True}
    # Single choice: the parts add up to the statements measured; no part is above them.
    assert sum(cell["value"] for cell in cells.values()) == 15
    country = stranger.get("/api/v1/magnitude", {"breakdowns": "country"}).json()["breakdowns"]["country"]
    assert country["cells"]["VA"]["value"] == 3 and country["cells"]["DE"]["value"] == 0
    assert len(country["cells"]) > 240


def test_real_noise_comes_with_ranges_that_hold_the_figure_and_stay_within_the_whole(
    stranger, monthly_cohorts
):
    speak(170, at=months_ago(1), setting="workplace", harms=["verbal", "physical"])
    body = stranger.get("/api/v1/magnitude").json()
    for name, breakdown in body["breakdowns"].items():
        assert breakdown["margin"] == body["privacy"]["margin_per_cohort"][name]
        for cell in breakdown["cells"].values():
            assert 0 <= cell["low"] <= cell["value"] <= cell["high"] <= 170
    harm = body["breakdowns"]["harm"]["cells"]
    # ± 54 for 170 statements: the range covers less than two thirds of what is possible.
    assert harm["verbal"]["reliable"] and harm["verbal"]["high"] - harm["verbal"]["low"] <= 2 * 54


def test_the_csv_starts_with_its_header_and_carries_the_ranges(stranger, statements):
    response = stranger.get(
        "/api/v1/magnitude", {"format": "csv", "since": "2026-01-01", "until": "2026-01-03"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert not any(line.startswith("#") for line in text.splitlines())
    rows = csv_rows(response)
    assert rows[0] == ["breakdown", "category", "statements", "low", "high", "measured", "status"]
    assert rows[1] == ["total", "", "15", "15", "15", "", "exact"]
    assert ["per_day", "2026-01-02", "0", "0", "0", "", "exact"] in rows
    assert ["setting", "workplace", "12", "11", "13", "12", "estimate"] in rows
    assert ["setting", "online", "0", "0", "1", "0", "estimate"] in rows
    assert next(csv.DictReader(io.StringIO(text)))["breakdown"] == "total"
    # What the figures are is in the JSON of the same address.
    assert response["Link"].startswith("</api/v1/magnitude?") and 'rel="describedby"' in response["Link"]
    assert "format" not in response["Link"]


def test_each_download_has_a_file_name_of_its_own(stranger, statements):
    today = services.today_utc().isoformat()
    names = {}
    for params in (
        {},
        {"breakdowns": "setting"},
        {"breakdowns": "harm"},
        {"breakdowns": "per_day", "since": "2026-01-01", "until": "2026-01-31"},
    ):
        response = stranger.get("/api/v1/magnitude", {**params, "format": "csv"})
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="magnitude') and disposition.endswith('.csv"')
        assert f"as-of-{today}" in disposition
        names[disposition] = params
    assert len(names) == 4


def test_a_breakdown_not_yet_measured_says_so_in_the_csv(stranger, nearly_exact):
    speak(3)
    rows = csv_rows(stranger.get("/api/v1/magnitude", {"format": "csv", "breakdowns": "setting"}))
    assert rows[1] == ["total", "", "0", "0", "0", "", "exact"]
    assert ["setting", "workplace", "", "", "", "", "not_measured"] in rows


def test_one_breakdown_and_a_window_of_days(stranger, statements):
    body = stranger.get(
        "/api/v1/magnitude", {"breakdowns": "per_day,setting", "since": "2017-10-15", "until": "2017-10-21"}
    ).json()
    assert set(body["breakdowns"]) == {"setting"}
    assert body["window"] == {"since": "2017-10-15", "until": "2017-10-21"}
    assert body["per_day"] == {f"2017-10-{day}": 0 for day in range(15, 22)}
    assert body["per_month"] is None


def test_days_and_months_are_exact_and_add_up_to_the_total(stranger, statements):
    body = stranger.get("/api/v1/magnitude", {"breakdowns": "per_day,per_month"}).json()
    last_month = months_ago(1)
    assert body["per_day"][last_month.date().isoformat()] == 15
    assert body["per_month"][last_month.strftime("%Y-%m")] == 15
    assert sum(body["per_month"].values()) == sum(body["per_day"].values()) == body["statements"] == 15
    assert services.today_utc().isoformat() not in body["per_day"]


def test_there_is_no_breakdown_by_hour(stranger):
    response = stranger.get("/api/v1/magnitude", {"breakdowns": "per_hour"})
    assert response.status_code == 400
    assert "per_hour" in response.json()["fields"]["breakdowns"]


def test_a_date_typed_wrong_is_refused_saying_how_to_type_it(stranger):
    response = stranger.get("/api/v1/magnitude", {"since": "15/10/2017"}, headers={"accept-language": "fr"})
    translation.deactivate()  # the request left French active in this thread, for later tests too
    assert response.status_code == 400
    assert response.json()["fields"]["since"] == (
        "Indiquez une date au format AAAA-MM-JJ : l'année, le mois et le jour en chiffres, "
        "comme dans 2017-10-15."
    )


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
        assert response.json()["per_day"] == {}  # no day after the release's last one is counted
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
        body = response.json()
        window = {name: datetime.date.fromisoformat(day) for name, day in body["window"].items()}
        last_day = datetime.date.fromisoformat(body["last_day"])
        days = (min(window["until"], last_day) - window["since"]).days + 1
        # Every day of the window up to the last day counted, zeros included: exact counts.
        assert len(body["per_day"]) == max(0, days)


def test_the_api_is_documented_with_the_ranges(stranger):
    document = stranger.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/magnitude"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {
        "breakdowns",
        "since",
        "until",
        "format",
    }
    assert "text/csv" in operation["responses"]["200"]["content"]
    schemas = document["components"]["schemas"]
    assert set(schemas["CellOut"]["properties"]) == {"value", "low", "high", "measured", "reliable"}
    assert "95%" in schemas["CellOut"]["properties"]["low"]["description"]
    assert "lifetime" in schemas["PrivacyOut"]["properties"]["epsilon"]["description"]
    assert "header" in next(p for p in operation["parameters"] if p["name"] == "format")["description"]


def test_the_json_is_what_the_schema_says(stranger, statements):
    from ustoo.magnitude.api import MagnitudeOut

    response = stranger.get("/api/v1/magnitude")
    assert response["Content-Type"] == "application/json"
    MagnitudeOut.model_validate_json(response.content, strict=False)
    schema = stranger.get("/api/v1/openapi.json").json()["components"]["schemas"]["MagnitudeOut"]
    assert set(response.json()) == set(MagnitudeOut.model_fields) == set(schema["properties"])
