"""Pledging ("Us too"): one click without an account, each action counted once per person, on write;
bad input answered with the form as typed; replays and floods counted once."""

import pytest
from django.test import Client
from django.utils import timezone

from ustoo.accounts.member_data import delete_member, export_member_data
from ustoo.accounts.models import Member
from ustoo.conftest import make_member
from ustoo.core import proof_of_work, ratelimit
from ustoo.upstanders.models import OwnWords, Pledge, WordsStatus
from ustoo.upstanders.services import member_pledger_key
from ustoo.upstanders.tests.conftest import counted, form_token

pytestmark = pytest.mark.django_db

PLEDGE = "/step-up/pledge/"


def test_the_form_is_a_plain_post_with_the_list_and_a_one_time_token(survivor):
    page = survivor.get(PLEDGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'method="post"' in html and "novalidate" in html
    assert html.count('type="checkbox" name="actions"') == 8
    assert 'name="once"' in html and 'name="website"' in html  # the token, and the field only scripts fill
    assert "<title>Pledge – ustoo</title>" in html


def test_one_click_counts_each_action_once_on_write(survivor):
    once = form_token(survivor, PLEDGE)
    answer = survivor.post(PLEDGE, {"actions": ["believe", "step_in"], "once": once})
    assert answer.status_code == 200
    assert "Your 2 pledges are counted." in answer.content.decode()
    assert sorted(Pledge.objects.values_list("action", flat=True)) == ["believe", "step_in"]
    assert counted("pledges") == 2


def test_the_same_person_pledging_again_is_counted_once_per_action(survivor):
    survivor.post(PLEDGE, {"actions": ["believe"], "once": form_token(survivor, PLEDGE)})
    again = survivor.post(PLEDGE, {"actions": ["believe", "consent"], "once": form_token(survivor, PLEDGE)})
    html = again.content.decode()
    assert "Your pledge is counted." in html
    assert "You had already made this pledge; it still counts once:" in html
    assert Pledge.objects.count() == 2 and counted("pledges") == 2


def test_two_people_each_count(survivor, stranger):
    survivor.post(PLEDGE, {"actions": ["believe"], "once": form_token(survivor, PLEDGE)})
    stranger.post(PLEDGE, {"actions": ["believe"], "once": form_token(stranger, PLEDGE)})
    assert Pledge.objects.filter(action="believe").count() == 2 and counted("pledges") == 2


def test_a_replayed_form_counts_nothing_more_even_from_another_browser(survivor):
    body = {
        "actions": ["believe", "back_up"],
        "own_words": "I will listen.",
        "once": form_token(survivor, PLEDGE),
    }
    survivor.post(PLEDGE, body)
    replayed = Client().post(PLEDGE, body)  # the same form sent again without the session cookie
    assert replayed.status_code == 200
    assert "This pledge was already counted: it counts once." in replayed.content.decode()
    assert Pledge.objects.count() == 2 and OwnWords.objects.count() == 1 and counted("pledges") == 2


def test_a_members_pledges_are_theirs_wherever_they_log_in(supporter_member):
    first, second = Client(), Client()
    first.force_login(supporter_member)
    second.force_login(supporter_member)
    first.post(PLEDGE, {"actions": ["consent"], "once": form_token(first, PLEDGE)})
    second.post(PLEDGE, {"actions": ["consent"], "once": form_token(second, PLEDGE)})
    assert Pledge.objects.count() == 1


def test_an_unknown_action_is_named_and_the_words_come_back(survivor):
    answer = survivor.post(PLEDGE, {"actions": ["believe", "punch_them"], "own_words": "My own words."})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "<title>Error: Pledge – ustoo</title>" in html
    assert "Choose one of the options shown." in html and 'href="#id_actions_0"' in html
    assert "My own words.</textarea>" in html
    assert 'value="believe" aria-invalid="true" id="id_actions_1" checked>' in html  # what was ticked stays
    assert not Pledge.objects.exists() and counted("pledges") == 0


def test_nothing_chosen_and_nothing_written_is_named(survivor):
    answer = survivor.post(PLEDGE, {"own_words": "   "})
    assert answer.status_code == 400
    assert (
        "Choose at least one thing you will do, or write your pledge in your own words."
        in answer.content.decode()
    )


def test_over_long_words_are_named_with_their_length_and_kept(survivor):
    words = "I will act. " * 50  # 600 characters
    answer = survivor.post(PLEDGE, {"actions": ["believe"], "own_words": words})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "Too long (599 characters, at most 500)." in html
    assert words.strip() in html
    assert not Pledge.objects.exists()


def test_words_naming_someone_stop_for_the_naming_guard_before_anything_is_counted(survivor):
    body = {"actions": ["speak_up"], "own_words": "I will stop covering for Sarah Connor at work."}
    warned = survivor.post(PLEDGE, body)
    html = warned.content.decode()
    assert 'id="naming-guard"' in html and "Sarah Connor" in html and 'id="guard-send"' in html
    assert not Pledge.objects.exists() and not OwnWords.objects.exists()

    redacted = survivor.post(PLEDGE, {**body, "guard": "redact"})
    assert 'id="naming-guard-done"' in redacted.content.decode()
    assert "[name removed]" in redacted.content.decode() and not Pledge.objects.exists()

    sent = survivor.post(PLEDGE, {**body, "guard": "send"})
    assert sent.status_code == 200
    words = OwnWords.objects.get()
    assert words.identifies_someone and words.status == WordsStatus.PENDING
    assert counted("pledges") == 1


def test_own_words_wait_for_a_moderator_before_anyone_sees_them(survivor, stranger):
    survivor.post(PLEDGE, {"own_words": "I will walk my friends home.", "once": form_token(survivor, PLEDGE)})
    assert OwnWords.objects.get().status == WordsStatus.PENDING
    assert "I will walk my friends home." not in stranger.get(PLEDGE).content.decode()
    OwnWords.objects.update(status=WordsStatus.PUBLISHED)
    assert "I will walk my friends home." in stranger.get(PLEDGE).content.decode()
    assert counted("pledges") == 0  # words are read, not counted


def test_the_hidden_field_only_scripts_fill_keeps_nothing(survivor):
    answer = survivor.post(PLEDGE, {"actions": ["believe"], "website": "http://spam.example"})
    assert answer.status_code == 400 and not Pledge.objects.exists()


def test_over_the_limit_a_client_is_told_to_wait_with_its_words_kept_and_nothing_counted(limits):
    body = {"actions": ["believe"], "own_words": "I will speak up at work."}
    answers = [Client().post(PLEDGE, body, REMOTE_ADDR="198.51.100.7") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    html = refused.content.decode()
    assert int(refused["Retry-After"]) > 0
    assert "<title>Error: Pledge – ustoo</title>" in html and "Nothing more was counted." in html
    assert "I will speak up at work.</textarea>" in html
    assert 'value="believe" id="id_actions_1" checked>' in html
    assert Pledge.objects.count() == 3 and counted("pledges") == 3


def test_under_a_flood_people_without_an_account_solve_a_puzzle_first(limits):
    limits.FLOOD_THRESHOLD_PER_MINUTE = 2
    for _ in range(3):
        ratelimit.site_attempts("upstand")
    page = Client().get(PLEDGE).content.decode()
    assert "data-pow-challenge" in page and "/static/ustoo/js/proof-of-work." in page
    unsolved = Client().post(
        PLEDGE, {"actions": ["believe"], "own_words": "Kept."}, REMOTE_ADDR="198.51.100.8"
    )
    assert unsolved.status_code == 429 and unsolved["Retry-After"] == "1"
    assert "Kept.</textarea>" in unsolved.content.decode()
    assert not Pledge.objects.exists()
    challenge = proof_of_work.new_challenge(8)
    solved = Client().post(
        PLEDGE,
        {"actions": ["believe"], "pow_challenge": challenge, "pow_nonce": proof_of_work.solve(challenge)},
        REMOTE_ADDR="198.51.100.9",
    )
    assert solved.status_code == 200 and counted("pledges") == 1


def test_a_suspended_member_is_told_why_and_nothing_is_counted(supporter, supporter_member):
    Member.objects.filter(pk=supporter_member.pk).update(banned_at=timezone.now())
    answer = supporter.post(PLEDGE, {"actions": ["believe"], "own_words": "My words."})
    assert answer.status_code == 403
    assert (
        "Your account is closed" in answer.content.decode()
        and "My words.</textarea>" in answer.content.decode()
    )
    assert not Pledge.objects.exists()


def test_a_member_in_good_standing_pledges_like_anyone(db):
    member = make_member("pledger")
    client = Client()
    client.force_login(member)
    assert client.post(PLEDGE, {"actions": ["teach_none", "talk_young"]}).status_code == 400
    assert client.post(PLEDGE, {"actions": ["talk_young"]}).status_code == 200
    assert counted("pledges") == 1


def test_a_members_pledges_are_in_their_export_and_unlinked_when_they_leave(supporter, supporter_member):
    supporter.post(PLEDGE, {"actions": ["believe", "back_up"]})
    exported = export_member_data(supporter_member)["pledges"]
    assert [entry["action"] for entry in exported] == ["back_up", "believe"]
    member_id = supporter_member.pk
    delete_member(supporter_member)
    assert Pledge.objects.count() == 2 and counted("pledges") == 2  # still counted
    assert not Pledge.objects.filter(pledger=member_pledger_key(member_id)).exists()
