"""Which counters one statement adds to: its buckets, from the facts stories gives us.

The day counters give the exact total and the statements per day and month of each release, without
reading a row. The others are kept in step too (and checked against a rebuild) but the released
breakdowns are measured from the rows of each cohort, once (see services.py and release.py). Time
buckets are in UTC. Blank answers add to no breakdown."""

import datetime

from ustoo.core.hashtags import variants
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
