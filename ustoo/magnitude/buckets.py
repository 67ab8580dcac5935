"""Which counters one statement adds to: its buckets, from the facts stories gives us.

Every figure the magnitude publishes is a sum over these buckets, never a look at rows. Time buckets
are in UTC. Blank answers add to no breakdown: a person who did not say where it happened is not
counted as "somewhere else". A statement adds to each of its kinds of harm, and to at most
MAX_VARIANTS_PER_STATEMENT of the movement's hashtag variants: these caps are what the privacy
mechanism calls the sensitivity of those breakdowns (how many cells one person can move)."""

import datetime

from ustoo.core.hashtags import variants
from ustoo.stories.models import Harm
from ustoo.stories.observers import StatementFacts

HOUR = "hour"
DAY = "day"
SETTING = "setting"
RELATION = "relation"
AGE = "age_at_time"
HARM = "harm"
COUNTRY = "country"
LANGUAGE = "language"
HASHTAG = "hashtag"
SETTING_BY_AGE = "setting_by_age"

DIMENSIONS = (HOUR, DAY, SETTING, RELATION, AGE, HARM, COUNTRY, LANGUAGE, HASHTAG, SETTING_BY_AGE)
PAIR_SEPARATOR = "|"
MAX_VARIANTS_PER_STATEMENT = 3

# How many cells of each dimension one statement can add to.
SENSITIVITY = {
    HOUR: 1,
    DAY: 1,
    SETTING: 1,
    RELATION: 1,
    AGE: 1,
    HARM: len(Harm.values),
    COUNTRY: 1,
    LANGUAGE: 1,
    HASHTAG: MAX_VARIANTS_PER_STATEMENT,
    SETTING_BY_AGE: 1,
}

Bucket = tuple[str, str]


def hour_bucket(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H")


def day_bucket(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d")


def buckets_of(facts: StatementFacts | None) -> list[Bucket]:
    if facts is None:
        return []
    buckets = [(HOUR, hour_bucket(facts.created_at)), (DAY, day_bucket(facts.created_at))]
    for dimension, value in (
        (SETTING, facts.setting),
        (RELATION, facts.relation),
        (AGE, facts.age_at_time),
        (COUNTRY, facts.country.upper()),
        (LANGUAGE, facts.language.strip().lower()[:8]),
    ):
        if value:
            buckets.append((dimension, value))
    if facts.setting and facts.age_at_time:
        buckets.append((SETTING_BY_AGE, f"{facts.setting}{PAIR_SEPARATOR}{facts.age_at_time}"))
    buckets.extend((HARM, harm) for harm in sorted(set(facts.harms)))
    known = variants()
    movement_tags = [tag for tag in facts.hashtags if tag in known]
    buckets.extend((HASHTAG, tag) for tag in movement_tags[:MAX_VARIANTS_PER_STATEMENT])
    return buckets
