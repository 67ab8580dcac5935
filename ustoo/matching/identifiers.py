"""Canonical identifiers (PROTOCOL.md §1): two spellings of one phone number, address or handle give the
same OPRF input, so two survivors who wrote them differently still match.

The browser applies the same rules (libphonenumber-js for phones); tests/vectors/identifiers.json holds
the cases both sides must give alike. The server never sees an identifier: this module serves the test
client, the golden vectors and the counselor tool's display."""

import re
import unicodedata
from urllib.parse import parse_qs

import phonenumbers

MAX_INPUT_BYTES = 256
STRIP = " \t\n\r\v\f"
PHONE_CHARACTERS = re.compile(r"[0-9 +\-()./]+")
DOMAIN = re.compile(r"[a-z0-9-]+(\.[a-z0-9-]+)+")

# Providers whose addresses have other spellings that deliver to the same mailbox.
GMAIL = {"gmail.com", "googlemail.com"}
PROTON = {"proton.me", "protonmail.com", "protonmail.ch", "pm.me"}
PLUS_ONLY = {
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "outlook.fr",
    "hotmail.fr",
    "live.fr",
    "hotmail.co.uk",
    "live.co.uk",
}
ICLOUD = {"icloud.com", "me.com", "mac.com"}
FASTMAIL = {"fastmail.com", "fastmail.fm"}


class NotAnIdentifier(ValueError):
    """The text does not fit its kind's rules; the message says what to correct."""


def _common(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return text.strip(STRIP)


def phone(text: str, region: str) -> str:
    text = _common(text)
    if not text or not PHONE_CHARACTERS.fullmatch(text) or text.count("+") > 1:
        raise NotAnIdentifier("A phone number holds only digits, spaces and + - ( ) . /")
    try:
        number = phonenumbers.parse(text, (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        raise NotAnIdentifier("This is not a phone number (choose its country if it has no +).") from None
    # A number possible only without its area code (IS_POSSIBLE_LOCAL_ONLY) names nobody in E.164, and
    # libphonenumber-js, which the browser uses, refuses it too.
    if phonenumbers.is_possible_number_with_reason(number) != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise NotAnIdentifier("This number has too many or too few digits for its country.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def email(text: str) -> str:
    text = _common(text)
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        raise NotAnIdentifier("An e-mail address looks like name@example.org.")
    domain = domain.lower().removesuffix(".")
    if not DOMAIN.fullmatch(domain):
        raise NotAnIdentifier("Write the domain in ASCII letters (an accented domain as its xn-- form).")
    local = local.lower()
    if domain in GMAIL:
        domain, local = "gmail.com", local.partition("+")[0].replace(".", "")
    elif domain in PROTON:
        domain = "proton.me"
        local = re.sub(r"[._-]", "", local.partition("+")[0])
    elif domain in PLUS_ONLY:
        local = local.partition("+")[0]
    elif domain in ICLOUD:
        domain, local = "icloud.com", local.partition("+")[0]
    elif domain in FASTMAIL:
        domain, local = "fastmail.com", local.partition("+")[0]
    if not local:
        raise NotAnIdentifier("The part before @ is empty.")
    return f"{local}@{domain}"


# kind: (hosts, how to take the handle from an address's path segments, pattern, removed characters)
HANDLE_PLATFORMS = {
    "x": (("x.com", "twitter.com"), "first", r"[a-z0-9_]{1,15}", ""),
    "instagram": (("instagram.com",), "first", r"[a-z0-9._]{1,30}", ""),
    "tiktok": (("tiktok.com",), "at-first", r"[a-z0-9._]{2,24}", ""),
    "facebook": (("facebook.com", "fb.com"), "facebook", r"[a-z0-9]{1,50}", "."),
    "snapchat": (("snapchat.com",), "after:add", r"[a-z0-9._-]{3,15}", ""),
    "telegram": (("t.me", "telegram.me"), "first", r"[a-z0-9_]{5,32}", ""),
    "linkedin": (("linkedin.com",), "after:in", r"[a-z0-9-]{3,100}", ""),
    "bluesky": (("bsky.app",), "after:profile", r"(?=.{1,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+", ""),
}
KINDS = ("phone", "email", *HANDLE_PLATFORMS, "mastodon")
ADDRESS = re.compile(r"^(?:https?://)?(?:www\.|m\.|mobile\.)?([^/?#]+)(/[^?#]*)?(\?[^#]*)?(#.*)?$", re.I)


def _from_address(text: str, hosts: tuple[str, ...], how: str) -> str | None:
    """The handle in a profile address on one of `hosts`, or None when the text is no such address."""
    match = ADDRESS.match(text)
    if match is None or match.group(1).lower() not in hosts:
        return None
    segments = [s for s in (match.group(2) or "").split("/") if s]
    if how == "facebook" and segments[:1] == ["profile.php"]:
        return parse_qs((match.group(3) or "")[1:]).get("id", [""])[0]
    if how.startswith("after:"):
        marker = how.removeprefix("after:")
        if len(segments) < 2 or segments[0].lower() != marker:
            return ""
        return segments[1]
    handle = segments[0] if segments else ""
    if how == "at-first":
        return handle[1:] if handle.startswith("@") else ""
    return handle


def handle(kind: str, text: str) -> str:
    hosts, how, pattern, removed = HANDLE_PLATFORMS[kind]
    text = _common(text)
    taken = _from_address(text, hosts, how)
    value = taken if taken is not None else text.removeprefix("@")
    value = value.lower()
    for character in removed:
        value = value.replace(character, "")
    if not re.fullmatch(pattern, value):
        raise NotAnIdentifier("This is not a handle on that platform.")
    return value


def mastodon(text: str) -> str:
    text = _common(text)
    match = ADDRESS.match(text)
    segments = [s for s in ((match.group(2) if match else "") or "").split("/") if s]
    if match and "@" not in match.group(1) and len(segments) == 1 and segments[0].startswith("@"):
        value = f"{segments[0][1:]}@{match.group(1)}"
    else:
        value = text.removeprefix("@")
    user, at, host = value.lower().partition("@")
    if not at or not re.fullmatch(r"[a-z0-9_]{1,30}", user) or not DOMAIN.fullmatch(host):
        raise NotAnIdentifier("A fediverse handle looks like @name@example.social.")
    return f"{user}@{host}"


def oprf_input(kind: str, text: str, region: str = "") -> bytes:
    """What the OPRF is evaluated on: `kind:canonical` in UTF-8."""
    if kind == "phone":
        canonical = phone(text, region)
    elif kind == "email":
        canonical = email(text)
    elif kind == "mastodon":
        canonical = mastodon(text)
    elif kind in HANDLE_PLATFORMS:
        canonical = handle(kind, text)
    else:
        raise NotAnIdentifier("Unknown kind of identifier.")
    data = f"{kind}:{canonical}".encode()
    if len(data) > MAX_INPUT_BYTES:
        raise NotAnIdentifier("This is too long to be an identifier.")
    return data
