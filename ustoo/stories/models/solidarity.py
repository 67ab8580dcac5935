"""Solidarity (one-tap answers) and replies, which exist only where the author allows them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.stories.models.choices import SolidarityKind
from ustoo.stories.models.story import Story

MAX_REPLY_LENGTH = 2_000


class Solidarity(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="solidarity")
    kind = models.CharField(max_length=12, choices=SolidarityKind.choices)
    # Who answered, reduced to a keyed hash of "member:<id>" or of the browser session, so the row
    # enforces one answer of each kind per person without saying who.
    responder = models.BinaryField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["story", "kind", "responder"], name="solidarity_once_per_person")
        ]
        indexes = [models.Index(fields=["responder"], name="solidarity_responder_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on story {self.story_id}"


class ReplyQuerySet(models.QuerySet["Reply"]):
    def visible(self) -> "ReplyQuerySet":
        return self.filter(hidden_by_author=False, hidden_by_moderators=False)


class Reply(models.Model):
    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="replies")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("your reply"), max_length=MAX_REPLY_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    hidden_by_author = models.BooleanField(default=False)
    hidden_by_moderators = models.BooleanField(default=False)

    objects = ReplyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = _("replies")

    def __str__(self) -> str:
        return f"reply {self.pk} on story {self.story_id}"

    @property
    def is_visible(self) -> bool:
        return not (self.hidden_by_author or self.hidden_by_moderators)


class ReplyBlock(models.Model):
    """The author of a story stopped this member from replying to it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="reply_blocks")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "member"], name="reply_block_once")]

    def __str__(self) -> str:
        return f"member {self.member_id} blocked on story {self.story_id}"
