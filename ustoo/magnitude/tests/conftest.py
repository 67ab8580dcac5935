import datetime

import pytest
from django.utils import timezone

from ustoo.magnitude import services
from ustoo.stories import services as stories
from ustoo.stories.services import Details


def this_month() -> datetime.date:
    return timezone.now().astimezone(datetime.UTC).date().replace(day=1)


def months_ago(months: int, *, day: int = 10, hour: int = 12) -> datetime.datetime:
    """A moment `months` calendar months before this one (UTC)."""
    month = this_month()
    for _ in range(months):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return datetime.datetime(month.year, month.month, day, hour, tzinfo=datetime.UTC)


def speak(count: int, *, at: datetime.datetime | None = None, language: str = "en", **details) -> None:
    for _ in range(count):
        stories.say_me_too(member=None, anonymous=True, language=language, details=Details(**details), at=at)


@pytest.fixture
def monthly_cohorts(monkeypatch):
    """Every month with a statement is a cohort of its own, however few it holds."""
    monkeypatch.setattr(services, "MIN_COHORT_STATEMENTS", 1)


@pytest.fixture
def nearly_exact(settings):
    """So much budget that the noise is almost always 0: the figures can be checked exactly."""
    settings.MAGNITUDE_EPSILON = 10_000
