"""A page token made by hand (the wall's ?before= and the API's): refused or ignored, never a 500."""

import base64

import pytest

from ustoo.conftest import make_story

pytestmark = pytest.mark.django_db


def _token(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "raw",
    [
        "0001-01-01T00:00:00+14:00|1",  # before year 1 once in UTC
        "9999-12-31T23:59:59-14:00|1",  # after year 9999 once in UTC
        "2020-01-01T00:00:00+00:00|99999999999999999999",
        "2020-01-01T00:00:00+00:00|-5",
    ],
)
def test_a_crafted_page_token_is_refused_by_the_api_and_ignored_by_the_wall(client, raw):
    make_story()
    response = client.get(f"/api/v1/stories?before={_token(raw)}")
    assert response.status_code == 400
    assert "before" in response.json()["fields"]
    assert client.get(f"/?before={_token(raw)}").status_code == 200
