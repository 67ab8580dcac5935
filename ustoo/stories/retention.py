"""What the stories app keeps only for a while (see ustoo.core.retention)."""

import datetime

from ustoo.stories.models import Statement

# A form sent again after this long is a new "me too" anyway: the page it came from is long gone.
FORM_TOKEN_DAYS = 1


def forget_form_tokens(now: datetime.datetime) -> str:
    """Unlink statements from the forms they were sent with once nobody can send them again."""
    oldest = now - datetime.timedelta(days=FORM_TOKEN_DAYS)
    forgotten = Statement.objects.filter(once_key__isnull=False, created_at__lt=oldest).update(once_key=None)
    return f"Forgot the form tokens of {forgotten} statements."
