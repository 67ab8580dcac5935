"""The vocabularies a person chooses from when they speak. Stored values never change; labels may."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Setting(models.TextChoices):
    WORKPLACE = "workplace", _("Workplace")
    SCHOOL = "school", _("School or university")
    STREET = "street", _("Street or public space")
    TRANSPORT = "transport", _("Public transport")
    HOME = "home", _("Home or family")
    ONLINE = "online", _("Online")
    MILITARY = "military", _("Military")
    HEALTHCARE = "healthcare", _("Healthcare")
    RELIGIOUS = "religious", _("Religious institution")
    OTHER = "other", pgettext_lazy("setting", "Somewhere else")


class Relation(models.TextChoices):
    STRANGER = "stranger", _("A stranger")
    ACQUAINTANCE = "acquaintance", _("An acquaintance")
    PARTNER = "partner", _("A partner or ex-partner")
    FAMILY = "family", _("A family member")
    COLLEAGUE = "colleague", _("A colleague")
    SUPERIOR = "superior", _("A superior or boss")
    TEACHER = "teacher", _("A teacher or coach")
    OTHER = "other", pgettext_lazy("relation", "Someone else")


class AgeAtTime(models.TextChoices):
    UNDER_13 = "under_13", _("Under 13")
    TEEN = "13_17", _("13 to 17")
    ADULT = "adult", _("Adult")


class Harm(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    PHYSICAL = "physical", _("Physical")
    COERCION = "coercion", _("Coercion")
    ONLINE = "online", _("Online")
    ASSAULT = "assault", _("Assault")
    OTHER = "other", pgettext_lazy("harm", "Other")


class ContentWarning(models.TextChoices):
    SEXUAL_ASSAULT = "sexual_assault", _("Sexual assault")
    CHILD_ABUSE = "child_abuse", _("Child abuse")
    HARASSMENT = "harassment", _("Harassment")
    PHYSICAL_VIOLENCE = "physical_violence", _("Physical violence")
    SELF_HARM = "self_harm", _("Self-harm")
    OTHER = "other", pgettext_lazy("content warning", "Other")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can read it")
    MEMBERS = "members", _("Members only: people with an account can read it")
    MODERATORS = "moderators", _("Moderators only: never published")


class Status(models.TextChoices):
    # Contexts: a story's state agrees with it (Spanish "publicada"), not with a campaign or words.
    PENDING = "pending", pgettext_lazy("story state", "Waiting for review")
    PUBLISHED = "published", pgettext_lazy("story state", "Published")
    REJECTED = "rejected", pgettext_lazy("story state", "Not published")
    HIDDEN = "hidden", _("Hidden while moderators look at it")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SolidarityKind(models.TextChoices):
    ME_TOO = "me_too", _("Me too")
    BELIEVE_YOU = "believe_you", _("I believe you")
    NOT_ALONE = "not_alone", _("You are not alone")
