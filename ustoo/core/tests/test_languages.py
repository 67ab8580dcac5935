"""Every language the site offers is complete, and the template its translators start from is current.

A language is listed in settings.LANGUAGES only when its catalogue translates every string of the code:
no empty or fuzzy entry, the same placeholders and HTML tags as the English, as many plural forms as the
language has. The template (``ustoo/locale/django.pot``) must hold exactly the strings of the code; it
is rewritten by ``make messages`` (see docs/TRANSLATING.md). The same holds for the words of the pages'
scripts, in the ``djangojs`` domain (``djangojs.pot``, ``<locale>/LC_MESSAGES/djangojs.po``).
"""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

from ustoo.core.tests.test_translations import (
    MAKEMESSAGES_IGNORES,
    PACKAGE,
    Entry,
    _copy_without_tests,
    placeholders,
    read_po,
)

LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "django.pot"
# The server's strings, and the words of the pages' scripts (their front ends' words.js).
DOMAINS = ["django", "djangojs"]
# What each language's catalogue must say about plurals: CLDR's counts as gettext writes them. Spanish
# and Italian may use gettext's two forms or CLDR's three (a separate form for millions).
PLURAL_COUNTS = {"fr": {2}, "es": {2, 3}, "it": {2, 3}, "ar": {6}, "hi": {2}, "zh_Hans": {1}}
REVIEW_LINE = re.compile(r"^# Reviewed by a native speaker: (yes|no)\b", re.M)
BRACE = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s+[^>]*?)?)\s*(/?)>")
ATTRIBUTE = re.compile(r"([A-Za-z_:][-A-Za-z0-9_:.]*)\s*=")


def offered() -> list[str]:
    """The catalogue folder (gettext's locale name) of every language offered but English."""
    return [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]


def catalogue_path(locale: str, domain: str = "django") -> Path:
    return LOCALE / locale / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str) -> Path:
    return LOCALE / f"{domain}.pot"


def entries_of(path: Path, domain: str) -> tuple[Entry, list[Entry]]:
    """A catalogue's header and entries. xgettext cannot tell the scripts' `%(name)s` placeholders from
    JavaScript's own; the scripts fill in only those (core/frontend/text.js), so they are checked as such."""
    header, entries = read_po(path)
    if domain == "djangojs":
        for entry in entries:
            entry.flags.add("python-format")
    return header, entries


def tags(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """The HTML tags of a text, with their attributes' names (their values may be translated)."""
    return sorted(
        (slash, name.lower(), tuple(sorted(ATTRIBUTE.findall(attributes))))
        for slash, name, attributes, _close in TAG.findall(text)
    )


def problems_of(entry: Entry, nplurals: int) -> list[str]:
    """What is wrong with one translated entry, in words a translator can act on."""
    found = []
    if "fuzzy" in entry.flags:
        found.append("fuzzy (check the translation, then remove the flag)")
    forms = range(nplurals) if entry.msgid_plural is not None else range(1)
    if set(entry.msgstr) - set(forms):
        found.append(f"has msgstr forms {sorted(entry.msgstr)}, the language has {nplurals}")
    empty = [index for index in forms if not entry.msgstr.get(index, "").strip()]
    if empty:
        found.append("not translated" if entry.msgid_plural is None else f"plural forms {empty} empty")
    english = entry.msgid + (entry.msgid_plural or "")
    for index in forms:
        text = entry.msgstr.get(index, "")
        if not text:
            continue
        if "python-format" in entry.flags:
            expected = sorted(set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural or "")))
            got = sorted(set(placeholders(text)))
            # One plural form may leave the number out ("un seul" for %(count)s == 1), never add one.
            if got != expected and not (entry.msgid_plural and set(got) < set(expected)):
                found.append(f"msgstr[{index}] placeholders {got}, English has {expected}")
        if sorted(set(BRACE.findall(text))) != sorted(set(BRACE.findall(english))):
            found.append(f"msgstr[{index}] {{name}} placeholders differ from the English")
        if tags(text) != tags(entry.msgid):
            found.append(f"msgstr[{index}] HTML tags differ from the English")
    return found


def keys_of_template(domain: str) -> set:
    template = template_path(domain)
    assert template.is_file(), f"{template} is missing: run `make messages`"
    _header, entries = read_po(template)
    return {entry.key for entry in entries}


def test_languages_offered_are_the_movements():
    """English and French, then each language whose catalogue is complete (see the tests below)."""
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes[:2] == ["en", "fr"]
    assert set(codes) <= {"en", "fr", "es", "ar", "it", "hi", "zh-hans"}
    for code, name in settings.LANGUAGES:
        assert catalogue_path(to_locale(code)).is_file() or code == "en", f"{code} has no catalogue"
        assert name, code


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", offered())
def test_catalogue_header(locale, domain):
    path = catalogue_path(locale, domain)
    text = path.read_text(encoding="utf-8")
    assert REVIEW_LINE.search(text.split("\nmsgid", 1)[0]), (
        f"{path}: its header comment must say `# Reviewed by a native speaker: yes` or `: no`"
    )
    header, _entries = read_po(path)
    assert "fuzzy" not in header.flags, f"{path}: remove the `#, fuzzy` flag from the header"
    meta = header.msgstr[0]
    assert f"Language: {locale}\n" in meta
    assert "charset=UTF-8" in meta
    rule = re.search(r"Plural-Forms:\s*nplurals=(\d+);\s*plural=([^\n]+?);?\s*(?:\n|$)", meta)
    assert rule, f"{path}: no Plural-Forms"
    nplurals, expression = int(rule.group(1)), rule.group(2)
    assert nplurals in PLURAL_COUNTS[locale], f"{locale} has {PLURAL_COUNTS[locale]} plural forms"
    choose = gettext.c2py(expression)
    used = {choose(n) for n in [*range(1000), 10**6, 2 * 10**6, 10**6 + 1]}
    assert used == set(range(nplurals)), f"{locale}: plural={expression} picks forms {sorted(used)}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", offered())
def test_catalogue_translates_every_string_of_the_code(locale, domain):
    template_keys = keys_of_template(domain)
    path = catalogue_path(locale, domain)
    header, entries = entries_of(path, domain)
    nplurals = int(re.search(r"nplurals=(\d+)", header.msgstr[0]).group(1))
    by_key = {entry.key: entry for entry in entries}
    missing = sorted(repr(key[1]) for key in template_keys - set(by_key))
    assert not missing, (
        f"{len(missing)} string(s) of the code are not in {path.relative_to(PACKAGE.parent)} "
        "(merge the template in, then translate them; docs/TRANSLATING.md):\n" + "\n".join(missing[:50])
    )
    wrong = [
        f"{entry.describe()}: {problem}"
        for key in sorted(template_keys, key=lambda key: (key[1], key[0] or ""))
        for entry in [by_key[key]]
        for problem in problems_of(entry, nplurals)
    ]
    assert not wrong, f"{len(wrong)} problem(s) in {path.name} for {locale}:\n" + "\n".join(wrong[:80])


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", offered())
def test_catalogue_compiles_with_checked_formats(locale, domain, tmp_path):
    """msgfmt's own checks: placeholders of each format flag, and one msgstr per plural form."""
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / f"{domain}.mo"), str(catalogue_path(locale, domain))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_checks_catch_what_a_translator_can_get_wrong():
    """The checks above on made-up entries: each mistake a translator can make is named."""
    plural = Entry(
        msgid="%(count)s story",
        msgid_plural="%(count)s stories",
        msgstr={0: "%(count)s قصة", 1: "قصتان"},
        flags={"python-format"},
    )
    assert problems_of(plural, 6) == ["plural forms [2, 3, 4, 5] empty"]
    moved = Entry(msgid="Sign <a href=%(url)s>here</a>", msgstr={0: "Firma aquí"}, flags={"python-format"})
    assert problems_of(moved, 2) == [
        "msgstr[0] placeholders [], English has ['%(url)s']",
        "msgstr[0] HTML tags differ from the English",
    ]
    brace = Entry(msgid="Hello {name}", msgstr={0: "Ciao {nome}"})
    assert problems_of(brace, 2) == ["msgstr[0] {name} placeholders differ from the English"]
    fuzzy = Entry(msgid="Stories", msgstr={0: "Storie"}, flags={"fuzzy"})
    assert problems_of(fuzzy, 2) == ["fuzzy (check the translation, then remove the flag)"]
    assert problems_of(Entry(msgid="Stories", msgstr={0: ""}), 1) == ["not translated"]
    fine = Entry(msgid='<a href="%(url)s">Help</a>', msgstr={0: '<a href="%(url)s">مساعدة</a>'})
    fine.flags.add("python-format")
    assert problems_of(fine, 6) == []


# --- The template and the code -------------------------------------------------------------------


# The bundles that `make build` writes into static/ hold the scripts' strings too: only their sources count.
DOMAIN_IGNORES = {"django": [], "djangojs": ["static"]}


@pytest.mark.parametrize("domain", DOMAINS)
def test_template_holds_exactly_the_strings_of_the_code(tmp_path, domain):
    """makemessages run on a copy of the package leaves nothing new: the committed template has every
    string of the code and none that the code no longer has (dates and line numbers are not compared)."""
    template_keys = keys_of_template(domain)
    copy = tmp_path / "ustoo"
    _copy_without_tests(PACKAGE, copy)
    (copy / "locale").mkdir()
    # Without settings, makemessages writes only into the copy's own locale folder, never into ours.
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_SETTINGS_MODULE"}
    patterns = [*MAKEMESSAGES_IGNORES, *DOMAIN_IGNORES[domain]]
    ignores = [argument for pattern in patterns for argument in ("--ignore", pattern)]
    command = [sys.executable, "-m", "django", "makemessages", "-d", domain, "-l", "fr", "--keep-pot"]
    result = subprocess.run(
        [*command, "--no-obsolete", *ignores],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    _header, extracted = read_po(copy / "locale" / f"{domain}.pot")
    assert len(extracted) > {"django": 250, "djangojs": 100}[domain], (
        "makemessages found almost nothing: is it reading the right folder?"
    )
    in_code = {entry.key: entry for entry in extracted}
    new = sorted(entry.describe() for key, entry in in_code.items() if key not in template_keys)
    gone = sorted(repr(key[1]) for key in template_keys - set(in_code))
    assert not new and not gone, (
        f"ustoo/locale/{domain}.pot is not in sync with the code: run `make messages` "
        "(then translate the new entries).\n"
        + "".join(f"new: {line}\n" for line in new)
        + "".join(f"gone: {line}\n" for line in gone)
    )


def test_make_messages_rewrites_the_template():
    makefile = (PACKAGE.parent / "Makefile").read_text()
    target = re.search(r"^messages:.*?(?=^\S)", makefile, re.M | re.S)
    assert target, "the Makefile has no `messages` target"
    assert "--keep-pot" in target.group(0) and "makemessages" in target.group(0)
    assert "--domain djangojs" in target.group(0), "the scripts' words are extracted too"


def test_the_guide_names_real_places_for_the_texts_to_review():
    """docs/TRANSLATING.md lists where the consent, safety, crisis and privacy texts are: each file it
    names exists and holds strings of the template, so the list cannot silently go stale."""
    guide = (PACKAGE.parent / "docs" / "TRANSLATING.md").read_text(encoding="utf-8")
    section = guide.split("## Texts a native speaker must review", 1)[1]
    for topic in ("Consent", "Safety", "Crisis lines", "Privacy notice"):
        assert f"**{topic}**" in section
    template = TEMPLATE.read_text(encoding="utf-8")
    named = set(re.findall(r"`([\w/]+\.(?:py|html))`", section))
    assert len(named) > 15
    for path in sorted(named):
        assert (PACKAGE / path).is_file(), f"docs/TRANSLATING.md names {path}, which does not exist"
        assert f"#: {path}:" in template or f" {path}:" in template, f"{path} has no string to translate"
