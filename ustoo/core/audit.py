"""Append-only logs: who did what and when, written once and never changed or deleted.

Moderation's decisions and campaigns' decisions are both such logs, so that moderation can always be
checked afterwards. Every way the ORM offers to change or delete a row refuses; the one change a row
ever sees is its actor set to NULL when that member's account is deleted (``on_delete=SET_NULL``,
applied by Django's deletion collector through the plain base manager), and ``actor_name`` keeps
saying who acted, as the privacy notice promises.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AppendOnlyError(TypeError):
    """Raised by every attempt to change or delete a row of an append-only log."""


def _refuse(model: type[models.Model]) -> AppendOnlyError:
    return AppendOnlyError(f"{model._meta.label} is an append-only log: its rows cannot change.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused before Django's own transaction opens, which the refusal would otherwise break.
        raise _refuse(self.model)

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        # Inserting many is fine; "on conflict, update" would rewrite the rows already there.
        if update_conflicts:
            raise _refuse(self.model)
        return super().bulk_create(objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts, **kwargs)


class AppendOnlyLog(models.Model):
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is deleted, so the log still says who acted.
    actor_name = models.CharField(max_length=40, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise _refuse(type(self))
        # Always an INSERT: an instance built with an existing row's id must not overwrite that row.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))

    @classmethod
    def record(cls, *, actor=None, **fields):
        """Write one entry; ``actor`` is the member who acted, None for the site itself."""
        name = actor.username if actor is not None else ""
        return cls.objects.create(actor=actor, actor_name=name, **fields)
