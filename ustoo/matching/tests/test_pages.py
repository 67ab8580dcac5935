"""The survivors' pages: what the escrow is (with the keys to compare) and who may use it, the page that
makes an entry (what it hands the browser), the entries held, and withdrawal by a plain form."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from ustoo.accounts.models import Member, TrustLevel
from ustoo.conftest import logged_in_client, make_member
from ustoo.matching import hpke, identifiers, services
from ustoo.matching.models import Entry, Share
from ustoo.matching.tests.client import Typed
from ustoo.matching.tests.conftest import COUNSELOR_PUBLIC, make_survivor

FRONTEND = Path(__file__).resolve().parents[1] / "frontend"


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def script_json(response, element_id: str):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', response.text)
    return json.loads(found.group(1))


def test_the_escrow_page_says_what_happens_and_what_never_does(client, matching_site):
    page = text_of(client.get(reverse("matching:index")))
    assert "Nothing happens unless someone else names the same person" in page
    assert "What never happens" in page
    assert "The person you name is never contacted by the site" in page
    # The keys to compare: the counselors' fingerprint in 8 groups of 4, and the service's key.
    assert hpke.readable_fingerprint(hpke.fingerprint(COUNSELOR_PUBLIC)) in page
    assert re.search(r'<code class="matching-key" id="oprf-key">([0-9a-f]{4} ){15}[0-9a-f]{4}</code>', page)
    # Someone signed out is told how to take part, and that it needs no name.
    assert "to make an entry, or" in page and reverse("accounts:login") in page


def test_the_escrow_page_names_the_counselors_when_the_operator_does(client, matching_site, settings):
    settings.MATCHING_COUNSELORS = "Cabinet Martin, lawyers, Lyon"
    settings.MATCHING_COUNSELORS_URL = "https://cabinet-martin.example/ustoo"
    page = text_of(client.get(reverse("matching:index")))
    assert "The counselors are Cabinet Martin, lawyers, Lyon." in page
    assert 'href="https://cabinet-martin.example/ustoo"' in page


def test_the_escrow_page_says_so_when_the_service_or_the_key_is_missing(client, db, settings):
    settings.MATCHING_OPRF_URL = "unix:/nonexistent/oprf.sock"
    page = text_of(client.get(reverse("matching:index")))
    assert "The matching service is not answering just now." in page
    assert "No counselor is ready to receive entries yet." in page


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: make_member("newcomer", trust_level=TrustLevel.NEW), "a moderator verified"),
        (lambda: make_member("young"), "at least 14 days old"),
    ],
    ids=["not trusted", "too new"],
)
def test_an_account_that_may_not_enter_is_told_why_kindly(matching_site, make, reason):
    client = logged_in_client(make())
    for name in ("matching:index", "matching:new"):
        page = text_of(client.get(reverse(name)))
        assert "Your account cannot make entries yet." in page and reason in page
        assert reverse("journal:index") in page and reverse("help:index") in page
    # No form that would spend evaluations: the page makes no entry.
    assert 'id="matching-app"' not in client.get(reverse("matching:new")).content.decode()


def test_a_counselor_is_told_they_cannot_enter(counselor_member):
    page = text_of(logged_in_client(counselor_member).get(reverse("matching:new")))
    assert "Counselors cannot make entries" in page


def test_making_an_entry_needs_an_account(client, matching_site):
    response = client.get(reverse("matching:new"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_without_a_counselors_key_the_page_says_nothing_can_be_sent(db, settings):
    client = logged_in_client(make_survivor("early"))
    page = text_of(client.get(reverse("matching:new")))
    assert "No counselor is ready to receive entries yet" in page
    assert 'id="matching-app"' not in page


def test_the_entry_page_hands_the_browser_its_api_words_and_kinds(survivor_a):
    response = survivor_a.client.get(reverse("matching:new"))
    page = text_of(response)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert script_json(response, "matching-params") == {
        "api": "/api/v1/matching/",
        "entries": reverse("matching:entries"),
    }
    # Its words: the site's JavaScript catalogue in the page's language, run before the module.
    words = page.index('<script src="/i18n/script-words/en.js" defer></script>')
    assert words < page.index('<script type="module" src="/static/matching/matching.')
    assert 'id="matching-text"' not in page
    # Without JavaScript: what needs it, and what works without it.
    assert "Making an entry needs JavaScript" in page
    assert reverse("matching:entries") in page
    kinds = re.findall(r'<option value="([a-z]+)" data-label=', page)
    assert sorted(kinds) == sorted(identifiers.KINDS)
    # Every choice the protocol names, in the survivor's words.
    for value in ("contact", "contact_at_three", "do_not_contact"):
        assert f'name="on_match" value="{value}"' in page
    assert "Contact me only once at least three people named this person" in page
    assert "Count me, but do not contact me" in page


def test_every_reason_the_script_gives_has_words():
    """identifiers.js names why it refuses a text; the page must have words for each reason."""
    source = (FRONTEND / "identifiers.js").read_text()
    reasons = set(re.findall(r'new NotAnIdentifier\("([a-z_]+)"\)', source))
    assert len(reasons) >= 9
    words = set(re.findall(r"^  (\w+): ", (FRONTEND / "words.js").read_text(), re.M))
    assert {f"reason_{reason}" for reason in reasons} <= words


def test_entries_are_listed_as_held_and_only_the_members_own(survivor_a, survivor_b):
    survivor_a.enter([Typed("x", "@someone")])
    survivor_a.enter([Typed("x", "@another"), Typed("email", "a@example.org")])
    survivor_b.enter([Typed("x", "@someone")])
    response = survivor_a.client.get(reverse("matching:entries"))
    page = text_of(response)
    mine = [entry["reference"] for entry in survivor_a.entries()]
    theirs = survivor_b.entries()[0]["reference"]
    assert len(mine) == 2 and all(reference in page for reference in mine) and theirs not in page
    assert page.count(">Held<") == 2
    assert "1 way of reaching the person" in page and "2 ways of reaching the person" in page
    # Never a word about a match, although survivor_b named the same person.
    listed = page.split('<ul class="matching-entries"')[1].split("</ul>")[0]
    assert "match" not in re.sub(r"<[^>]+>", " ", listed).lower()


def test_withdrawing_asks_once_then_deletes_the_entry_and_its_shares(survivor_a, survivor_b):
    survivor_a.enter([Typed("x", "@someone"), Typed("email", "a@example.org")])
    survivor_b.enter([Typed("x", "@someone")])
    reference = survivor_a.entries()[0]["reference"]
    path = reverse("matching:withdraw", args=[reference])
    page = text_of(survivor_a.client.get(path))
    assert "It is deleted from the site at once" in page
    assert Entry.objects.filter(reference=reference).exists()
    response = survivor_a.client.post(path)
    assert response.status_code == 302 and response["Location"] == reverse("matching:entries")
    assert not Entry.objects.filter(reference=reference).exists()
    assert Share.objects.count() == 1  # survivor_b's: survivor_a's two are deleted with the entry
    assert services.match_count() == 0
    page = text_of(survivor_a.client.get(response["Location"]))
    assert "Your entry was withdrawn. It is deleted from the site." in page
    assert "You hold no entries." in page


def test_nobody_withdraws_another_members_entry(survivor_a, survivor_b):
    survivor_b.enter([Typed("x", "@someone")])
    reference = survivor_b.entries()[0]["reference"]
    path = reverse("matching:withdraw", args=[reference])
    assert survivor_a.client.get(path).status_code == 404
    assert survivor_a.client.post(path).status_code == 404
    assert Client().post(path).status_code == 302  # to the login page
    assert Entry.objects.filter(reference=reference).exists()


def test_withdrawing_needs_the_csrf_token(survivor_a, csrf_client):
    survivor_a.enter([Typed("x", "@someone")])
    reference = survivor_a.entries()[0]["reference"]
    csrf_client.force_login(Member.objects.get(username="survivor_a"))
    response = csrf_client.post(reverse("matching:withdraw", args=[reference]))
    assert response.status_code == 403
    assert Entry.objects.filter(reference=reference).exists()


def test_the_account_page_leads_to_the_escrow(survivor_a):
    page = text_of(survivor_a.client.get(reverse("accounts:home")))
    assert f'href="{reverse("matching:index")}"' in page
