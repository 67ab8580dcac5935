"""Prepared statements for signing and confirming, a campaign's most frequent writes.

On these the ORM's query building costs several times the statements themselves (a quarter of a
millisecond for a one-row UPDATE, against a few hundredths), so, as for "me too" (stories'
Statement.insert), each is written once here, per database, with its table and column names from the
models. Each does exactly what the ORM call it replaces did; services.py holds the rules and calls
these. Values are prepared by the fields themselves (dates and times as each database stores them),
and every statement is run by the test suite on SQLite and PostgreSQL."""

import datetime
import functools

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from ustoo.campaigns.models import Campaign, QueuedMail, Signature, SignatureStatus, Status, SupportCount


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[Model], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _datetime(value: datetime.datetime):
    return connection.ops.adapt_datetimefield_value(value)


@functools.cache
def _insert_signature_statement(vendor: str) -> tuple[list[Field], str]:
    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    return fields, (
        f"INSERT INTO {_table(Signature)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"RETURNING {_column(Signature, 'id')}"
    )


def insert_signature(signature: Signature) -> int:
    """Insert a new signature (as save() would) and return its id."""
    fields, sql = _insert_signature_statement(connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(signature, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        signature.pk = cursor.fetchone()[0]
    signature._state.adding, signature._state.db = False, connection.alias
    return signature.pk


@functools.cache
def _signature_for_signing_statement(vendor: str, for_update: bool) -> str:
    queued = _column(Signature, "mail_queued_at")
    return (
        f"SELECT {_column(Signature, 'id')}, {_column(Signature, 'status')}, "  # noqa: S608
        f"{queued} IS NOT NULL AND {queued} > %s "
        f"FROM {_table(Signature)} "
        f"WHERE {_column(Signature, 'campaign')} = %s AND {_column(Signature, 'email_hash')} = %s"
        + (" FOR UPDATE" if for_update else "")
    )


def signature_for_signing(
    *, campaign_id: int, email_hash: str, queued_since: datetime.datetime
) -> tuple[int, str, bool] | None:
    """(id, status, whether mail was queued for it after `queued_since`) of the signature this
    address made on this campaign, locked until the transaction ends; None when it has none."""
    sql = _signature_for_signing_statement(connection.vendor, connection.features.has_select_for_update)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_datetime(queued_since), campaign_id, email_hash])
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], bool(row[2]))


@functools.cache
def _queue_mail_statement(vendor: str) -> str:
    signature = _column(QueuedMail, "signature")
    return (
        f"INSERT INTO {_table(QueuedMail)} "  # noqa: S608
        f"({signature}, {_column(QueuedMail, 'created_at')}, {_column(QueuedMail, 'due_at')}, "
        f"{_column(QueuedMail, 'attempts')}) VALUES (%s, %s, %s, 0) ON CONFLICT ({signature}) DO NOTHING"
    )


def queue_mail(*, signature_id: int, now: datetime.datetime) -> None:
    """Owe this signature one e-mail, due now; one it is owed already (not yet sent) covers it."""
    with connection.cursor() as cursor:
        cursor.execute(
            _queue_mail_statement(connection.vendor), [signature_id, _datetime(now), _datetime(now)]
        )


def _in_model_order(model: type[Model], names: set[str]) -> tuple[str, ...]:
    """`names` (attribute names) in the order of the model's fields, as Model.from_db reads them."""
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


def _instance(model: type[Model], names: tuple[str, ...], values) -> Model:
    """A model instance from these columns' values as the database gave them, converted as the ORM
    converts them (a date stored as text on SQLite, say); the other fields are read when first used."""
    converted = []
    for name, value in zip(names, values, strict=True):
        column = model._meta.get_field(name).get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, names, converted)


_SIGNING_CAMPAIGN = _in_model_order(
    Campaign, {"id", "slug", "status", "rejection_code", "starter_id", "ends_on"}
)


@functools.cache
def _campaign_to_sign_statement(vendor: str) -> str:
    columns = ", ".join(_column(Campaign, name) for name in _SIGNING_CAMPAIGN)
    return f"SELECT {columns} FROM {_table(Campaign)} WHERE {_column(Campaign, 'slug')} = %s"  # noqa: S608


def campaign_to_sign(slug: str) -> Campaign | None:
    """The campaign with this address, with what signing reads of it: who may see it (status,
    rejection code, starter) and whether it takes signatures (status, end date)."""
    with connection.cursor() as cursor:
        cursor.execute(_campaign_to_sign_statement(connection.vendor), [slug])
        row = cursor.fetchone()
    return None if row is None else _instance(Campaign, _SIGNING_CAMPAIGN, row)


_CONFIRMING_SIGNATURE = _in_model_order(
    Signature, {"id", "campaign_id", "nonce", "status", "country", "region", "manage_key"}
)
_CONFIRMING_CAMPAIGN = _in_model_order(Campaign, {"id", "slug", "title"})


@functools.cache
def _signature_to_confirm_statement(vendor: str) -> str:
    signature = [f"s.{_column(Signature, name)}" for name in _CONFIRMING_SIGNATURE]
    campaign = [f"c.{_column(Campaign, name)}" for name in _CONFIRMING_CAMPAIGN]
    return (
        f"SELECT {', '.join([*signature, *campaign])}, "  # noqa: S608
        f"c.{_column(Campaign, 'response_requested_at')} IS NOT NULL "
        f"AND c.{_column(Campaign, 'escalated_at')} IS NOT NULL "
        f"FROM {_table(Signature)} s JOIN {_table(Campaign)} c "
        f"ON c.{_column(Campaign, 'id')} = s.{_column(Signature, 'campaign')} "
        f"WHERE s.{_column(Signature, 'id')} = %s"
    )


def signature_to_confirm(signature_id: int) -> tuple[Signature, bool] | None:
    """The signature with what confirming it reads and its pages show, its campaign with its
    slug and title (any other field of either is read when first used), and whether the campaign
    reached both its thresholds already. None when there is no such signature."""
    with connection.cursor() as cursor:
        cursor.execute(_signature_to_confirm_statement(connection.vendor), [signature_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(_CONFIRMING_SIGNATURE)
    signature = _instance(Signature, _CONFIRMING_SIGNATURE, row[:split])
    signature.campaign = _instance(Campaign, _CONFIRMING_CAMPAIGN, row[split:-1])
    return signature, bool(row[-1])


@functools.cache
def _count_confirmation_statement(vendor: str) -> str:
    count = _column(Campaign, "signature_count")
    return (
        f"UPDATE {_table(Campaign)} SET {count} = {count} + 1 "  # noqa: S608
        f"WHERE {_column(Campaign, 'id')} = %s AND {_column(Campaign, 'status')} = %s "
        f"AND {_column(Campaign, 'ends_on')} >= %s"
    )


def count_confirmation(*, campaign_id: int, now: datetime.datetime) -> bool:
    """Add one to the total of the campaign, if it takes signatures (Campaign.accepts_signatures).
    Takes the campaign's row lock on PostgreSQL. Returns whether it was counted."""
    today = connection.ops.adapt_datefield_value(timezone.localdate(now))
    with connection.cursor() as cursor:
        cursor.execute(_count_confirmation_statement(connection.vendor), [campaign_id, Status.OPEN, today])
        return cursor.rowcount == 1


@functools.cache
def _mark_confirmed_statement(vendor: str) -> str:
    status, nonce = _column(Signature, "status"), _column(Signature, "nonce")
    return (
        f"UPDATE {_table(Signature)} "  # noqa: S608
        f"SET {status} = %s, {nonce} = '', {_column(Signature, 'confirmed_at')} = %s "
        f"WHERE {_column(Signature, 'id')} = %s AND {status} = %s AND {nonce} = %s AND {nonce} <> ''"
    )


def mark_confirmed(*, signature_id: int, nonce: str, now: datetime.datetime) -> bool:
    """Confirm the signature if it still waits with this nonce, and forget the nonce. Returns
    whether it did (False: the link was used meanwhile)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _mark_confirmed_statement(connection.vendor),
            [SignatureStatus.CONFIRMED, _datetime(now), signature_id, SignatureStatus.PENDING, nonce],
        )
        return cursor.rowcount == 1


@functools.cache
def _move_support_counts_statement(vendor: str, regions: int) -> str:
    count = _column(SupportCount, "count")
    return (
        f"UPDATE {_table(SupportCount)} SET {count} = {count} + %s "  # noqa: S608
        f"WHERE {_column(SupportCount, 'campaign')} = %s AND {_column(SupportCount, 'country')} = %s "
        f"AND {_column(SupportCount, 'region')} IN ({', '.join(['%s'] * regions)})"
    )


def move_support_counts(*, campaign_id: int, country: str, regions: list[str], change: int) -> int:
    """Move the count of these cells of one country ("" is the country's own) by `change`.
    Returns how many cells exist (the caller creates the others)."""
    with connection.cursor() as cursor:
        cursor.execute(
            _move_support_counts_statement(connection.vendor, len(regions)),
            [change, campaign_id, country, *regions],
        )
        return cursor.rowcount
