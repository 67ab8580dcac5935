"""The whole site as tests that attack it see it: every URL pattern of the URL conf, a site with one of
everything in it (a story with a reply, a statement opened by its receipt, campaigns with signatures,
a released movement dataset), the people who use it, and the arguments that fill each pattern.

A URL pattern added to the URL conf without arguments here fails test_site_map.py, so the crawls and
the form fuzzer never silently miss a page."""

import copy
import datetime
from dataclasses import dataclass, field
from pathlib import Path

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ustoo.accounts.models import Member, Role
from ustoo.conftest import PASSPHRASE, logged_in_client, make_member, make_story

MOVEMENT_FIXTURE = Path(__file__).resolve().parents[2] / "movement/tests/fixtures/partial_days.csv"


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    route: str  # as written in the URL conf, e.g. "stories/<int:story_id>/"
    arguments: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.name.startswith("api:")


def site_routes() -> list[Route]:
    """Every URL pattern of the site, in the order of the URL conf."""

    def walk(patterns, prefix: str, namespace: str):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield Route(
                    name=namespace + pattern.name,
                    route=prefix + str(pattern.pattern),
                    arguments=tuple(pattern.pattern.converters),
                )

    return list(walk(get_resolver().url_patterns, "", ""))


@dataclass
class Site:
    """One of everything, made by populate(); `people` holds a logged-in client per persona."""

    author: Member
    moderator: Member
    replier: Member
    receipt: str
    statement_id: int  # the anonymous author's statement, opened by `receipt`
    member_statement_id: int  # the author's own (named) statement
    story_id: int  # published, public, replies on: the anonymous author's story
    member_story_id: int
    pending_story_id: int
    reply_id: int
    campaign_slug: str  # open, started by `author`, delivery approved
    campaign_id: int
    gathering_slug: str
    sponsor_key: str
    signature_id: int
    confirm_token: str
    manage_token: str
    email_token: str
    dataset: str
    words_id: int  # words sent with a pledge, waiting for a moderator
    people: dict[str, Client] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        """A fresh client with `persona`'s cookies: what one request does to its session (a logout, a
        receipt forgotten) never reaches the next."""
        client = Client()
        client.cookies = copy.deepcopy(self.people[persona].cookies)
        return client

    def arguments(self, route: Route, persona: str = "anonymous", **overrides) -> dict:
        """The arguments that make `route` address something that exists, for `persona`."""
        named = {
            "story_id": self.story_id,
            "statement_id": self.statement_id if persona == "anonymous" else self.member_statement_id,
            "reply_id": self.reply_id,
            "member_id": self.replier.pk,
            "campaign_id": self.campaign_id,
            "signature_id": self.signature_id,
            "slug": self.campaign_slug,
            "key": self.sponsor_key,
            "name": "per_month",
            "dataset": self.dataset,
            "table": "totals",
            # A journal's attachment is read only with its journal's Authorization header: without it,
            # any id is answered 401.
            "attachment_id": "0" * 32,
            # An escrow entry's reference: withdrawing one that is not the member's own is a 404.
            "reference": "A" * 16,
            "words_id": self.words_id,
        }
        per_route = {
            "campaigns:support": {"slug": self.gathering_slug},
            "campaigns:confirm": {"token": self.confirm_token},
            "campaigns:signature": {"token": self.manage_token},
            "campaigns:confirm_email": {"token": self.email_token},
            "moderation:review": {"story_id": self.pending_story_id},
            "moderation:decide": {"story_id": self.pending_story_id},
            "moderation:slow_mode": {"story_id": self.story_id},
            "stories:hide_reply": {"statement_id": self.statement_id},
            "stories:block_replier": {"statement_id": self.statement_id},
            "upstanders:five_d": {"slug": "distract"},
            "script_words": {"language": "fr"},
        }.get(route.name, {})
        values = {**named, **per_route, **overrides}
        missing = [name for name in route.arguments if name not in values]
        assert not missing, f"site_map.Site.arguments knows no value for {missing} of {route.name}"
        return {name: values[name] for name in route.arguments}

    def path(self, route: Route, persona: str = "anonymous", **overrides) -> str:
        return reverse(route.name, kwargs=self.arguments(route, persona, **overrides))


PERSONAS = ("anonymous", "member", "moderator", "replier", "counselor")


def populate(settings, tmp_path, monkeypatch) -> Site:
    """The site with one of everything, and its people logged in: `anonymous` (who opened their
    statement with its receipt), `member` (a named author who started the campaigns), `moderator` (who
    has just confirmed their passphrase), `replier` (another member, who replied) and `counselor`
    (appointed to open the matching escrow's matches)."""
    from ustoo.campaigns import tokens
    from ustoo.campaigns.models import Campaign, ConfirmedEmail, Signature
    from ustoo.campaigns.services import confirm_signature
    from ustoo.campaigns.tests.conftest import make_campaign
    from ustoo.matching.services import appoint_counselor
    from ustoo.stories.services import reply_to
    from ustoo.upstanders.services import pledge

    author = make_member("author")
    moderator = make_member("moderator", role=Role.MODERATOR)
    replier = make_member("replier")
    anonymous = make_story(text="It happened on the night bus. #MeToo", replies_enabled=True)
    named = make_story(member=author, anonymous=False, text="It happened at work. #MeToo")
    pending = make_story(text="It happened at school. #MeToo", publish=False)
    reply = reply_to(story=anonymous.story, member=replier, text="I believe you.")

    campaign = make_campaign(author, title="Give back the donation")
    gathering = make_campaign(author, title="Change the policy", status="gathering")
    now = timezone.now()
    Campaign.objects.filter(pk=campaign.pk).update(delivery_approved_at=now, delivery_approved_by=moderator)
    signed = Signature.objects.create(
        campaign=campaign,
        name="Ada Lovelace",
        email="ada@example.org",
        email_hash="ada@example.org",
        email_domain="example.org",
        country="GB",
        nonce="first-nonce",
    )
    confirm_signature(token=tokens.make("confirm", signed.pk, signed.nonce))
    signed.refresh_from_db()
    waiting = Signature.objects.create(
        campaign=campaign,
        email="grace@example.org",
        email_hash="grace@example.org",
        email_domain="example.org",
        country="FR",
        nonce="waiting-nonce",
    )
    address = ConfirmedEmail.objects.create(
        member=author, email="author@example.org", country="GB", nonce="email-nonce"
    )
    campaign.story_links.create(story=named.story)

    dataset = _release_movement_dataset(settings, tmp_path, monkeypatch)
    words = pledge(actions=["believe"], pledger=b"a visitor".ljust(32), words="I will listen.").words

    site = Site(
        author=author,
        moderator=moderator,
        replier=replier,
        receipt=anonymous.receipt,
        statement_id=anonymous.statement.pk,
        member_statement_id=named.statement.pk,
        story_id=anonymous.story.pk,
        member_story_id=named.story.pk,
        pending_story_id=pending.story.pk,
        reply_id=reply.pk,
        campaign_slug=campaign.slug,
        campaign_id=campaign.pk,
        gathering_slug=gathering.slug,
        sponsor_key=gathering.sponsor_key,
        signature_id=signed.pk,
        confirm_token=tokens.make("confirm", waiting.pk, waiting.nonce),
        manage_token=tokens.make("manage", signed.pk, signed.manage_key),
        email_token=tokens.make("email", address.pk, address.nonce),
        dataset=dataset,
        words_id=words.pk,
    )
    visitor = Client()
    assert visitor.post("/receipt/", {"receipt": anonymous.receipt}).status_code == 302
    moderator_client = logged_in_client(moderator)
    assert moderator_client.post("/moderate/confirm/", {"passphrase": PASSPHRASE}).status_code == 302
    site.people = {
        "anonymous": visitor,
        "member": logged_in_client(author),
        "moderator": moderator_client,
        "replier": logged_in_client(replier),
        "counselor": logged_in_client(appoint_counselor(make_member("counselor")).member),
    }
    return site


def _release_movement_dataset(settings, tmp_path, monkeypatch) -> str:
    """A small dataset imported and released on /movement, as an operator would."""
    from django.core.management import call_command

    from ustoo.movement import store
    from ustoo.movement.importer import Importer

    settings.DATA_DIR = tmp_path / "data"
    path = tmp_path / "movement.duckdb"
    monkeypatch.setenv("USTOO_MOVEMENT_DB", str(path))
    connection = store.connect(path)
    try:
        Importer(connection, dataset="sample", classify=False).import_file(MOVEMENT_FIXTURE)
    finally:
        connection.close()
    call_command("movement", "release", "--dataset", "sample", stdout=None)
    return "sample"


def days_from_today(days: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()
