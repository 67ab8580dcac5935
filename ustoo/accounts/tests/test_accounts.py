"""Pseudonymous accounts: register, log in with throttling, cookies, export, delete everything."""

import json

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import Client

from ustoo.accounts.models import Member
from ustoo.conftest import PASSPHRASE, counted_total, make_member, make_story
from ustoo.stories.models import Reply, Solidarity, Statement, Story

pytestmark = pytest.mark.django_db


def register(client, username="quiet-river", passphrase="long enough passphrase", **extra):
    return client.post(
        "/account/register/",
        {"username": username, "passphrase": passphrase, "passphrase_again": passphrase, **extra},
    )


def test_register_without_email_stores_argon2id(client):
    response = register(client)
    assert response.status_code == 302
    member = Member.objects.get()
    assert member.email == ""
    assert identify_hasher(member.password).algorithm == "argon2"
    assert "$argon2id$" in member.password


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"passphrase": "short", "passphrase_again": "short"}, "passphrase"),
        ({"passphrase_again": "something different"}, "passphrase_again"),
        ({"username": "bad name!"}, "username"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_register_errors_keep_what_was_typed(client, data, field):
    body = {
        "username": "quiet-river",
        "passphrase": "long enough passphrase",
        "passphrase_again": "long enough passphrase",
        "email": "",
        **data,
    }
    response = client.post("/account/register/", body)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert body["username"].encode() in response.content
    assert not Member.objects.exists()


def test_usernames_are_unique_ignoring_case(client):
    make_member("River")
    response = register(client, username="river")
    assert response.status_code == 400
    assert Member.objects.count() == 1


def test_login_sets_a_strict_host_only_session_cookie(client):
    make_member("author")
    response = client.post("/account/login/", {"username": "author", "passphrase": PASSPHRASE})
    assert response.status_code == 302
    cookie = response.cookies["__Host-session"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Strict"
    assert cookie["path"] == "/"
    assert not cookie["domain"]
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser session


def test_login_is_throttled_after_repeated_failures(client, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_member("author")
    for _ in range(3):
        assert (
            client.post("/account/login/", {"username": "author", "passphrase": "wrong"}).status_code == 400
        )
    blocked = client.post("/account/login/", {"username": "author", "passphrase": PASSPHRASE})
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert b"author" in blocked.content  # what was typed is kept


def test_logout_clears_site_data(author):
    response = author.post("/account/logout/")
    assert response.status_code == 302
    assert "cookies" in response["Clear-Site-Data"]


def test_export_needs_the_passphrase_again(author, author_member):
    make_story(member=author_member, anonymous=False, text="named story")
    make_story(member=author_member, anonymous=True, text="anonymous story")
    assert author.post("/account/export/", {"passphrase": "wrong"}).status_code == 400
    response = author.post("/account/export/", {"passphrase": PASSPHRASE})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["account"]["username"] == "author"
    texts = sorted(entry["story"]["text"] for entry in data["statements"])
    assert texts == ["anonymous story", "named story"]
    assert "password" not in response.content.decode()


def test_delete_account_erases_everything_in_it(author, author_member, stranger):
    make_story(member=author_member, anonymous=False, text="named")
    make_story(member=author_member, anonymous=True, text="anonymous")
    other = make_story(text="someone else's", replies_enabled=True).story
    author.post(f"/stories/{other.pk}/stand-with/", {"kind": "believe_you"})
    author.post(f"/stories/{other.pk}/reply/", {"text": "I believe you"})
    assert author.post("/account/delete/", {"passphrase": "wrong"}).status_code == 400
    assert Member.objects.filter(pk=author_member.pk).exists()
    response = author.post("/account/delete/", {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    assert not Member.objects.filter(pk=author_member.pk).exists()
    assert list(Story.objects.values_list("text", flat=True)) == ["someone else's"]
    assert Statement.objects.count() == 1
    assert counted_total() == 1
    assert not Reply.objects.exists() and not Solidarity.objects.exists()
    other.refresh_from_db()
    assert other.believe_you_count == 0


def test_account_pages_need_login():
    client = Client()
    for path in ["/account/", "/account/export/", "/account/delete/", "/mine/"]:
        response = client.get(path)
        assert response.status_code == 302 and "/account/login/" in response["Location"]
