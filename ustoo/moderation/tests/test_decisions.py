"""Every moderator decision is refused, with a clear 409, when what it acts on changed since the
moderator read the page, and is never applied twice; roles decide who may decide about whom."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from ustoo.accounts.models import Member, Role, TrustLevel
from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.moderation.models import Decision
from ustoo.moderation.services import member_state
from ustoo.stories.models import Reply, Statement, Story

pytestmark = pytest.mark.django_db


def page_state(client, member) -> str:
    """The state the member's page shows (what its form sends back)."""
    return client.get(f"/moderate/members/{member.pk}/").context["form"]["state"].value()


def act(client, member, state, **data):
    """A decision about a member, confirmed (a suspension or a ban asks first)."""
    return client.post(f"/moderate/members/{member.pk}/", {"state": state, "confirmed": "on", **data})


def actions() -> list[str]:
    return list(Decision.objects.order_by("id").values_list("action", flat=True))


def test_two_identical_ban_posts_ban_once(moderator):
    troll = make_member("troll")
    state = page_state(moderator, troll)
    assert act(moderator, troll, state, action="ban").status_code == 302
    second = act(moderator, troll, state, action="ban")
    assert second.status_code == 409
    assert b"changed since you opened the page" in second.content
    assert actions() == ["ban"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ({"action": "suspend", "days": 3}, {"action": "ban"}),
        ({"action": "ban"}, {"action": "suspend", "days": 3}),
        ({"action": "suspend", "days": 3}, {"action": "suspend", "days": 30}),
        ({"action": "promote"}, {"action": "promote"}),
    ],
)
def test_a_decision_on_a_member_who_changed_meanwhile_is_refused(moderator, first, second):
    other_moderator = logged_in_moderator("other-mod")
    member = make_member("member", trust_level=TrustLevel.NEW)
    seen_by_both = page_state(moderator, member)
    assert act(other_moderator, member, seen_by_both, **first).status_code == 302
    before = Member.objects.values().get(pk=member.pk)
    assert act(moderator, member, seen_by_both, **second).status_code == 409
    assert Member.objects.values().get(pk=member.pk) == before
    assert len(actions()) == 1


def test_reinstate_twice_applies_once_and_needs_something_to_reinstate(moderator):
    member = make_member("member")
    act(moderator, member, page_state(moderator, member), action="suspend", days=2)
    state = page_state(moderator, member)
    assert act(moderator, member, state, action="reinstate").status_code == 302
    assert act(moderator, member, state, action="reinstate").status_code == 409
    fresh = act(moderator, member, page_state(moderator, member), action="reinstate")
    assert fresh.status_code == 409 and b"nothing to reinstate" in fresh.content
    assert actions() == ["suspend", "reinstate"]


def test_a_form_without_the_members_state_is_refused(moderator):
    member = make_member("member")
    response = moderator.post(f"/moderate/members/{member.pk}/", {"action": "ban"})
    assert response.status_code == 400 and b"reload the page" in response.content
    assert not Member.objects.get(pk=member.pk).is_banned


def test_reinstating_a_banned_member_leaves_a_separately_stopped_receipt_stopped(moderator):
    member = make_member("member")
    client = Client()
    client.force_login(member)
    receipts = []
    for text in ("first anonymous story", "second anonymous story"):
        response = client.post(
            "/speak/", {"mode": "story", "text": text, "content_warnings": ["other"], "anonymous": "on"}
        )
        receipts.append(response.context["receipt"])
    stopped = Story.objects.get(text="first anonymous story")
    assert (
        moderator.post(
            f"/moderate/stories/{stopped.pk}/decide/", {"block_receipt": "1", "version": stopped.version}
        ).status_code
        == 302
    )
    act(moderator, member, page_state(moderator, member), action="ban")
    assert Statement.objects.filter(receipt_blocked=True).count() == 2
    act(moderator, member, page_state(moderator, member), action="reinstate")
    assert Client().post("/receipt/", {"receipt": receipts[0]}).status_code == 400  # still stopped
    assert Client().post("/receipt/", {"receipt": receipts[1]}).status_code == 302  # opens again


def test_stopping_a_receipt_twice_stops_it_once(moderator):
    spoken = make_story(publish=False)
    story = Story.objects.get()
    data = {"block_receipt": "1", "version": story.version}
    assert moderator.post(f"/moderate/stories/{story.pk}/decide/", data).status_code == 302
    again = moderator.post(f"/moderate/stories/{story.pk}/decide/", data)
    assert again.status_code == 409 and b"already stopped" in again.content
    assert actions() == ["block_receipt"]
    assert Client().post("/receipt/", {"receipt": spoken.receipt}).status_code == 400


def test_stopping_a_receipt_of_a_story_edited_meanwhile_is_refused(moderator):
    spoken = make_story(publish=False)
    story = Story.objects.get()
    seen = story.version
    Story.objects.filter(pk=story.pk).update(version=seen + 1)  # the author edited it meanwhile
    response = moderator.post(
        f"/moderate/stories/{story.pk}/decide/", {"block_receipt": "1", "version": seen}
    )
    assert response.status_code == 409 and b"changed since you opened it" in response.content
    assert not Statement.objects.get().receipt_blocked
    assert Client().post("/receipt/", {"receipt": spoken.receipt}).status_code == 302


def test_slow_mode_on_a_story_that_changed_meanwhile_is_refused(moderator):
    story = make_story(replies_enabled=True).story
    seen = Story.objects.get().version
    assert (
        moderator.post(
            f"/moderate/stories/{story.pk}/slow-mode/", {"seconds": 60, "version": seen}
        ).status_code
        == 302
    )
    again = moderator.post(f"/moderate/stories/{story.pk}/slow-mode/", {"seconds": 600, "version": seen})
    assert again.status_code == 409
    assert Story.objects.get().slow_mode_seconds == 60
    assert actions() == ["slow_mode"]
    missing = moderator.post(f"/moderate/stories/{story.pk}/slow-mode/", {"seconds": 600})
    assert missing.status_code == 400 and Story.objects.get().slow_mode_seconds == 60


def test_hiding_or_restoring_a_reply_twice_applies_once(moderator):
    story = make_story(replies_enabled=True).story
    reply = Reply.objects.create(story=story, member=make_member("replier"), text="a reply")
    decide = f"/moderate/stories/{story.pk}/decide/"
    assert moderator.post(decide, {"reply": reply.pk, "hidden": "1"}).status_code == 302
    again = moderator.post(decide, {"reply": reply.pk, "hidden": "1"})
    assert again.status_code == 409 and b"already hidden" in again.content
    assert moderator.post(decide, {"reply": reply.pk, "hidden": "0"}).status_code == 302
    assert moderator.post(decide, {"reply": reply.pk, "hidden": "0"}).status_code == 409
    assert actions() == ["hide_reply", "restore_reply"]
    assert moderator.post(decide, {"reply": reply.pk, "hidden": "maybe"}).status_code == 400
    assert moderator.post(decide, {"reply": "x"}).status_code == 400


# Roles: moderators decide about members; administrators also about moderators.


def logged_in_moderator(username: str, role: str = Role.MODERATOR) -> Client:
    client = Client()
    client.force_login(make_member(username, role=role))
    client.post("/moderate/confirm/", {"passphrase": PASSPHRASE})
    return client


def test_create_moderator_admin_makes_an_administrator(tmp_path):
    secret = tmp_path / "passphrase"
    secret.write_text("a long administrator passphrase\n")
    call_command(
        "create_moderator", "admin-ana", "--admin", "--passphrase-file", str(secret), stdout=io.StringIO()
    )
    admin = Member.objects.get(username="admin-ana")
    assert admin.role == Role.ADMIN and admin.is_moderator and admin.is_trusted
    assert admin.check_password("a long administrator passphrase")


def test_administrators_suspend_ban_and_appoint_moderators(moderator_member):
    admin = logged_in_moderator("admin", role=Role.ADMIN)
    mod = moderator_member
    assert act(admin, mod, page_state(admin, mod), action="suspend", days=2).status_code == 302
    assert Member.objects.get(pk=mod.pk).is_suspended
    assert act(admin, mod, page_state(admin, mod), action="ban").status_code == 302
    assert Member.objects.get(pk=mod.pk).is_banned
    member = make_member("helper")
    assert b"Make a moderator" in admin.get(f"/moderate/members/{member.pk}/").content
    assert act(admin, member, page_state(admin, member), action="make_moderator").status_code == 302
    assert Member.objects.get(pk=member.pk).role == Role.MODERATOR
    assert actions() == ["suspend", "ban", "make_moderator"]


def test_moderators_cannot_appoint_moderators_or_decide_about_admins_or_themselves(
    moderator, moderator_member
):
    member = make_member("helper")
    assert b"Make a moderator" not in moderator.get(f"/moderate/members/{member.pk}/").content
    refused = act(moderator, member, page_state(moderator, member), action="make_moderator")
    assert refused.status_code == 403 and b"Only an administrator" in refused.content
    admin = make_member("admin", role=Role.ADMIN)
    assert act(moderator, admin, page_state(moderator, admin), action="ban").status_code == 403
    own = act(moderator, moderator_member, page_state(moderator, moderator_member), action="suspend", days=1)
    assert own.status_code == 403 and b"your own account" in own.content
    assert Member.objects.get(pk=member.pk).role == Role.MEMBER
    assert not Member.objects.get(pk=admin.pk).is_banned
    assert not Decision.objects.exists()


def test_the_state_token_follows_what_moderators_decide(moderator_member):
    member = make_member("member")
    state = member_state(member)
    Member.objects.filter(pk=member.pk).update(email="new@example.org")  # not a moderation matter
    member.refresh_from_db()
    assert member_state(member) == state
    Member.objects.filter(pk=member.pk).update(trust_level=TrustLevel.NEW)
    member.refresh_from_db()
    assert member_state(member) != state
