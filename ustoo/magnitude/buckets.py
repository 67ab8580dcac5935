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

# Derived at release time from the day counters; no counter of its own.
MONTH = "month"

DIMENSIONS = (HOUR, DAY, SETTING, RELATION, AGE, HARM, COUNTRY, LANGUAGE, HASHTAG, SETTING_BY_AGE)
# What a release noises: every counter's dimension, and the months.
RELEASED = (*DIMENSIONS, MONTH)
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
    MONTH: 1,
}

Bucket = tuple[str, str]


def hour_bucket(moment: datetime.datetime) -> str:
    # isoformat is the cheapest way to the same text as strftime("%Y-%m-%dT%H"): this runs on every write.
    return moment.astimezone(datetime.UTC).isoformat()[:13]


def day_bucket(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat()[:10]


def buckets_of(facts: StatementFacts | None) -> list[Bucket]:
    if facts is None:
        return []
    hour = hour_bucket(facts.created_at)
    buckets = [(HOUR, hour), (DAY, hour[:10])]
    if facts.setting:
        buckets.append((SETTING, facts.setting))
    if facts.relation:
        buckets.append((RELATION, facts.relation))
    if facts.age_at_time:
        buckets.append((AGE, facts.age_at_time))
        if facts.setting:
            buckets.append((SETTING_BY_AGE, f"{facts.setting}{PAIR_SEPARATOR}{facts.age_at_time}"))
    if facts.country:
        buckets.append((COUNTRY, facts.country.upper()))
    language = facts.language.strip().lower()[:8]
    if language:
        buckets.append((LANGUAGE, language))
    buckets.extend((HARM, harm) for harm in sorted(set(facts.harms)))
    if facts.hashtags:
        known = variants()
        movement_tags = [tag for tag in facts.hashtags if tag in known]
        buckets.extend((HASHTAG, tag) for tag in movement_tags[:MAX_VARIANTS_PER_STATEMENT])
    return buckets
