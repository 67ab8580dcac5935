import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from ustoo.conftest import magnitude_counters


def today() -> str:
    return timezone.now().astimezone(datetime.UTC).date().isoformat()


def counted(population: str) -> int:
    """What the magnitude's day counters hold for a population (pledges, interventions, acknowledgements)."""
    return sum(count for (dimension, _day), count in magnitude_counters().items() if dimension == population)


def form_token(client: Client, path: str) -> str:
    """The one-time token the form at `path` carries."""
    return client.get(path).context["form"].initial["once"]


def api_post(client: Client, path: str, body, **extra):
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def limits(settings):
    """Rate limits on, small, and a puzzle quick to solve."""
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "upstand": ((3, 3600), (2, 3600))}
    settings.POW_DIFFICULTY_BITS = 8
    return settings
