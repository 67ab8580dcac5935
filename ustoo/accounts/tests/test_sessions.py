"""Sessions expire on the server: a session older than SESSION_COOKIE_AGE opens nothing, whatever the
browser keeps (the cookie itself lasts until the browser closes)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from ustoo.conftest import PASSPHRASE, make_member

pytestmark = pytest.mark.django_db


def travel(monkeypatch, seconds: float) -> None:
    later = timezone.now() + datetime.timedelta(seconds=seconds)
    monkeypatch.setattr(timezone, "now", lambda: later)


def test_a_session_older_than_its_age_is_logged_out(client, monkeypatch):
    make_member("walker")
    assert client.post("/account/login/", {"username": "walker", "passphrase": PASSPHRASE}).status_code == 302
    assert client.get("/account/").status_code == 200

    travel(monkeypatch, settings.SESSION_COOKIE_AGE - 60)
    assert client.get("/account/").status_code == 200  # still within its age

    travel(monkeypatch, settings.SESSION_COOKIE_AGE + 60)  # counted from the login, not the last visit
    response = client.get("/account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_the_session_cookie_ends_with_the_browser(client):
    make_member("walker")
    response = client.post("/account/login/", {"username": "walker", "passphrase": PASSPHRASE})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["max-age"] and not cookie["expires"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Strict"
