"""A statement is one person saying "me too" once: the unit of the public total."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from ustoo.stories.models.choices import AgeAtTime, Relation, Setting


class StatementQuerySet(models.QuerySet["Statement"]):
    def counted(self) -> "StatementQuerySet":
        return self.filter(counted=True)

    def owned_by_member(self, member) -> "StatementQuerySet":
        from ustoo.core.ownership import member_tag

        return self.filter(models.Q(member=member) | models.Q(member_tag=member_tag(member.pk)))


class Statement(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set only when a member speaks under their name; a member speaking anonymously is linked by
    # `member_tag`, a keyed hash that no page or moderator view ever shows.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="statements"
    )
    member_tag = models.BinaryField(max_length=32, null=True, blank=True, editable=False, db_index=True)
    receipt_hash = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    # A keyed hash of the speaking form's one-time token: the same form sent twice (a refresh, a
    # double click) finds the statement it already made. Cleared by prune_expired after a day.
    once_key = models.BinaryField(max_length=32, null=True, blank=True, editable=False, unique=True)
    # A moderator's ban also stops the receipt: it opens nothing any more.
    receipt_blocked = models.BooleanField(default=False)
    counted = models.BooleanField(default=True)
    language = models.CharField(max_length=8, blank=True)

    setting = models.CharField(_("where it happened"), max_length=16, choices=Setting.choices, blank=True)
    relation = models.CharField(_("who did it"), max_length=16, choices=Relation.choices, blank=True)
    age_at_time = models.CharField(_("your age then"), max_length=10, choices=AgeAtTime.choices, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    ongoing = models.BooleanField(_("still going on"), default=False)
    country = CountryField(_("country"), blank=True)
    harms = models.JSONField(_("kinds of harm"), default=list, blank=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"statement {self.pk}"

    @property
    def is_anonymous(self) -> bool:
        return self.member_id is None

    @property
    def country_code(self) -> str:
        """The ISO 3166-1 code as stored, "" when none."""
        return self.country.code or ""
