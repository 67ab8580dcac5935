"""A member changes their passphrase: the current one first, the new one twice under the same rules as
at registration; wrong current passphrases are throttled like every re-entry; this session stays,
every other one ends."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from ustoo.accounts.models import Member
from ustoo.conftest import PASSPHRASE, make_member

pytestmark = pytest.mark.django_db

NEW = "lantern orchard pebble quietly"
CHANGE = reverse("accounts:change_passphrase")


def change(client, current=PASSPHRASE, new=NEW, again=None):
    return client.post(
        CHANGE, {"current_passphrase": current, "passphrase": new, "passphrase_again": again or new}
    )


def logs_in(username: str, passphrase: str) -> bool:
    response = Client().post(reverse("accounts:login"), {"username": username, "passphrase": passphrase})
    return response.status_code == 302


def test_the_new_passphrase_works_the_old_one_not_and_this_session_stays(author, author_member):
    response = change(author)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:home")
    home = author.get(response["Location"])
    assert home.status_code == 200
    assert "Your passphrase is changed. Other browsers are logged out." in home.content.decode()
    assert logs_in("author", NEW) and not logs_in("author", PASSPHRASE)


def test_every_other_session_of_the_member_ends(author_member):
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post(reverse("accounts:login"), {"username": "author", "passphrase": PASSPHRASE})
        assert browser.get(reverse("accounts:home")).status_code == 200
    assert change(here).status_code == 302
    assert here.get(reverse("accounts:home")).status_code == 200
    ended = elsewhere.get(reverse("accounts:home"))
    assert ended.status_code == 302 and ended["Location"].startswith(reverse("accounts:login"))


def test_a_wrong_current_passphrase_changes_nothing(author, author_member):
    response = change(author, current="not my passphrase")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["current_passphrase"]
    author_member.refresh_from_db()
    assert author_member.check_password(PASSPHRASE)


@pytest.mark.parametrize(
    ("new", "again", "field"),
    [
        ("short", None, "passphrase"),
        ("password123", None, "passphrase"),  # too common
        ("author12345", None, "passphrase"),  # too like the username
        (NEW, "lantern orchard pebble", "passphrase_again"),
    ],
)
def test_the_new_passphrase_follows_the_registration_rules(author, author_member, new, again, field):
    response = change(author, new=new, again=again)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "current_passphrase" not in response.context["form"].errors
    author_member.refresh_from_db()
    assert author_member.check_password(PASSPHRASE)


def test_errors_are_summed_up_above_the_heading_and_in_the_title(author):
    html = change(author, current="wrong", new="short").content.decode()
    assert re.search(r"<title>Error: Change passphrase – ustoo</title>", html)
    assert html.index('class="error-summary"') < html.index("<h1>")
    assert 'href="#id_current_passphrase"' in html and 'href="#id_passphrase"' in html


def test_wrong_current_passphrases_lock_the_form_like_any_re_entry(author, author_member, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert change(author, current="guess").status_code == 400
    locked = change(author)  # even the right one waits
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0
    author_member.refresh_from_db()
    assert author_member.check_password(PASSPHRASE)


def test_a_weak_new_passphrase_is_no_failed_attempt(author, author_member, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(3):
        assert change(author, new="short").status_code == 400
    assert change(author).status_code == 302
    assert Member.objects.get(pk=author_member.pk).check_password(NEW)


def test_it_is_for_members_only(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    assert make_member("walker")  # and a member reaches it
    client.force_login(Member.objects.get(username="walker"))
    assert client.get(CHANGE).status_code == 200
