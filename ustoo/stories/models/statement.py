"""A statement is one person saying "me too" once: the unit of the public total."""

import datetime
import functools
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ustoo.stories.models.choices import AgeAtTime, Relation, Setting


class StatementQuerySet(models.QuerySet["Statement"]):
    def counted(self) -> "StatementQuerySet":
        return self.filter(counted=True)

    def owned_by_member(self, member) -> "StatementQuerySet":
        from ustoo.core.ownership import member_tag

        return self.filter(models.Q(member=member) | models.Q(member_tag=member_tag(member.pk)))


class Statement(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set only when a member speaks under their name; a member speaking anonymously is linked by
    # `member_tag`, a keyed hash that no page or moderator view ever shows.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    member_tag = models.BinaryField(max_length=32, null=True, blank=True, editable=False, db_index=True)
    receipt_hash = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    # A keyed hash of the speaking form's one-time token: the same form sent twice (a refresh, a
    # double click) finds the statement it already made. Cleared by prune_expired after a day.
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    # A moderator's ban also stops the receipt: it opens nothing any more.
    receipt_blocked = models.BooleanField(default=False)
    counted = models.BooleanField(default=True)
    language = models.CharField(max_length=8, blank=True)

    setting = models.CharField(_("where it happened"), max_length=16, choices=Setting.choices, blank=True)
    relation = models.CharField(_("who did it"), max_length=16, choices=Relation.choices, blank=True)
    age_at_time = models.CharField(_("your age then"), max_length=10, choices=AgeAtTime.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    ongoing = models.BooleanField(_("still going on"), default=False)
    country = CountryField(_("country"), blank=True)
    harms = models.JSONField(_("kinds of harm"), default=list, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"statement {self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.member_id is None

    @property
    def country_code(self) -> str:
        """The ISO 3166-1 code as stored, "" when none. `country` builds a django-countries Country on
        every access, which for an empty code searches every country's other codes (about 20 µs); this
        is read for each "me too"."""
        if "country" not in self.__dict__:  # deferred: the descriptor loads it
            return self.country.code or ""
        return self.__dict__["country"] or ""

    def insert(self) -> None:
        """Insert this new statement with one prepared INSERT (see insert_all)."""
        Statement.insert_all([self])

    @classmethod
    def insert_all(cls, statements: Sequence["Statement"]) -> None:
        """Insert new statements with one prepared INSERT; each gets its id.

        Saying "me too" is the site's most frequent write, and on it the ORM's query building cost
        more than the write itself. Values go through each field's own preparation, as save() does.
        The ids are given in the order of the rows, as Django's bulk_create gives them: both SQLite
        and PostgreSQL number the rows of one INSERT in the order of its VALUES."""
        fields, sql = _insert_statements(connection.vendor, len(statements))
        values = [
            field.get_db_prep_save(value, connection)
            for statement in statements
            for field, value in zip(fields, _values_to_save(statement, fields), strict=True)
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            ids = sorted(row[0] for row in cursor.fetchall())
        for statement, pk in zip(statements, ids, strict=True):
            statement.pk = pk
            statement._state.adding = False
            statement._state.db = connection.alias


def _values_to_save(statement: Statement, fields: Sequence[models.Field]) -> list:
    """What save() would take from each field (its pre_save), read from the instance's attributes: no
    field of Statement changes its value on save (no auto_now), and django-countries' descriptor, which
    pre_save goes through, builds a Country object to give back the code it was given."""
    attributes = statement.__dict__
    return [attributes[field.attname] for field in fields]


@functools.cache
def _insert_statements(vendor: str, rows: int) -> tuple[list[models.Field], str]:
    """The fields Statement.insert_all() writes and its SQL for `rows` rows, built once per database
    vendor and row count (a group commit writes a few rows at a time)."""
    quote = connection.ops.quote_name
    fields = [field for field in Statement._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join([f"({', '.join(['%s'] * len(fields))})"] * rows)
    sql = (
        f"INSERT INTO {quote(Statement._meta.db_table)} ({columns}) "  # noqa: S608
        f"VALUES {placeholders} RETURNING {quote('id')}"
    )
    return fields, sql


class StatementTally(models.Model):
    """The running total of counted statements, spread over a few rows so concurrent writers on
    PostgreSQL do not queue on a single hot row. The total is the sum of the slots."""

    SLOTS = 16

    slot = models.PositiveSmallIntegerField(primary_key=True)
    count = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("statement tally")

    def __str__(self) -> str:
        return f"slot {self.slot}: {self.count}"

    @classmethod
    def add(cls, delta: int) -> None:
        """Add delta to the total; call inside the transaction that writes the statement.

        One plain upsert: this runs on every "me too", and the ORM's query building cost more than
        the write itself. An upsert, not an update, so a missing slot row (a flushed table) is created
        without a race between concurrent writers."""
        slot = secrets.randbelow(cls.SLOTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {cls._meta.db_table} (slot, count, updated_at) VALUES (%s, %s, %s) "  # noqa: S608
                "ON CONFLICT (slot) DO UPDATE SET count = "
                f"{cls._meta.db_table}.count + excluded.count, updated_at = excluded.updated_at",
                [slot, delta, timezone.now()],
            )

    @classmethod
    def total(cls) -> tuple[int, datetime.datetime | None]:
        """(total, time of the last change). Read on every page and API call that shows the total, so
        in plain SQL: the ORM's query building cost twenty times the query."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT SUM(count), MAX(updated_at) FROM {cls._meta.db_table}")  # noqa: S608
            total, as_of = cursor.fetchone()
        if isinstance(as_of, str):  # SQLite keeps UTC times as text
            as_of = datetime.datetime.fromisoformat(as_of).replace(tzinfo=datetime.UTC)
        return int(total or 0), as_of

    @classmethod
    def rebuild(cls) -> int:
        total = Statement.objects.counted().count()
        cls.objects.all().delete()
        cls.objects.create(slot=0, count=total)
        return total
