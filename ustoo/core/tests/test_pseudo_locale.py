"""No string escapes translation: every page of the site rendered in a pseudo-language.

At test time every msgid the site can show — ours (the template), Django's and django-countries' — is
"translated" into a pseudo-language: its letters accented and the whole wrapped in ⟦…⟧, placeholders, tags
and entities kept. Each URL pattern is then requested once in that language, as the first persona allowed
to see it, and every visible text (text nodes, and the titles, labels and placeholders people read) must
carry a ⟦ mark, or be on the allow-list below: what people wrote, numbers, hashtags, proper names and the
language names of the language picker. An English text left means a string was never passed to gettext.
"""

from __future__ import annotations

import array
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import django
import django_countries
import pytest
from django.conf.locale import LANG_INFO
from django.db import transaction
from django.test import Client

from ustoo.core.tests.site_map import PERSONAS, populate, site_routes
from ustoo.core.tests.test_translations import PACKAGE, read_po
from ustoo.safety import resources
from ustoo.stories.forms import STORY_LANGUAGES

pytestmark = pytest.mark.django_db

PSEUDO = "eo"  # a language Django knows (LANG_INFO) that the site does not offer: ours alone is loaded
OPEN, CLOSE = "⟦", "⟧"
ACCENTS = str.maketrans(
    "aceinouyACEINOUY",
    "áçéîñöûýÁÇÉÎÑÖÛÝ",
)
# Kept as they are: %-placeholders, {name} placeholders, HTML tags, entities.
PROTECTED = re.compile(
    r"%\([^)]*\)[-#0 +]*\d*(?:\.\d+)?[a-zA-Z]|%[-#0 +]*\d*(?:\.\d+)?[sdifrx%]|\{[^{}]*\}|<[^>]*>|&#?\w+;"
)

DJANGO_CATALOGUES = [
    Path(django.__file__).parent / "conf/locale/en/LC_MESSAGES/django.po",
    *(
        Path(django.__file__).parent / f"contrib/{app}/locale/en/LC_MESSAGES/django.po"
        for app in ("auth", "humanize")
    ),
    Path(django_countries.__file__).parent / "locale/en/LC_MESSAGES/django.po",
]

# Visible texts that are rightly not translated, with why.
USER_CONTENT = {
    # What the people of site_map.populate() wrote or are called: their words are theirs.
    "It happened on the night bus. #MeToo",
    "It happened at work. #MeToo",
    "It happened at school. #MeToo",
    # The same, their hashtags apart (each is isolated in its own <bdi>).
    "It happened on the night bus.",
    "It happened at work.",
    "It happened at school.",
    "I believe you.",
    "Give back the donation",
    "Change the policy",
    "Ada Lovelace",
    "Ada",
    "author",
    "moderator",
    "replier",
    "counselor",
    "I will listen.",  # a pledge in its author's own words, waiting in moderation
    "ada@example.org",
    # The campaigns of ustoo/campaigns/tests/conftest.make_campaign, as their starter wrote them.
    "Because survivors deserve better.",
    "Dana Dean, President, Example University",
    "Return the $5 million donation.",
    "president@university.example",
    "Dana Dean",
    "President",
    "Example University",
    "example.org",  # signers' e-mail domain, on the integrity page
    "author@example.org",
}
FILE_FORMATS = {"CSV", "JSON", "SVG"}  # names of formats, the same in every language
NOT_WORDS = re.compile(r"^[\W\d_]*$")  # numbers, punctuation, symbols: the same in every language
HASHTAG = re.compile(r"^#\w+$")
PEM = re.compile(r"^-----BEGIN [A-Z ]+-----\n")  # a certificate shown to compare: the same in every language
BIDI_ISOLATES = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069"), None)


def pseudo(text: str) -> str:
    """`text` in the pseudo-language: accented letters between ⟦ and ⟧, placeholders untouched."""
    if not text:
        return text
    pieces, last = [], 0
    for match in PROTECTED.finditer(text):
        pieces.append(text[last : match.start()].translate(ACCENTS))
        pieces.append(match.group(0))
        last = match.end()
    pieces.append(text[last:].translate(ACCENTS))
    return OPEN + "".join(pieces) + CLOSE


def write_mo(messages: dict[bytes, bytes], path: Path) -> None:
    """A GNU .mo file (the format Python's gettext reads), as CPython's Tools/i18n/msgfmt.py writes it."""
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for key in keys:
        offsets.append((len(ids), len(key), len(strs), len(messages[key])))
        ids += key + b"\0"
        strs += messages[key] + b"\0"
    keystart = 7 * 4 + 16 * len(keys)
    valuestart = keystart + len(ids)
    key_offsets, value_offsets = [], []
    for id_offset, id_length, str_offset, str_length in offsets:
        key_offsets += [id_length, id_offset + keystart]
        value_offsets += [str_length, str_offset + valuestart]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + len(keys) * 8, 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs)


def pseudo_catalogue(folder: Path) -> None:
    """Every msgid the site can show, pseudo-translated, compiled into `folder`/<PSEUDO>/LC_MESSAGES."""
    messages = {b"": b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n"}
    for source in [PACKAGE / "locale" / "django.pot", *DJANGO_CATALOGUES]:
        _header, entries = read_po(source)
        for entry in entries:
            # DATE_FORMAT and its kind are format strings, not words.
            if re.fullmatch(r"[A-Z_]+", entry.msgid):
                continue
            key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
            if entry.msgid_plural is None:
                messages[key.encode()] = pseudo(entry.msgid).encode()
            else:
                forms = [pseudo(entry.msgid), pseudo(entry.msgid_plural)]
                messages[f"{key}\0{entry.msgid_plural}".encode()] = "\0".join(forms).encode()
    write_mo(messages, folder / PSEUDO / "LC_MESSAGES" / "django.mo")


class VisibleText(HTMLParser):
    """The texts a reader sees or hears, in document order: text nodes outside <script> and <style>, and
    the attributes browsers and screen readers show (title, alt, placeholder, aria-label, an input
    button's value). Left out, on purpose: <code> (commands and names for machines), and elements that
    say they are in English (lang="en": a dataset's own dictionary) or are not to be translated."""

    SPOKEN = {"title", "alt", "placeholder", "aria-label", "data-open-label", "data-close-label"}
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[tuple[str, str]] = []  # ("text" or "attribute", what it says)
        self.open: list[tuple[str, bool]] = []  # (tag, exempt)

    @property
    def exempt(self) -> bool:
        return any(exempt for _tag, exempt in self.open)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        exempt = (
            tag in {"script", "style", "code"}
            or (tag != "html" and (attributes.get("lang") or "").startswith("en"))
            or attributes.get("translate") == "no"
        )
        if not exempt and not self.exempt:
            for name, value in attrs:
                visible_value = name == "value" and tag == "input" and attributes.get("type") == "submit"
                if value and (name in self.SPOKEN or visible_value):
                    self.nodes.append(("attribute", value))
        if tag not in self.VOID:
            self.open.append((tag, exempt))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                break

    def handle_data(self, data):
        if data.strip() and not self.exempt:
            self.nodes.append(("text", data.strip()))


def escaped(body: str, allowed: set[str]) -> list[str]:
    """The visible texts of `body` that are not pseudo-translated nor allowed."""
    parser = VisibleText()
    parser.feed(body)
    left, depth = [], 0
    for kind, text in parser.nodes:
        # Unicode's direction isolates around a chart's label (core/bidi.isolated) are not text.
        text = text.translate(BIDI_ISOLATES)
        # A translated sentence may hold tags (a link, a <bdi> name): its ⟦ opens before them.
        covered = OPEN in text or CLOSE in text or (kind == "text" and depth > 0)
        if kind == "text":
            depth = max(0, depth + text.count(OPEN) - text.count(CLOSE))
        if covered or NOT_WORDS.match(text) or HASHTAG.match(text) or PEM.match(text) or text in allowed:
            continue
        left.append(text)
    return left


@pytest.fixture
def site(db, settings, tmp_path, monkeypatch):
    return populate(settings, tmp_path, monkeypatch)


def allowed_texts(settings) -> set[str]:
    """Proper names the site shows as they are: its own name, the support services' names and numbers,
    and languages named in themselves; and what its people wrote."""
    names = {settings.SITE_NAME}
    for service in resources.directory().services:
        names.add(service.name)
        names.update(name for _code, name in service.language_names)
        names.update(filter(None, [service.phone, service.sms, service.web_host, service.sms_body]))
    # Each language named in itself, so that its speakers find it (the picker, a story's language).
    names.update(info["name_local"] for info in LANG_INFO.values() if "name_local" in info)
    names.update(name for _code, name in STORY_LANGUAGES)
    names.update(FILE_FORMATS)
    return names | USER_CONTENT


def test_pseudo_translation_keeps_what_code_needs():
    assert pseudo('Sign <a href="%(url)s">here</a>, {name}') == '⟦Sîgñ <a href="%(url)s">héré</a>, {name}⟧'
    assert pseudo("%(count)s stories · %d") == "⟦%(count)s störîés · %d⟧"
    assert pseudo("100%%") == "⟦100%%⟧"


def test_every_page_is_translated(site, settings, tmp_path):
    pseudo_catalogue(tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]
    settings.LANGUAGES = [*settings.LANGUAGES, (PSEUDO, "Esperanto")]
    allowed = allowed_texts(settings)

    found: dict[str, list[str]] = {}
    visited = 0
    for route in site_routes():
        if route.is_api:
            continue  # JSON for programs, not pages for people
        for persona in PERSONAS:
            path = site.path(route, persona)
            with transaction.atomic():
                response = site.client(persona).get(path, headers={"accept-language": PSEUDO})
                transaction.set_rollback(True)
            if response.status_code in (302, 403, 404, 405) and persona != PERSONAS[-1]:
                continue  # not this persona's page: the next one's
            break
        content_type = response.get("Content-Type", "")
        if "html" not in content_type and "svg" not in content_type:
            continue
        visited += 1
        body = response.content.decode()
        left = escaped(body, allowed)
        if left:
            found[f"{route.name} {path} ({persona}, {response.status_code})"] = sorted(set(left))
    # The error pages too: a missing page, and a form sent without its token.
    for name, response in [
        ("a missing page", Client().get("/no-such-page/", headers={"accept-language": PSEUDO})),
        (
            "a form without its token",
            Client(enforce_csrf_checks=True).post("/contact/", headers={"accept-language": PSEUDO}),
        ),
    ]:
        assert response.status_code in (403, 404)
        left = escaped(response.content.decode(), allowed)
        if left:
            found[name] = sorted(set(left))
    assert visited > 40, f"only {visited} pages rendered: is the walk reaching the site?"
    assert not found, (
        "texts that escaped translation (wrap them in gettext / {% translate %}):\n"
        + "\n".join(
            f"{page}:\n    " + "\n    ".join(repr(text) for text in texts) for page, texts in found.items()
        )
    )
