"""Review before publishing: who waits, decisions with reason codes, the audit log, conflicts."""

import datetime
import io
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from ustoo.accounts.models import Member, Role
from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.moderation import views
from ustoo.moderation.models import Decision
from ustoo.stories.models import Reply, Statement, Status, Story

pytestmark = pytest.mark.django_db

STORY = {"mode": "story", "text": "It happened on the night shift.", "content_warnings": ["harassment"]}


def decide(client, story, **data):
    story.refresh_from_db()
    return client.post(f"/moderate/stories/{story.pk}/decide/", {"version": story.version, **data})


def test_create_moderator_command(tmp_path):
    secret = tmp_path / "passphrase"
    secret.write_text("a long moderator passphrase\n")
    call_command("create_moderator", "mod-ana", "--passphrase-file", str(secret))
    member = Member.objects.get(username="mod-ana")
    assert member.role == Role.MODERATOR and member.check_password("a long moderator passphrase")


def test_moderation_pages_are_for_moderators_only(supporter, stranger):
    assert stranger.get("/moderate/").status_code == 302
    assert supporter.get("/moderate/").status_code == 403


def test_moderators_confirm_their_passphrase_after_being_idle(moderator, settings):
    assert moderator.get("/moderate/").status_code == 200
    session = moderator.session
    session["moderator_last_seen"] = time.time() - 31 * 60
    session.save()
    response = moderator.get("/moderate/")
    assert response.status_code == 302 and "/moderate/confirm/" in response["Location"]
    assert moderator.post("/moderate/confirm/", {"passphrase": "wrong"}).status_code == 400
    moderator.post("/moderate/confirm/", {"passphrase": PASSPHRASE})
    assert moderator.get("/moderate/").status_code == 200


def test_story_without_account_waits_and_count_only_never_does(survivor, stranger, moderator):
    survivor.post("/speak/", STORY)
    survivor.post("/speak/", {"mode": "count"})
    story = Story.objects.get()
    assert story.status == Status.PENDING
    assert Statement.objects.count() == 2
    queue = moderator.get("/moderate/")
    assert [item.pk for item in queue.context["page"]] == [story.pk]
    assert b"night shift" not in stranger.get("/").content


def test_new_members_wait_and_trusted_members_publish_at_once(new_member, supporter):
    new_member.post("/speak/", {**STORY, "text": "from a newcomer"})
    supporter.post("/speak/", {**STORY, "text": "from a trusted member"})
    statuses = dict(Story.objects.values_list("text", "status"))
    assert statuses == {"from a newcomer": Status.PENDING, "from a trusted member": Status.PUBLISHED}


def test_approve_publishes_and_logs_without_content(survivor, stranger, moderator, moderator_member):
    survivor.post("/speak/", STORY)
    story = Story.objects.get()
    assert decide(moderator, story, action="approve").status_code == 302
    story.refresh_from_db()
    assert story.status == Status.PUBLISHED
    assert b"night shift" in stranger.get("/").content
    decision = Decision.objects.get()
    assert (decision.action, decision.story_id, decision.actor_id) == (
        "approve",
        story.pk,
        moderator_member.pk,
    )
    assert "night shift" not in repr(Decision.objects.values().get())


def test_reject_with_a_code_the_author_sees(survivor, moderator):
    response = survivor.post("/speak/", STORY)
    receipt = response.context["receipt"]
    story = Story.objects.get()
    decide(moderator, story, action="reject", code="identifies", message="Please leave out the shop's name.")
    story.refresh_from_db()
    assert story.status == Status.REJECTED and story.rejected_at is not None
    author = Client()
    author.post("/receipt/", {"receipt": receipt})
    page = author.get(f"/mine/{story.statement.pk}/").content.decode()
    assert "Names or identifies a person" in page
    assert "Please leave out the shop&#x27;s name." in page
    assert Decision.objects.get().code == "identifies"


def test_reject_needs_a_code_and_changes_nothing_without_it(survivor, moderator):
    survivor.post("/speak/", STORY)
    story = Story.objects.get()
    response = decide(moderator, story, action="reject")
    assert response.status_code == 400
    story.refresh_from_db()
    assert story.status == Status.PENDING and not Decision.objects.exists()


def test_request_changes_keeps_it_pending_with_a_message(survivor, moderator):
    survivor.post("/speak/", STORY)
    story = Story.objects.get()
    decide(
        moderator, story, action="request_changes", message="Could you add a content warning for violence?"
    )
    story.refresh_from_db()
    assert story.status == Status.PENDING
    assert story.moderation_message == "Could you add a content warning for violence?"


def test_hide_a_published_story(moderator, stranger):
    story = make_story(text="published then hidden").story
    decide(moderator, story, action="hide", code="hateful")
    assert b"published then hidden" not in stranger.get("/").content
    assert Story.objects.get().status == Status.HIDDEN


def test_a_decision_on_a_story_that_changed_meanwhile_is_refused(survivor, moderator):
    survivor.post("/speak/", STORY)
    story = Story.objects.get()
    version = story.version
    first = moderator.post(f"/moderate/stories/{story.pk}/decide/", {"version": version, "action": "approve"})
    second = moderator.post(
        f"/moderate/stories/{story.pk}/decide/", {"version": version, "action": "reject", "code": "spam"}
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert b"changed since you opened it" in second.content
    assert Story.objects.get().status == Status.PUBLISHED
    assert list(Decision.objects.values_list("action", flat=True)) == ["approve"]


def test_moderators_only_stories_cannot_be_published(survivor, moderator):
    survivor.post("/speak/", {**STORY, "visibility": "moderators"})
    story = Story.objects.get()
    assert decide(moderator, story, action="approve").status_code == 409
    assert Story.objects.get().status == Status.PENDING


def test_anonymous_authors_stay_anonymous_for_moderators(supporter, supporter_member, moderator):
    supporter.post("/speak/", {**STORY, "anonymous": "on", "text": "anonymous but a member"})
    supporter.post("/speak/", {**STORY, "anonymous": "", "text": "by name, needs no review"})
    story = Story.objects.get(text="anonymous but a member")
    story.unpublish(Status.PENDING)
    page = moderator.get(f"/moderate/stories/{story.pk}/").content.decode()
    assert supporter_member.username not in page.replace('"supporter"', "")
    assert "someone anonymous: who wrote it is not known here" in page


def test_the_audit_log_is_append_only(moderator):
    story = make_story().story
    decide(moderator, story, action="hide", code="spam")
    with pytest.raises(TypeError):
        Decision.objects.update(code="other")
    with pytest.raises(TypeError):
        Decision.objects.all().delete()
    with pytest.raises(TypeError):
        Decision.objects.get().delete()
    assert moderator.get("/moderate/log/").status_code == 200


def test_queue_puts_danger_first_then_oldest(moderator):
    older = make_story(text="older", publish=False).story
    newer = make_story(text="newer", publish=False).story
    urgent = make_story(text="newest but urgent", publish=False).story
    Story.objects.filter(pk=urgent.pk).update(urgent=True)
    page = moderator.get("/moderate/").context["page"]
    assert [item.pk for item in page] == [urgent.pk, older.pk, newer.pk]
    only_urgent = moderator.get("/moderate/", {"state": "urgent"}).context["page"]
    assert [item.pk for item in only_urgent] == [urgent.pk]


def test_approving_enough_stories_promotes_a_new_member(moderator, settings):
    settings.TRUST_MIN_APPROVED_STORIES = 2
    settings.TRUST_MIN_DAYS = 0
    newcomer = make_member("newcomer", trust_level="new")
    client = Client()
    client.force_login(newcomer)
    for n in range(2):
        client.post("/speak/", {**STORY, "anonymous": "", "text": f"story {n}"})
    for story in Story.objects.all():
        decide(moderator, story, action="approve")
    newcomer.refresh_from_db()
    assert newcomer.is_trusted


def test_a_member_younger_than_the_minimum_days_stays_new(moderator, settings):
    settings.TRUST_MIN_APPROVED_STORIES = 1
    settings.TRUST_MIN_DAYS = 7
    newcomer = make_member("newcomer", trust_level="new")
    Member.objects.filter(pk=newcomer.pk).update(date_joined=timezone.now() - datetime.timedelta(days=6))
    client = Client()
    client.force_login(newcomer)
    client.post("/speak/", {**STORY, "anonymous": ""})
    decide(moderator, Story.objects.get(), action="approve")
    newcomer.refresh_from_db()
    assert not newcomer.is_trusted
    # A day later, the nightly prune finds them old enough and promotes them.
    Member.objects.filter(pk=newcomer.pk).update(date_joined=timezone.now() - datetime.timedelta(days=8))
    call_command("prune_expired", stdout=io.StringIO())
    newcomer.refresh_from_db()
    assert newcomer.is_trusted
    assert list(Decision.objects.values_list("action", "actor_id")) == [
        ("promote", None),
        ("approve", moderator_member_id(moderator)),
    ]


def moderator_member_id(client) -> int:
    return client.get("/moderate/").wsgi_request.user.pk


def test_a_moderator_promotes_a_new_member(moderator):
    newcomer = make_member("newcomer", trust_level="new")
    page = moderator.get(f"/moderate/members/{newcomer.pk}/")
    state = page.context["form"]["state"].value()
    assert (
        moderator.post(f"/moderate/members/{newcomer.pk}/", {"action": "promote", "state": state}).status_code
        == 302
    )
    newcomer.refresh_from_db()
    assert newcomer.is_trusted
    client = Client()
    client.force_login(newcomer)
    client.post("/speak/", {**STORY, "anonymous": "", "text": "now published at once"})
    assert Story.objects.get().status == Status.PUBLISHED
    assert Decision.objects.get().action == "promote"


def test_the_queues_more_link_keeps_the_filters(moderator, settings):
    for n in range(views.QUEUE_PAGE_SIZE + 1):
        make_story(text=f"story {n}", language="fr", publish=False)
    make_story(text="in English", language="en", publish=False)
    first = moderator.get("/moderate/", {"state": "pending", "language": "fr"})
    more = re.search(r'href="\?([^"]+)" rel="next"', first.content.decode()).group(1).replace("&amp;", "&")
    assert "language=fr" in more and "state=pending" in more and "page=2" in more
    second = moderator.get(f"/moderate/?{more}")
    assert [story.language for story in second.context["page"]] == ["fr"]


def test_trusted_members_wait_too_when_the_site_says_so(supporter, settings):
    settings.MODERATION_TRUSTED_PUBLISH = False
    supporter.post("/speak/", {**STORY, "anonymous": ""})
    assert Story.objects.get().status == Status.PENDING


def test_without_review_everyone_publishes_at_once_except_what_needs_a_moderator(
    survivor, new_member, settings
):
    settings.MODERATION_REVIEW = False
    survivor.post("/speak/", {**STORY, "text": "from someone without an account"})
    new_member.post("/speak/", {**STORY, "anonymous": "", "text": "from a new member"})
    survivor.post("/speak/", {**STORY, "text": "for moderators only", "visibility": "moderators"})
    statuses = dict(Story.objects.values_list("text", "status"))
    assert statuses == {
        "from someone without an account": Status.PUBLISHED,
        "from a new member": Status.PUBLISHED,
        "for moderators only": Status.PENDING,
    }


def test_review_on_by_default_holds_everyone_but_trusted_members(survivor, new_member, settings):
    assert settings.MODERATION_REVIEW and settings.MODERATION_TRUSTED_PUBLISH
    survivor.post("/speak/", STORY)
    new_member.post("/speak/", {**STORY, "anonymous": ""})
    assert set(Story.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_turning_replies_off_refuses_new_replies(supporter, survivor):
    spoken = make_story(replies_enabled=True, text="replies were on")
    supporter.post(f"/stories/{spoken.story.pk}/reply/", {"text": "before"})
    survivor.post("/receipt/", {"receipt": spoken.receipt})
    survivor.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {"text": "replies were on", "content_warnings": ["harassment"], "visibility": "public"},
    )
    Story.objects.get().publish()
    refused = supporter.post(f"/stories/{spoken.story.pk}/reply/", {"text": "after"}, follow=True)
    assert b"The author has not turned replies on." in refused.content
    assert list(Reply.objects.values_list("text", flat=True)) == ["before"]
