"""`ustoo load_demo`: fill an empty site with fictional stories so a newcomer sees a living wall.

Every story in `stories/data/demo_stories.json` was written for the demo; none is a real person's
words. Each entry goes through the same form and services as a person speaking on the site, so the
total, the hashtag rows and the full-text index come out exactly as they would for real content.
"""

import datetime
import hashlib
import json
import random
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from ustoo.accounts.models import TrustLevel
from ustoo.stories import services
from ustoo.stories.forms import CountMeForm, ReplyForm, ShareStoryForm
from ustoo.stories.models import (
    Reply,
    Solidarity,
    SolidarityKind,
    Statement,
    Status,
    Story,
    StoryHashtag,
    Visibility,
)

# Marks this module as the one source of demo content: everything it writes is fictional.
DEMO = True
DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_stories.json"
# A fixed seed so two loads spread the content over the same relative times, and tests can rely on it.
SEED = 20171015
SPREAD = datetime.timedelta(days=60)
# Nothing is stamped in the last few minutes, so the newest demo story never looks newer than a real one
# posted right after the site starts.
NEWEST = datetime.timedelta(minutes=5)


def read_demo_file(path: Path | None = None) -> dict:
    path = path or DEMO_FILE
    with path.open(encoding="utf-8") as handle:
        data = json.load(handle)
    if data.get("demo") is not True:
        raise CommandError(f'{path} is not marked as demo content ("demo": true).')
    return data


def _form_for(entry: dict, *, form_class: type[CountMeForm | ShareStoryForm], where: str):
    """Validate an entry with the form the site and the API use, so demo data obeys the same rules."""
    data = dict(entry)
    if data.get("year") is not None:
        data["year"] = str(data["year"])
    form = form_class(data)
    if not form.is_valid():
        raise CommandError(f"{where}: {form.errors.as_json()}")
    return form


def _reader_key(index: int) -> bytes:
    """A stand-in for one reader of the demo. Real responder keys are keyed hashes of "member:…" or
    "session:…", so these can never collide with a real person's answer."""
    return hashlib.sha256(f"ustoo demo reader:{index}".encode()).digest()


def _demo_members(names: list[str]) -> dict:
    """Demo members who write the replies. Nobody logs in as them: the passphrase is random and
    never shown, it only exists because an account must have one."""
    Member = get_user_model()
    members = {}
    for name in names:
        member = Member.objects.filter(username=name).first()
        if member is None:
            # Trusted, as members who have been around a while: they may reply.
            member = Member.objects.create_user(
                name, secrets.token_urlsafe(32), trust_level=TrustLevel.MEMBER
            )
        members[name] = member
    return members


def _between(rng: random.Random, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
    return start + (end - start) * rng.random()


def load(data: dict, *, now: datetime.datetime | None = None) -> dict[str, int]:
    """Load the demo content in one transaction: on any error nothing is left half-loaded."""
    now = now or timezone.now()
    rng = random.Random(SEED)
    stories = [
        (entry, _form_for(entry, form_class=ShareStoryForm, where=f"story {number}"))
        for number, entry in enumerate(data["stories"], start=1)
    ]
    statements = [
        (entry, _form_for(entry, form_class=CountMeForm, where=f"statement {number}"))
        for number, entry in enumerate(data["statements"], start=1)
    ]
    for number, (entry, form) in enumerate(stories, start=1):
        replies = entry.get("replies", [])
        if replies and not form.cleaned_data["replies_enabled"]:
            raise CommandError(f"story {number}: replies on a story whose author did not turn them on.")
        for reply in replies:
            if reply["member"] not in data["members"] or not ReplyForm({"text": reply["text"]}).is_valid():
                raise CommandError(f"story {number}: invalid reply {reply!r}.")
        if not set(entry.get("solidarity", {})) <= set(SolidarityKind.values):
            raise CommandError(f"story {number}: unknown solidarity kind in {entry['solidarity']!r}.")

    with transaction.atomic():
        members = _demo_members(data["members"])
        for entry, form in stories:
            # Nobody will come back to a fictional story, so its receipt is dropped unseen.
            at = _between(rng, now - SPREAD, now - NEWEST)
            spoken = services.say_me_too(anonymous=True, details=form.details(), draft=form.draft(), at=at)
            # Demo stories appear as if a moderator had already approved them.
            if spoken.story.status == Status.PENDING and spoken.story.visibility != Visibility.MODERATORS:
                spoken.story.publish()
            _stamp(spoken, at=at)
            story = spoken.story
            for kind, count in entry.get("solidarity", {}).items():
                for reader in range(count):
                    services.stand_with(story=story, kind=kind, responder=_reader_key(reader))
            # Readers answer after the story appears; one time per story is enough, since pages only
            # show counts.
            Solidarity.objects.filter(story=story).update(created_at=_between(rng, story.created_at, now))
            for reply_number, reply in enumerate(entry.get("replies", []), start=1):
                posted = services.reply_to(story=story, member=members[reply["member"]], text=reply["text"])
                hours_later = datetime.timedelta(hours=3 * reply_number * (1 + rng.random()))
                Reply.objects.filter(pk=posted.pk).update(created_at=min(story.created_at + hours_later, now))
        for entry, form in statements:
            at = _between(rng, now - SPREAD, now - NEWEST)
            spoken = services.say_me_too(
                anonymous=True, details=form.details(), language=entry.get("language", ""), at=at
            )
    return {"stories": len(stories), "count_only": len(statements), "members": len(members)}


def _stamp(spoken: services.Spoken, *, at: datetime.datetime) -> None:
    """Mark the story as demo content, which every page showing it labels fictional, and move its
    publication back to `at` too (the statement was recorded at `at`), so the wall reads like weeks
    of activity.

    The hashtag rows carry a copy of `published_at` for the filtered wall, so they move with it."""
    Statement.objects.filter(pk=spoken.statement.pk).update(created_at=at)
    spoken.statement.created_at = at
    story = spoken.story
    if story is None:
        return
    published_at = at if story.published_at else None
    Story.objects.filter(pk=story.pk).update(
        created_at=at, updated_at=at, published_at=published_at, demo=True
    )
    StoryHashtag.objects.filter(story=story).update(published_at=published_at)
    story.demo = True
    story.created_at = story.updated_at = at
    story.published_at = published_at


class Command(BaseCommand):
    help = (
        "Load fictional demo content: stories written for the demo (no real person's words) in several "
        "languages, count-only statements, solidarity and a few replies from demo members. By default it "
        "refuses to touch a site that already has statements."
    )

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group()
        group.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the site has no statements yet; otherwise say so and do nothing (make run).",
        )
        group.add_argument(
            "--force", action="store_true", help="Load even when the site already has statements."
        )

    def handle(self, *args, if_empty: bool = False, force: bool = False, **options):
        existing = Statement.objects.count()
        if existing and not force:
            message = f"The site already has statements ({existing}): demo content not loaded."
            if if_empty:
                self.stdout.write(message)
                return
            raise CommandError(f"{message} Use --force to add it anyway.")
        loaded = load(read_demo_file())
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {loaded['stories']} demo stories (fictional), {loaded['count_only']} count-only "
                f"statements and {loaded['members']} demo members who reply."
            )
        )
