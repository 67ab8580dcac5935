"""The upstanders' figures: counted on write (the counters equal a rebuild from the rows), released
once a day by the same mechanism as the statements (exact totals; each cohort's breakdowns measured
once, every public key, with noise; projected; ranges; "too few" decided on noisy values only), on the
page and in the open data with their unit and window named."""

import csv
import dataclasses
import datetime
import io
import re
from fractions import Fraction

import orjson
import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction

from ustoo.conftest import magnitude_counters
from ustoo.magnitude import release, services, upstanders
from ustoo.magnitude.models import Cohort, Counter, Measurement, Release
from ustoo.magnitude.tests.conftest import months_ago, speak
from ustoo.upstanders import services as upstand
from ustoo.upstanders.models import Acknowledgement, Action, Approach, Intervention, Outcome, Place, Pledge

pytestmark = pytest.mark.django_db

UPSTANDER_ROWS = re.compile(r'"?upstanders_(pledge|intervention|acknowledgement)"?', re.IGNORECASE)


def pledge(actions, *, person: int, day: datetime.date | None = None, once: str = "") -> upstand.Sent:
    return upstand.pledge(
        actions=actions, pledger=f"person {person}".encode().ljust(32, b"."), day=day, once=once
    )


def report(count: int, *, day: datetime.date | None = None, **answers) -> None:
    answers = {"approach": "delay", "setting": "street", "outcome": "helped", **answers}
    for _ in range(count):
        upstand.report_intervention(day=day, **answers)


def acknowledge(count: int, *, day: datetime.date | None = None) -> None:
    for _ in range(count):
        upstand.acknowledge(commitment="stop", day=day)


def month_day(months: int) -> datetime.date:
    return months_ago(months).date()


# --- Counted on write ---------------------------------------------------------------------------------


def test_each_row_adds_one_to_its_populations_day_and_nothing_else():
    day = datetime.date(2017, 10, 18)
    pledge(["believe", "consent"], person=1, day=day)
    report(1, day=day)
    acknowledge(1, day=day)
    assert magnitude_counters() == {
        ("pledges", "2017-10-18"): 2,
        ("interventions", "2017-10-18"): 1,
        ("acknowledgements", "2017-10-18"): 1,
    }


def test_the_counters_kept_on_write_equal_a_rebuild_from_the_rows():
    for person in range(12):
        pledge(
            [Action.values[person % 8], Action.values[(person + 3) % 8]],
            person=person,
            day=month_day(person % 3),
        )
    pledge(["believe"], person=1)  # pledged before by this person: counted once
    pledge(["believe", "step_in"], person=99, once="token")
    pledge(["believe", "step_in"], person=100, once="token")  # the same form again
    for index in range(9):
        report(
            1,
            day=month_day(index % 2),
            approach=Approach.values[index % 5],
            outcome=Outcome.values[index % 3],
        )
    upstand.report_intervention(approach="direct", setting="home", outcome="did_not", once="again")
    upstand.report_intervention(approach="direct", setting="home", outcome="did_not", once="again")
    acknowledge(3)
    speak(5, setting="street")
    incremental = magnitude_counters()
    assert sum(count for (dimension, _day), count in incremental.items() if dimension == "pledges") == (
        Pledge.objects.count()
    )
    assert (
        sum(count for (dimension, _day), count in incremental.items() if dimension == "interventions") == 10
    )
    call_command("rebuild_magnitude", verbosity=0)
    assert magnitude_counters() == incremental
    assert Counter.objects.filter(shard__gt=0).count() == 0


def test_a_row_that_is_not_written_is_not_counted():
    pledge(["believe"], person=1)
    with pytest.raises(ValueError), transaction.atomic():
        pledge(["consent"], person=2)
        raise ValueError("the rest of the request failed")
    assert magnitude_counters() == {("pledges", upstand.today().isoformat()): 1}


# --- Released once a day ----------------------------------------------------------------------------


@pytest.fixture
def upstood(monthly_cohorts):
    """Real noise (ε = 1): last month 150 people pledged and 120 interventions were reported; two months
    ago 60 interventions; today, more of each."""
    for person in range(150):
        pledge(["believe"] if person % 3 else ["believe", "step_in"], person=person, day=month_day(1))
    report(80, day=month_day(1), approach="delay", setting="work", outcome="helped")
    report(40, day=month_day(1), approach="distract", setting="street", outcome="unknown")
    report(60, day=month_day(2), approach="direct", setting="street", outcome="helped")
    acknowledge(7, day=month_day(1))
    pledge(["consent"], person=1000)
    report(2)
    acknowledge(1)


def test_the_totals_and_days_are_exact_and_a_row_made_today_waits_for_the_next_batch(upstood):
    today = services.today_utc()
    part = services.current_release().figures["upstanders"]
    assert part["pledges"]["total"] == 200 and part["interventions"]["total"] == 180
    assert part["acknowledgements"]["total"] == 7
    assert today.isoformat() not in part["pledges"]["per_day"]
    tomorrow = services.make_release(today + datetime.timedelta(days=1)).figures["upstanders"]
    assert tomorrow["pledges"]["total"] == 201 and tomorrow["acknowledgements"]["total"] == 8
    assert tomorrow["interventions"]["per_day"][today.isoformat()] == 2


def test_each_population_has_cohorts_and_a_ledger_of_its_own(upstood):
    speak(3, at=months_ago(1), setting="home")
    services.current_release()
    cohorts = {(cohort.population, cohort.start) for cohort in Cohort.objects.all()}
    last_month, two_ago = month_day(1).replace(day=1), month_day(2).replace(day=1)
    assert cohorts == {
        ("statements", last_month),
        ("pledges", last_month),
        ("interventions", two_ago),
        ("interventions", last_month),
    }  # acknowledgements are only counted: nothing is measured
    for cohort in Cohort.objects.exclude(population="statements"):
        assert cohort.spent() <= services.lifetime_rho()
        population = upstanders.BY_NAME[cohort.population]
        assert set(cohort.measurements.values_list("breakdown", flat=True)) == set(population.breakdowns)
    assert Cohort.objects.get(population="pledges").statements == 200


def test_every_option_is_measured_zeros_included_and_once(upstood):
    services.current_release()
    measured = {
        m.pk: m.noisy for m in Measurement.objects.filter(cohort__population__in=["pledges", "interventions"])
    }
    action = Measurement.objects.get(cohort__population="pledges", breakdown="action")
    assert set(action.noisy) == set(Action.values)  # jsonb keeps its own order of keys
    approach = Measurement.objects.filter(breakdown="approach").first()
    assert set(approach.noisy) == set(Approach.values)
    services.make_release(services.today_utc() + datetime.timedelta(days=40))
    again = {m.pk: m.noisy for m in Measurement.objects.filter(pk__in=measured)}
    assert again == measured
    # Last month's, and this month's once it has closed: each measured once.
    assert Measurement.objects.filter(cohort__population="pledges").count() == 2


def test_the_ledger_refuses_a_measurement_past_a_populations_budget(monthly_cohorts, monkeypatch):
    report(5, day=month_day(1))
    greedy = dataclasses.replace(upstanders.INTERVENTION_BREAKDOWNS["outcome"], share=Fraction(2))
    monkeypatch.setitem(upstanders.INTERVENTION_BREAKDOWNS, "outcome", greedy)
    made = services.current_release()
    cohort = Cohort.objects.get(population="interventions")
    assert cohort.spent() <= services.lifetime_rho()
    assert made.figures["upstanders"]["interventions"]["breakdowns"]["outcome"]["cohorts"] == 0


def test_projected_parts_add_up_to_the_whole_and_ranges_stay_within_it(upstood):
    part = services.current_release().figures["upstanders"]
    for population in ("pledges", "interventions"):
        for breakdown in part[population]["breakdowns"].values():
            total = breakdown["statements"]
            assert breakdown["kind"] == release.PROJECTED
            assert sum(cell["value"] for cell in breakdown["cells"].values()) == total
            for cell in breakdown["cells"].values():
                assert 0 <= cell["low"] <= cell["value"] <= cell["high"] <= total


def test_with_almost_no_noise_the_figures_are_the_true_counts(upstood, nearly_exact):
    cells = services.current_release().figures["upstanders"]
    action = cells["pledges"]["breakdowns"]["action"]["cells"]
    assert {key: cell["value"] for key, cell in action.items() if cell["value"]} == {
        "believe": 150,
        "step_in": 50,
    }
    setting = cells["interventions"]["breakdowns"]["setting"]["cells"]
    assert {key: cell["value"] for key, cell in setting.items() if cell["value"]} == {
        "work": 80,
        "street": 100,
    }


def test_too_few_rows_are_said_to_be_too_few_on_noisy_values_only(monthly_cohorts, stranger):
    report(6, day=month_day(1))
    breakdown = services.current_release().figures["upstanders"]["interventions"]["breakdowns"]["approach"]
    assert breakdown["cohorts"] == 1 and not any(cell["reliable"] for cell in breakdown["cells"].values())
    assert release.is_reliable(breakdown["margin"], 6) is False
    html = stranger.get("/magnitude/").content.decode()
    section = html[html.index('id="interventions-approach"') :]
    assert "Too few interventions reported yet to show this: with 6 measured" in section[:2000]
    assert "chart-interventions-approach" not in html


def test_nothing_is_measured_before_a_cohort_closes(stranger):
    pledge(["believe"], person=1, day=month_day(0))
    breakdown = services.current_release().figures["upstanders"]["pledges"]["breakdowns"]["action"]
    assert breakdown["cohorts"] == 0 and breakdown["statements"] == 0
    rows = list(
        csv.DictReader(io.StringIO(stranger.get("/api/v1/magnitude/upstanders?format=csv").content.decode()))
    )
    assert {row["status"] for row in rows if row["breakdown"] == "action"} == {"not_measured"}


# --- On the page and in the open data ---------------------------------------------------------------


def test_the_page_shows_the_exact_totals_and_a_chart_legible_on_a_phone(upstood, stranger):
    html = stranger.get("/magnitude/").content.decode()
    section = html[html.index('id="upstanders"') :]
    assert 'Pledges</dt><dd class="summary-list__value"><strong>200</strong>' in section
    assert 'Interventions reported</dt><dd class="summary-list__value"><strong>180</strong>' in section
    assert 'Harm acknowledged</dt><dd class="summary-list__value"><strong>7</strong>' in section
    chart = re.search(r'<svg[^>]*aria-labelledby="chart-pledges-action-title[^>]*>', section).group()
    assert 'viewBox="0 0 360 ' in chart  # drawn narrow, so it stays legible at 390 px
    assert "Estimates from 200 pledges, each within about ±" in section
    assert "Bar chart: pledges per action" in section


def test_the_open_data_names_its_unit_window_and_privacy(upstood, stranger):
    data = orjson.loads(stranger.get("/api/v1/magnitude/upstanders").content)
    today = services.today_utc()
    assert data["as_of"] == today.isoformat()
    assert data["window"]["until"] == (today - datetime.timedelta(days=1)).isoformat()
    assert (
        data["privacy"]["epsilon"] == 1.0
        and data["privacy"]["min_cohort_rows"] == services.MIN_COHORT_STATEMENTS
    )
    pledges = data["populations"]["pledges"]
    assert pledges["unit"] == "pledges" and pledges["total"] == 200
    assert list(pledges["breakdowns"]["action"]["cells"]) == list(Action.values)
    assert pledges["breakdowns"]["action"]["count"] == 200
    interventions = data["populations"]["interventions"]
    assert set(interventions["breakdowns"]) == {"approach", "setting", "outcome"}
    assert list(interventions["breakdowns"]["setting"]["cells"]) == list(Place.values)
    assert data["populations"]["acknowledgements"] == {
        **data["populations"]["acknowledgements"],
        "unit": "acknowledgements",
        "total": 7,
        "breakdowns": {},
    }


def test_the_csv_gives_each_figure_with_its_unit_and_status(upstood, stranger):
    answer = stranger.get("/api/v1/magnitude/upstanders", {"format": "csv"})
    assert answer["Content-Disposition"].startswith('attachment; filename="magnitude_upstanders_as-of-')
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert list(rows[0]) == upstanders.CSV_COLUMNS
    total = next(row for row in rows if row["population"] == "interventions" and row["breakdown"] == "total")
    assert (total["unit"], total["count"], total["status"]) == ("interventions", "180", "exact")
    helped = next(row for row in rows if row["breakdown"] == "outcome" and row["category"] == "helped")
    assert helped["unit"] == "interventions" and helped["status"] in ("estimate", "too_few")


def test_a_bad_window_is_named(stranger):
    refused = stranger.get("/api/v1/magnitude/upstanders", {"since": "2020-13-01"})
    assert refused.status_code == 400 and "since" in refused.json()["fields"]


def test_a_release_made_before_the_upstanders_were_counted_says_so(stranger):
    made = services.current_release()
    figures = {key: value for key, value in made.figures.items() if key != "upstanders"}
    Release.objects.filter(pk=made.pk).update(figures=figures)
    caches["default"].clear()
    caches["pages"].clear()
    html = stranger.get("/magnitude/").content.decode()
    assert "The upstanders' figures are released from tomorrow" in html
    assert orjson.loads(stranger.get("/api/v1/magnitude/upstanders").content)["populations"] == {}


def test_the_page_and_the_api_read_no_upstander_rows_once_the_days_release_is_made(upstood, stranger):
    addresses = ("/magnitude/", "/api/v1/magnitude/upstanders", "/api/v1/magnitude/upstanders?format=csv")
    first = {address: stranger.get(address).content for address in addresses}
    caches["default"].clear()
    caches["pages"].clear()
    queries: list[str] = []

    def record(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        again = {address: stranger.get(address).content for address in addresses}
    assert again == first
    assert queries and not [sql for sql in queries if UPSTANDER_ROWS.search(sql)]
    assert Pledge.objects.exists() and Intervention.objects.exists() and Acknowledgement.objects.exists()
