"""Anti-abuse: limits per client and per session answer 429 with Retry-After; a flood switches
anonymous speaking to a proof of work; a honeypot catches scripts. Pages and API alike."""

import datetime
import hashlib
import hmac
import json
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.utils import timezone

from ustoo.accounts.models import Member
from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.core import proof_of_work, ratelimit
from ustoo.moderation.models import Flag
from ustoo.stories.models import Statement

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        "speak": ((3, 3600), (2, 3600)),
        "solidarity": ((2, 3600), (2, 3600)),
        "reply": ((1, 3600), (1, 3600)),
        "flag": ((1, 3600), (1, 3600)),
        "receipt": ((2, 900), (2, 900)),
    }
    settings.POW_DIFFICULTY_BITS = 8
    return settings


def api_post(client, path, body, **extra):
    return client.post(path, data=json.dumps(body), content_type="application/json", **extra)


def test_speaking_is_limited_per_client_with_retry_after(limits):
    answers = [Client().post("/speak/", {"mode": "count"}).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    blocked = Client().post("/speak/", {"mode": "count"})
    assert int(blocked["Retry-After"]) > 0
    assert b"Please wait a moment" in blocked.content
    assert Statement.objects.count() == 3


@pytest.fixture
def recorded_pauses(monkeypatch):
    pauses: list[float] = []
    monkeypatch.setattr(ratelimit.time, "sleep", pauses.append)
    return pauses


def test_a_refusal_pauses_before_answering_but_never_beyond_retry_after(limits, recorded_pauses):
    limits.REFUSAL_HOLD_MS = 1500
    for _ in range(3):
        Client().post("/speak/", {"mode": "count"})
    assert recorded_pauses == []  # accepted attempts never wait
    blocked = Client().post("/speak/", {"mode": "count"})
    assert blocked.status_code == 429
    assert len(recorded_pauses) == 1 and 0.75 <= recorded_pauses[0] <= 1.5
    ratelimit._hold_refusal(wait=1)  # a window about to end: told to retry in 1 s, paused 1 s at most
    assert 0.5 <= recorded_pauses[-1] <= 1


def test_no_more_refusals_pause_at_once_than_there_are_slots(limits, recorded_pauses):
    limits.REFUSAL_HOLD_MS = 1000
    limits.REFUSAL_HOLD_SLOTS = 2
    ratelimit._hold_slots.cache_clear()
    slots = ratelimit._hold_slots()
    try:
        assert slots.acquire(blocking=False) and slots.acquire(blocking=False)  # two paused elsewhere
        for _ in range(4):
            Client().post("/speak/", {"mode": "count"})
        assert recorded_pauses == []  # refused at once: no slot was free
        slots.release()
        Client().post("/speak/", {"mode": "count"})
        assert len(recorded_pauses) == 1
    finally:
        ratelimit._hold_slots.cache_clear()


def test_no_pause_when_turned_off(limits, recorded_pauses):
    limits.REFUSAL_HOLD_MS = 0
    for _ in range(5):
        Client().post("/speak/", {"mode": "count"})
    assert recorded_pauses == []


def test_another_client_is_not_limited_by_the_first(limits):
    for _ in range(3):
        Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.1")
    assert Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.2").status_code == 200


def test_the_client_key_follows_the_proxy_header_only_behind_a_proxy(limits):
    limits.BEHIND_PROXY = True
    for _ in range(3):
        Client().post("/speak/", {"mode": "count"}, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert Client().post("/speak/", {"mode": "count"}, HTTP_X_FORWARDED_FOR="203.0.113.10").status_code == 200
    assert Client().post("/speak/", {"mode": "count"}, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


def test_the_proxy_header_counts_only_from_a_trusted_proxy(limits):
    """Sent straight to an app server, a forged X-Forwarded-For would give each request a fresh client
    key; from anyone but the proxy the request's own address is the client's."""
    limits.BEHIND_PROXY = True
    limits.FORWARDED_ALLOW_IPS = ["10.0.0.5", "192.0.2.0/24"]
    for forged in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=forged)
    refused = Client().post(
        "/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.4"
    )
    assert refused.status_code == 429
    through_a_proxy = {"HTTP_X_FORWARDED_FOR": "203.0.113.4, 198.51.100.7"}
    for proxy in ("10.0.0.5", "192.0.2.77"):  # an address listed, and one in a network listed
        answer = Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR=proxy, **through_a_proxy)
        assert answer.status_code == 429  # the proxy names 198.51.100.7, over its limit
    fresh = Client().post(
        "/speak/", {"mode": "count"}, REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.4"
    )
    assert fresh.status_code == 200


def test_a_session_is_limited_even_from_several_addresses(limits, supporter):
    supporter.post("/speak/", {"mode": "count", "anonymous": "on"}, REMOTE_ADDR="198.51.100.1")
    supporter.post("/speak/", {"mode": "count", "anonymous": "on"}, REMOTE_ADDR="198.51.100.2")
    assert (
        supporter.post(
            "/speak/", {"mode": "count", "anonymous": "on"}, REMOTE_ADDR="198.51.100.3"
        ).status_code
        == 429
    )


def test_the_api_is_limited_the_same_way(limits, client):
    answers = [api_post(client, "/api/v1/statements", {}).status_code for _ in range(4)]
    assert answers == [201, 201, 201, 429]
    blocked = api_post(client, "/api/v1/statements", {})
    assert blocked["Retry-After"] and blocked.json()["error"]


def test_solidarity_replies_flags_and_receipts_are_limited(limits, supporter):
    story = make_story(replies_enabled=True).story
    statuses = [
        supporter.post(f"/stories/{story.pk}/stand-with/", {"kind": kind}).status_code
        for kind in ("me_too", "believe_you", "not_alone")
    ]
    assert statuses[-1] == 429
    assert api_post(Client(), f"/api/v1/stories/{story.pk}/solidarity", {"kind": "me_too"}).status_code == 429
    supporter.post(f"/stories/{story.pk}/reply/", {"text": "one"})
    assert supporter.post(f"/stories/{story.pk}/reply/", {"text": "two"}).status_code == 429
    supporter.post(f"/flag/story/{story.pk}/", {"reason": "spam"})
    assert supporter.post(f"/flag/story/{story.pk}/", {"reason": "spam"}).status_code == 429
    guesser = Client()
    for _ in range(2):
        guesser.post("/receipt/", {"receipt": "a b c d e f g"}, REMOTE_ADDR="192.0.2.7")
    assert guesser.post("/receipt/", {"receipt": "a b c d e f g"}, REMOTE_ADDR="192.0.2.7").status_code == 429


def test_login_attempts_are_limited(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    make_member("author")
    client = Client()
    for _ in range(2):
        client.post("/account/login/", {"username": "author", "passphrase": "wrong"})
    assert client.post("/account/login/", {"username": "author", "passphrase": PASSPHRASE}).status_code == 429


def test_the_honeypot_refuses_and_keeps_nothing():
    response = Client().post("/speak/", {"mode": "count", "website": "http://spam.example"})
    assert response.status_code == 400
    assert not Statement.objects.exists()


def _flood(settings):
    settings.FLOOD_THRESHOLD_PER_MINUTE = 5
    from ustoo.core import ratelimit

    for _ in range(6):
        ratelimit.site_attempts("speak")


def test_under_flood_anonymous_speaking_needs_a_proof_of_work(limits):
    _flood(limits)
    page = Client().get("/speak/").content.decode()
    assert "data-pow-challenge" in page and "/static/ustoo/js/proof-of-work." in page
    unsolved = Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.50")
    assert unsolved.status_code == 429
    assert not Statement.objects.exists()
    challenge = proof_of_work.new_challenge(8)
    solved = Client().post(
        "/speak/",
        {"mode": "count", "pow_challenge": challenge, "pow_nonce": proof_of_work.solve(challenge)},
        REMOTE_ADDR="198.51.100.51",
    )
    assert solved.status_code == 200 and Statement.objects.count() == 1
    reused = Client().post(
        "/speak/",
        {"mode": "count", "pow_challenge": challenge, "pow_nonce": proof_of_work.solve(challenge)},
        REMOTE_ADDR="198.51.100.52",
    )
    assert reused.status_code == 429 and Statement.objects.count() == 1


def test_under_flood_members_speak_without_a_puzzle(limits, supporter):
    _flood(limits)
    assert supporter.post("/speak/", {"mode": "count", "anonymous": "on"}).status_code == 200


def test_under_flood_the_api_hands_out_a_challenge(limits, client):
    _flood(limits)
    refused = api_post(client, "/api/v1/statements", {}, REMOTE_ADDR="198.51.100.60")
    assert refused.status_code == 429
    challenge = refused.json()["challenge"]
    nonce = proof_of_work.solve(challenge)
    accepted = api_post(
        client,
        "/api/v1/statements",
        {},
        REMOTE_ADDR="198.51.100.61",
        headers={"X-Proof-Of-Work": f"{challenge} {nonce}"},
    )
    assert accepted.status_code == 201


def test_forged_or_expired_challenges_are_refused(limits):
    challenge = proof_of_work.new_challenge(4)
    encoded, signature = challenge.split(".")
    assert not proof_of_work.is_solved(f"{encoded}.{'A' * len(signature)}", "0")
    assert not proof_of_work.is_solved("garbage", "0")
    assert not proof_of_work.is_solved(challenge, "x" * 40)


def test_expired_challenges_are_refused(limits, monkeypatch):
    challenge = proof_of_work.new_challenge(4)
    nonce = proof_of_work.solve(challenge)
    later = time.time() + proof_of_work.LIFETIME_SECONDS + 1
    monkeypatch.setattr(proof_of_work.time, "time", lambda: later)
    assert not proof_of_work.is_solved(challenge, nonce)


def test_the_pages_proof_of_work_refusal_says_when_to_retry(limits):
    _flood(limits)
    refused = Client().post("/speak/", {"mode": "count"}, REMOTE_ADDR="198.51.100.70")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_new_members_over_their_flag_limit_get_429_with_retry_after(new_member, new_member_account, settings):
    settings.MODERATION_NEW_MEMBER_FLAGS_PER_DAY = 1
    first, second = (make_story(text=f"story {n}").story for n in range(2))
    assert new_member.post(f"/flag/story/{first.pk}/", {"reason": "spam"}).status_code == 302
    refused = new_member.post(f"/flag/story/{second.pk}/", {"reason": "spam"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 24 * 60 * 60 + 1
    assert b"New members can flag a few times a day" in refused.content
    assert list(Flag.objects.values_list("story_id", flat=True)) == [first.pk]


def test_login_limits_say_when_to_retry(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    make_member("author")
    client = Client()
    for _ in range(2):
        client.post("/account/login/", {"username": "author", "passphrase": "wrong"})
    blocked = client.post("/account/login/", {"username": "author", "passphrase": PASSPHRASE})
    assert blocked.status_code == 429 and 0 < int(blocked["Retry-After"]) <= 600
    assert b"Too many attempts" in blocked.content
    assert not blocked.wsgi_request.user.is_authenticated


def test_a_client_guessing_many_usernames_is_limited_with_retry_after(settings):
    settings.LOGIN_FAILURE_LIMIT = 1  # four failures per client, whatever the usernames
    for n in range(4):
        Client().post("/account/login/", {"username": f"guess{n}", "passphrase": "wrong"})
    blocked = Client().post("/account/login/", {"username": "someone-else", "passphrase": "wrong"})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_per_session_limits_say_when_to_retry(limits, supporter):
    for address in ("198.51.100.1", "198.51.100.2"):
        supporter.post("/speak/", {"mode": "count", "anonymous": "on"}, REMOTE_ADDR=address)
    blocked = supporter.post("/speak/", {"mode": "count", "anonymous": "on"}, REMOTE_ADDR="198.51.100.3")
    assert blocked.status_code == 429
    assert 0 < int(blocked["Retry-After"]) <= 3601


# --- The client key ---------------------------------------------------------------------------------


def _request(address="203.0.113.5"):
    return RequestFactory().get("/", REMOTE_ADDR=address)


def test_the_client_key_is_random_not_derived_from_the_secret_key():
    first = ratelimit.client_fingerprint(_request())
    day = timezone.now().date().isoformat()
    derived = hmac.new(settings.SECRET_KEY.encode(), f"ustoo client key {day}".encode(), hashlib.sha256)
    assert first != hmac.new(derived.digest(), b"203.0.113.5", hashlib.sha256).hexdigest()[:32]
    # The same day, the same cache: the same fingerprint. A fresh cache draws another key.
    assert ratelimit.client_fingerprint(_request()) == first
    cache.clear()
    assert ratelimit.client_fingerprint(_request()) != first


def test_the_client_key_lives_only_in_the_cache_and_every_worker_reads_it():
    fingerprint = ratelimit.client_fingerprint(_request())
    day = timezone.now().date().isoformat()
    stored = cache.get(f"rl:client-key:{day}")
    assert stored and len(bytes.fromhex(stored)) == 32
    assert stored not in repr(vars(settings._wrapped))
    # Another worker or app server sharing the cache computes the same fingerprint from it alone.
    assert fingerprint == hmac.new(bytes.fromhex(stored), b"203.0.113.5", hashlib.sha256).hexdigest()[:32]
    # A key already in the cache (drawn by a worker that got there first) is the one used.
    cache.set(f"rl:client-key:{day}", "ab" * 32)
    assert (
        ratelimit.client_fingerprint(_request())
        == (hmac.new(bytes.fromhex("ab" * 32), b"203.0.113.5", hashlib.sha256).hexdigest()[:32])
    )


@pytest.mark.django_db
def test_the_client_key_is_in_no_database_table():
    ratelimit.client_fingerprint(_request())
    stored = cache.get(f"rl:client-key:{timezone.now().date().isoformat()}")
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                column.name for column in connection.introspection.get_table_description(cursor, table)
            ]
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                assert stored not in repr(row), table


def test_the_client_key_rotates_by_day_and_expires(monkeypatch):
    day = timezone.now().date()
    today = ratelimit.client_fingerprint(_request())
    now = timezone.now()
    monkeypatch.setattr(timezone, "now", lambda: now + datetime.timedelta(days=1))
    tomorrow = ratelimit.client_fingerprint(_request())
    assert tomorrow != today
    # Each day's key expires shortly after its day ends: it does not outlive the counters it keyed.
    for each in (day, day + datetime.timedelta(days=1)):
        key, expires = cache.get(f"rl:client-key:{each.isoformat()}", expire_time=True)  # diskcache's
        assert key is not None
        assert expires - time.time() <= 2 * 24 * 60 * 60 + 60


# --- Passphrase re-entry ----------------------------------------------------------------------------


@pytest.fixture
def lockout(settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    settings.LOGIN_LOCKOUT_SECONDS = 600
    return settings


def test_a_moderators_passphrase_confirmation_is_throttled(lockout, moderator_member):
    client = Client()
    client.force_login(moderator_member)
    session = client.session
    session.pop("moderator_last_seen")  # idle since logging in: the passphrase is asked again
    session.save()
    for _ in range(2):
        assert client.post("/moderate/confirm/", {"passphrase": "wrong"}).status_code == 400
    blocked = client.post("/moderate/confirm/", {"passphrase": PASSPHRASE})
    assert blocked.status_code == 429 and 0 < int(blocked["Retry-After"]) <= 601
    assert b"Too many attempts. Wait a few minutes" in blocked.content
    assert client.get("/moderate/").status_code == 302  # still not confirmed


@pytest.mark.parametrize("path", ["/account/export/", "/account/delete/"])
def test_export_and_deletion_passphrase_checks_are_throttled(lockout, supporter, supporter_member, path):
    for _ in range(2):
        assert supporter.post(path, {"passphrase": "wrong"}).status_code == 400
    blocked = supporter.post(path, {"passphrase": PASSPHRASE})
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0
    assert Member.objects.filter(pk=supporter_member.pk).exists()
    assert "Content-Disposition" not in blocked


def test_one_client_trying_passphrases_for_many_accounts_is_throttled(lockout):
    lockout.LOGIN_FAILURE_LIMIT = 1  # one failure per member, four per client
    members = [make_member(f"member{n}") for n in range(5)]
    for member in members[:4]:
        client = Client()
        client.force_login(member)
        assert (
            client.post("/account/export/", {"passphrase": "wrong"}, REMOTE_ADDR="192.0.2.9").status_code
            == 400
        )
    fresh = Client()
    fresh.force_login(members[4])
    assert (
        fresh.post("/account/export/", {"passphrase": PASSPHRASE}, REMOTE_ADDR="192.0.2.9").status_code == 429
    )
    elsewhere = fresh.post("/account/export/", {"passphrase": PASSPHRASE}, REMOTE_ADDR="192.0.2.10")
    assert elsewhere.status_code == 200 and elsewhere["Content-Disposition"]


def test_concurrent_attempts_never_get_past_the_limit_on_the_default_shared_cache(settings, tmp_path):
    """Many attempts from one client at once (a flood): the default cache's atomic incr lets exactly
    the limit through, never more (a read-then-write count would let several in on the last place)."""
    from concurrent.futures import ThreadPoolExecutor

    from ustoo.settings import CACHES as production_caches

    assert production_caches["default"]["BACKEND"] == "ustoo.core.cache.PersistentDiskCache"
    settings.CACHES = {
        **settings.CACHES,
        "default": {**production_caches["default"], "LOCATION": str(tmp_path / "cache")},
    }
    rate = ratelimit.Rate(5, 3600)

    def one_attempt(_number: int) -> int | None:
        return ratelimit.attempt("flood-test", "one client", rate)

    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(one_attempt, range(60)))
    assert answers.count(None) == 5
    assert all(wait is not None and wait > 0 for wait in answers if wait is not None)
