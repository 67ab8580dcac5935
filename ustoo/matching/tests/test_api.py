"""The API's rules: who may enter, budgets and the delay, the same answers whatever was entered before,
sizes, the counselors' key, withdrawal."""

import datetime
import secrets

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from ustoo.accounts.models import Member, TrustLevel
from ustoo.conftest import logged_in_client, make_member
from ustoo.matching import hpke, oprf, services
from ustoo.matching.models import Entry, MatchNotice, Share
from ustoo.matching.tests.client import SurvivorBrowser, Typed, b64u, from_b64u, make_entry
from ustoo.matching.tests.conftest import make_survivor

BLINDED = b64u(oprf.blind(b"x:someone")[1])


def plausible_entry(params: dict) -> dict:
    """Bytes of the right sizes: the server cannot tell them from a real entry, and need not."""
    return {
        "ciphertext": b64u(secrets.token_bytes(1052)),
        "counselor_key": params["counselor_key"]["fingerprint"],
        "shares": [{"index": b64u(secrets.token_bytes(32)), "sealed": b64u(secrets.token_bytes(172))}],
    }


def evaluate(browser: SurvivorBrowser, count: int = 1):
    return browser.post("evaluate", {"blinded": [BLINDED] * count})


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_member("newcomer", trust_level=TrustLevel.NEW),
        lambda: make_member("young"),  # trusted, but the account was made today
    ],
    ids=["not trusted", "too new"],
)
def test_accounts_below_the_trust_level_may_not_enter(matching_site, make):
    browser = SurvivorBrowser(logged_in_client(make()))
    params = browser.params()
    assert params["may_enter"] is False and params["why_not"]
    assert evaluate(browser).status_code == 403
    assert browser.post("entries", plausible_entry(params)).status_code == 403
    assert Entry.objects.count() == 0


def test_a_suspended_member_and_a_counselor_may_not_enter(survivor_a, counselor_member):
    member = Member.objects.get(username="survivor_a")
    Member.objects.filter(pk=member.pk).update(suspended_until=timezone.now() + datetime.timedelta(days=3))
    assert evaluate(survivor_a).status_code == 403
    counselor = SurvivorBrowser(logged_in_client(counselor_member))
    Member.objects.filter(pk=counselor_member.pk).update(
        date_joined=timezone.now() - datetime.timedelta(days=60)
    )
    assert evaluate(counselor).status_code == 403


def test_signed_out_is_401(matching_site):
    browser = SurvivorBrowser(Client())
    assert browser.client.get("/api/v1/matching/params").status_code == 401
    assert evaluate(browser).status_code == 401
    assert browser.client.get("/api/v1/matching/entries").status_code == 401


def test_writes_need_the_csrf_token(matching_site):
    member = make_survivor("careful")
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        "/api/v1/matching/evaluate", {"blinded": [BLINDED]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert "csrf" in response.json()["fields"]


def test_the_daily_budget_holds(survivor_a, settings):
    settings.MATCHING_EVALUATIONS_PER_DAY = 3
    assert evaluate(survivor_a, 2).status_code == 200
    assert evaluate(survivor_a, 2).status_code == 429  # 4 > 3: refused whole, nothing spent
    assert evaluate(survivor_a, 1).status_code == 200
    refused = evaluate(survivor_a, 1)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert survivor_a.params()["limits"]["evaluations_left_today"] == 0


def test_the_monthly_budget_holds(survivor_a, settings):
    settings.MATCHING_EVALUATIONS_PER_MONTH = 2
    assert evaluate(survivor_a, 2).status_code == 200
    assert evaluate(survivor_a, 1).status_code == 429


def test_the_site_budget_holds_across_accounts(survivor_a, survivor_b, settings):
    settings.MATCHING_EVALUATIONS_PER_HOUR = 3
    assert evaluate(survivor_a, 2).status_code == 200
    assert evaluate(survivor_b, 2).status_code == 429
    assert evaluate(survivor_b, 1).status_code == 200
    assert evaluate(survivor_a, 1).status_code == 429


def test_every_evaluation_waits_the_delay(survivor_a, settings, monkeypatch):
    settings.MATCHING_DELAY_MS = 1500
    pauses = []
    monkeypatch.setattr(services.time, "sleep", pauses.append)
    assert evaluate(survivor_a).status_code == 200
    assert pauses == [1.5]


def test_answers_are_the_same_whether_or_not_someone_entered_it_before(survivor_a, survivor_b):
    first = survivor_a.enter([Typed("snapchat", "@snap.user")])
    never_entered = survivor_b.enter([Typed("snapchat", "@someone.else")])
    again = survivor_b.enter([Typed("snapchat", "snapchat.com/add/snap.user")])
    answers = [first, never_entered, again]
    assert {a.status_code for a in answers} == {201}
    assert {tuple(sorted(a.json())) for a in answers} == {("held_since", "reference")}
    assert {tuple(e) for e in (survivor_b.entries())} == {("reference", "held_since", "identifiers")}


def test_an_entry_sealed_to_a_retired_key_is_refused(survivor_a):
    params = survivor_a.params()
    body, _trace = make_entry(params, [Typed("x", "@someone")], survivor_a.evaluate)
    _private, new_public = hpke.generate_key_pair()
    services.set_counselor_key(new_public)
    response = survivor_a.post("entries", body)
    assert response.status_code == 409
    assert Entry.objects.count() == 0


def test_no_counselor_key_means_no_evaluation(survivor_a):
    services.CounselorKey.objects.all().delete()
    assert evaluate(survivor_a).status_code == 503
    assert survivor_a.params()["counselor_key"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body.update(ciphertext=body["ciphertext"][:-4]), "ciphertext"),
        (lambda body: body["shares"][0].update(index="AAAA"), "shares.0.index"),
        (
            lambda body: body["shares"][0].update(sealed=body["shares"][0]["sealed"] + "AAAA"),
            "shares.0.sealed",
        ),
        (lambda body: body["shares"][0].update(index="not base64!"), "shares.0.index"),
        (lambda body: body["shares"].append(dict(body["shares"][0])), "shares"),
    ],
)
def test_malformed_entries_are_refused_naming_the_field(survivor_a, change, field):
    body, _trace = make_entry(survivor_a.params(), [Typed("x", "@someone")], survivor_a.evaluate)
    change(body)
    response = survivor_a.post("entries", body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Entry.objects.count() == 0


def test_an_element_that_is_not_one_is_refused(survivor_a):
    response = survivor_a.post("evaluate", {"blinded": [b64u(bytes(32))]})
    assert response.status_code == 400
    assert "blinded.0" in response.json()["fields"]


def test_the_entries_held_per_account_are_limited(survivor_a, settings):
    settings.MATCHING_ENTRIES_PER_ACCOUNT = 1
    assert survivor_a.enter([Typed("x", "@first_one")]).status_code == 201
    assert survivor_a.enter([Typed("x", "@second_one")]).status_code == 409


def test_withdrawal_deletes_the_entry_and_its_shares(survivor_a, survivor_b, counselor_member):
    reference = survivor_a.enter([Typed("linkedin", "jane-doe-123"), Typed("x", "@janedoe")]).json()[
        "reference"
    ]
    survivor_b.enter([Typed("linkedin", "https://www.linkedin.com/in/Jane-Doe-123/")])
    services.notify_counselors()
    assert MatchNotice.objects.count() == 1
    assert [e["identifiers"] for e in survivor_a.entries()] == [2]

    assert survivor_b.withdraw(reference).status_code == 404  # not theirs
    assert survivor_a.withdraw(reference).status_code == 204
    assert survivor_a.entries() == []
    assert not Entry.objects.filter(reference=reference).exists()
    assert Share.objects.count() == 1
    assert services.match_count() == 0
    # The notice about an index someone still holds stays; none is about an index nobody holds.
    assert MatchNotice.objects.count() == 1
    assert survivor_a.withdraw(reference).status_code == 404


def test_a_suspended_member_can_still_withdraw(survivor_a):
    reference = survivor_a.enter([Typed("x", "@someone")]).json()["reference"]
    member = Member.objects.get(username="survivor_a")
    Member.objects.filter(pk=member.pk).update(suspended_until=timezone.now() + datetime.timedelta(days=3))
    assert survivor_a.withdraw(reference).status_code == 204


def test_deleting_the_account_deletes_its_entries(survivor_a):
    from ustoo.accounts.member_data import delete_member, export_member_data

    survivor_a.enter([Typed("x", "@someone")])
    member = Member.objects.get(username="survivor_a")
    assert [e["identifiers"] for e in export_member_data(member)["matching_entries"]] == [1]
    delete_member(member)
    assert Entry.objects.count() == Share.objects.count() == 0


def test_the_same_account_always_gets_the_same_pseudonym(survivor_a):
    assert survivor_a.params()["owner"] == survivor_a.params()["owner"]
    assert len(from_b64u(survivor_a.params()["owner"])) == 32


def test_the_oprf_key_is_published(matching_site):
    response = Client().get("/api/v1/matching/oprf-key")
    assert response.status_code == 200
    assert response.json()["suite"] == "ristretto255-SHA512"
    assert len(from_b64u(response.json()["public_key"])) == 32


def test_a_service_that_does_not_answer_is_503(survivor_a, settings):
    from ustoo.matching.tests.conftest import free_port

    settings.MATCHING_OPRF_URL = f"http://127.0.0.1:{free_port()}"
    cache.delete("matching:oprf-public-key")
    assert evaluate(survivor_a).status_code == 503
    assert Client().get("/api/v1/matching/oprf-key").status_code == 503
