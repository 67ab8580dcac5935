"""Validators shared by every form and the API."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy


def validate_encodable(value: str) -> None:
    """Reject text that cannot be stored as UTF-8 (lone surrogates from a crafted JSON body)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(
            _("This text contains characters that are not valid text."), code="encoding"
        ) from None


@deconstructible
class MaxCharactersValidator(MaxLengthValidator):
    """At most `limit_value` characters, saying how long the text is in numbers people read easily:
    "Too long (25,000 characters, at most 20,000)."."""

    # The plural form follows the text's length (`show_value`, the number before it is grouped).
    message = ngettext_lazy(
        "Too long (%(length)s character, at most %(limit)s).",
        "Too long (%(length)s characters, at most %(limit)s).",
        "show_value",
    )

    def __call__(self, value: str) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code="max_length",
                params={
                    "length": number_format(length, force_grouping=True),
                    "limit": number_format(self.limit_value, force_grouping=True),
                    "limit_value": self.limit_value,
                    "show_value": length,
                    "value": value,
                },
            )
