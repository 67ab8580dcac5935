"""The magnitude's stored figures: counters kept on write, and the releases made from them."""

import secrets
from collections import defaultdict
from functools import cache

from django.db import connection, models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.magnitude.buckets import HOUR


@cache
def _upsert_sql(vendor: str, rows: int, shard: int) -> str:
    """The upsert of `rows` counters into `shard`, built once per database kind, row count and shard.

    It runs on every write, so it is kept short: building it each time, and the SQLite backend's
    rewriting of every %s placeholder, cost more than running it. The shard is a literal (an int of
    ours), which leaves a quarter fewer placeholders."""
    quote = connection.ops.quote_name
    table, count = quote(Counter._meta.db_table), quote("count")
    values = ",".join([f"(%s,%s,{int(shard)},%s)"] * rows)
    return (
        f"INSERT INTO {table} AS c (dimension,bucket,shard,{count}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT (dimension,bucket,shard) DO UPDATE SET {count}=c.{count}+excluded.{count}"
    )


class CounterManager(models.Manager["Counter"]):
    def add(self, deltas: dict[tuple[str, str], int]) -> None:
        """Add each delta to its (dimension, bucket) counter, in the caller's transaction.

        One upsert for all of a statement's buckets, incrementing in the database (never read, add,
        write back), so concurrent writers cannot lose an increment. On PostgreSQL each call picks one
        of SHARDS rows per bucket, so writers rarely wait on the same hot row (this hour, this day);
        rows are written in sorted order, so two writers never lock them in opposite orders. SQLite
        lets one writer in at a time whatever the rows, so there spreading them would only spread the
        pages each write touches: it always uses shard 0.
        A manager method, not a QuerySet one: it needs no QuerySet, and this runs on every write."""
        rows = sorted(item for item in deltas.items() if item[1])
        if not rows:
            return
        shard = 0 if connection.vendor == "sqlite" else secrets.randbelow(Counter.SHARDS)
        params = [value for (dimension, bucket), delta in rows for value in (dimension, bucket, delta)]
        with connection.cursor() as cursor:
            cursor.execute(_upsert_sql(connection.vendor, len(rows), shard), params)


class CounterQuerySet(models.QuerySet["Counter"]):
    def sums(self, *, hours_since: str | None = None) -> dict[str, dict[str, int]]:
        """{dimension: {bucket: total}} over the shards, leaving out buckets that add up to nothing.
        With `hours_since` (an hour bucket), hour buckets only from then on: older ones are never shown."""
        rows = self
        if hours_since is not None:
            rows = rows.exclude(dimension=HOUR, bucket__lt=hours_since)
        totals: dict[str, dict[str, int]] = defaultdict(dict)
        grouped = rows.values_list("dimension", "bucket").annotate(total=Sum("count")).order_by()
        for dimension, bucket, total in grouped:
            if total:
                totals[dimension][bucket] = total
        return dict(totals)


class Counter(models.Model):
    """How many counted statements fall in one bucket of one dimension, summed over its shards."""

    SHARDS = 8

    dimension = models.CharField(max_length=16)
    bucket = models.CharField(max_length=120)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    objects = CounterManager.from_queryset(CounterQuerySet)()

    class Meta:
        verbose_name = _("magnitude counter")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "bucket", "shard"], name="magnitude_counter_cell")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.bucket} [{self.shard}]: {self.count}"


class ReleaseQuerySet(models.QuerySet["Release"]):
    def for_period(self, period_start) -> "Release | None":
        return self.filter(period_start=period_start).first()


class Release(models.Model):
    """The public figures of one period: suppressed and noised once, then shown to everyone alike,
    so reloading a page never draws fresh noise (which would let averaging remove it)."""

    period_start = models.DateTimeField(unique=True)
    released_at = models.DateTimeField(default=timezone.now)
    epsilon = models.FloatField()
    k = models.PositiveIntegerField()
    figures = models.JSONField()

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("magnitude release")
        ordering = ["-period_start"]

    def __str__(self) -> str:
        return f"release of {self.period_start:%Y-%m-%d %H:%M}"
