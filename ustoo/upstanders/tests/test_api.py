"""Pledges and interventions in the JSON API: the same rules as the pages, every answer documented."""

import json

import pytest
from django.test import Client

from ustoo.core import proof_of_work, ratelimit
from ustoo.upstanders.models import Intervention, OwnWords, Pledge
from ustoo.upstanders.tests.conftest import api_post, counted

pytestmark = pytest.mark.django_db

PLEDGES, INTERVENTIONS = "/api/v1/pledges", "/api/v1/interventions"


def test_a_pledge_is_counted_once_per_action_and_client(client):
    made = api_post(client, PLEDGES, {"actions": ["believe", "consent"], "own_words": "I will listen."})
    assert made.status_code == 201
    assert made.json() == {
        "counted": ["believe", "consent"],
        "already": [],
        "words_waiting": True,
        "repeated": False,
    }
    again = api_post(Client(), PLEDGES, {"actions": ["believe"]})  # same address, no cookie: same client
    assert again.status_code == 200 and again.json()["already"] == ["believe"]
    other = api_post(Client(), PLEDGES, {"actions": ["believe"]}, REMOTE_ADDR="198.51.100.20")
    assert other.status_code == 201
    assert Pledge.objects.count() == 3 and counted("pledges") == 3


def test_the_same_body_with_its_token_counts_once(client):
    body = {"actions": ["step_in"], "once": "my-own-token-1"}
    api_post(client, PLEDGES, body)
    repeated = api_post(Client(), PLEDGES, body, REMOTE_ADDR="198.51.100.21")
    assert repeated.status_code == 200 and repeated.json()["repeated"] is True
    assert counted("pledges") == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"actions": ["fly"]}, "actions"),
        ({"actions": []}, "actions"),
        ({"actions": ["believe"], "own_words": "x" * 501}, "own_words"),
    ],
)
def test_a_bad_pledge_names_its_field_and_counts_nothing(client, body, field):
    refused = api_post(client, PLEDGES, body)
    assert refused.status_code == 400
    assert field in refused.json()["fields"]
    assert not Pledge.objects.exists()


def test_a_wrongly_typed_pledge_is_a_422(client):
    refused = api_post(client, PLEDGES, {"actions": "believe"})
    assert refused.status_code == 422 and "actions" in refused.json()["fields"]


def test_an_intervention_is_counted_and_its_account_kept_for_a_moderator(client):
    body = {
        "approach": "delegate",
        "setting": "online",
        "outcome": "unknown",
        "account": "I reported the posts.",
    }
    made = api_post(client, INTERVENTIONS, body)
    assert made.status_code == 201
    assert made.json() == {"counted": True, "words_waiting": True, "repeated": False}
    assert Intervention.objects.get().approach == "delegate" and OwnWords.objects.get().status == "pending"
    assert counted("interventions") == 1


def test_an_intervention_with_an_unknown_setting_is_refused(client):
    refused = api_post(client, INTERVENTIONS, {"approach": "delay", "setting": "mars", "outcome": "helped"})
    assert (
        refused.status_code == 400
        and refused.json()["fields"]["setting"] == "Choose one of the options shown."
    )
    assert counted("interventions") == 0


def test_identifying_words_sent_through_the_api_are_flagged_for_the_moderator(client):
    api_post(client, PLEDGES, {"own_words": "I will tell Sarah Connor she was right."})
    assert OwnWords.objects.get().identifies_someone


def test_writes_from_another_sites_page_and_bodies_not_json_are_refused(client):
    assert client.post(PLEDGES, data="actions=believe", content_type="text/plain").status_code == 415
    other = api_post(client, PLEDGES, {"actions": ["believe"]}, headers={"Origin": "https://evil.example"})
    assert other.status_code == 403
    assert not Pledge.objects.exists()


def test_under_a_flood_the_api_hands_out_a_challenge(client, settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.FLOOD_THRESHOLD_PER_MINUTE = 2
    settings.POW_DIFFICULTY_BITS = 8
    for _ in range(3):
        ratelimit.site_attempts("upstand")
    refused = api_post(client, INTERVENTIONS, {"approach": "delay", "setting": "work", "outcome": "helped"})
    assert refused.status_code == 429 and refused["Retry-After"] == "1"
    challenge = refused.json()["challenge"]
    solved = api_post(
        client,
        INTERVENTIONS,
        {"approach": "delay", "setting": "work", "outcome": "helped"},
        headers={"X-Proof-Of-Work": f"{challenge} {proof_of_work.solve(challenge)}"},
    )
    assert solved.status_code == 201 and counted("interventions") == 1


@pytest.mark.parametrize(
    ("path", "statuses"),
    [
        ("/api/v1/pledges", {"200", "201", "400", "403", "413", "415", "422", "429"}),
        ("/api/v1/interventions", {"200", "201", "400", "403", "413", "415", "422", "429"}),
    ],
)
def test_the_openapi_document_gives_every_answer_with_its_reason(client, path, statuses):
    document = json.loads(client.get("/api/v1/openapi.json").content)
    responses = document["paths"][path]["post"]["responses"]
    assert set(responses) == statuses
    assert "Retry-After" in responses["429"]["headers"]
    for status in statuses - {"200", "201"}:
        assert responses[status]["description"]
