"""Form bodies that are not valid UTF-8: say so on the field, instead of storing U+FFFD in silence.

Django decodes a form body leniently: each byte that is not UTF-8 becomes "�", and the text would be
stored that way without the person knowing. Here the body is decoded again strictly: the fields that
held such bytes are named, their value keeps what could be decoded, and a form with
UndecodableTextMixin puts an error on each, so the person sees the form again with their text.
"""

from urllib.parse import parse_qsl

from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _

URLENCODED = "application/x-www-form-urlencoded"


def _has_undecodable(value: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in value)


def _decodable_part(value: str) -> str:
    return "".join(char for char in value if not "\udc80" <= char <= "\udcff")


def post_data(request: HttpRequest) -> tuple[QueryDict, frozenset[str]]:
    """The POST data, and the names of the fields whose bytes were not valid UTF-8 (with their values
    cut down to what could be decoded). Only url-encoded bodies are checked: our forms send no other."""
    if request.content_type != URLENCODED:
        return request.POST, frozenset()
    body = request.body
    if body.isascii() and b"%" not in body:
        return request.POST, frozenset()  # nothing that could decode to anything but ASCII
    try:
        pairs = parse_qsl(
            body.decode("utf-8", "surrogateescape"),
            keep_blank_values=True,
            encoding="utf-8",
            errors="surrogateescape",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except ValueError:  # more fields than Django itself would have read
        return request.POST, frozenset()
    broken = {name for name, value in pairs if _has_undecodable(value) and not _has_undecodable(name)}
    if not broken:
        return request.POST, frozenset()
    data = request.POST.copy()
    for name in broken:
        data.setlist(name, [_decodable_part(value) for key, value in pairs if key == name])
    return data, frozenset(broken)


class UndecodableTextMixin(forms.Form):
    """A form that refuses fields whose text arrived with bytes that are not UTF-8 (see post_data)."""

    undecodable_message = _(
        "Some characters here could not be read (they were not valid UTF-8) and were left out. "
        "Check the text and send it again."
    )

    def __init__(self, *args, undecodable: frozenset[str] = frozenset(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.undecodable = undecodable

    def full_clean(self) -> None:
        # After every clean(): the forms' own checks see the value as kept, not a missing field.
        super().full_clean()
        if not self.is_bound:
            return
        for name in sorted(self.undecodable & set(self.fields)):  # other fields are ignored anyway
            self.add_error(name, forms.ValidationError(self.undecodable_message, code="encoding"))
