"""Cohorts and the privacy ledger: each statement's answers are measured once, with its cohort, and no
measurement takes a cohort past the lifetime budget."""

import dataclasses
import datetime
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ustoo.magnitude import release, services
from ustoo.magnitude.models import Cohort, Measurement
from ustoo.magnitude.tests.conftest import months_ago, speak, this_month

TODAY = datetime.date(2026, 3, 8)


def _months(first: datetime.date, count: int) -> list[datetime.date]:
    found = [first]
    while len(found) < count:
        found.append(services.next_month(found[-1]))
    return found


@given(
    counts=st.lists(st.integers(min_value=0, max_value=250), min_size=1, max_size=40),
    opens_at=st.integers(min_value=0, max_value=5),
)
def test_cohorts_follow_each_other_close_on_a_month_and_hold_enough_or_are_old_enough(counts, opens_at):
    months = dict(zip(_months(datetime.date(2023, 1, 1), len(counts)), counts, strict=True))
    before = services.next_month(max(months))  # the month after the last: every month is over
    opens = sorted(months)[opens_at] if opens_at < len(months) else None
    due = services.due_cohorts(months, opens=opens, before=before)
    start = opens or min(months)
    for first, end in due:
        assert first >= start  # in order, never overlapping (empty spans are skipped)
        assert first.day == end.day == 1 and first < end <= services.month_of(before)
        spanned = [month for month in months if first <= month < end]
        held = sum(months[month] for month in spanned)
        assert held > 0
        # It closed at the first month end where it was big enough, or when it was a year old.
        assert held >= services.MIN_COHORT_STATEMENTS or len(spanned) == services.MAX_COHORT_MONTHS
        assert sum(months[month] for month in spanned[:-1]) < services.MIN_COHORT_STATEMENTS
        start = end


def test_the_month_in_progress_is_never_in_a_cohort():
    months = {datetime.date(2026, 3, 1): 500, datetime.date(2026, 2, 1): 150}
    assert services.due_cohorts(months, opens=None, before=TODAY) == [
        (datetime.date(2026, 2, 1), datetime.date(2026, 3, 1))
    ]


@pytest.mark.django_db
def test_each_cohort_is_measured_once_and_its_noise_is_kept(monthly_cohorts):
    speak(5, at=months_ago(2), setting="home")
    speak(3, at=months_ago(1), setting="school")
    speak(4)  # this month: not in any cohort yet
    services.make_release(services.today_utc())
    cohorts = list(Cohort.objects.order_by("start"))
    assert [(c.start, c.end, c.statements) for c in cohorts] == [
        (months_ago(2).date().replace(day=1), months_ago(1).date().replace(day=1), 5),
        (months_ago(1).date().replace(day=1), this_month(), 3),
    ]
    stored = {(m.cohort_id, m.breakdown): m.noisy for m in Measurement.objects.all()}
    assert len(stored) == 2 * len(services.BREAKDOWNS)
    # Measuring again, or making another day's release, measures nothing again.
    services.measure_cohort(cohorts[0].start, cohorts[0].end)
    services.make_release(services.today_utc() + datetime.timedelta(days=1))
    assert {(m.cohort_id, m.breakdown): m.noisy for m in Measurement.objects.all()} == stored


@pytest.mark.django_db
def test_a_cohort_spends_exactly_the_lifetime_budget_and_that_is_epsilon_1(monthly_cohorts):
    speak(5, at=months_ago(1), setting="home")
    services.make_release(services.today_utc())
    cohort = Cohort.objects.get()
    assert cohort.spent() == services.lifetime_rho() == Fraction(20187, 10**6)
    assert release.epsilon_of(float(cohort.spent())) <= 1.0


@pytest.mark.django_db
def test_the_ledger_refuses_a_measurement_that_would_exceed_the_budget(monthly_cohorts, monkeypatch):
    """A breakdown added once the budget is spent is not measured, and the release goes on without it."""
    speak(5, at=months_ago(1), setting="home")
    extra = dataclasses.replace(services.BREAKDOWNS["setting"], name="extra", share=Fraction(1, 100))
    monkeypatch.setitem(services.BREAKDOWNS, "extra", extra)
    made = services.make_release(services.today_utc())
    cohort = Cohort.objects.get()
    assert not Measurement.objects.filter(breakdown="extra").exists()
    assert cohort.spent() == services.lifetime_rho()
    assert made.figures["breakdowns"]["extra"]["cohorts"] == 0
    assert made.figures["breakdowns"]["setting"]["cohorts"] == 1


@pytest.mark.django_db
def test_a_breakdown_that_alone_would_exceed_the_budget_is_never_measured(monthly_cohorts, monkeypatch):
    speak(5, at=months_ago(1), setting="home")
    greedy = dataclasses.replace(services.BREAKDOWNS["harm"], share=Fraction(2))
    monkeypatch.setitem(services.BREAKDOWNS, "harm", greedy)
    services.make_release(services.today_utc())
    assert not Measurement.objects.filter(breakdown="harm").exists()
    assert Cohort.objects.get().spent() <= services.lifetime_rho()


@pytest.mark.django_db
def test_a_cohort_measures_its_own_statements_every_key_zeros_included(monthly_cohorts, nearly_exact):
    speak(5, at=months_ago(2), setting="home", country="FR", harms=["verbal", "online"])
    speak(3, at=months_ago(1), setting="school")
    services.make_release(services.today_utc())
    first, second = Cohort.objects.order_by("start")
    setting = Measurement.objects.get(cohort=first, breakdown="setting").noisy
    assert setting == {key: 5 if key == "home" else 0 for key in services.BREAKDOWNS["setting"].public_keys()}
    assert Measurement.objects.get(cohort=second, breakdown="setting").noisy["not_said"] == 0
    assert Measurement.objects.get(cohort=second, breakdown="country").noisy["not_said"] == 3
    harm = Measurement.objects.get(cohort=first, breakdown="harm").noisy
    assert harm["verbal"] == harm["online"] == 5 and harm["assault"] == 0
