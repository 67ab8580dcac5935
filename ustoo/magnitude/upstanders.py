"""The upstanders' figures: pledges by action, interventions by D, setting and outcome, and
acknowledgements, released by the same mechanism as the statements (services.py, release.py).

Each kind of row is a population of its own: its total and its counts per day are exact, from day
counters kept on write (observer.py), and its breakdowns are measured once per cohort of rows, with
discrete Gaussian noise, under a lifetime budget of its own (the same ε as the statements'). The unit
of privacy is one person's pledges (a member, a browser session, or an API client of the day: each
pledges an action once), one intervention reported, one acknowledgement. Someone who both pledges and
reports an intervention is covered for each with ε (2ε for both, by composition), as someone who says
"me too" twice is."""

import csv
import datetime
import io
from collections import Counter as Tally
from fractions import Fraction

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext as _

from ustoo.magnitude import figures, release
from ustoo.magnitude.models import Release
from ustoo.magnitude.services import Breakdown, Population
from ustoo.upstanders.models import (
    ACKNOWLEDGEMENTS,
    INTERVENTIONS,
    PLEDGES,
    Acknowledgement,
    Action,
    Approach,
    Intervention,
    Outcome,
    Place,
    Pledge,
)

UNITS = {
    PLEDGES: "pledges",
    INTERVENTIONS: "interventions",
    ACKNOWLEDGEMENTS: "acknowledgements",
}


def _day_counts(model, dimension: str) -> Tally[tuple[str, str]]:
    rows = model.objects.values_list("day").annotate(count=Count("id")).order_by()
    return Tally({(dimension, day.isoformat()): count for day, count in rows})


def _answers(model, breakdowns: dict[str, Breakdown], start: datetime.date, end: datetime.date):
    """How many rows were made from `start` to `end`, and their answers counted per breakdown."""
    rows = list(model.objects.filter(day__gte=start, day__lt=end))
    tallies = {name: Tally() for name in breakdowns}
    keys = {name: frozenset(spec.public_keys()) for name, spec in breakdowns.items()}
    for row in rows:
        for name, spec in breakdowns.items():
            tallies[name].update(spec.keys_of(row, keys[name]))
    return len(rows), tallies


# A person pledges each action at most once, so changing everything one person pledged in a cohort
# moves each action's count by at most 1: a squared distance of at most the number of actions. The
# pledges' parts add up to the whole (each pledge is one action), so they are projected.
PLEDGE_BREAKDOWNS = {
    "action": Breakdown(
        "action",
        release.PROJECTED,
        len(Action.values),
        Fraction(1),
        lambda: list(Action.values),
        lambda row: [row.action],
    ),
}

# One report answers each question once: a change moves one cell down and another up (2).
INTERVENTION_BREAKDOWNS = {
    "approach": Breakdown(
        "approach",
        release.PROJECTED,
        2,
        Fraction(35, 100),
        lambda: list(Approach.values),
        lambda row: [row.approach],
    ),
    "setting": Breakdown(
        "setting",
        release.PROJECTED,
        2,
        Fraction(30, 100),
        lambda: list(Place.values),
        lambda row: [row.setting],
    ),
    "outcome": Breakdown(
        "outcome",
        release.PROJECTED,
        2,
        Fraction(35, 100),
        lambda: list(Outcome.values),
        lambda row: [row.outcome],
    ),
}

POPULATIONS = (
    Population(
        name=PLEDGES,
        dimension=PLEDGES,
        breakdowns=PLEDGE_BREAKDOWNS,
        answers_in=lambda start, end: _answers(Pledge, PLEDGE_BREAKDOWNS, start, end),
        counts_from_rows=lambda: _day_counts(Pledge, PLEDGES),
    ),
    Population(
        name=INTERVENTIONS,
        dimension=INTERVENTIONS,
        breakdowns=INTERVENTION_BREAKDOWNS,
        answers_in=lambda start, end: _answers(Intervention, INTERVENTION_BREAKDOWNS, start, end),
        counts_from_rows=lambda: _day_counts(Intervention, INTERVENTIONS),
    ),
    # Only counted: what each commits to is kept, and never released.
    Population(
        name=ACKNOWLEDGEMENTS,
        dimension=ACKNOWLEDGEMENTS,
        breakdowns={},
        answers_in=lambda start, end: _answers(Acknowledgement, {}, start, end),
        counts_from_rows=lambda: _day_counts(Acknowledgement, ACKNOWLEDGEMENTS),
    ),
)
BY_NAME = {population.name: population for population in POPULATIONS}

for _population in POPULATIONS:
    assert not _population.breakdowns or sum(s.share for s in _population.breakdowns.values()) == 1, (
        f"the shares of the {_population.name}' budget must add up to 1"
    )


# --- The open data ------------------------------------------------------------------------------------


def unit_descriptions() -> dict[str, str]:
    """What each population counts, as the charts and the open data say it."""
    return {
        PLEDGES: _(
            "Bar chart: pledges per action (one person pledging one action), largest first, each with the "
            "range that holds its true number 95 times out of 100."
        ),
        INTERVENTIONS: _(
            "Bar chart: interventions reported (one report each), largest first, each with the range that "
            "holds its true number 95 times out of 100."
        ),
        ACKNOWLEDGEMENTS: _("Acknowledgements of harm done (one each)."),
    }


def per_day(counts: dict[str, int], release: Release, window: figures.Window) -> dict[str, int]:
    """Rows per day over the window, exact, zeros included, up to the release's last day."""
    until = figures.last_day(release).isoformat()
    return {day: counts.get(day, 0) for day in window.days() if day <= until}


def per_month(counts: dict[str, int], release: Release) -> dict[str, int]:
    """Rows per month, exact, from the first month with a row to the release's last day."""
    if not counts:
        return {}
    first = datetime.date.fromisoformat(min(counts))
    months = dict.fromkeys(figures.months_between(first, figures.last_day(release)), 0)
    for day, count in counts.items():
        months[day[:7]] += count
    return months


def open_data(*, release: Release, window: figures.Window) -> dict:
    """The upstanders' figures of the day's release, as the API gives them: nothing but the release
    is read. A release made before the upstanders were counted has no population."""
    released = release.figures.get("upstanders") or {}
    populations = {}
    for population in POPULATIONS:
        part = released.get(population.name)
        if part is None:
            continue
        populations[population.name] = {
            "unit": UNITS[population.name],
            "total": part["total"],
            "per_day": per_day(part["per_day"], release, window),
            "per_month": per_month(part["per_day"], release),
            "shares": part["shares"],
            "noise_sd_per_cohort": part["noise_sd_per_cohort"],
            "margin_per_cohort": part["margin_per_cohort"],
            "breakdowns": {
                name: _in_key_order(population.breakdowns[name], breakdown)
                for name, breakdown in part["breakdowns"].items()
            },
        }
    privacy = release.figures["privacy"]
    return {
        "as_of": release.as_of,
        "last_day": figures.last_day(release),
        "next_release": release.as_of + datetime.timedelta(days=1),
        "timezone": settings.TIME_ZONE,
        "window": {"since": window.since, "until": window.until},
        "privacy": {
            "epsilon": privacy["epsilon"],
            "delta": privacy["delta"],
            "rho": privacy["rho"],
            "confidence": privacy["confidence"],
            "min_cohort_rows": privacy["min_cohort_statements"],
            "max_cohort_months": privacy["max_cohort_months"],
        },
        "populations": populations,
    }


def _in_key_order(spec: Breakdown, breakdown: dict) -> dict:
    """The cells in the order of their public keys (PostgreSQL's jsonb keeps its own order), and the
    number of rows measured named `count`: the unit is the population's, not statements."""
    cells = breakdown["cells"]
    ordered = {key: cells[key] for key in spec.public_keys() if key in cells}
    found = {key: value for key, value in breakdown.items() if key not in ("cells", "statements")}
    return {**found, "count": breakdown["statements"], "cells": ordered}


CSV_COLUMNS = ["population", "breakdown", "category", "unit", "count", "low", "high", "measured", "status"]


def to_csv(data: dict) -> str:
    """The upstanders' open data as CSV, header first: one row per figure, with its unit (pledges,
    interventions, acknowledgements), its 95% range, the noisy sum it was made from, and its status
    (exact, estimate, too_few, not_measured), as the statements' CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for name, part in data["populations"].items():
        unit, total = part["unit"], part["total"]
        writer.writerow([name, "total", "", unit, total, total, total, "", figures.EXACT])
        for period in ("per_day", "per_month"):
            for bucket, count in part[period].items():
                writer.writerow([name, period, bucket, unit, count, count, count, "", figures.EXACT])
        for breakdown_name, breakdown in part["breakdowns"].items():
            for key, cell in breakdown["cells"].items():
                if not breakdown["cohorts"]:
                    writer.writerow([name, breakdown_name, key, unit, "", "", "", "", figures.NOT_MEASURED])
                    continue
                status = figures.ESTIMATE if cell["reliable"] else figures.TOO_FEW
                writer.writerow(
                    [
                        name,
                        breakdown_name,
                        key,
                        unit,
                        cell["value"],
                        cell["low"],
                        cell["high"],
                        cell["measured"],
                        status,
                    ]
                )
    return out.getvalue()
