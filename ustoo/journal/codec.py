"""How binary values travel in the journal's API: base64url without padding, commitments in lowercase
hex (PROTOCOL.md). Each decoder names the field it refuses, so the answer can say which one is wrong."""

import base64
import binascii
import re

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class BadValue(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
_HEX = re.compile(r"[0-9a-f]*")


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def from_b64u(field: str, text: str, *, size: int | None = None) -> bytes:
    """The bytes of `text`, which must be the one base64url spelling of them (no padding, no other
    characters, unused bits zero), and `size` long when given."""
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise BadValue(field, _("This is not base64url (letters, digits, - and _, without padding)."))
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise BadValue(
            field, _("This is not base64url (letters, digits, - and _, without padding).")
        ) from None
    if b64u(data) != text:
        raise BadValue(field, _("This base64url has bits set after its last byte."))
    if size is not None and len(data) != size:
        raise BadValue(
            field,
            ngettext(
                "This must be %(size)s byte, not %(length)s.",
                "This must be %(size)s bytes, not %(length)s.",
                size,
            )
            % {"size": size, "length": len(data)},
        )
    return data


def from_hex(field: str, text: str, *, size: int) -> bytes:
    if len(text) != 2 * size or not _HEX.fullmatch(text):
        raise BadValue(
            field,
            ngettext(
                "This must be %(digits)s lowercase hexadecimal digit.",
                "This must be %(digits)s lowercase hexadecimal digits.",
                2 * size,
            )
            % {"digits": 2 * size},
        )
    return bytes.fromhex(text)
