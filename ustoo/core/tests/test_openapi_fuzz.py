"""Schemathesis against the OpenAPI document, in-process, every check on."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from ustoo.campaigns.tests.conftest import make_campaign
from ustoo.conftest import make_story
from ustoo.matching.tests.conftest import oprf_service  # noqa: F401 (the OPRF service, a real process)

pytestmark = pytest.mark.django_db

EXAMPLES_PER_OPERATION = 300


def _served_document() -> dict:
    response = Client(HTTP_HOST="localhost").get("/api/v1/openapi.json", secure=True)
    assert response.status_code == 200
    return response.json()


# Every check is on. A request valid by the document may still break a rule no JSON schema can say (a
# story's text made of spaces only, a window that ends before it starts, a page token that is not ours,
# an address at a throwaway domain): the API answers it 400 or 422 naming the field, as documented.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)
schema = schemathesis.openapi.from_dict(_served_document(), config=CONFIG)


@pytest.fixture
def app(db, settings, oprf_service):  # noqa: F811
    """The site's WSGI application, in this test's database transaction: like Django's test client, it
    keeps the connection at the end of each request (closing it would end the transaction)."""
    settings.MATCHING_OPRF_URL = oprf_service
    make_story(replies_enabled=True)
    make_campaign()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_every_promise_of_its_openapi_document(case, app):
    case.call_and_validate(app=app)
