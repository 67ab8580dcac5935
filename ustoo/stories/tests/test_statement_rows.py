"""A statement's country as the figures read it."""

import datetime

import pytest

from ustoo.stories.models import Statement

SPOKEN_AT = datetime.datetime(2017, 10, 15, 20, 21, 7, 123456, tzinfo=datetime.UTC)


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
def test_country_code_is_the_stored_code_loaded_or_not(author_member):
    spoken = _every_field_set(author_member)
    spoken.save()
    assert spoken.country_code == "FR"
    assert Statement().country_code == ""
    assert Statement.objects.only("id").get(pk=spoken.pk).country_code == "FR"  # deferred
    assert Statement.objects.get(pk=spoken.pk).country_code == "FR"
