"""Moderators find their way: one menu on every moderation page, no passphrase asked again right after
logging in, the story under review shown open, the next story after each decision, and decisions
about members chosen on purpose (nothing chosen beforehand, a suspension or a ban confirmed)."""

import datetime
import re
import time
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from ustoo.accounts.models import Member, Role, TrustLevel
from ustoo.conftest import PASSPHRASE, make_member, make_story
from ustoo.moderation import services
from ustoo.moderation.models import Decision
from ustoo.stories.models import Status, Story

pytestmark = pytest.mark.django_db


class _Menu(HTMLParser):
    """The links of the moderation menu: (label, href, aria-current)."""

    def __init__(self) -> None:
        super().__init__()
        self.menus, self.links, self._link = 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "moderation-menu" in (attrs.get("class") or ""):
            self.menus += 1
        if tag == "a" and attrs.get("class") == "moderation-menu__link":
            self._link = [attrs["href"], attrs.get("aria-current"), ""]

    def handle_data(self, data):
        if self._link is not None:
            self._link[2] += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            href, current, text = self._link
            self.links.append((" ".join(text.split()), href, current))
            self._link = None


def menu_of(response) -> _Menu:
    menu = _Menu()
    menu.feed(response.content.decode())
    return menu


def pending_story(text: str, *, urgent: bool = False, minutes_ago: int = 0) -> Story:
    make_story(text=text, publish=False)
    story = Story.objects.get(text=text)
    Story.objects.filter(pk=story.pk).update(
        urgent=urgent, created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    story.refresh_from_db()
    assert story.status == Status.PENDING
    return story


def decide(client, story, **data):
    story.refresh_from_db()
    return client.post(f"/moderate/stories/{story.pk}/decide/", {"version": story.version, **data})


# --- Logging in ------------------------------------------------------------------------------------


def test_a_moderator_who_just_logged_in_reaches_the_queue_without_confirming_again(moderator_member):
    client = Client()
    login = client.post(
        "/account/login/?next=/moderate/", {"username": "moderator", "passphrase": PASSPHRASE}
    )
    assert login.status_code == 302 and login["Location"] == "/moderate/"
    queue = client.get("/moderate/")
    assert queue.status_code == 200
    assert "moderation/queue.html" in [template.name for template in queue.templates]


def test_after_the_idle_time_the_passphrase_is_asked_again(moderator_member, settings):
    client = Client()
    client.post("/account/login/", {"username": "moderator", "passphrase": PASSPHRASE})
    session = client.session
    session["moderator_last_seen"] = time.time() - (settings.MODERATOR_IDLE_MINUTES + 1) * 60
    session.save()
    response = client.get("/moderate/")
    assert response.status_code == 302 and response["Location"] == "/moderate/confirm/?next=/moderate/"


def test_a_failed_login_confirms_nothing(moderator_member):
    client = Client()
    client.post("/account/login/", {"username": "moderator", "passphrase": "not the passphrase"})
    assert "moderator_last_seen" not in client.session


def test_members_who_log_in_are_not_marked_as_confirmed_moderators(supporter_member):
    client = Client()
    client.post("/account/login/", {"username": "supporter", "passphrase": PASSPHRASE})
    assert client.session.get("_auth_user_id") == str(supporter_member.pk)
    assert "moderator_last_seen" not in client.session


# --- One menu ---------------------------------------------------------------------------------------


def test_every_moderation_page_shows_the_one_menu_with_the_current_item(moderator):
    story = pending_story("Waiting for a moderator.")
    member = make_member("someone")
    expected_current = {
        "/moderate/": ("Queue", "page"),
        "/moderate/?state=hidden": ("Queue", "page"),
        f"/moderate/stories/{story.pk}/": ("Queue", "true"),
        "/moderate/flagged/": ("Flagged", "page"),
        "/moderate/campaigns/": ("Campaigns", "page"),
        "/moderate/campaigns/log/": ("Campaigns", "true"),
        "/moderate/upstanders/": ("Step up", "page"),
        "/moderate/members/": ("Members", "page"),
        f"/moderate/members/{member.pk}/": ("Members", "true"),
        "/moderate/log/": ("Log", "page"),
    }
    for path, (label, current) in expected_current.items():
        response = moderator.get(path)
        assert response.status_code == 200, path
        menu = menu_of(response)
        assert menu.menus == 1, path  # campaign pages too: one menu, not two
        assert [re.sub(r" [\d,]+$", "", text) for text, _href, _current in menu.links] == [
            "Queue",
            "Flagged",
            "Campaigns",
            "Step up",
            "Members",
            "Log",
        ], path
        marked = [(re.sub(r" [\d,]+$", "", text), mark) for text, _href, mark in menu.links if mark]
        assert marked == [(label, current)], path


def test_the_menu_counts_what_waits(moderator, supporter_member):
    pending_story("First waiting.")
    pending_story("Second waiting.")
    flagged = make_story(text="Published, then flagged.").story
    services.flag(member=supporter_member, reason="spam", story=flagged)
    links = {
        text.split()[0]: (text, href) for text, href, _current in menu_of(moderator.get("/moderate/")).links
    }
    assert links["Queue"] == ("Queue 2", "/moderate/")
    assert links["Flagged"] == ("Flagged 1", "/moderate/flagged/")
    assert links["Campaigns"] == ("Campaigns", "/moderate/campaigns/")


# --- The story under review -------------------------------------------------------------------------


def test_the_story_under_review_is_shown_open_and_whole_with_its_signals(moderator, supporter_member):
    long_text = "He kept calling the office line. " * 40  # longer than the queue's excerpt
    story = pending_story(long_text.strip(), urgent=True)
    Story.objects.filter(pk=story.pk).update(identifies_someone=True)
    page = moderator.get(f"/moderate/stories/{story.pk}/").content.decode()
    assert re.search(r'<details class="content-warning" open>', page)
    assert long_text.strip() in page
    assert re.search(r'<strong class="tag tag--red">Signals danger</strong>', page)
    assert re.search(r'<strong class="tag tag--yellow">Naming guard: may identify someone</strong>', page)
    assert 'id="story-details"' in page  # its details: status, who can read it, sent, ...


# --- After a decision -------------------------------------------------------------------------------


def test_after_a_decision_the_next_story_waiting_opens_urgent_first(moderator):
    older = pending_story("The oldest one.", minutes_ago=30)
    newer = pending_story("A newer one.", minutes_ago=10)
    urgent = pending_story("Newest, but it signals danger.", urgent=True, minutes_ago=1)

    response = decide(moderator, urgent, action="approve")
    assert response.status_code == 302 and response["Location"] == f"/moderate/stories/{older.pk}/"
    page = moderator.get(response["Location"]).content.decode()
    assert "The story is published. Here is the next story waiting." in page

    response = decide(moderator, older, action="reject", code="spam")
    assert response["Location"] == f"/moderate/stories/{newer.pk}/"

    response = decide(moderator, newer, action="approve")
    assert response.status_code == 302 and response["Location"] == "/moderate/"
    queue = moderator.get("/moderate/").content.decode()
    assert "The story is published. The queue is empty." in queue
    assert 'id="queue-empty"' in queue


def test_the_next_story_follows_the_one_decided_and_comes_back_to_those_before_it(moderator):
    first = pending_story("First in the queue.", minutes_ago=30)
    second = pending_story("Second in the queue.", minutes_ago=20)
    third = pending_story("Third in the queue.", minutes_ago=10)
    # The author of the first is asked for changes: it still waits, in its place.
    assert decide(moderator, first, action="request_changes", message="Remove the surname.")["Location"] == (
        f"/moderate/stories/{second.pk}/"
    )
    assert decide(moderator, third, action="approve")["Location"] == f"/moderate/stories/{first.pk}/"
    assert decide(moderator, second, action="approve")["Location"] == f"/moderate/stories/{first.pk}/"


def test_when_only_the_story_decided_still_waits_the_queue_is_not_called_empty(moderator):
    only = pending_story("The only one.")
    response = decide(moderator, only, action="request_changes", message="Remove the surname.")
    assert response["Location"] == "/moderate/"
    queue = moderator.get("/moderate/").content.decode()
    assert "No other story is waiting." in queue
    assert "The queue is empty" not in queue


# --- Decisions about members ------------------------------------------------------------------------


def member_page(client, member: Member):
    return client.get(f"/moderate/members/{member.pk}/")


def state_of(client, member: Member) -> str:
    return member_page(client, member).context["form"]["state"].value()


def test_the_members_list_links_each_member_and_holds_no_action(moderator):
    troll = make_member("troll")
    page = moderator.get("/moderate/members/").content.decode()
    assert f'<a href="/moderate/members/{troll.pk}/">troll</a>' in page
    assert 'name="action"' not in page
    assert '<caption class="table__caption">Members, newest first</caption>' in page


def test_a_members_page_offers_labelled_actions_and_chooses_none(moderator):
    newcomer = make_member("newcomer", trust_level=TrustLevel.NEW)
    page = member_page(moderator, newcomer).content.decode()
    assert '<legend class="label">Action for newcomer</legend>' in page
    assert '<button type="submit" class="button">Apply</button>' in page
    radios = re.findall(r'<input type="radio" name="action" value="(\w+)"[^>]*>', page)
    assert radios == ["promote", "suspend", "ban"]  # nothing to reinstate; no appointing for moderators
    assert not re.search(r'<input type="radio" name="action"[^>]*checked', page)


def test_applying_without_choosing_an_action_names_the_field_and_keeps_what_was_typed(moderator):
    troll = make_member("troll")
    response = moderator.post(
        f"/moderate/members/{troll.pk}/", {"state": state_of(moderator, troll), "days": "12"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_action_0">Choose an action for troll.</a>' in page  # the error summary
    assert "<title>Error: Member" in page
    assert 'value="12"' in page
    assert not Decision.objects.exists()


def test_a_ban_is_confirmed_on_a_page_that_says_what_will_happen(moderator):
    troll = make_member("troll")
    state = state_of(moderator, troll)
    asked = moderator.post(f"/moderate/members/{troll.pk}/", {"state": state, "action": "ban"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "Ban troll?" in page and "logged out at once" in page
    assert re.search(r'class="button--warning">Ban troll</button>', page)
    assert not Member.objects.get(pk=troll.pk).is_banned and not Decision.objects.exists()

    done = moderator.post(
        f"/moderate/members/{troll.pk}/", {"state": state, "action": "ban", "confirmed": "on"}
    )
    assert done.status_code == 302 and done["Location"] == f"/moderate/members/{troll.pk}/"
    assert Member.objects.get(pk=troll.pk).is_banned
    assert "troll is banned." in moderator.get(done["Location"]).content.decode()


def test_a_suspension_asks_for_its_days_then_confirms_until_when(moderator):
    member = make_member("member")
    state = state_of(moderator, member)
    missing = moderator.post(f"/moderate/members/{member.pk}/", {"state": state, "action": "suspend"})
    assert missing.status_code == 400
    assert '<a href="#id_days">Say for how many days.</a>' in missing.content.decode()
    asked = moderator.post(
        f"/moderate/members/{member.pk}/", {"state": state, "action": "suspend", "days": "3"}
    )
    page = asked.content.decode()
    assert asked.status_code == 200 and "Suspend member for 3 days?" in page
    until = timezone.now() + datetime.timedelta(days=3)
    assert until.strftime("%B") in page and not Member.objects.get(pk=member.pk).is_suspended


def test_a_promotion_needs_no_confirmation(moderator):
    newcomer = make_member("newcomer", trust_level=TrustLevel.NEW)
    response = moderator.post(
        f"/moderate/members/{newcomer.pk}/", {"state": state_of(moderator, newcomer), "action": "promote"}
    )
    assert response.status_code == 302
    assert Member.objects.get(pk=newcomer.pk).trust_level == TrustLevel.MEMBER


def test_a_member_no_decision_applies_to_shows_why_and_no_form(moderator, moderator_member):
    other = make_member("other-mod", role=Role.MODERATOR)
    for member in (other, moderator_member):
        page = member_page(moderator, member).content.decode()
        assert 'id="no-decision"' in page and 'name="action"' not in page
    refused = moderator.post(
        f"/moderate/members/{other.pk}/", {"state": state_of(moderator, other), "action": "ban"}
    )
    assert refused.status_code == 403 and b"Only an administrator" in refused.content
