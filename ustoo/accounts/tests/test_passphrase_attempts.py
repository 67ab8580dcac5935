"""Passphrase attempts are counted before any hashing: a refused one costs nothing, however many
arrive at once no more than the limit are checked, and registration is limited too."""

import threading

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from django.core.cache import caches
from django.test import Client, RequestFactory, override_settings

from ustoo.accounts import hashers, throttle
from ustoo.accounts.models import Member
from ustoo.conftest import PASSPHRASE, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def hashing(monkeypatch):
    """Counts every Argon2 verification and hashing the site does."""
    calls = []
    original_verify, original_encode = (
        hashers.OwaspArgon2PasswordHasher.verify,
        hashers.OwaspArgon2PasswordHasher.encode,
    )

    def verify(self, password, encoded):
        calls.append("verify")
        return original_verify(self, password, encoded)

    def encode(self, password, salt):
        calls.append("encode")
        return original_encode(self, password, salt)

    monkeypatch.setattr(hashers.OwaspArgon2PasswordHasher, "verify", verify)
    monkeypatch.setattr(hashers.OwaspArgon2PasswordHasher, "encode", encode)
    return calls


def _lock_out(client: Client, username: str, limit: int) -> None:
    for _ in range(limit):
        assert (
            client.post("/account/login/", {"username": username, "passphrase": "wrong"}).status_code == 400
        )


def test_a_refused_login_hashes_nothing(settings, hashing):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_member("author")
    client = Client()
    _lock_out(client, "author", 3)
    hashing.clear()
    refused = client.post("/account/login/", {"username": "author", "passphrase": PASSPHRASE})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert hashing == []
    page = refused.content.decode()
    assert "Too many attempts" in page and 'value="author"' in page
    assert page.count("<title>Error: ") == 1


def test_a_refused_login_with_a_body_that_is_not_a_form_answers_429(settings, hashing):
    """During a lockout, an empty or JSON body with the token in the header used to raise
    AttributeError ('LoginForm' object has no attribute 'cleaned_data')."""
    settings.LOGIN_FAILURE_LIMIT = 2
    client = Client()
    _lock_out(client, "", 2)
    for body, content_type in (("", "application/x-www-form-urlencoded"), ('{"a": 1}', "application/json")):
        response = client.post("/account/login/", body, content_type=content_type)
        assert response.status_code == 429


def test_a_right_passphrase_does_not_use_up_the_allowance(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_member("author")
    for _ in range(5):
        assert (
            Client().post("/account/login/", {"username": "author", "passphrase": PASSPHRASE}).status_code
            == 302
        )


@pytest.mark.parametrize("cache_backend", ["locmem", "file"])
def test_simultaneous_attempts_never_exceed_the_limit(settings, tmp_path, cache_backend):
    """Counted before checking, with the cache's atomic increment: 60 at once, 5 get through."""
    backends = {
        "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "attempts"},
        "file": {"BACKEND": "ustoo.core.cache.PersistentDiskCache", "LOCATION": str(tmp_path / "cache")},
    }
    settings.LOGIN_FAILURE_LIMIT = 5
    settings.REFUSAL_HOLD_MS = 0
    with override_settings(CACHES={**settings.CACHES, "default": backends[cache_backend]}):
        caches["default"].clear()
        request = RequestFactory().post("/account/login/", REMOTE_ADDR="198.51.100.7")
        start = threading.Barrier(60)
        allowed = []

        def attempt():
            start.wait()
            if throttle.passphrase_attempt(request, "author") is None:
                allowed.append(1)

        threads = [threading.Thread(target=attempt) for _ in range(60)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(allowed) == 5


def test_every_passphrase_typed_again_counts_against_the_same_account(settings, hashing):
    settings.LOGIN_FAILURE_LIMIT = 3
    member = make_member("author")
    client = Client()
    client.force_login(member)
    assert client.post("/account/export/", {"passphrase": "wrong"}).status_code == 400
    assert client.post("/account/delete/", {"passphrase": "wrong"}).status_code == 400
    assert client.post("/account/passphrase/", {"current_passphrase": "wrong"}).status_code == 400
    hashing.clear()
    for path, data in (
        ("/account/export/", {"passphrase": PASSPHRASE}),
        ("/account/delete/", {"passphrase": PASSPHRASE}),
        ("/account/passphrase/", {"current_passphrase": PASSPHRASE}),
        ("/account/login/", {"username": "author", "passphrase": PASSPHRASE}),
    ):
        assert client.post(path, data).status_code == 429, path
    assert hashing == []
    assert Member.objects.filter(username="author").exists()


def test_registration_is_limited_before_any_hashing(settings, hashing):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": ((2, 3600), (2, 3600))}
    settings.REFUSAL_HOLD_MS = 0
    for number in range(2):
        data = {"username": f"member{number}", "passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
        assert Client().post("/account/register/", data).status_code == 302
    hashing.clear()
    data = {
        "username": "member9",
        "email": "m9@example.org",
        "passphrase": PASSPHRASE,
        "passphrase_again": PASSPHRASE,
    }
    refused = Client().post("/account/register/", data)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert hashing == [] and not Member.objects.filter(username="member9").exists()
    assert (
        'value="member9"' in refused.content.decode() and 'value="m9@example.org"' in refused.content.decode()
    )


def test_passphrases_are_hashed_with_owasps_argon2id_parameters():
    member = make_member("author")
    algorithm, *_rest = member.password.split("$", 2)
    assert algorithm == "argon2" and "$argon2id$v=19$m=19456,t=2,p=1$" in member.password
    assert identify_hasher(member.password).__class__ is hashers.OwaspArgon2PasswordHasher


def test_a_hash_made_with_djangos_heavier_parameters_is_remade_at_login():
    from django.contrib.auth.hashers import Argon2PasswordHasher

    member = make_member("author")
    member.password = Argon2PasswordHasher().encode(PASSPHRASE, Argon2PasswordHasher().salt())
    member.save(update_fields=["password"])
    assert "m=102400" in member.password
    assert (
        Client().post("/account/login/", {"username": "author", "passphrase": PASSPHRASE}).status_code == 302
    )
    member.refresh_from_db()
    assert "m=19456,t=2,p=1" in member.password and check_password(PASSPHRASE, member.password)


@pytest.mark.parametrize("length", [1024])
def test_the_longest_passphrase_registration_accepts_logs_in(length):
    passphrase = "correct horse " * (length // 14) + "x" * (length % 14)
    assert len(passphrase) == length
    data = {"username": "longest", "passphrase": passphrase, "passphrase_again": passphrase}
    assert Client().post("/account/register/", data).status_code == 302
    assert (
        Client().post("/account/login/", {"username": "longest", "passphrase": passphrase}).status_code == 302
    )
    too_long = {"username": "longer", "passphrase": passphrase + "y", "passphrase_again": passphrase + "y"}
    refused = Client().post("/account/register/", too_long)
    assert refused.status_code == 400 and "passphrase" in refused.context["form"].errors
