"""Receivers of the signal hear every change, inside the writing transaction, as before/after facts."""

import pytest

from ustoo.conftest import make_story
from ustoo.stories import observers, services
from ustoo.stories.services import Details, StoryDraft

pytestmark = pytest.mark.django_db


@pytest.fixture
def changes():
    heard = []

    def hear(sender, *, before, after, **kwargs):
        heard.append((before, after))

    observers.counted_statement_changed.connect(hear)
    yield heard
    observers.counted_statement_changed.disconnect(hear)


def test_saying_me_too_is_heard_with_its_buckets(changes):
    make_story(
        text="At work #MeToo #TimesUp",
        setting="workplace",
        relation="superior",
        age_at_time="adult",
        country="FR",
        harms=["verbal"],
        language="fr",
    )
    [(before, after)] = changes
    assert before is None
    assert (after.setting, after.relation, after.age_at_time, after.country) == (
        "workplace",
        "superior",
        "adult",
        "FR",
    )
    assert after.harms == ("verbal",)
    assert after.hashtags == ("metoo", "timesup")
    assert after.language == "fr" and after.has_story


def test_edit_is_heard_as_before_and_after(changes):
    spoken = make_story(text="#MeToo", setting="street")
    services.edit_story(
        story=spoken.story,
        draft=StoryDraft(text="#BalanceTonPorc", content_warnings=["other"]),
        details=Details(setting="transport"),
    )
    before, after = changes[-1]
    assert (before.setting, before.hashtags) == ("street", ("metoo",))
    assert (after.setting, after.hashtags) == ("transport", ("balancetonporc",))


def test_delete_keeping_the_count_drops_only_the_story_part(changes):
    spoken = make_story(text="#MeToo", setting="home")
    services.delete_statement(statement=spoken.statement, keep_in_total=True)
    before, after = changes[-1]
    assert before.hashtags == ("metoo",) and after.hashtags == ()
    assert after.setting == "home" and not after.has_story


def test_delete_leaving_the_total_and_withdrawal_are_heard_as_gone(changes):
    first = make_story()
    services.delete_statement(statement=first.statement, keep_in_total=False)
    assert changes[-1][1] is None and changes[-1][0] is not None
    second = make_story()
    services.withdraw_from_total(statement=second.statement)
    assert changes[-1][1] is None
    services.withdraw_from_total(statement=second.statement)  # already withdrawn: nothing more to hear
    assert len(changes) == 4
