"""Moderators find their way: no passphrase asked again right after logging in."""

import time

import pytest
from django.test import Client

from ustoo.conftest import PASSPHRASE

pytestmark = pytest.mark.django_db


# --- Logging in ------------------------------------------------------------------------------------


def test_a_moderator_who_just_logged_in_reaches_the_queue_without_confirming_again(moderator_member):
    client = Client()
    login = client.post(
        "/account/login/?next=/moderate/", {"username": "moderator", "passphrase": PASSPHRASE}
    )
    assert login.status_code == 302 and login["Location"] == "/moderate/"
    queue = client.get("/moderate/")
    assert queue.status_code == 200
    assert "moderation/queue.html" in [template.name for template in queue.templates]


def test_after_the_idle_time_the_passphrase_is_asked_again(moderator_member, settings):
    client = Client()
    client.post("/account/login/", {"username": "moderator", "passphrase": PASSPHRASE})
    session = client.session
    session["moderator_last_seen"] = time.time() - (settings.MODERATOR_IDLE_MINUTES + 1) * 60
    session.save()
    response = client.get("/moderate/")
    assert response.status_code == 302 and response["Location"] == "/moderate/confirm/?next=/moderate/"


def test_a_failed_login_confirms_nothing(moderator_member):
    client = Client()
    client.post("/account/login/", {"username": "moderator", "passphrase": "not the passphrase"})
    assert "moderator_last_seen" not in client.session


def test_members_who_log_in_are_not_marked_as_confirmed_moderators(supporter_member):
    client = Client()
    client.post("/account/login/", {"username": "supporter", "passphrase": PASSPHRASE})
    assert client.session.get("_auth_user_id") == str(supporter_member.pk)
    assert "moderator_last_seen" not in client.session
