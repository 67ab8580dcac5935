"""A story: the text a person chose to share, with its content warnings and who may read it."""

from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ustoo.core.hashtags import extract_hashtags
from ustoo.stories.models.choices import ContentWarning, SolidarityKind, Status, Visibility
from ustoo.stories.models.statement import Statement

MAX_TEXT_LENGTH = 20_000
MAX_TITLE_LENGTH = 200
MAX_CW_NOTE_LENGTH = 200


class StoryQuerySet(models.QuerySet["Story"]):
    def published(self) -> "StoryQuerySet":
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, reader) -> "StoryQuerySet":
        """Published stories this reader may read (moderator-only stories are never published)."""
        allowed = [Visibility.PUBLIC]
        if reader is not None and reader.is_authenticated:
            allowed.append(Visibility.MEMBERS)
        return self.published().filter(visibility__in=allowed)

    def newest_first(self) -> "StoryQuerySet":
        return self.order_by("-published_at", "-id")


class Story(models.Model):
    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="story")
    title = models.CharField(_("title (optional)"), max_length=MAX_TITLE_LENGTH, blank=True)
    text = models.TextField(_("your story"), max_length=MAX_TEXT_LENGTH)
    language = models.CharField(_("language"), max_length=8, blank=True)
    visibility = models.CharField(
        _("who can read it"), max_length=12, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    content_warnings = models.JSONField(_("content warnings"), default=list)
    cw_note = models.CharField(
        _("content warning in your words (optional)"), max_length=MAX_CW_NOTE_LENGTH, blank=True
    )
    replies_enabled = models.BooleanField(_("let members reply"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    # Set by screening when the story was sent: it names or identifies someone, or signals danger.
    identifies_someone = models.BooleanField(default=False)
    urgent = models.BooleanField(default=False)
    # The latest moderation outcome the author is told about: one of moderation's reason codes (which
    # name it on the author's page) and a short message.
    moderation_code = models.CharField(max_length=16, blank=True)
    moderation_message = models.CharField(max_length=500, blank=True)
    slow_mode_seconds = models.PositiveIntegerField(default=0)
    # Bumped by every change, so a moderator's decision on a story that changed meanwhile is refused.
    version = models.PositiveIntegerField(default=1)
    # Written for the demo (`ustoo load_demo`), not by a person: pages and the API label it fictional.
    demo = models.BooleanField(default=False, editable=False)
    me_too_count = models.PositiveIntegerField(default=0)
    believe_you_count = models.PositiveIntegerField(default=0)
    not_alone_count = models.PositiveIntegerField(default=0)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        indexes = [
            models.Index(fields=["status", "visibility", "-published_at", "-id"], name="story_wall_idx"),
            models.Index(fields=["status", "language", "-published_at", "-id"], name="story_wall_lang_idx"),
            models.Index(fields=["status", "-urgent", "created_at", "id"], name="story_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"story {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("stories:detail", args=[self.pk])

    @property
    def is_public(self) -> bool:
        return self.status == Status.PUBLISHED and self.visibility == Visibility.PUBLIC

    @property
    def solidarity_counts(self) -> dict[str, int]:
        return {
            "me_too": self.me_too_count,
            "believe_you": self.believe_you_count,
            "not_alone": self.not_alone_count,
        }

    @property
    def solidarity_buttons(self) -> list[tuple[str, str, int]]:
        counts = self.solidarity_counts
        return [(kind, label, counts[kind]) for kind, label in SolidarityKind.choices]

    def publish(self) -> None:
        with transaction.atomic():
            self.status = Status.PUBLISHED
            self.published_at = self.published_at or timezone.now()
            self.version += 1
            self.save(update_fields=["status", "published_at", "version"])
            self.hashtag_rows.update(published_at=self.published_at)

    def unpublish(self, status: str) -> None:
        """Take the story off the wall (pending, rejected or hidden), keeping its text for now."""
        with transaction.atomic():
            self.status = status
            self.version += 1
            self.save(update_fields=["status", "version"])
            self.hashtag_rows.update(published_at=None)

    def index_warnings(self) -> None:
        """Replace this story's warning rows with its current content warnings."""
        self.warning_rows.all().delete()
        StoryWarning.objects.bulk_create(
            StoryWarning(story=self, warning=warning) for warning in sorted(set(self.content_warnings))
        )

    def index_hashtags(self) -> None:
        """Replace this story's hashtag rows with those in its current title and text."""
        tags = extract_hashtags(f"{self.title}\n{self.text}")
        self.hashtag_rows.all().delete()
        StoryHashtag.objects.bulk_create(
            StoryHashtag(story=self, tag=tag, published_at=self.published_at) for tag in tags
        )


class StoryWarning(models.Model):
    """One content warning of a story, as a row: the wall leaves out the warnings a reader hides in
    its one query (a JSON list cannot be searched alike on SQLite and PostgreSQL)."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="warning_rows")
    warning = models.CharField(max_length=24, choices=ContentWarning.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "warning"], name="story_warning_unique")]

    def __str__(self) -> str:
        return self.warning


class StoryHashtag(models.Model):
    """One normalised hashtag of a story; `published_at` is copied so the wall filtered by hashtag
    reads one index in order."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="hashtag_rows")
    tag = models.CharField(max_length=100)
    published_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["story", "tag"], name="story_hashtag_unique")]
        indexes = [models.Index(fields=["tag", "-published_at", "-story"], name="story_hashtag_wall_idx")]

    def __str__(self) -> str:
        return f"#{self.tag}"
