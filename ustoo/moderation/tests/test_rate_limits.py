"""Anti-abuse: limits per client and per session answer 429 with Retry-After; a flood switches
anonymous speaking to a proof of work; a honeypot catches scripts. Pages and API alike."""

import json
import time

import pytest
from django.test import Client

from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.core import proof_of_work
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
