"""Fictional demo content for the Step up pages and the upstanders' figures: pledges, interventions and
acknowledgements spread over the two months before this one (so that their cohorts close and the
magnitude shows them at once), and a few words in `data/demo_upstanders.json`, written for the demo,
shown as approved and labelled fictional. Everything goes through the same services as a person's
own, so the day counters come out exactly as they would for real content."""

import datetime
import hashlib
import json
import random
from pathlib import Path

from django.core.management.base import CommandError
from django.db import transaction

from ustoo.upstanders import services
from ustoo.upstanders.models import (
    Acknowledgement,
    Action,
    Approach,
    Commitment,
    Intervention,
    Outcome,
    OwnWords,
    Place,
    Pledge,
    WordsKind,
    WordsStatus,
)

DEMO_FILE = Path(__file__).resolve().parent / "data" / "demo_upstanders.json"
SEED = 20171018
# Per month, over the two months before the current one: enough for a cohort each (services of the
# magnitude close a cohort at 100 rows), so the demo's figures are measured on the first release.
PLEDGERS_PER_MONTH = 120
INTERVENTIONS_PER_MONTH = 110
ACKNOWLEDGEMENTS_PER_MONTH = 9
MONTHS = 2
# Some actions and ways are chosen more often than others, so the demo's charts have a shape.
ACTION_WEIGHTS = {
    Action.BELIEVE: 9,
    Action.STEP_IN: 7,
    Action.SPEAK_UP: 6,
    Action.CONSENT: 5,
    Action.BACK_UP: 4,
    Action.KNOW_HOW_TO_REPORT: 3,
    Action.WRITE_DOWN: 2,
    Action.TALK_WITH_YOUNG: 2,
}
APPROACH_WEIGHTS = {
    Approach.DELAY: 9,
    Approach.DISTRACT: 7,
    Approach.DELEGATE: 5,
    Approach.DIRECT: 4,
    Approach.DOCUMENT: 2,
}
PLACE_WEIGHTS = {
    Place.STREET: 8,
    Place.WORK: 6,
    Place.ONLINE: 5,
    Place.SCHOOL: 4,
    Place.HOME: 2,
    Place.OTHER: 1,
}
OUTCOME_WEIGHTS = {Outcome.HELPED: 7, Outcome.UNKNOWN: 3, Outcome.DID_NOT: 1}


def read_demo_file(path: Path | None = None) -> dict:
    path = path or DEMO_FILE
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if data.get("demo") is not True:
        raise CommandError(f'{path} is not marked as demo content ("demo": true).')
    return data


def is_empty() -> bool:
    return not any(model.objects.exists() for model in (Pledge, Intervention, Acknowledgement, OwnWords))


def _pick(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pledger(index: int) -> bytes:
    """A stand-in for one demo visitor: real pledger keys are keyed hashes, so these never collide."""
    return hashlib.sha256(f"ustoo demo pledger:{index}".encode()).digest()


def _months_before(today: datetime.date) -> list[datetime.date]:
    first, months = today.replace(day=1), []
    for _ in range(MONTHS):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _day_in(rng: random.Random, month: datetime.date) -> datetime.date:
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return month + datetime.timedelta(days=rng.randrange((following - month).days))


def load(data: dict, *, today: datetime.date | None = None) -> dict[str, int]:
    """Load the demo in one transaction: on any error nothing is left half-loaded."""
    today = today or services.today()
    rng = random.Random(SEED)
    kinds = set(WordsKind.values)
    for number, entry in enumerate(data["words"], start=1):
        if entry.get("kind") not in kinds or not entry.get("text"):
            raise CommandError(f"words {number}: a kind among {sorted(kinds)} and a text are needed.")
    pledged = reported = owned = 0
    with transaction.atomic():
        pledger = 0
        for month in _months_before(today):
            for _ in range(PLEDGERS_PER_MONTH):
                pledger += 1
                actions = {_pick(rng, ACTION_WEIGHTS) for _ in range(rng.randint(1, 3))}
                sent = services.pledge(actions=actions, pledger=_pledger(pledger), day=_day_in(rng, month))
                pledged += len(sent.counted)
            for _ in range(INTERVENTIONS_PER_MONTH):
                services.report_intervention(
                    approach=_pick(rng, APPROACH_WEIGHTS),
                    setting=_pick(rng, PLACE_WEIGHTS),
                    outcome=_pick(rng, OUTCOME_WEIGHTS),
                    day=_day_in(rng, month),
                )
                reported += 1
            for _ in range(ACKNOWLEDGEMENTS_PER_MONTH):
                services.acknowledge(commitment=rng.choice(Commitment.values), day=_day_in(rng, month))
                owned += 1
        decided = today - datetime.timedelta(days=1)
        OwnWords.objects.bulk_create(
            OwnWords(
                kind=entry["kind"],
                text=entry["text"],
                language="en",
                status=WordsStatus.PUBLISHED,
                day=decided,
                decided_on=decided,
                demo=True,
            )
            for entry in data["words"]
        )
    return {
        "pledges": pledged,
        "interventions": reported,
        "acknowledgements": owned,
        "words": len(data["words"]),
    }
