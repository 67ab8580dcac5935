"""Batch work on the magnitude: rebuild the counters from rows, measure each cohort once, and make each
day's release from the stored measurements (the mechanism and its guarantee are in release.py)."""

import datetime
import secrets
from collections import Counter as Tally
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django_countries import countries

from ustoo.core.hashtags import variants
from ustoo.magnitude import buckets, release
from ustoo.magnitude.models import Cohort, Counter, Measurement, Release
from ustoo.stories.models import AgeAtTime, Harm, Relation, Setting, Statement
from ustoo.stories.observers import StatementFacts, facts_of

KEEP_RELEASES_DAYS = 30
# A cohort closes at the end of the first month in which it holds this many statements, or after
# MAX_COHORT_MONTHS months: every cohort adds its own noise to the running figures, so tiny cohorts
# would drown them; the rule reads only the exact monthly counts, which are public anyway.
MIN_COHORT_STATEMENTS = 100
MAX_COHORT_MONTHS = 12
NOT_SAID = "not_said"
OTHER = "other"
# At most this many of the movement's hashtags count per story (the first ones written).
HASHTAGS_PER_STATEMENT = 3


def magnitude_epsilon() -> float:
    """The lifetime ε of each person's answers (at δ = release.DELTA)."""
    return settings.MAGNITUDE_EPSILON


def lifetime_rho() -> Fraction:
    return release.lifetime_rho(magnitude_epsilon())


def _languages() -> list[str]:
    return sorted({code for code, _name in settings.LANGUAGES} | {v.language for v in variants().values()})


@dataclass(frozen=True)
class Breakdown:
    """One released breakdown: its public keys, how one statement can move them (the squared L2
    sensitivity under a change of that statement's answers), its share of the lifetime budget, and
    what a statement answered in it. An answer outside the public keys is counted as `unknown` (a
    single choice) or not at all (a multi-select, unknown None): no other key is ever released."""

    name: str
    kind: str
    l2_squared: int
    share: Fraction
    public_keys: Callable[[], list[str]]
    answers: Callable[[StatementFacts], list[str]]
    unknown: str | None = None

    def keys_of(self, facts: StatementFacts, keys: frozenset[str]) -> list[str]:
        found = self.answers(facts)
        if self.unknown is None:
            return [key for key in found if key in keys]
        return [key if key in keys else self.unknown for key in found]


def _single(value: str) -> list[str]:
    return [value or NOT_SAID]


def _setting_by_age(facts: StatementFacts) -> list[str]:
    if facts.setting and facts.age_at_time:
        return [f"{facts.setting}{buckets.PAIR_SEPARATOR}{facts.age_at_time}"]
    return [NOT_SAID]


def _hashtags(facts: StatementFacts) -> list[str]:
    known = variants()
    found = list(dict.fromkeys(tag for tag in facts.hashtags if tag in known))
    return found[:HASHTAGS_PER_STATEMENT]


# The budget is split by what readers need most (Kapp et al.: not evenly); the shares add up to 1.
BREAKDOWNS: dict[str, Breakdown] = {
    spec.name: spec
    for spec in (
        Breakdown(
            "setting",
            release.PROJECTED,
            2,
            Fraction(15, 100),
            lambda: [*Setting.values, NOT_SAID],
            lambda f: _single(f.setting),
            unknown=OTHER,
        ),
        Breakdown(
            "relation",
            release.PROJECTED,
            2,
            Fraction(15, 100),
            lambda: [*Relation.values, NOT_SAID],
            lambda f: _single(f.relation),
            unknown=OTHER,
        ),
        Breakdown(
            "age_at_time",
            release.PROJECTED,
            2,
            Fraction(15, 100),
            lambda: [*AgeAtTime.values, NOT_SAID],
            lambda f: _single(f.age_at_time),
            unknown=NOT_SAID,
        ),
        # A statement may name every kind of harm: changing its answers moves each cell by at most 1.
        Breakdown(
            "harm",
            release.CLIPPED,
            len(Harm.values),
            Fraction(20, 100),
            lambda: list(Harm.values),
            lambda f: sorted(set(f.harms)),
        ),
        # One choice, but among some 250 mostly empty cells: clipped, since a projection would pull
        # every figure down to make room for the noise of the empty ones. Likewise language and
        # setting by age.
        Breakdown(
            "country",
            release.CLIPPED,
            2,
            Fraction(10, 100),
            lambda: [*(code for code, _name in countries), NOT_SAID],
            lambda f: _single(f.country.upper()),
            unknown=NOT_SAID,
        ),
        Breakdown(
            "language",
            release.CLIPPED,
            2,
            Fraction(5, 100),
            lambda: [*_languages(), OTHER, NOT_SAID],
            lambda f: _single(f.language.strip().lower().split("-")[0]),
            unknown=OTHER,
        ),
        # At most three hashtags removed and three added: a squared distance of at most 6.
        Breakdown(
            "hashtag",
            release.CLIPPED,
            2 * HASHTAGS_PER_STATEMENT,
            Fraction(10, 100),
            lambda: sorted(variants()),
            _hashtags,
        ),
        Breakdown(
            "setting_by_age",
            release.CLIPPED,
            2,
            Fraction(10, 100),
            lambda: [
                *(
                    f"{setting}{buckets.PAIR_SEPARATOR}{age}"
                    for setting in Setting.values
                    for age in AgeAtTime.values
                ),
                NOT_SAID,
            ],
            _setting_by_age,
            unknown=NOT_SAID,
        ),
    )
}
assert sum(spec.share for spec in BREAKDOWNS.values()) == 1, "the shares of the budget must add up to 1"


@dataclass(frozen=True)
class Population:
    """Rows released the same way as statements: exact counts per day, from the day counters of
    `dimension`, and `breakdowns` measured once per cohort of rows (their shares of the lifetime
    budget add up to 1). `answers_in(start, end)` counts the rows of a cohort and their answers per
    breakdown; `counts_from_rows()` recomputes the day counters from the rows."""

    name: str
    dimension: str
    breakdowns: dict[str, Breakdown]
    answers_in: Callable[[datetime.date, datetime.date], tuple[int, dict[str, Tally[str]]]]
    counts_from_rows: Callable[[], Tally[tuple[str, str]]]


def other_populations() -> tuple[Population, ...]:
    """The upstanders' rows (pledges, interventions, acknowledgements: magnitude/upstanders.py), released
    beside the statements. Imported here rather than at the top: that module builds on this one."""
    from ustoo.magnitude.upstanders import POPULATIONS

    return POPULATIONS


def sigma_squared(spec: Breakdown, budget: Fraction) -> Fraction:
    return release.sigma_squared_for(rho=budget * spec.share, l2_squared=spec.l2_squared)


# --- Counters kept on write -------------------------------------------------------------------------


def count_from_rows() -> Tally[tuple[str, str]]:
    """Every counter, computed afresh from the statements that count (and their stories), and from the
    upstanders' rows."""
    totals: Tally[tuple[str, str]] = Tally()
    for population in (STATEMENTS, *other_populations()):
        totals.update(population.counts_from_rows())
    return totals


def _statement_counts_from_rows() -> Tally[tuple[str, str]]:
    totals: Tally[tuple[str, str]] = Tally()
    for facts in _facts(Statement.objects.counted()):
        totals.update(buckets.buckets_of(facts))
    return totals


def _facts(statements) -> Iterable[StatementFacts]:
    for statement in statements.select_related("story").order_by("pk").iterator(chunk_size=2000):
        try:
            story = statement.story
        except ObjectDoesNotExist:
            story = None
        facts = facts_of(statement, story)
        if facts is not None:
            yield facts


def rebuild_counters() -> int:
    """Replace the counters by what the rows say; returns how many counters there are now.

    Writers are held off for the length of it (SQLite's write lock from BEGIN IMMEDIATE; an
    EXCLUSIVE table lock on PostgreSQL, taken before reading), so a statement written meanwhile is
    either among the rows read or added on top afterwards, never lost or counted twice."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Counter._meta.db_table} IN EXCLUSIVE MODE")
        totals = count_from_rows()
        Counter.objects.all().delete()
        Counter.objects.bulk_create(
            (
                Counter(dimension=dimension, bucket=bucket, shard=0, count=count)
                for (dimension, bucket), count in totals.items()
                if count
            ),
            batch_size=1000,
        )
    return len(totals)


# --- Days, months and cohorts -----------------------------------------------------------------------


def today_utc(now: datetime.datetime | None = None) -> datetime.date:
    return (now or timezone.now()).astimezone(datetime.UTC).date()


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def day_counts(before: datetime.date, dimension: str = buckets.DAY) -> dict[str, int]:
    """The exact number of counted statements (or rows of another population, by its `dimension`) made
    on each day before `before` (UTC), from the day counters: one query, however many there are."""
    rows = (
        Counter.objects.filter(dimension=dimension, bucket__lt=before.isoformat())
        .values_list("bucket")
        .annotate(total=Sum("count"))
        .order_by("bucket")
    )
    return {day: total for day, total in rows if total}


def month_counts(days: dict[str, int]) -> dict[datetime.date, int]:
    months: Tally[datetime.date] = Tally()
    for day, count in days.items():
        months[month_of(datetime.date.fromisoformat(day))] += count
    return dict(months)


def due_cohorts(
    months: dict[datetime.date, int], *, opens: datetime.date | None, before: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """The cohorts (start, end) to close now: from `opens` (where the last cohort ended, or the first
    month with a statement) to the month of `before`, each closing at the end of the first month in
    which it holds MIN_COHORT_STATEMENTS or after MAX_COHORT_MONTHS months. A span with no statement
    closes without a cohort. Only exact monthly counts are read: they are published anyway."""
    if not months:
        return []
    month = opens or min(months)
    last = month_of(before)
    due, start, held, length = [], month, 0, 0
    while month < last:
        held += months.get(month, 0)
        length += 1
        month = next_month(month)
        if held >= MIN_COHORT_STATEMENTS or length >= MAX_COHORT_MONTHS:
            if held:
                due.append((start, month))
            start, held, length = month, 0, 0
    return due


def answers_in(start: datetime.date, end: datetime.date) -> tuple[int, dict[str, Tally[str]]]:
    """How many counted statements were made from `start` to `end` (UTC), and their answers counted
    per breakdown: read from the rows, once per cohort."""
    since = datetime.datetime.combine(start, datetime.time(), tzinfo=datetime.UTC)
    until = datetime.datetime.combine(end, datetime.time(), tzinfo=datetime.UTC)
    statements = Statement.objects.counted().filter(created_at__gte=since, created_at__lt=until)
    counted = 0
    tallies: dict[str, Tally[str]] = {name: Tally() for name in BREAKDOWNS}
    keys = {name: frozenset(spec.public_keys()) for name, spec in BREAKDOWNS.items()}
    for facts in _facts(statements):
        counted += 1
        for name, spec in BREAKDOWNS.items():
            tallies[name].update(spec.keys_of(facts, keys[name]))
    return counted, tallies


STATEMENTS = Population(
    name="statements",
    dimension=buckets.DAY,
    breakdowns=BREAKDOWNS,
    answers_in=answers_in,
    counts_from_rows=_statement_counts_from_rows,
)


def measure_cohort(
    start: datetime.date,
    end: datetime.date,
    *,
    rng: release.RandomSource | None = None,
    population: Population | None = None,
) -> Cohort:
    """Measure, once, every breakdown of the statements (or the population's rows) made from `start`
    to `end`.

    The cohort's row is locked while it is measured, so two servers never measure it twice; a
    breakdown already measured is left alone, and one the ledger refuses (it would take the cohort
    past its lifetime budget) is not measured at all."""
    population = population or STATEMENTS
    rng = rng or secrets.SystemRandom()
    budget = lifetime_rho()
    with transaction.atomic():
        counted, tallies = population.answers_in(start, end)
        Cohort.objects.bulk_create(
            [Cohort(population=population.name, start=start, end=end, statements=counted)],
            ignore_conflicts=True,
        )
        cohort = Cohort.objects.select_for_update().get(population=population.name, start=start)
        spent = cohort.spent()
        measured = set(cohort.measurements.values_list("breakdown", flat=True))
        for name, spec in population.breakdowns.items():
            if name in measured:
                continue
            variance = sigma_squared(spec, budget)
            asked = release.rho_of(sigma_squared=variance, l2_squared=spec.l2_squared)
            try:
                release.check_budget(spent=spent, asked=asked, budget=budget)
            except release.BudgetExceeded:
                continue
            Measurement.objects.create(
                cohort=cohort,
                breakdown=name,
                rho=str(asked),
                sigma_squared=str(variance),
                noisy=release.measure(tallies[name], spec.public_keys(), variance, rng),
            )
            spent += asked
    return cohort


def measure_due_cohorts(
    days: dict[str, int],
    *,
    before: datetime.date,
    rng: release.RandomSource | None = None,
    population: Population | None = None,
) -> None:
    population = population or STATEMENTS
    opens = Cohort.objects.filter(population=population.name).aggregate(end=Max("end"))["end"]
    for start, end in due_cohorts(month_counts(days), opens=opens, before=before):
        measure_cohort(start, end, rng=rng, population=population)


# --- The daily release ------------------------------------------------------------------------------


def released_breakdown(
    name: str, measurements: list[Measurement], *, breakdowns: dict[str, Breakdown] | None = None
) -> dict:
    """One breakdown's figures, from every cohort that measured it: the noisy counts summed (their
    noises add up, so do their variances), then projected or clipped (release.estimates)."""
    spec = (breakdowns or BREAKDOWNS)[name]
    keys = [key for key in spec.public_keys() if all(key in m.noisy for m in measurements)]
    summed = {key: sum(m.noisy[key] for m in measurements) for key in keys}
    statements = sum(m.cohort.statements for m in measurements)
    variance = sum((Fraction(m.sigma_squared) for m in measurements), Fraction(0))
    cells = release.estimates(spec.kind, summed, total=statements, variance=variance)
    return {
        "kind": spec.kind,
        "statements": statements,
        "since": min(m.cohort.start for m in measurements).isoformat() if measurements else None,
        "until": (
            (max(m.cohort.end for m in measurements) - datetime.timedelta(days=1)).isoformat()
            if measurements
            else None
        ),
        "cohorts": len(measurements),
        "noise_sd": round(float(variance) ** 0.5, 2),
        "noise_variance": float(variance),
        "margin": release.margin(variance) if measurements else None,
        "margin_all": release.margin_for_all(variance, len(keys)) if measurements else None,
        "cells": {key: estimate.as_json() for key, estimate in cells.items()},
    }


def make_release(as_of: datetime.date, *, rng: release.RandomSource | None = None) -> Release:
    """The release of the day `as_of`: statements made before it, cohorts closed before its month.

    Several servers may make it at once: the cohorts' lock keeps each measured once, every server then
    computes the same figures from the same measurements, and only the first stored is kept."""
    days = day_counts(as_of)
    measure_due_cohorts(days, before=as_of, rng=rng)
    measurements = _measured_before(as_of, STATEMENTS)
    budget = lifetime_rho()
    figures = {
        "as_of": as_of.isoformat(),
        "statements": sum(days.values()),
        "per_day": days,
        "privacy": {
            "epsilon": magnitude_epsilon(),
            "delta": float(release.DELTA),
            "rho": float(budget),
            "confidence": release.CONFIDENCE,
            "shares": {name: float(spec.share) for name, spec in BREAKDOWNS.items()},
            "noise_sd_per_cohort": {
                name: round(float(sigma_squared(spec, budget)) ** 0.5, 2) for name, spec in BREAKDOWNS.items()
            },
            "margin_per_cohort": {
                name: release.margin(sigma_squared(spec, budget)) for name, spec in BREAKDOWNS.items()
            },
            "min_cohort_statements": MIN_COHORT_STATEMENTS,
            "max_cohort_months": MAX_COHORT_MONTHS,
        },
        "breakdowns": {
            name: released_breakdown(name, [m for m in measurements if m.breakdown == name])
            for name in BREAKDOWNS
        },
        "upstanders": {
            population.name: _released_population(population, as_of, rng)
            for population in other_populations()
        },
    }
    Release.objects.bulk_create([Release(as_of=as_of, figures=figures)], ignore_conflicts=True)
    Release.objects.filter(as_of__lt=as_of - datetime.timedelta(days=KEEP_RELEASES_DAYS)).delete()
    return Release.objects.get(as_of=as_of)


def _measured_before(as_of: datetime.date, population: Population) -> list[Measurement]:
    """The measurements of the population's cohorts closed before the month of `as_of`."""
    return list(
        Measurement.objects.filter(cohort__population=population.name, cohort__end__lte=month_of(as_of))
        .select_related("cohort")
        .order_by("cohort__start")
    )


def _released_population(population: Population, as_of: datetime.date, rng) -> dict:
    """Another population's part of the day's release, made as the statements' is: exact counts per
    day, and each breakdown from the measurements of its closed cohorts, its cohorts measured first."""
    days = day_counts(as_of, population.dimension)
    if population.breakdowns:  # a population only counted has nothing to measure
        measure_due_cohorts(days, before=as_of, rng=rng, population=population)
    measurements = _measured_before(as_of, population)
    budget = lifetime_rho()
    return {
        "total": sum(days.values()),
        "per_day": days,
        "shares": {name: float(spec.share) for name, spec in population.breakdowns.items()},
        "noise_sd_per_cohort": {
            name: round(float(sigma_squared(spec, budget)) ** 0.5, 2)
            for name, spec in population.breakdowns.items()
        },
        "margin_per_cohort": {
            name: release.margin(sigma_squared(spec, budget)) for name, spec in population.breakdowns.items()
        },
        "breakdowns": {
            name: released_breakdown(
                name, [m for m in measurements if m.breakdown == name], breakdowns=population.breakdowns
            )
            for name in population.breakdowns
        },
    }


def seconds_to_next_release(now: datetime.datetime) -> int:
    tomorrow = datetime.datetime.combine(
        today_utc(now) + datetime.timedelta(days=1), datetime.time(), datetime.UTC
    )
    return max(1, int((tomorrow - now).total_seconds()) + 1)


def current_release(*, now: datetime.datetime | None = None) -> Release:
    """Today's release, from the shared cache, the database, or made now (once a day, by the first
    request after midnight UTC or by `ustoo release_magnitude` run from cron just after it)."""
    now = now or timezone.now()
    as_of = today_utc(now)
    key = f"magnitude:release:v2:{as_of.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = Release.objects.for_day(as_of) or make_release(as_of)
        cache.set(key, found, seconds_to_next_release(now))
    return found


def for_this_release[T](
    what: str, *depends_on: str, make: Callable[[Release], T], now: datetime.datetime | None = None
) -> T:
    """`make(release)` for today's release, made once per release (and per `depends_on`) and kept
    in the shared cache until the next one: a release never changes, so neither does what is made
    from it. What `make` returns must hold nothing but released figures."""
    now = now or timezone.now()
    key = ":".join(["magnitude", what, today_utc(now).isoformat(), *depends_on])
    found = cache.get(key)
    if found is None:
        found = make(current_release(now=now))
        cache.set(key, found, seconds_to_next_release(now))
    return found
