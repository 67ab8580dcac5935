"""Moderation workflows. Each decision checks the story has not changed since the moderator read it,
applies the change, and writes its line in the audit log, in one transaction."""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.accounts.models import Member, TrustLevel
from ustoo.core import ratelimit
from ustoo.core.ownership import member_tag
from ustoo.moderation.models import Action, Decision, Flag
from ustoo.stories.models import Reply, Statement, Status, Story


class ModerationRefused(Exception):
    """A decision that cannot be applied; the message says why, in plain words."""


def _log(
    *, moderator, action: str, story_id=None, reply_id=None, member_id=None, code="", until=None
) -> Decision:
    return Decision.objects.create(
        moderator=moderator,
        moderator_name=moderator.username if moderator is not None else "",
        action=action,
        story_id=story_id,
        reply_id=reply_id,
        member_id=member_id,
        code=code,
        until=until,
    )


def _current(story: Story, expected_version: int) -> Story:
    current = Story.objects.select_for_update().select_related("statement").get(pk=story.pk)
    if current.version != expected_version:
        raise ModerationRefused(
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


def block_receipt(*, statement: Statement, moderator: Member) -> None:
    """Stop the receipt of an anonymous author: it opens nothing any more. Who it was stays unknown."""
    with transaction.atomic():
        Statement.objects.filter(pk=statement.pk).update(receipt_blocked=True)
        story_id = Story.objects.filter(statement=statement).values_list("pk", flat=True).first()
        _log(moderator=moderator, action=Action.BLOCK_RECEIPT, story_id=story_id)


def set_slow_mode(*, story: Story, moderator: Member, seconds: int) -> None:
    with transaction.atomic():
        Story.objects.filter(pk=story.pk).update(slow_mode_seconds=max(0, seconds))
        _log(moderator=moderator, action=Action.SLOW_MODE, story_id=story.pk)


def set_reply_hidden_by_moderators(*, reply: Reply, moderator: Member, hidden: bool) -> None:
    with transaction.atomic():
        Reply.objects.filter(pk=reply.pk).update(hidden_by_moderators=hidden)
        if not hidden:
            Flag.objects.filter(reply=reply, resolved_at__isnull=True).update(resolved_at=timezone.now())
        action = Action.HIDE_REPLY if hidden else Action.RESTORE_REPLY
        _log(moderator=moderator, action=action, story_id=reply.story_id, reply_id=reply.pk)


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


def promote(*, member: Member, moderator: Member) -> None:
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(trust_level=TrustLevel.MEMBER)
        _log(moderator=moderator, action=Action.PROMOTE, member_id=member.pk)


def suspend(*, member: Member, moderator: Member, days: int) -> None:
    if member.is_moderator:
        raise ModerationRefused(_("Moderators cannot be suspended from here."))
    until = timezone.now() + datetime.timedelta(days=days)
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(suspended_until=until)
        _log(moderator=moderator, action=Action.SUSPEND, member_id=member.pk, until=until)


def ban(*, member: Member, moderator: Member) -> None:
    """A ban ends the member's sessions and stops every receipt of what they said anonymously."""
    if member.is_moderator:
        raise ModerationRefused(_("Moderators cannot be banned from here."))
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(banned_at=timezone.now(), is_active=False)
        Statement.objects.filter(member_tag=member_tag(member.pk)).update(receipt_blocked=True)
        _log(moderator=moderator, action=Action.BAN, member_id=member.pk)


def reinstate(*, member: Member, moderator: Member) -> None:
    with transaction.atomic():
        Member.objects.filter(pk=member.pk).update(banned_at=None, suspended_until=None, is_active=True)
        Statement.objects.filter(member_tag=member_tag(member.pk)).update(receipt_blocked=False)
        _log(moderator=moderator, action=Action.REINSTATE, member_id=member.pk)


# Community flags.


def flag(*, member: Member, reason: str, story: Story | None = None, reply: Reply | None = None) -> bool:
    """One flag per member per story or reply; enough distinct flags hide it until a moderator looks.

    Returns False if this member had already flagged it. New members may flag only a few times a day."""
    if not member.may_take_part:
        raise ModerationRefused(_("Your account cannot flag right now."))
    if not member.is_trusted:
        window = 24 * 60 * 60
        if ratelimit.is_blocked(
            "flag-new-member", str(member.pk), settings.MODERATION_NEW_MEMBER_FLAGS_PER_DAY
        ):
            raise ModerationRefused(
                _("New members can flag a few times a day. Thank you: try again tomorrow.")
            )
        ratelimit.record("flag-new-member", str(member.pk), window)
    try:
        with transaction.atomic():
            Flag.objects.create(member=member, reason=reason, story=story, reply=reply)
            open_flags = Flag.objects.filter(story=story, reply=reply, resolved_at__isnull=True).count()
            if open_flags >= settings.MODERATION_FLAGS_TO_HIDE:
                _hide_after_flags(story=story, reply=reply)
    except IntegrityError:
        return False
    return True


def _hide_after_flags(*, story: Story | None, reply: Reply | None) -> None:
    if story is not None and story.status == Status.PUBLISHED:
        Story.objects.get(pk=story.pk).unpublish(Status.HIDDEN)
        _log(moderator=None, action=Action.HIDE_BY_FLAGS, story_id=story.pk)
    if reply is not None and not reply.hidden_by_moderators:
        Reply.objects.filter(pk=reply.pk).update(hidden_by_moderators=True)
        _log(moderator=None, action=Action.HIDE_BY_FLAGS, story_id=reply.story_id, reply_id=reply.pk)
