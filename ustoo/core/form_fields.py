"""Form fields for the numbers of rows a form names (a story request, signatures to invalidate).

A number typed in a form reaches a database query only once it is a whole number a row's id can be:
int() on "abc" raises, and a number above 2**63 - 1 overflows the database's integer (both were 500s,
and a traceback writes the value typed into the log)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import BigIntegerField
from django.utils.translation import gettext_lazy as _

LARGEST_ID = BigIntegerField.MAX_BIGINT


class RowIdField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs) -> None:
        super().__init__(min_value=1, max_value=LARGEST_ID, **kwargs)


class RowIdsField(forms.Field):
    """Several row numbers under one name (ticked checkboxes), each a RowIdField's."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": _("Choose from the list.")}

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        one = RowIdField()
        try:
            return list(dict.fromkeys(one.clean(item) for item in value))
        except ValidationError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
