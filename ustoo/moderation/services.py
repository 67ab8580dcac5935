"""Moderation workflows. Each decision checks that what it acts on has not changed since the
moderator read it (a story's version, a member's state, a reply's visibility), applies the change,
and writes its line in the audit log, in one transaction: a decision taken twice is applied once."""

import datetime
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.accounts.models import Member, Role, TrustLevel
from ustoo.core import ratelimit
from ustoo.core.ownership import member_tag
from ustoo.moderation.models import Action, Decision, Flag
from ustoo.stories.models import Reply, Statement, Status, Story
from ustoo.stories.services import standing_refusal

FLAG_LIMIT_WINDOW_SECONDS = 24 * 60 * 60


class ModerationRefused(Exception):
    """A decision that cannot be applied; the message says why, in plain words."""


class Conflict(ModerationRefused):
    """What the decision is about changed since the moderator read it: nothing was applied."""


class NotPermitted(ModerationRefused):
    """This moderator's role does not allow this decision about this member."""


class FlagLimited(ModerationRefused):
    """A new member flagged as often as they may today; `retry_after` says for how many seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _log(*, moderator, **fields) -> Decision:
    return Decision.record(actor=moderator, **fields)


def _current(story: Story, expected_version: int) -> Story:
    current = Story.objects.select_for_update().select_related("statement").get(pk=story.pk)
    if current.version != expected_version:
        raise Conflict(
            _(
                "This story changed since you opened it (someone else decided, or the author edited it). "
                "Nothing was applied: look at it again."
            )
        )
    return current


def _resolve_flags(story: Story) -> None:
    Flag.objects.filter(story=story, resolved_at__isnull=True).update(resolved_at=timezone.now())


def approve_story(*, story: Story, moderator: Member, expected_version: int) -> Story:
    with transaction.atomic():
        story = _current(story, expected_version)
        if story.visibility == "moderators":
            raise ModerationRefused(
                _("The author chose that only moderators read this story: it is never published.")
            )
        story.moderation_code = ""
        story.moderation_message = ""
        story.save(update_fields=["moderation_code", "moderation_message"])
        story.publish()
        _resolve_flags(story)
        _log(moderator=moderator, action=Action.APPROVE, story_id=story.pk)
        if story.statement.member_id:
            promote_if_earned(story.statement.member)
    return story


def reject_story(*, story: Story, moderator: Member, code: str, message: str, expected_version: int) -> Story:
    with transaction.atomic():
        story = _current(story, expected_version)
        story.moderation_code = code
        story.moderation_message = message
        story.rejected_at = timezone.now()  # the retention period starts now
        story.save(update_fields=["moderation_code", "moderation_message", "rejected_at"])
        story.unpublish(Status.REJECTED)
        _resolve_flags(story)
        _log(moderator=moderator, action=Action.REJECT, story_id=story.pk, code=code)
    return story


def request_changes(*, story: Story, moderator: Member, message: str, expected_version: int) -> Story:
    """The story stays pending; the author reads the message on their receipt or account page."""
    with transaction.atomic():
        story = _current(story, expected_version)
        story.moderation_code = ""
        story.moderation_message = message
        story.save(update_fields=["moderation_code", "moderation_message"])
        story.unpublish(Status.PENDING)
        _log(moderator=moderator, action=Action.REQUEST_CHANGES, story_id=story.pk)
    return story


def hide_story(*, story: Story, moderator: Member, code: str, message: str, expected_version: int) -> Story:
    with transaction.atomic():
        story = _current(story, expected_version)
        story.moderation_code = code
        story.moderation_message = message
        story.save(update_fields=["moderation_code", "moderation_message"])
        story.unpublish(Status.HIDDEN)
        _resolve_flags(story)
        _log(moderator=moderator, action=Action.HIDE, story_id=story.pk, code=code)
    return story


def block_receipt(*, story: Story, moderator: Member, expected_version: int) -> None:
    """Stop the receipt of a story's anonymous author: it opens nothing any more. Who it was stays
    unknown. The decision stands on its own: reinstating a banned member does not undo it."""
    with transaction.atomic():
        story = _current(story, expected_version)
        if Decision.objects.filter(action=Action.BLOCK_RECEIPT, statement_id=story.statement_id).exists():
            raise Conflict(_("This receipt was already stopped. Nothing was applied."))
        Statement.objects.filter(pk=story.statement_id).update(receipt_blocked=True)
        _log(
            moderator=moderator,
            action=Action.BLOCK_RECEIPT,
            story_id=story.pk,
            statement_id=story.statement_id,
        )


def set_slow_mode(*, story: Story, moderator: Member, seconds: int, expected_version: int) -> None:
    with transaction.atomic():
        story = _current(story, expected_version)
        story.slow_mode_seconds = max(0, seconds)
        story.version += 1
        story.save(update_fields=["slow_mode_seconds", "version"])
        _log(moderator=moderator, action=Action.SLOW_MODE, story_id=story.pk)


def set_reply_hidden_by_moderators(*, reply: Reply, moderator: Member, hidden: bool) -> None:
    """Hide or restore a reply; either way its open flags are resolved (keeping hidden a reply that
    flags hid is a decision too). Refused when there is nothing left to decide: the reply is already
    in that state with no open flag (another moderator decided meanwhile, or the form was sent twice)."""
    with transaction.atomic():
        current = Reply.objects.select_for_update().filter(pk=reply.pk).first()
        if current is None:
            raise Conflict(_("This reply was deleted meanwhile."))
        open_flags = Flag.objects.filter(reply=current, resolved_at__isnull=True)
        if current.hidden_by_moderators == hidden and not open_flags.exists():
            raise Conflict(
                _("This reply is already hidden: nothing was applied.")
                if hidden
                else _("This reply is already visible: nothing was applied.")
            )
        Reply.objects.filter(pk=current.pk).update(hidden_by_moderators=hidden)
        open_flags.update(resolved_at=timezone.now())
        action = Action.HIDE_REPLY if hidden else Action.RESTORE_REPLY
        _log(moderator=moderator, action=action, story_id=current.story_id, reply_id=current.pk)


# Members: trust, suspension, ban.


def promote_if_earned(member: Member) -> bool:
    """New members become members after enough approved stories and enough days."""
    if member.trust_level != TrustLevel.NEW:
        return False
    old_enough = member.date_joined <= timezone.now() - datetime.timedelta(days=settings.TRUST_MIN_DAYS)
    approved = Statement.objects.owned_by_member(member).filter(story__status=Status.PUBLISHED).count()
    if old_enough and approved >= settings.TRUST_MIN_APPROVED_STORIES:
        Member.objects.filter(pk=member.pk).update(trust_level=TrustLevel.MEMBER)
        member.trust_level = TrustLevel.MEMBER
        _log(moderator=None, action=Action.PROMOTE, member_id=member.pk)
        return True
    return False


def member_state(member: Member) -> str:
    """A short digest of what moderators decide about a member (role, trust, suspension, ban). The
    members page sends it back with a decision, which is refused if the member changed meanwhile."""
    parts = [
        member.role,
        member.trust_level,
        member.suspended_until.isoformat() if member.suspended_until else "",
        member.banned_at.isoformat() if member.banned_at else "",
        str(member.is_active),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _current_member(member: Member, moderator: Member, expected_state: str) -> Member:
    """The member as stored now, locked; refused if they changed since the moderator read the page,
    or if this moderator may not decide about them."""
    current = Member.objects.select_for_update().get(pk=member.pk)
    if member_state(current) != expected_state:
        raise Conflict(
            _(
                "This member's standing changed since you opened the page (someone else decided). "
                "Nothing was applied: look again."
            )
        )
    check_may_decide_about(current, moderator)
    return current


def check_may_decide_about(member: Member, moderator: Member) -> None:
    """Raise NotPermitted, saying why, when this moderator's role lets them take no decision at all
    about this member."""
    if member.pk == moderator.pk:
        raise NotPermitted(_("You cannot take a decision about your own account."))
    if member.role == Role.ADMIN:
        raise NotPermitted(_("Administrators are managed with the ustoo create_moderator command, not here."))
    if member.role == Role.MODERATOR and moderator.role != Role.ADMIN:
        raise NotPermitted(_("Only an administrator can take a decision about a moderator."))


def promote(*, member: Member, moderator: Member, expected_state: str) -> None:
    with transaction.atomic():
        member = _current_member(member, moderator, expected_state)
        if member.trust_level != TrustLevel.NEW:
            raise ModerationRefused(_("This member is not new any more: nothing to promote."))
        Member.objects.filter(pk=member.pk).update(trust_level=TrustLevel.MEMBER)
        _log(moderator=moderator, action=Action.PROMOTE, member_id=member.pk)


def make_moderator(*, member: Member, moderator: Member, expected_state: str) -> None:
    """Administrators only: a member in good standing becomes a moderator."""
    if moderator.role != Role.ADMIN:
        raise NotPermitted(_("Only an administrator can make a member a moderator."))
    with transaction.atomic():
        member = _current_member(member, moderator, expected_state)
        if member.role != Role.MEMBER:
            raise ModerationRefused(_("This member is already a moderator."))
        if not member.may_take_part:
            raise ModerationRefused(_("Reinstate this member first."))
        Member.objects.filter(pk=member.pk).update(role=Role.MODERATOR, trust_level=TrustLevel.MEMBER)
        _log(moderator=moderator, action=Action.MAKE_MODERATOR, member_id=member.pk)


def suspend(*, member: Member, moderator: Member, days: int, expected_state: str) -> None:
    until = timezone.now() + datetime.timedelta(days=days)
    with transaction.atomic():
        member = _current_member(member, moderator, expected_state)
        if member.is_banned:
            raise ModerationRefused(_("This member is banned: reinstate them before suspending."))
        Member.objects.filter(pk=member.pk).update(suspended_until=until)
        _log(moderator=moderator, action=Action.SUSPEND, member_id=member.pk, until=until)


def ban(*, member: Member, moderator: Member, expected_state: str) -> None:
    """A ban ends the member's sessions (an inactive account is logged out on its next request) and
    stops every receipt of what they said anonymously."""
    with transaction.atomic():
        member = _current_member(member, moderator, expected_state)
        if member.is_banned:
            raise ModerationRefused(_("This member is already banned."))
        Member.objects.filter(pk=member.pk).update(banned_at=timezone.now(), is_active=False)
        Statement.objects.filter(member_tag=member_tag(member.pk)).update(receipt_blocked=True)
        _log(moderator=moderator, action=Action.BAN, member_id=member.pk)


def reinstate(*, member: Member, moderator: Member, expected_state: str) -> None:
    """End a ban or a suspension. Receipts the ban stopped open again, but not one a moderator
    stopped on its own (block_receipt): that decision stands."""
    with transaction.atomic():
        member = _current_member(member, moderator, expected_state)
        if not member.is_banned and member.suspended_until is None:
            raise ModerationRefused(_("This member is in good standing: nothing to reinstate."))
        Member.objects.filter(pk=member.pk).update(banned_at=None, suspended_until=None, is_active=True)
        stopped_on_their_own = Decision.objects.filter(
            action=Action.BLOCK_RECEIPT, statement_id__isnull=False
        ).values("statement_id")
        Statement.objects.filter(member_tag=member_tag(member.pk), receipt_blocked=True).exclude(
            pk__in=stopped_on_their_own
        ).update(receipt_blocked=False)
        _log(moderator=moderator, action=Action.REINSTATE, member_id=member.pk)


# Community flags.


def flag(*, member: Member, reason: str, story: Story | None = None, reply: Reply | None = None) -> bool:
    """One flag per member per story or reply; MODERATION_FLAGS_TO_HIDE distinct open flags hide it
    until a moderator decides (the flagged queue shows it first).

    Returns False if this member had already flagged it. New members may flag only a few times a
    day (FlagLimited, with the seconds to wait)."""
    if (refusal := standing_refusal(member)) is not None:
        raise ModerationRefused(refusal)
    if not member.is_trusted:
        wait = ratelimit.attempt(
            "flag-new-member",
            str(member.pk),
            ratelimit.Rate(settings.MODERATION_NEW_MEMBER_FLAGS_PER_DAY, FLAG_LIMIT_WINDOW_SECONDS),
        )
        if wait is not None:
            raise FlagLimited(
                _("New members can flag a few times a day. Thank you: try again tomorrow."),
                retry_after=wait,
            )
    try:
        with transaction.atomic():
            # The flagged object is locked first, so concurrent flags are counted one after another.
            if story is not None:
                story = Story.objects.select_for_update().get(pk=story.pk)
            if reply is not None:
                reply = Reply.objects.select_for_update().get(pk=reply.pk)
            Flag.objects.create(member=member, reason=reason, story=story, reply=reply)
            open_flags = Flag.objects.filter(story=story, reply=reply, resolved_at__isnull=True).count()
            if open_flags >= settings.MODERATION_FLAGS_TO_HIDE:
                _hide_after_flags(story=story, reply=reply)
    except IntegrityError:
        return False
    return True


def _hide_after_flags(*, story: Story | None, reply: Reply | None) -> None:
    if story is not None and story.status == Status.PUBLISHED:
        story.unpublish(Status.HIDDEN)
        _log(moderator=None, action=Action.HIDE_BY_FLAGS, story_id=story.pk)
    if reply is not None and not reply.hidden_by_moderators:
        Reply.objects.filter(pk=reply.pk).update(hidden_by_moderators=True)
        _log(moderator=None, action=Action.HIDE_BY_FLAGS, story_id=reply.story_id, reply_id=reply.pk)
