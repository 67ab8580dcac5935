"""Batch work on the magnitude: rebuild the counters from rows, and make each period's release."""

import datetime
import threading
from collections import Counter as Tally

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_countries import countries

from ustoo.core.hashtags import variants
from ustoo.magnitude import buckets, release
from ustoo.magnitude.models import Counter, Release
from ustoo.stories.models import AgeAtTime, Harm, Relation, Setting, Statement
from ustoo.stories.observers import facts_of

KEEP_RELEASES_DAYS = 30
# When a period begins, one thread per process reads or makes its release; the others wait for it.
_RELEASE_LOCK = threading.Lock()


def magnitude_k() -> int:
    return int(getattr(settings, "MAGNITUDE_K", 10))


def magnitude_epsilon() -> float:
    return float(getattr(settings, "MAGNITUDE_EPSILON", 1.0))


def release_seconds() -> int:
    return int(getattr(settings, "MAGNITUDE_RELEASE_SECONDS", 3600))


def hours_shown() -> int:
    return int(getattr(settings, "MAGNITUDE_HOURS_SHOWN", 7 * 24))


def noise_key() -> bytes:
    """The secret the noise of every released cell is drawn from (see release.py). Derived from
    OWNERSHIP_KEY, the site's secret that must never change, so the noise of an unchanged figure stays
    the same across restarts, servers and SECRET_KEY rotations; it is never shown or stored."""
    return salted_hmac(
        "ustoo.magnitude.noise", "cell noise", secret=settings.OWNERSHIP_KEY, algorithm="sha256"
    ).digest()


def month_sums(days: dict[str, int]) -> dict[str, int]:
    """Statements per month (YYYY-MM), from the day counters: nothing more is kept on write."""
    months: dict[str, int] = {}
    for day, count in days.items():
        months[day[:7]] = months.get(day[:7], 0) + count
    return months


def count_from_rows() -> Tally[tuple[str, str]]:
    """Every counter, computed afresh from the statements that count (and their stories)."""
    totals: Tally[tuple[str, str]] = Tally()
    statements = Statement.objects.counted().select_related("story").order_by("pk")
    for statement in statements.iterator(chunk_size=2000):
        try:
            story = statement.story
        except ObjectDoesNotExist:
            story = None
        totals.update(buckets.buckets_of(facts_of(statement, story)))
    return totals


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


def vocabularies() -> dict[str, tuple[str, ...]]:
    """The categories each breakdown could have: held-back cells are listed among these only."""
    languages = {code for code, _name in settings.LANGUAGES} | {v.language for v in variants().values()}
    return {
        buckets.SETTING: tuple(Setting.values),
        buckets.RELATION: tuple(Relation.values),
        buckets.AGE: tuple(AgeAtTime.values),
        buckets.HARM: tuple(Harm.values),
        buckets.COUNTRY: tuple(code for code, _name in countries),
        buckets.LANGUAGE: tuple(sorted(languages)),
        buckets.HASHTAG: tuple(sorted(variants())),
        buckets.SETTING_BY_AGE: tuple(
            f"{setting}{buckets.PAIR_SEPARATOR}{age}"
            for setting in Setting.values
            for age in AgeAtTime.values
        ),
        buckets.DAY: (),
        buckets.HOUR: (),
        buckets.MONTH: (),
    }


def period_start(moment: datetime.datetime) -> datetime.datetime:
    seconds = release_seconds()
    epoch = int(moment.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % seconds, tz=datetime.UTC)


def publish_release(*, start: datetime.datetime) -> Release:
    """Make the release of the period beginning at `start`, unless another server already has.

    Two servers may compute one at the same moment; both draw the same noise (it is a function of
    the key, the cell and its count), and only the first stored is kept."""
    hours_since = start - datetime.timedelta(hours=hours_shown() - 1)
    sums = Counter.objects.sums(hours_since=buckets.hour_bucket(hours_since))
    sums[buckets.MONTH] = month_sums(sums.get(buckets.DAY, {}))
    words = vocabularies()
    epsilon = release.as_fraction(magnitude_epsilon())
    figures = release.make_release(
        sums,
        breakdowns={name: (buckets.SENSITIVITY[name], words[name]) for name in buckets.RELEASED},
        epsilon=epsilon,
        k=magnitude_k(),
        key=noise_key(),
    )
    figures["hours_since"] = hours_since.isoformat()
    Release.objects.bulk_create(
        [Release(period_start=start, epsilon=float(epsilon), k=magnitude_k(), figures=figures)],
        ignore_conflicts=True,
    )
    Release.objects.filter(period_start__lt=start - datetime.timedelta(days=KEEP_RELEASES_DAYS)).delete()
    return Release.objects.get(period_start=start)


def current_release(*, now: datetime.datetime | None = None) -> Release:
    """This period's release: from this process's memory, the database, or made now."""
    start = period_start(now or timezone.now())
    key = f"magnitude:release:{start.isoformat()}"
    local = caches["local"]
    found = local.get(key)
    if found is None:
        connection.ensure_connection()  # before the lock, never while holding it (see per_release.py)
        with _RELEASE_LOCK:
            found = local.get(key)
            if found is None:
                found = Release.objects.for_period(start) or publish_release(start=start)
                local.set(key, found, release_seconds())
    return found
