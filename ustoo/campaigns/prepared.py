"""Prepared statements for signing and confirming, a campaign's most frequent writes, and for the
sender taking the e-mails they owe.

On these the ORM's query building costs several times the statements themselves (a quarter of a
millisecond for a one-row UPDATE, against a few hundredths), so, as for "me too" (stories'
Statement.insert), each is written once here, per database, with its table and column names from the
models. Signing is one statement, so it never holds SQLite's write lock across statements (a thread
holding it between two statements waits for the GIL while every other process's writers wait for
it). services.py holds the rules and calls these. Values are prepared by the fields themselves
(dates and times as each database stores them), and the test suite runs every statement on SQLite
and PostgreSQL."""

import datetime
import functools

from django.db import connection
from django.db.models import Field, Model
from django.utils import timezone

from ustoo.campaigns.models import Campaign, Signature, SignatureStatus, Status, SupportCount


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
        f"ON CONFLICT ({_column(Signature, 'campaign')}, {_column(Signature, 'email_hash')}) DO NOTHING"
    )


def insert_signature(signature: Signature) -> bool:
    """Insert a new signature (as save() would, but without reading back its id: with RETURNING,
    SQLite keeps the write open until the row is read). Returns False, inserting nothing, when
    this address signed this campaign meanwhile (the unique constraint)."""
    fields, sql = _insert_signature_statement(connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(signature, add=True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


@functools.cache
def _signature_for_signing_statement(vendor: str) -> str:
    queued = _column(Signature, "mail_queued_at")
    return (
        f"SELECT {_column(Signature, 'id')}, {_column(Signature, 'status')}, {queued}, "  # noqa: S608
        f"{queued} IS NOT NULL AND {queued} > %s FROM {_table(Signature)} "
        f"WHERE {_column(Signature, 'campaign')} = %s AND {_column(Signature, 'email_hash')} = %s"
    )


def signature_for_signing(
    *, campaign_id: int, email_hash: str, queued_since: datetime.datetime
) -> tuple[int, str, object, bool] | None:
    """(id, status, when mail was last queued for it as the database stores it, and whether that
    was after `queued_since`) of the signature this address made on this campaign, or None. Read
    without a lock: requeue_signature changes it only if it is still as read."""
    with connection.cursor() as cursor:
        cursor.execute(
            _signature_for_signing_statement(connection.vendor),
            [_datetime(queued_since), campaign_id, email_hash],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


# What signing again changes on a signature still waiting for its confirmation: the latest wins.
SIGNER_DETAILS = (
    "name",
    "show_name",
    "email",
    "email_domain",
    "country",
    "postcode",
    "region",
    "reason",
    "show_on_page",
    "wants_updates",
    "language",
    "client_hash",
    "created_at",
)


@functools.cache
def _requeue_signature_statement(vendor: str, with_details: bool) -> tuple[list[Field], str]:
    fields = [Signature._meta.get_field(name) for name in SIGNER_DETAILS] if with_details else []
    queued, due = _column(Signature, "mail_queued_at"), _column(Signature, "mail_due_at")
    attempts = _column(Signature, "mail_attempts")
    assignments = ", ".join(
        [
            *(f"{connection.ops.quote_name(field.column)} = %s" for field in fields),
            f"{queued} = %s",
            # Owed already (not yet sent, or held by a sender): that e-mail covers this signing too.
            f"{attempts} = CASE WHEN {due} IS NULL THEN 0 ELSE {attempts} END",
            f"{due} = COALESCE({due}, %s)",
        ]
    )
    return fields, (
        f"UPDATE {_table(Signature)} SET {assignments} "  # noqa: S608
        f"WHERE {_column(Signature, 'id')} = %s AND {_column(Signature, 'status')} = %s "
        f"AND ({queued} IS NULL OR {queued} = %s)"
    )


def requeue_signature(*, signature_id: int, status: str, queued_at, details: Signature | None, now) -> bool:
    """Owe the signature an e-mail now, if it is still as signature_for_signing read it (`status`,
    and `queued_at` as the database gave it), and take the signer's latest details from `details`
    when given. Returns whether it did (False: another request changed it meanwhile)."""
    fields, sql = _requeue_signature_statement(connection.vendor, details is not None)
    values = [field.get_db_prep_save(getattr(details, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, _datetime(now), _datetime(now), signature_id, status, queued_at])
        return cursor.rowcount == 1


@functools.cache
def _take_owed_mail_statement(vendor: str, skip_locked: bool) -> str:
    signature_id, due = _column(Signature, "id"), _column(Signature, "mail_due_at")
    attempts = _column(Signature, "mail_attempts")
    return (
        f"UPDATE {_table(Signature)} SET {due} = %s, {attempts} = {attempts} + 1 "  # noqa: S608
        f"WHERE {due} <= %s AND {signature_id} IN ("
        f"SELECT {signature_id} FROM {_table(Signature)} WHERE {due} <= %s ORDER BY {due} LIMIT %s"
        + (" FOR UPDATE SKIP LOCKED" if skip_locked else "")
        + f") RETURNING {signature_id}"
    )


def take_owed_mail(*, limit: int, now: datetime.datetime, lease_end: datetime.datetime) -> list[int]:
    """Take up to `limit` of the e-mails due, holding them until `lease_end`, and return their
    signatures' ids. One statement: on PostgreSQL, rows another sender is taking are skipped (and
    one it took meanwhile is no longer due, which the statement checks again); on SQLite the
    statement is its own transaction."""
    sql = _take_owed_mail_statement(connection.vendor, connection.features.has_select_for_update_skip_locked)
    with connection.cursor() as cursor:
        cursor.execute(sql, [_datetime(lease_end), _datetime(now), _datetime(now), limit])
        return [row[0] for row in cursor.fetchall()]


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
        f"AND (c.{_column(Campaign, 'escalated_at')} IS NOT NULL "
        f"OR c.{_column(Campaign, 'escalation_threshold')} IS NULL) "
        f"FROM {_table(Signature)} s JOIN {_table(Campaign)} c "
        f"ON c.{_column(Campaign, 'id')} = s.{_column(Signature, 'campaign')} "
        f"WHERE s.{_column(Signature, 'id')} = %s"
    )


def signature_to_confirm(signature_id: int) -> tuple[Signature, bool] | None:
    """The signature with what confirming it reads and its pages show, its campaign with its
    slug and title (any other field of either is read when first used), and whether the campaign
    reached all its thresholds already. None when there is no such signature."""
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
