"""Workflows of speaking and standing with: each writes everything it touches in one transaction."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.core import keys, receipts
from ustoo.core.ownership import member_tag
from ustoo.stories.models import (
    Reply,
    ReplyBlock,
    Solidarity,
    SolidarityKind,
    Statement,
    Status,
    Story,
    Visibility,
)
from ustoo.stories.observers import facts_of, statement_changed
from ustoo.stories.screening import screen


@dataclass(frozen=True, kw_only=True)
class Details:
    """Optional structured details that feed the magnitude."""

    setting: str = ""
    relation: str = ""
    age_at_time: str = ""
    year: int | None = None
    ongoing: bool = False
    country: str = ""
    harms: list[str] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class StoryDraft:
    text: str
    title: str = ""
    visibility: str = "public"
    content_warnings: list[str] = field(default_factory=list)
    cw_note: str = ""
    replies_enabled: bool = False
    language: str = ""


class NotAllowedNow(Exception):
    """The member's account may not take part right now; the message says why, and until when."""


def standing_refusal(member) -> str | None:
    """Why this member may not speak, edit, reply, flag or answer right now (a suspension, with its
    end, or a ban), in plain words; None when they may, or when nobody is logged in."""
    if member is None or not member.is_authenticated or member.may_take_part:
        return None
    if member.is_active and not member.is_banned:
        until = formats.date_format(timezone.localtime(member.suspended_until), "DATETIME_FORMAT")
        return _(
            "Your account is suspended until %(until)s. Until then you can read, but not speak, "
            "edit, reply, flag or answer stories."
        ) % {"until": until}
    return _("Your account is closed: it can no longer speak, edit, reply, flag or answer stories.")


def ensure_may_take_part(member) -> None:
    """Raise NotAllowedNow for a suspended or banned member; anyone else may go on."""
    if (refusal := standing_refusal(member)) is not None:
        raise NotAllowedNow(refusal)


@dataclass(frozen=True)
class Spoken:
    statement: Statement
    story: Story | None
    receipt: str | None  # shown to the person, never stored
    repeated: bool = False  # the same form sent again: nothing new was counted


def say_me_too(
    *,
    member=None,
    anonymous: bool = True,
    details: Details | None = None,
    draft: StoryDraft | None = None,
    language: str = "",
    at: datetime.datetime | None = None,
    once: str = "",
) -> Spoken:
    """Record one "me too": the statement, its story if one is shared, and the total, all at once.

    `at` is when it was said, for imports and demo content; by default now. `once` is the one-time
    token of the form it came from: the same token again (a refresh, a double click) counts nothing
    more and gives back what the first one made, with the same receipt (receipts.receipt_for_form).

    Without an account, or when a member chooses anonymity, the person gets a receipt; a member
    speaking anonymously is linked to the statement only through their keyed tag. A suspended or
    banned member is refused (NotAllowedNow), anonymously or not: the tag would still link it to them."""
    ensure_may_take_part(member)
    if once and (earlier := _said_before(once)) is not None:
        return earlier
    try:
        return _say(
            member=member,
            anonymous=anonymous,
            details=details,
            draft=draft,
            language=language,
            at=at,
            once=once,
        )
    except IntegrityError:
        # The same form sent twice at once: the other request wrote it first.
        if once and (earlier := _said_before(once)) is not None:
            return earlier
        raise


def _said_before(once: str) -> Spoken | None:
    statement = Statement.objects.filter(once_key=keys.keyed_hash("speak-once", once)).first()
    if statement is None:
        return None
    story = Story.objects.filter(statement=statement).first()
    receipt = receipts.receipt_for_form(once) if statement.receipt_hash is not None else None
    return Spoken(statement=statement, story=story, receipt=receipt, repeated=True)


def _say(*, member, anonymous: bool, details, draft, language: str, at, once: str) -> Spoken:
    details = details or Details()
    receipt = None
    speaks_as_member = member is not None and member.is_authenticated and not anonymous
    statement = Statement(
        created_at=at or timezone.now(),
        member=member if speaks_as_member else None,
        language=(draft.language if draft and draft.language else language)[:8],
        setting=details.setting,
        relation=details.relation,
        age_at_time=details.age_at_time,
        year=details.year,
        ongoing=details.ongoing,
        country=details.country,
        harms=sorted(set(details.harms)),
        once_key=keys.keyed_hash("speak-once", once) if once else None,
    )
    if not speaks_as_member:
        receipt = receipts.receipt_for_form(once) if once else receipts.new_receipt()
        statement.receipt_hash = receipts.receipt_hash(receipt)
        if member is not None and member.is_authenticated:
            statement.member_tag = member_tag(member.pk)
    with transaction.atomic():
        statement.save()
        story = _share_story(statement, draft, member) if draft is not None else None
        statement_changed(None, facts_of(statement, story))
    return Spoken(statement=statement, story=story, receipt=receipt)


def _share_story(statement: Statement, draft: StoryDraft, member) -> Story:
    screening = screen(f"{draft.title}\n{draft.text}")
    story = Story.objects.create(
        statement=statement,
        title=draft.title,
        text=draft.text,
        language=statement.language,
        visibility=draft.visibility,
        content_warnings=sorted(set(draft.content_warnings)),
        cw_note=draft.cw_note,
        replies_enabled=draft.replies_enabled,
        identifies_someone=screening.identifies_someone,
        urgent=screening.urgent,
        created_at=statement.created_at,
        updated_at=statement.created_at,
    )
    story.index_hashtags()
    story.index_warnings()
    if initial_status(story, member) == Status.PUBLISHED:
        story.publish()
    return story


def initial_status(story: Story, member) -> str:
    """Whether a story goes to the wall at once or waits for a moderator.

    Stories meant for moderators only, and stories that name or identify someone, always wait.
    Stories from trusted members publish at once (MODERATION_TRUSTED_PUBLISH); everyone else's wait,
    unless the site turned review off (MODERATION_REVIEW)."""
    if story.visibility == Visibility.MODERATORS or story.identifies_someone:
        return Status.PENDING
    trusted = member is not None and member.is_authenticated and member.is_trusted
    if trusted and settings.MODERATION_TRUSTED_PUBLISH:
        return Status.PUBLISHED
    return Status.PENDING if settings.MODERATION_REVIEW else Status.PUBLISHED


def edit_story(*, story: Story, draft: StoryDraft, details: Details, member=None) -> Story:
    """Change a story. A change goes back to review unless its author may publish at once; a rejected
    story goes back to review whoever edits it, and a hidden one stays hidden.

    The statement and story are re-read under lock, so the magnitude moves from what is stored now,
    not from a copy someone else changed meanwhile. Returns the stored story."""
    ensure_may_take_part(member)
    with transaction.atomic():
        statement = Statement.objects.select_for_update().get(pk=story.statement_id)
        story = Story.objects.select_for_update().get(pk=story.pk)
        story.statement = statement
        before = facts_of(statement, story)
        screening = screen(f"{draft.title}\n{draft.text}")
        story.identifies_someone = screening.identifies_someone
        story.urgent = screening.urgent
        story.title = draft.title
        story.text = draft.text
        story.visibility = draft.visibility
        story.content_warnings = sorted(set(draft.content_warnings))
        story.cw_note = draft.cw_note
        story.replies_enabled = draft.replies_enabled
        if draft.language:
            story.language = draft.language[:8]
        story.updated_at = timezone.now()
        story.version += 1
        # What moderators said was about the version before: the new one has not been read yet.
        story.moderation_code = ""
        story.moderation_message = ""
        if story.status == Status.REJECTED:
            # The moderator's "no" stands until a moderator reads the new version.
            story.status = Status.PENDING
            story.rejected_at = None
            story.published_at = None
        elif story.status in (Status.PUBLISHED, Status.PENDING):  # hidden stays hidden
            wanted = initial_status(story, member)
            story.status = wanted
            story.published_at = story.published_at if wanted == Status.PUBLISHED else None
        story.save()
        for name, value in vars(details).items():
            setattr(statement, name, sorted(set(value)) if name == "harms" else value)
        statement.save()
        story.index_hashtags()
        story.index_warnings()
        if story.status == Status.PUBLISHED:
            story.publish()
        statement_changed(before, facts_of(statement, story))
    return story


def edit_goes_back_to_review(*, story: Story, member) -> bool:
    """Whether saving an edit takes the story to a moderator again (see edit_story)."""
    if story.status == Status.REJECTED:
        return True
    if story.status == Status.HIDDEN:
        return False
    candidate = Story(visibility=story.visibility, identifies_someone=False)
    return initial_status(candidate, member) == Status.PENDING


def delete_statement(*, statement: Statement, keep_in_total: bool) -> bool:
    """Delete what the person said. The story's text, its hashtags, solidarity and replies go at once
    (and with them the full-text index entry). If they want to stay counted, a bare statement with
    no link to them remains; otherwise the statement goes too and the total drops by one.

    What is counted is read from the stored row under lock, never from the caller's copy: two
    deletions of the same statement, or a withdrawal then a deletion from an older copy, move the
    total and the magnitude once. Returns whether this call deleted a story or a statement (False
    when another had deleted them first: `prune_expired` running on two servers at once)."""
    with transaction.atomic():
        current = Statement.objects.select_for_update().filter(pk=statement.pk).first()
        if current is None:  # already deleted
            return False
        story = Story.objects.select_for_update().filter(statement=current).first()
        before = facts_of(current, story)
        if story is not None:
            Story.objects.filter(pk=story.pk).delete()
            transaction.on_commit(_erase_freed_pages)
        if keep_in_total and current.counted:
            Statement.objects.filter(pk=current.pk).update(
                member=None, member_tag=None, receipt_hash=None, once_key=None
            )
            statement_changed(before, facts_of(current))
            return story is not None
        deleted, _rows = Statement.objects.filter(pk=current.pk).delete()
        if deleted and current.counted:
            statement_changed(before, None)
        return bool(deleted)


def _erase_freed_pages() -> None:
    """After a story's deletion commits, copy SQLite's write-ahead log back into the database file
    and truncate it: the database zeroes freed pages (secure_delete) but the log still holds the
    old pages until a checkpoint, and deleted words must be gone at once. A checkpoint that readers
    hold back stays partial; the next one (or prune_expired) finishes it. An in-memory database (the
    tests') has no log to copy back, and there the pragma could only fail on a table another
    connection of its shared cache holds."""
    if connection.vendor != "sqlite" or connection.in_atomic_block or connection.is_in_memory_db():
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def withdraw_from_total(*, statement: Statement) -> None:
    with transaction.atomic():
        current = Statement.objects.select_for_update().filter(pk=statement.pk).first()
        if current is None:
            return
        before = facts_of(current, Story.objects.filter(statement=current).first())
        if Statement.objects.filter(pk=current.pk, counted=True).update(counted=False):
            statement_changed(before, None)


_COUNT_FIELDS = {
    SolidarityKind.ME_TOO: "me_too_count",
    SolidarityKind.BELIEVE_YOU: "believe_you_count",
    SolidarityKind.NOT_ALONE: "not_alone_count",
}


def stand_with(*, story: Story, kind: str, responder: bytes, member=None) -> bool:
    """Add one answer of this kind from this person; False if they had already given it.

    `member` is who is logged in, if anyone: a suspended or banned member is refused (NotAllowedNow)."""
    ensure_may_take_part(member)
    try:
        with transaction.atomic():
            Solidarity.objects.create(story=story, kind=kind, responder=responder)
            Story.objects.filter(pk=story.pk).update(**{_COUNT_FIELDS[kind]: F(_COUNT_FIELDS[kind]) + 1})
    except IntegrityError:
        return False
    return True


class ReplyRefused(Exception):
    """A reply that may not be posted; the message says why, in plain words."""


def reply_refusal(*, story: Story, member) -> str | None:
    """Why this reader may not reply to this story, in plain words; None when they may.

    Replies come from trusted members only: a reply lands in front of a person who has just told
    something painful, and new accounts are how pile-ons arrive. A member becomes trusted when their
    own stories have been approved (moderation.services.promote_if_earned) or when a moderator trusts
    them; a supporter who never wrote a story asks the moderators."""
    if not story.replies_enabled:
        return _("The author has not turned replies on.")
    if member is None or not member.is_authenticated:
        return _("Only members can reply.")
    if (refusal := standing_refusal(member)) is not None:
        return refusal
    if not member.is_trusted:
        # Two counts in one sentence: each clause takes the plural form of its own number.
        stories, days = settings.TRUST_MIN_APPROVED_STORIES, settings.TRUST_MIN_DAYS
        return _(
            "To protect the people who speak here, only trusted members can reply. You become one when "
            "%(stories_approved)s and %(account_age)s, or when a moderator trusts you."
        ) % {
            "stories_approved": ngettext(
                "%(stories)s of your stories has been approved",
                "%(stories)s of your stories have been approved",
                stories,
            )
            % {"stories": stories},
            "account_age": ngettext(
                "your account is %(days)s day old", "your account is %(days)s days old", days
            )
            % {"days": days},
        }
    if ReplyBlock.objects.filter(story=story, member=member).exists():
        return _("The author has turned off replies from you.")
    return None


def reply_to(*, story: Story, member, text: str) -> Reply:
    """Replies exist only where the author turned them on, from trusted members in good standing
    whom the author has not blocked (reply_refusal), and no faster than the story's slow mode allows."""
    if (refusal := reply_refusal(story=story, member=member)) is not None:
        raise ReplyRefused(refusal)
    if story.slow_mode_seconds:
        since = timezone.now() - datetime.timedelta(seconds=story.slow_mode_seconds)
        if Reply.objects.filter(story=story, member=member, created_at__gt=since).exists():
            raise ReplyRefused(_("This conversation is in slow mode: wait a little before replying again."))
    return Reply.objects.create(story=story, member=member, text=text)


def block_replier(*, story: Story, member_id: int) -> None:
    """The author stops a member from replying to their story; the member's replies are hidden."""
    with transaction.atomic():
        ReplyBlock.objects.get_or_create(story=story, member_id=member_id)
        Reply.objects.filter(story=story, member_id=member_id).update(hidden_by_author=True)


def set_reply_hidden(*, reply: Reply, hidden: bool) -> None:
    Reply.objects.filter(pk=reply.pk).update(hidden_by_author=hidden)


def withdraw_solidarity(*, responder: bytes) -> None:
    """Remove every answer this person gave, and take them off the stories' counts."""
    with transaction.atomic():
        for row in Solidarity.objects.filter(responder=responder).select_for_update():
            field = _COUNT_FIELDS[row.kind]
            Story.objects.filter(pk=row.story_id, **{f"{field}__gt": 0}).update(**{field: F(field) - 1})
            row.delete()
