"""The upstanders' figures: pledges by action, interventions by D, setting and outcome, and
acknowledgements, released by the same mechanism as the statements (services.py, release.py).

Each kind of row is a population of its own: its total and its counts per day are exact, from day
counters kept on write (observer.py), and its breakdowns are measured once per cohort of rows, with
discrete Gaussian noise, under a lifetime budget of its own (the same ε as the statements'). The unit
of privacy is one person's pledges (a member, a browser session, or an API client of the day: each
pledges an action once), one intervention reported, one acknowledgement. Someone who both pledges and
reports an intervention is covered for each with ε (2ε for both, by composition), as someone who says
"me too" twice is."""

import datetime
from collections import Counter as Tally
from fractions import Fraction

from django.db.models import Count

from ustoo.magnitude import release
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

