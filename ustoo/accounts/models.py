"""Members: pseudonymous accounts (a username and a passphrase; e-mail optional)."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    MODERATOR = "moderator", _("Moderator")
    ADMIN = "admin", _("Administrator")


class TrustLevel(models.TextChoices):
    NEW = "new", _("New member")
    MEMBER = "member", _("Member")


class MemberManager(BaseUserManager["Member"]):
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **extra) -> "Member":
        member = self.model(username=self.model.normalize_username(username), **extra)
        member.set_password(password)
        member.save(using=self._db)
        return member

    def create_superuser(self, username: str, password: str | None = None, **extra) -> "Member":
        extra.update(role=Role.ADMIN, is_superuser=True)
        return self.create_user(username, password, **extra)


class Member(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        validators=[UnicodeUsernameValidator()],
        help_text=_("A name others will see. It does not need to be your real name."),
        error_messages={"unique": _("That username is taken.")},
    )
    email = models.EmailField(_("e-mail (optional)"), blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    trust_level = models.CharField(
        _("trust"), max_length=8, choices=TrustLevel.choices, default=TrustLevel.NEW
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    banned_at = models.DateTimeField(_("banned"), null=True, blank=True)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)
    # Reader preferences for content warnings, kept with the account when there is one.
    cw_expand = models.JSONField(default=list, blank=True)
    cw_hide = models.JSONField(default=list, blank=True)

    objects = MemberManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.username

    @property
    def is_staff(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_moderator(self) -> bool:
        return self.role in (Role.MODERATOR, Role.ADMIN) and not self.is_banned

    @property
    def is_banned(self) -> bool:
        return self.banned_at is not None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def is_trusted(self) -> bool:
        """Trusted members (and moderators) publish at once and may reply and flag freely."""
        return self.trust_level == TrustLevel.MEMBER or self.role in (Role.MODERATOR, Role.ADMIN)

    @property
    def may_take_part(self) -> bool:
        """Whether the member may speak, reply and flag at all right now."""
        return self.is_active and not self.is_banned and not self.is_suspended
