"""A statement's row as its own INSERT writes it: the same as Django's save() would, field for field."""

import datetime

import pytest

from ustoo.stories.models import Statement
from ustoo.stories.models.statement import _insert_statements, _values_to_save

SPOKEN_AT = datetime.datetime(2017, 10, 15, 20, 21, 7, 123456, tzinfo=datetime.UTC)
COLUMNS = [field.attname for field in Statement._meta.concrete_fields if not field.primary_key]


def _every_field_set(member, **overrides) -> Statement:
    values = {
        "created_at": SPOKEN_AT,
        "member": member,
        "member_tag": b"t" * 32,
        "receipt_hash": overrides.pop("receipt_hash", b"r" * 32),
        "receipt_blocked": True,
        "counted": False,
        "language": "fr",
        "setting": "workplace",
        "relation": "colleague",
        "age_at_time": "adult",
        "year": 2017,
        "ongoing": True,
        "country": "FR",
        "harms": ["verbal", "online"],
    }
    return Statement(**{**values, **overrides})


@pytest.mark.django_db
def test_insert_all_writes_what_save_writes(author_member):
    ours = _every_field_set(author_member, receipt_hash=b"a" * 32)
    django = _every_field_set(author_member, receipt_hash=b"b" * 32)
    Statement.insert_all([ours])
    django.save()
    ours_row = Statement.objects.filter(pk=ours.pk).values(*COLUMNS).get()
    django_row = Statement.objects.filter(pk=django.pk).values(*COLUMNS).get()
    assert ours_row.pop("receipt_hash") == b"a" * 32
    assert django_row.pop("receipt_hash") == b"b" * 32
    assert ours_row == django_row
    assert ours_row["country"] == "FR" and ours_row["harms"] == ["verbal", "online"]


def test_the_values_read_are_those_each_field_would_save(author_member):
    fields, _sql = _insert_statements("sqlite", 1)
    for statement in (_every_field_set(author_member), Statement()):
        assert _values_to_save(statement, fields) == [field.pre_save(statement, add=True) for field in fields]


@pytest.mark.django_db
def test_country_code_is_the_stored_code_loaded_or_not(author_member):
    spoken = _every_field_set(author_member)
    spoken.save()
    assert spoken.country_code == "FR"
    assert Statement().country_code == ""
    assert Statement.objects.only("id").get(pk=spoken.pk).country_code == "FR"  # deferred
    assert Statement.objects.get(pk=spoken.pk).country_code == "FR"
