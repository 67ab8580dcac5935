"""The magnitude's stored figures: counters kept on write, the cohorts and their noisy measurements
(the privacy ledger), and the daily releases made from them."""

import datetime
import secrets
from fractions import Fraction

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CounterManager(models.Manager["Counter"]):
    def add(self, deltas: dict[tuple[str, str], int]) -> None:
        """Add each delta to its (dimension, bucket) counter, in the caller's transaction.

        In SQL because the ORM's upsert (bulk_create with update_conflicts) can only overwrite a count,
        not add to it; one statement for all of a statement's buckets, adding in the database, so
        concurrent writers cannot lose an increment. On PostgreSQL each call picks one of SHARDS rows
        per bucket so writers rarely wait on the same hot row; rows go in sorted order, so two writers
        never lock them in opposite orders. SQLite has one writer at a time: shard 0 only."""
        rows = sorted(item for item in deltas.items() if item[1])
        if not rows:
            return
        shard = 0 if connection.vendor == "sqlite" else secrets.randbelow(Counter.SHARDS)
        quote = connection.ops.quote_name
        table, count = quote(Counter._meta.db_table), quote("count")
        values = ", ".join(["(%s, %s, %s, %s)"] * len(rows))
        sql = (
            f"INSERT INTO {table} AS c (dimension, bucket, shard, {count}) VALUES {values} "  # noqa: S608
            f"ON CONFLICT (dimension, bucket, shard) DO UPDATE SET {count} = c.{count} + excluded.{count}"
        )
        params = [value for (dimension, bucket), delta in rows for value in (dimension, bucket, shard, delta)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


class Counter(models.Model):
    """How many counted statements fall in one bucket of one dimension, summed over its shards."""

    SHARDS = 8

    dimension = models.CharField(max_length=16)
    bucket = models.CharField(max_length=120)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    objects = CounterManager()

    class Meta:
        verbose_name = _("magnitude counter")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "bucket", "shard"], name="magnitude_counter_cell")
        ]

    def __str__(self) -> str:
        return f"{self.dimension}={self.bucket} [{self.shard}]: {self.count}"


class Cohort(models.Model):
    """The statements (or other rows, see `population`) made from `start` (included) to `end`
    (excluded), both first days of a month in UTC, whose answers are measured once and never again
    (see release.py).

    Its row is the privacy ledger of those statements: it is locked while they are measured, and its
    measurements say how much of their lifetime budget is spent."""

    # What the cohort's rows are: "statements" (saying "me too"), or one of the upstanders' kinds of
    # rows (upstanders.models.PLEDGES...), each with cohorts and a ledger of its own.
    population = models.CharField(max_length=16, default="statements")
    start = models.DateField()
    end = models.DateField()
    # The exact number of statements measured: what the projection of their breakdowns adds up to.
    statements = models.PositiveIntegerField()
    measured_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("magnitude cohort")
        ordering = ["population", "start"]
        constraints = [
            models.UniqueConstraint(fields=["population", "start"], name="magnitude_cohort_start"),
            models.UniqueConstraint(fields=["population", "end"], name="magnitude_cohort_end"),
        ]

    def __str__(self) -> str:
        return f"cohort of {self.population} {self.start:%Y-%m} to {self.end:%Y-%m}"

    def spent(self) -> Fraction:
        return sum((Fraction(rho) for rho in self.measurements.values_list("rho", flat=True)), Fraction(0))


class Measurement(models.Model):
    """One breakdown of one cohort, measured with noise: every public key's noisy count. Stored so
    that every later release is computed from it rather than measured again."""

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="measurements")
    breakdown = models.CharField(max_length=32)
    # Exact fractions ("1/300"), so the ledger adds them up without rounding.
    rho = models.CharField(max_length=80)
    sigma_squared = models.CharField(max_length=80)
    noisy = models.JSONField()

    class Meta:
        verbose_name = _("magnitude measurement")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "breakdown"], name="magnitude_measured_once")
        ]

    def __str__(self) -> str:
        return f"{self.breakdown} of {self.cohort}"


class ReleaseQuerySet(models.QuerySet["Release"]):
    def for_day(self, as_of: datetime.date) -> "Release | None":
        return self.filter(as_of=as_of).first()


class Release(models.Model):
    """The public figures of one day (a batch): made once from the stored measurements and the exact
    day counts before `as_of`, then shown to everyone alike until the next day."""

    as_of = models.DateField(unique=True)
    made_at = models.DateTimeField(default=timezone.now)
    figures = models.JSONField()

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("magnitude release")
        ordering = ["-as_of"]

    def __str__(self) -> str:
        return f"release as of {self.as_of:%Y-%m-%d}"
