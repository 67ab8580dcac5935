"""Validators shared by every form and the API."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def validate_encodable(value: str) -> None:
    """Reject text that cannot be stored as UTF-8 (lone surrogates from a crafted JSON body)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            _("This text contains characters that are not valid text."), code="encoding"
        ) from None
