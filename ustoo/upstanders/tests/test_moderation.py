"""What upstanders write waits in the moderation queue, danger first, and is published or not by a
moderator, once; the decision is logged without the words."""

import datetime

import pytest
from django.core.management import call_command

from ustoo.upstanders import services
from ustoo.upstanders.models import Intervention, OwnWords, WordsDecision, WordsKind, WordsStatus

pytestmark = pytest.mark.django_db

QUEUE = "/moderate/upstanders/"


def words(text: str, kind: str = WordsKind.PLEDGE) -> OwnWords:
    if kind == WordsKind.PLEDGE:
        return services.pledge(actions=[], pledger=b"p" * 32, words=text).words
    if kind == WordsKind.INTERVENTION:
        return services.report_intervention(
            approach="delay", setting="work", outcome="helped", words=text
        ).words
    return services.acknowledge(commitment="stop", words=text).words


def test_the_queue_is_for_moderators_only(stranger, supporter):
    assert stranger.get(QUEUE).status_code == 302  # to the login page
    assert supporter.get(QUEUE).status_code == 403


def test_waiting_words_are_listed_danger_first_and_counted_in_the_menu(moderator):
    calm = words("I will back up my colleagues.")
    urgent = words("I am not safe at home since I spoke up.", kind=WordsKind.INTERVENTION)
    html = moderator.get(QUEUE).content.decode()
    assert html.index(f'id="words-{urgent.pk}"') < html.index(f'id="words-{calm.pk}"')
    assert "Signals danger" in html
    menu = moderator.get("/moderate/").content.decode()
    assert 'href="/moderate/upstanders/"' in menu
    assert 'Step up <span class="moderation-menu__count">2</span>' in menu


def test_publishing_shows_the_words_and_logs_the_decision_without_them(moderator, stranger):
    kept = words("I will walk home with my sister's friends.")
    answer = moderator.post(f"{QUEUE}{kept.pk}/decide/", {f"w{kept.pk}-decision": "publish"})
    assert answer.status_code == 302
    kept.refresh_from_db()
    assert kept.status == WordsStatus.PUBLISHED and kept.decided_on is not None
    assert (
        "I will walk home with my sister&#x27;s friends." in stranger.get("/step-up/pledge/").content.decode()
    )
    line = WordsDecision.objects.get()
    assert (line.action, line.words_id, line.actor_name) == ("publish", kept.pk, "moderator")
    assert not any(
        str(getattr(line, field.attname)) == kept.text for field in WordsDecision._meta.concrete_fields
    )


def test_a_decision_must_be_chosen(moderator):
    kept = words("I will back up my colleagues.")
    answer = moderator.post(f"{QUEUE}{kept.pk}/decide/", {})
    assert answer.status_code == 400 and "Choose whether to publish it." in answer.content.decode()
    kept.refresh_from_db()
    assert kept.status == WordsStatus.PENDING


def test_rejecting_needs_a_reason_and_hides_the_words(moderator, stranger):
    kept = words("Buy cheap watches at example.com", kind=WordsKind.ACKNOWLEDGEMENT)
    missing = moderator.post(f"{QUEUE}{kept.pk}/decide/", {f"w{kept.pk}-decision": "reject"})
    assert missing.status_code == 400 and "Choose why it is not published." in missing.content.decode()
    moderator.post(
        f"{QUEUE}{kept.pk}/decide/", {f"w{kept.pk}-decision": "reject", f"w{kept.pk}-code": "spam"}
    )
    kept.refresh_from_db()
    assert kept.status == WordsStatus.REJECTED
    assert "cheap watches" not in stranger.get("/step-up/i-own-what-i-did/").content.decode()
    assert WordsDecision.objects.get().code == "spam"


def test_a_second_decision_on_the_same_words_changes_nothing(moderator):
    kept = words("I will learn how to report at work.")
    moderator.post(f"{QUEUE}{kept.pk}/decide/", {f"w{kept.pk}-decision": "publish"})
    again = moderator.post(
        f"{QUEUE}{kept.pk}/decide/",
        {f"w{kept.pk}-decision": "reject", f"w{kept.pk}-code": "spam"},
        follow=True,
    )
    assert "Someone else decided on these words meanwhile." in again.content.decode()
    kept.refresh_from_db()
    assert kept.status == WordsStatus.PUBLISHED and WordsDecision.objects.count() == 1


def test_rejected_words_are_deleted_after_the_retention_period_and_form_tokens_forgotten(settings):
    settings.RETENTION_REJECTED_DAYS = 30
    rejected = words("Spam spam spam")
    kept = words("I will believe.")
    services.decide_on_words(words=rejected, publish=False, moderator=None, code="spam")
    services.decide_on_words(words=kept, publish=True, moderator=None)
    sent = services.report_intervention(approach="delay", setting="work", outcome="helped", once="a-token")
    assert sent.words is None
    long_ago = services.today() - datetime.timedelta(days=31)
    OwnWords.objects.update(decided_on=long_ago, day=long_ago)
    Intervention.objects.update(day=long_ago)
    call_command("prune_expired", verbosity=0)
    assert list(OwnWords.objects.values_list("text", flat=True)) == ["I will believe."]
    assert Intervention.objects.get().once_key is None
    assert WordsDecision.objects.count() == 2  # the log outlives the words


def test_the_decision_log_is_append_only():
    services.decide_on_words(words=words("I will act."), publish=True, moderator=None)
    with pytest.raises(TypeError):
        WordsDecision.objects.all().delete()
    assert WordsDecision.objects.count() == 1
