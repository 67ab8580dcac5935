"""Crisis screening: does a story signal self-harm or immediate danger?

A story that does goes to the top of the moderation queue and its author sees crisis lines at once. This
is a screening aid that errs on the side of showing help, not a diagnosis: it matches a list of phrases in
the interface's languages ("I want to die", "il est devant ma porte", "no estoy a salvo", "أريد أن أموت",
"मैं मरना चाहती हूँ", "我想死"…), so it fires on a past or negated sentence too ("I don't want to die"), and
it misses what the list does not say.
Showing help lines to someone who did not need them costs little; missing someone who did costs much more.

The phrases live in ``data/danger_phrases.txt`` (one per line, grouped under ``# <language> <kind>``
headers, ``!`` lines for exceptions such as "kill myself laughing" or "mort de rire"), so they can be extended
without code.
Text and phrases are normalised the same way — NFKC, case folding, accents and apostrophes removed (Arabic's
short vowels too), runs of blanks and hyphens made one space — and phrases only match whole words, so
"killing it" or "dying to see you" do not read as "kill" or "die". A Devanagari vowel sign belongs to its
word ("मर" is not found in "मरी"). Chinese and Japanese write no spaces between words: their phrases are
found anywhere in the text.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, cast

__all__ = ["DangerSignal", "danger_signals", "normalise", "signals_danger"]

PHRASES_FILE = Path(__file__).resolve().parent / "data" / "danger_phrases.txt"

DangerKind = Literal["self_harm", "danger"]
_KINDS: frozenset[str] = frozenset({"self_harm", "danger"})
_HEADER_RE = re.compile(r"#\s*([a-z]{2})\s+([a-z_]+)\s*")

# Typographic apostrophes and their look-alikes: "I’m", "I'm", "Iʼm" and "Im" must read alike.
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼ`´′"), None)
# Blanks and hyphens between words: "self-harm", "self harm" and "self\u00a0harm" must read alike.
_SEPARATORS_RE = re.compile(r"[\s\-‐‑–—_]+")
# A word goes on through letters, digits and marks: Devanagari's vowel signs are marks, not letters.
_MARKS = "".join(c for c in map(chr, range(0x10000)) if unicodedata.category(c).startswith("M"))
_WORD = "[\\w" + re.escape(_MARKS) + "]"
# Scripts written without spaces between words (kana and CJK ideographs).
_UNSPACED_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class DangerSignal:
    """Why a text was flagged: the listed phrase that matched, its language and kind."""

    phrase: str
    language: str
    kind: DangerKind


def normalise(text: str) -> str:
    """The form both the text and the phrases are compared in (see the module docstring)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    stripped = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return _SEPARATORS_RE.sub(" ", stripped.translate(_APOSTROPHES)).strip()


@dataclass(frozen=True, slots=True)
class _Phrases:
    patterns: tuple[re.Pattern[str], ...]  # phrases between word boundaries, then unspaced ones
    exceptions: tuple[re.Pattern[str], ...]
    signals: dict[str, DangerSignal]


def _alternation(phrases: list[str], *, whole_words: bool) -> re.Pattern[str] | None:
    if not phrases:
        return None
    # Longest first, so that "is following me on" is tried before "is following me".
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    body = "(?:" + "|".join(re.escape(p) for p in ordered) + ")"
    return re.compile(f"(?<!{_WORD}){body}(?!{_WORD})" if whole_words else body)


def _patterns(phrases: list[str]) -> tuple[re.Pattern[str], ...]:
    unspaced = [p for p in phrases if _UNSPACED_RE.search(p)]
    spaced = [p for p in phrases if not _UNSPACED_RE.search(p)]
    built = (_alternation(spaced, whole_words=True), _alternation(unspaced, whole_words=False))
    return tuple(pattern for pattern in built if pattern is not None)


def _parse(lines: list[str]) -> _Phrases:
    language, kind = "", "danger"  # phrases above any header: treated as danger, language unknown
    signals: dict[str, DangerSignal] = {}
    exceptions: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            header = _HEADER_RE.fullmatch(line)
            if header and header.group(2) in _KINDS:
                language, kind = header.group(1), header.group(2)
            continue
        if line.startswith("!"):
            exceptions.append(normalise(line[1:]))
            continue
        phrase = normalise(line)
        # The first section that lists a phrase names it ("suicide" is English and French alike).
        signals.setdefault(phrase, DangerSignal(phrase, language, cast(DangerKind, kind)))
    return _Phrases(_patterns(list(signals)), _patterns(exceptions), signals)


@functools.cache
def _phrases() -> _Phrases:
    return _parse(PHRASES_FILE.read_text(encoding="utf-8").splitlines())


def danger_signals(text: str) -> list[DangerSignal]:
    """Every listed phrase found in ``text``, once each, in order of first appearance."""
    phrases = _phrases()
    if not text or not phrases.patterns:
        return []
    normal = normalise(text)
    excepted = [m.span() for pattern in phrases.exceptions for m in pattern.finditer(normal)]
    found: dict[str, DangerSignal] = {}
    hits = sorted(
        (m for pattern in phrases.patterns for m in pattern.finditer(normal)), key=lambda m: m.start()
    )
    for m in hits:
        if any(start <= m.start() and m.end() <= end for start, end in excepted):
            continue
        found.setdefault(m.group(), phrases.signals[m.group()])
    return list(found.values())


def signals_danger(text: str) -> bool:
    """True when ``text`` signals self-harm or immediate danger: show crisis lines, queue it first."""
    return bool(danger_signals(text))
