"""The French interface: a complete, well-formed catalogue, chosen from Accept-Language or the switcher.

A new English string in the code makes test_languages.py's template test and
`test_catalogue_covers_every_string_in_the_code` fail until it is translated: run ``make messages``
(which rewrites ``ustoo/locale/django.pot`` and merges it into every catalogue), translate the new entries
in ``locale/fr/LC_MESSAGES/django.po`` (no empty or fuzzy entry), then ``make build``.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

PACKAGE = Path(settings.BASE_DIR)
FRENCH_PO = PACKAGE / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_IGNORES = ["tests/*", "*/tests/*"]

needs_gettext = pytest.mark.skipif(
    not (shutil.which("xgettext") and shutil.which("msgfmt")), reason="GNU gettext is not installed"
)


# --- A small reader for .po files ----------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def describe(self) -> str:
        where = " ".join(self.references) or "?"
        context = f" [{self.msgctxt}]" if self.msgctxt else ""
        return f"{self.msgid!r}{context} ({where})"


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header and the entries of a .po file (obsolete `#~` entries are left out)."""
    entries: list[Entry] = []
    current = Entry()
    target: tuple[str, int] | None = None
    seen_keyword = False

    def finish() -> None:
        nonlocal current, target, seen_keyword
        if seen_keyword:
            entries.append(current)
        current, target, seen_keyword = Entry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if seen_keyword:  # a comment after the strings starts the next entry
                finish()
            if line.startswith("#,"):
                current.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#:"):
                current.references.extend(line[2:].split())
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(\".*\")$", line)
        if match:
            keyword, index, literal = match.groups()
            if keyword == "msgctxt" and seen_keyword:
                finish()
            seen_keyword = True
            target = (keyword, int(index or 0))
            text = ast.literal_eval(literal)
        else:
            assert line.startswith('"') and target is not None, f"{path}: cannot read {raw!r}"
            text = ast.literal_eval(line)
        keyword, index = target
        if keyword == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + text
        else:
            setattr(current, keyword, (getattr(current, keyword) or "") + text)
    finish()
    assert entries and entries[0].msgid == "", f"{path} has no header"
    return entries[0], entries[1:]


PLACEHOLDER = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> list[str]:
    """Python %-format placeholders (%(name)s, %s, %d…), sorted; a literal %% is not one."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text) if match.group(0) != "%%")


@pytest.fixture(scope="module")
def french() -> tuple[Entry, list[Entry]]:
    assert FRENCH_PO.is_file(), f"{FRENCH_PO} is missing"
    return read_po(FRENCH_PO)


# --- The catalogue itself ------------------------------------------------------------------------


def test_catalogue_lives_where_django_looks_for_it():
    assert Path(settings.LOCALE_PATHS[0]) == PACKAGE / "locale"
    assert ("fr", "Français") in settings.LANGUAGES


def test_header_is_french_and_final(french):
    header, _entries = french
    assert "fuzzy" not in header.flags, "remove the `#, fuzzy` flag from the catalogue's header"
    text = header.msgstr.get(0, "")
    assert "Language: fr\\n" in text.replace("\n", "\\n")
    assert "charset=UTF-8" in text
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in text


def test_every_entry_is_translated_and_not_fuzzy(french):
    _header, entries = french
    assert len(entries) > 250  # every app's strings, not a stub
    fuzzy = [entry.describe() for entry in entries if "fuzzy" in entry.flags]
    assert not fuzzy, "fuzzy entries (check the guess, then remove the flag):\n" + "\n".join(fuzzy)
    empty = []
    for entry in entries:
        forms = range(2) if entry.msgid_plural is not None else range(1)
        if any(not entry.msgstr.get(index, "").strip() for index in forms):
            empty.append(entry.describe())
    assert not empty, "entries without a French translation:\n" + "\n".join(empty)


def test_no_translation_is_left_in_english(french):
    """A translation identical to its English text is usually a copy-paste; a few words are the same in
    both languages."""
    same_in_both = {"Hashtag", "Retweets", "retweets", "Kosovo", "Menu", "Date"}
    _header, entries = french
    copied = [
        entry.describe()
        for entry in entries
        if entry.msgstr.get(0) == entry.msgid and entry.msgid not in same_in_both
    ]
    assert not copied, "translations identical to the English:\n" + "\n".join(copied)


def test_placeholders_are_kept(french):
    _header, entries = french
    wrong = []
    for entry in entries:
        if "python-format" not in entry.flags:
            continue
        expected = sorted(set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural or "")))
        for index, text in sorted(entry.msgstr.items()):
            if sorted(set(placeholders(text))) != expected:
                wrong.append(f"{entry.describe()} msgstr[{index}]: {expected} != {placeholders(text)}")
    assert not wrong, "placeholders differ between English and French:\n" + "\n".join(wrong)


def test_french_plural_rule(french):
    """0 and 1 take the singular in French; Django's own catalogue uses another rule, which must not leak
    into ours."""
    singular = "statement: one person said “me too” here."
    plural = "statements: each one a person who said “me too” here."
    with translation.override("fr"):
        forms = {count: translation.ngettext(singular, plural, count) for count in (0, 1, 2, 1000)}
    assert forms[0] == forms[1] != forms[2] == forms[1000]
    assert forms[1].startswith("déclaration\u00a0:") and forms[2].startswith("déclarations\u00a0:")


@needs_gettext
def test_catalogue_compiles_with_checked_formats(tmp_path):
    """What `make build` runs (compilemessages calls msgfmt --check-format)."""
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(tmp_path / "django.mo"), str(FRENCH_PO)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


# --- Complete against the code -------------------------------------------------------------------


def _copy_without_tests(source: Path, target: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = {"tests", "__pycache__", "locale", "conftest.py"}
        return {name for name in names if name in skipped or name.endswith((".pyc", ".mo", ".po"))}

    shutil.copytree(source, target, ignore=ignore)


def test_catalogue_covers_every_string_in_the_code(french):
    """Every string of the template (which test_languages.py holds to the code) is in the committed
    catalogue: a new English string without its French translation fails here."""
    _header, template = read_po(PACKAGE / "locale" / "django.pot")
    _header, committed = french
    known = {entry.key for entry in committed}
    missing = sorted((entry for entry in template if entry.key not in known), key=lambda e: e.describe())
    assert not missing, (
        f"{len(missing)} string(s) in the code are not in {FRENCH_PO.relative_to(PACKAGE.parent)} "
        "(run makemessages and translate them, see this module's docstring):\n"
        + "\n".join(entry.describe() for entry in missing)
    )


# --- Chosen from Accept-Language, or with the switcher -------------------------------------------


@pytest.fixture
def compiled_french(settings, tmp_path):
    """The committed catalogue compiled afresh, so these tests read the .po under test, not a stale .mo."""
    if not shutil.which("msgfmt"):
        return  # read the .mo that `make build` compiled
    folder = tmp_path / "locale" / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(folder / "django.mo"), str(FRENCH_PO)],
        check=True,
        capture_output=True,
    )
    # Changing LOCALE_PATHS resets Django's loaded catalogues (and restores them afterwards).
    settings.LOCALE_PATHS = [tmp_path / "locale"]


def html_lang(body: str) -> str:
    match = re.search(r'<html lang="([^"]*)"', body)
    assert match, "no <html lang=…>"
    return match.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["fr", "fr-FR,fr;q=0.9,en;q=0.5", "fr-CA"])
def test_accept_language_french_gives_the_french_interface(compiled_french, header):
    response = Client(headers={"accept-language": header}).get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert html_lang(body) == "fr"
    assert "Sortie rapide" in body
    assert "Quick exit" not in body
    assert "Récits" in body
    assert response["Content-Language"] == "fr"


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["de-DE,de;q=0.9", "xx", "*", ""])
def test_unsupported_language_falls_back_to_english(compiled_french, header):
    client = Client(headers={"accept-language": header}) if header else Client()
    body = client.get("/").content.decode()
    assert html_lang(body) == "en"
    assert "Quick exit" in body
    assert "Sortie rapide" not in body


@pytest.mark.django_db
def test_switcher_offers_every_language(compiled_french):
    body = Client().get("/").content.decode()
    switcher = re.search(r'<form [^>]*class="language-switcher"[^>]*>.*?</form>', body, re.S)
    assert switcher, "the language switcher form is missing from base.html"
    # Shared by every reader: a GET to the language page, no token.
    assert 'action="/language/"' in switcher.group(0) and 'method="get"' in switcher.group(0)
    assert "csrfmiddlewaretoken" not in switcher.group(0)
    options = dict(re.findall(r'<option value="([\w-]+)"[^>]*>([^<]+)</option>', switcher.group(0)))
    # Each offered language named in itself, so that its speakers find it whatever the page's language.
    names = {
        "en": "English",
        "fr": "français",
        "es": "español",
        "ar": "العربيّة",
        "it": "italiano",
        "hi": "हिंदी",
        "zh-hans": "简体中文",
    }
    assert options == {code: names[code] for code, _name in settings.LANGUAGES}


@pytest.mark.django_db
def test_the_language_page_posts_the_choice_with_a_token(compiled_french):
    body = Client().get("/language/", {"language": "fr", "next": "/about/"}).content.decode()
    form = re.search(r'<form action="/i18n/setlang/" method="post"[^>]*>.*?</form>', body, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'name="next" type="hidden" value="/about/"' in form
    assert re.search(r'value="fr" checked', form) and not re.search(r'value="en" checked', form)
    assert '<button type="submit" class="button" lang="fr">Utiliser cette langue</button>' in form


@pytest.mark.django_db
def test_the_language_page_goes_back_only_to_this_site(compiled_french):
    body = Client().get("/language/", {"next": "https://evil.example/"}).content.decode()
    form = re.search(r'<form action="/i18n/setlang/" method="post"[^>]*>.*?</form>', body, re.S).group(0)
    assert "evil.example" not in form
    assert 'name="next" type="hidden" value="/"' in form


@pytest.mark.django_db
def test_setting_the_language_needs_the_token(compiled_french):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 403
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.django_db
def test_switcher_sets_french_then_english_again(compiled_french):
    client = Client(headers={"accept-language": "en"})
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/about/"})
    assert response.status_code == 302
    assert response["Location"] == "/about/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"

    body = client.get("/").content.decode()  # the cookie wins over Accept-Language: en
    assert html_lang(body) == "fr"
    assert "Sortie rapide" in body
    assert "<h1>À propos de ce site</h1>" in client.get("/about/").content.decode()

    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert html_lang(body) == "en"
    assert "Quick exit" in body


@pytest.mark.django_db
def test_switcher_ignores_an_unsupported_language(compiled_french):
    client = Client()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    assert html_lang(client.get("/").content.decode()) == "en"
