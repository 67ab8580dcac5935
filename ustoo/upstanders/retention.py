"""What the upstanders app keeps only for a while (see ustoo.core.retention)."""

import datetime

from django.conf import settings

from ustoo.upstanders.models import Acknowledgement, Intervention, OwnWords, Pledge, WordsStatus

# A form sent again after this long counts anew anyway: the page it came from is long gone.
FORM_TOKEN_DAYS = 1


def forget_expired(now: datetime.datetime) -> str:
    """Unlink rows from the forms they came from once nobody can send them again, and delete words a
    moderator rejected once the retention period has passed (the decision's log line stays)."""
    today = now.astimezone(datetime.UTC).date()
    oldest = today - datetime.timedelta(days=FORM_TOKEN_DAYS)
    forgotten = sum(
        model.objects.filter(once_key__isnull=False, day__lt=oldest).update(once_key=None)
        for model in (Pledge, Intervention, Acknowledgement, OwnWords)
    )
    rejected_before = today - datetime.timedelta(days=settings.RETENTION_REJECTED_DAYS)
    deleted, _rows = OwnWords.objects.filter(
        status=WordsStatus.REJECTED, decided_on__lt=rejected_before
    ).delete()
    return f"Forgot the form tokens of {forgotten} upstanders' rows; deleted {deleted} rejected words."
