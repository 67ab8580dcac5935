"""Counters kept on write: each change to a statement moves exactly its buckets, and a rebuild from
the rows gives the very same counters."""

import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection

from ustoo.conftest import counted_total, magnitude_counters, make_story
from ustoo.magnitude.models import Counter
from ustoo.stories import services
from ustoo.stories.models import Statement
from ustoo.stories.services import Details, StoryDraft


@pytest.mark.django_db
def test_a_statement_adds_one_to_its_day_in_utc_and_nothing_else():
    make_story(
        text="At the office. #MeToo #BalanceTonPorc",
        setting="workplace",
        relation="superior",
        age_at_time="adult",
        country="FR",
        harms=["verbal", "physical"],
        language="fr",
    )
    Statement.objects.update(created_at=datetime.datetime(2017, 10, 15, 23, 30, tzinfo=datetime.UTC))
    call_command("rebuild_magnitude", verbosity=0)
    assert magnitude_counters() == {("day", "2017-10-15"): 1}
    spoken = services.say_me_too(member=None, anonymous=True, language="en")
    today = spoken.statement.created_at.astimezone(datetime.UTC).date().isoformat()
    assert magnitude_counters() == {("day", "2017-10-15"): 1, ("day", today): 1}


@pytest.mark.django_db
def test_an_edit_leaves_the_counters_as_they_were():
    spoken = make_story(text="#MeToo", setting="street", country="DE")
    before = magnitude_counters()
    services.edit_story(
        story=spoken.story,
        draft=StoryDraft(text="#BalanceTonPorc", content_warnings=["other"]),
        details=Details(setting="transport", country="DE"),
    )
    assert magnitude_counters() == before


@pytest.mark.django_db
def test_deleting_or_withdrawing_takes_the_statement_off_its_day():
    first = make_story(text="#MeToo", setting="home", relation="family", age_at_time="under_13")
    second = make_story(text="#MeToo", setting="home")
    services.delete_statement(statement=first.statement, keep_in_total=False)
    services.withdraw_from_total(statement=second.statement)
    assert magnitude_counters() == {}


@pytest.mark.django_db
def test_deleting_the_story_but_staying_counted_keeps_the_day():
    spoken = make_story(text="#MeToo", setting="online", language="en")
    day = spoken.statement.created_at.astimezone(datetime.UTC).date().isoformat()
    services.delete_statement(statement=spoken.statement, keep_in_total=True)
    assert magnitude_counters() == {("day", day): 1}


@pytest.mark.django_db
def test_rebuild_from_rows_equals_the_counters_kept_on_write():
    spoken = [
        make_story(
            text=f"Story {n} #MeToo" + (" #QuellaVoltaChe" if n % 3 == 0 else ""),
            setting=["workplace", "school", "street", ""][n % 4],
            relation=["colleague", "stranger", ""][n % 3],
            age_at_time=["adult", "13_17", "under_13", ""][n % 4],
            country=["FR", "US", "IN", ""][n % 4],
            harms=[["verbal"], ["physical", "coercion"], []][n % 3],
            language=["en", "fr", "it"][n % 3],
        )
        for n in range(24)
    ]
    for _ in range(5):
        services.say_me_too(member=None, anonymous=True, language="en", details=Details(country="BR"))
    for item in spoken[:4]:
        services.edit_story(
            story=item.story,
            draft=StoryDraft(text="Edited #BalanceTonPorc", content_warnings=["other"], language="fr"),
            details=Details(setting="military", relation="superior", country="FR", harms=["assault"]),
        )
    services.delete_statement(statement=spoken[5].statement, keep_in_total=False)
    services.delete_statement(statement=spoken[6].statement, keep_in_total=True)
    services.withdraw_from_total(statement=spoken[7].statement)
    incremental = magnitude_counters()
    assert sum(count for (dimension, _), count in incremental.items() if dimension == "day") == 27

    call_command("rebuild_magnitude", verbosity=0)

    assert magnitude_counters() == incremental
    assert Counter.objects.filter(shard__gt=0).count() == 0  # a rebuild writes fresh rows


def _speak(n: int) -> int:
    try:
        services.say_me_too(
            member=None,
            anonymous=True,
            language="en",
            details=Details(setting="workplace", country="FR", harms=["verbal"]),
        )
        return 1
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_fifty_writers_at_once_lose_no_increment():
    with ThreadPoolExecutor(max_workers=50) as pool:
        assert sum(pool.map(_speak, range(50))) == 50
    assert counted_total() == 50 == Statement.objects.count()


@pytest.mark.django_db
def test_writers_spread_over_shards_only_where_rows_are_locked_one_by_one():
    for _ in range(40):
        services.say_me_too(member=None, anonymous=True, language="en", details=Details(setting="home"))
    shards = set(Counter.objects.filter(dimension="day").values_list("shard", flat=True))
    if connection.vendor == "sqlite":
        assert shards == {0}  # one writer at a time anyway: the rows stay together
    else:
        assert len(shards) > 1  # concurrent writers rarely wait on the same row
    assert counted_total() == 40
