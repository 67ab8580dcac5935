"""Which counter one statement adds to: its day, in UTC.

The day counters give the exact total and the statements per day and month of each release without
reading a row. The released breakdowns (where, who, age, country, harms, hashtags) are measured from
the rows of each cohort, once (see services.py and release.py), so no counter is kept for them."""

import datetime

from ustoo.stories.observers import StatementFacts

DAY = "day"
PAIR_SEPARATOR = "|"

Bucket = tuple[str, str]


def day_bucket(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).date().isoformat()


def buckets_of(facts: StatementFacts | None) -> list[Bucket]:
    return [] if facts is None else [(DAY, day_bucket(facts.created_at))]
