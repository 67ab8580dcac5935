"""The moderation record: decisions (an append-only audit log, never any content) and flags."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ustoo.core.audit import AppendOnlyLog


class ReasonCode(models.TextChoices):
    """Why a story was not published or was hidden. It is written on the story (its
    `moderation_code`), and the author's page names it through the `reason_label` filter."""

    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Not about harassment or assault")
    IDENTIFIES = "identifies", _("Names or identifies a person")
    HATEFUL = "hateful", _("Hateful or abusive")
    DUPLICATE = "duplicate", _("Already shared")
    OTHER = "other", _("Another reason (see the message)")


class Action(models.TextChoices):
    APPROVE = "approve", _("Approved")
    # Context: a story's decision agrees with it (Spanish "rechazada"), not with a campaign's.
    REJECT = "reject", pgettext_lazy("story decision", "Rejected")
    REQUEST_CHANGES = "request_changes", _("Asked the author to change something")
    HIDE = "hide", _("Hidden")
    HIDE_BY_FLAGS = "hide_by_flags", _("Hidden after flags")
    HIDE_REPLY = "hide_reply", _("Reply hidden")
    RESTORE_REPLY = "restore_reply", _("Reply restored")
    BLOCK_RECEIPT = "block_receipt", _("Receipt stopped")
    SLOW_MODE = "slow_mode", _("Slow mode set")
    PROMOTE = "promote", _("Promoted to member")
    MAKE_MODERATOR = "make_moderator", _("Made a moderator")
    SUSPEND = "suspend", _("Suspended")
    BAN = "ban", _("Banned")
    REINSTATE = "reinstate", _("Reinstated")
    PRUNE = "prune", _("Deleted after the retention period")


class Decision(AppendOnlyLog):
    """One moderation action: who, what, when, which code. Never a copy of the story's text, and
    objects are named by id only, so the log outlives what it refers to without keeping any of it."""

    action = models.CharField(max_length=16, choices=Action.choices)
    story_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reply_id = models.BigIntegerField(null=True, blank=True)
    member_id = models.BigIntegerField(null=True, blank=True)
    # Set when a moderator stops a receipt on its own, so reinstating a banned member leaves it stopped.
    statement_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    code = models.CharField(max_length=16, choices=ReasonCode.choices, blank=True)
    until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.action} by {self.actor_name or 'the system'} at {self.created_at:%Y-%m-%d %H:%M}"


class FlagReason(models.TextChoices):
    IDENTIFIES = "identifies", _("It names or identifies someone")
    HATEFUL = "hateful", _("It is hateful or abusive")
    SPAM = "spam", _("It is spam")
    HARASSMENT = "harassment", _("It harasses the author or someone else")
    OTHER = "other", _("Something else")


class Flag(models.Model):
    story = models.ForeignKey(
        "stories.Story", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    reply = models.ForeignKey(
        "stories.Reply", null=True, blank=True, on_delete=models.CASCADE, related_name="flags"
    )
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "member"], name="flag_story_once_per_member"),
            models.UniqueConstraint(fields=["reply", "member"], name="flag_reply_once_per_member"),
            models.CheckConstraint(
                condition=models.Q(story__isnull=False, reply__isnull=True)
                | models.Q(story__isnull=True, reply__isnull=False),
                name="flag_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = f"story {self.story_id}" if self.story_id else f"reply {self.reply_id}"
        return f"{self.reason} on {target}"
