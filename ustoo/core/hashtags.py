"""Hashtags: extract them from text, normalise them, and know the movement's variants.

A hashtag is `#` followed by letters, marks, digits or `_`, not glued to a preceding word (so a URL's
`page#part` is not one), nor one of digits only (`#1` is a number), nor inside a link
(`example.org/help/#hotlines`) or an HTML character reference (`&#x200B;`). Normalised form: NFKC,
case-folded, without the `#`; the tag is found before normalising, so NFKC cannot glue a sign such as
"™" (NFKC: "TM") onto it. A tag longer than MAX_HASHTAG_LENGTH once normalised is not kept: it is
stored in a column of that size, and case folding can lengthen it ("ß" becomes "ss"). The variants of the
movement live in one data file, `data/variants.csv`, shared by stories and movement measurement.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VARIANTS_FILE = Path(__file__).with_name("data") / "variants.csv"
MAX_HASHTAG_LENGTH = 100


def _is_tag_char(char: str) -> bool:
    return char == "_" or unicodedata.category(char)[0] in "LMN"


def normalise_hashtag(tag: str) -> str:
    return unicodedata.normalize("NFKC", tag.removeprefix("#").removeprefix("＃")).casefold()


# Links, with or without a scheme, and HTML character references (also escaped once more, as Reddit does):
# a `#` inside them is not a tag.
_NOT_TAGS = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}/\S*|&(?:amp;)?#x?[0-9a-f]+;", re.IGNORECASE
)
_SIGNS = re.compile("[#＃]")


def _preceded_by_word(text: str, index: int) -> bool:
    """Whether the `#` at index is glued to a word. Marks are looked through: a variation selector or a
    combining accent belongs to the character before it (an emoji's U+FE0F is not a word)."""
    index -= 1
    while index >= 0 and unicodedata.category(text[index])[0] == "M":
        index -= 1
    return index >= 0 and _is_tag_char(text[index])


def hashtag_spans(text: str) -> list[tuple[int, int]]:
    """Where each hashtag of `text` is, `#` included, as (start, end), in order."""
    spans = []
    skipped = [match.span() for match in _NOT_TAGS.finditer(text)] if "/" in text or "&" in text else []
    length = len(text)
    for sign in _SIGNS.finditer(text):
        index = sign.start()
        end = index + 1
        while end < length and _is_tag_char(text[end]):
            end += 1
        if end == index + 1 or _preceded_by_word(text, index):
            continue
        if any(start <= index < stop for start, stop in skipped):
            continue
        tag = normalise_hashtag(text[index + 1 : end])
        # A tag of digits only (#1) is a number, not a hashtag.
        if tag and not tag.isdigit() and len(tag) <= MAX_HASHTAG_LENGTH:
            spans.append((index, end))
    return spans


def extract_hashtags(text: str) -> list[str]:
    """Distinct normalised hashtags in order of first appearance."""
    found: dict[str, None] = {}
    for start, end in hashtag_spans(text):
        found.setdefault(normalise_hashtag(text[start + 1 : end]), None)
    return list(found)


@dataclass(frozen=True, slots=True)
class Variant:
    hashtag: str  # as people write it, e.g. "BalanceTonPorc"
    normalised: str  # "balancetonporc"
    language: str  # ISO 639-1
    family: str  # "metoo", "related", "backlash"
    where: str
    note: str


@cache
def variants() -> dict[str, Variant]:
    with VARIANTS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        normalise_hashtag(row["hashtag"]): Variant(
            hashtag=row["hashtag"],
            normalised=normalise_hashtag(row["hashtag"]),
            language=row["language"],
            family=row["family"],
            where=row["where"],
            note=row["note"],
        )
        for row in rows
    }


def variant_of(tag: str) -> Variant | None:
    return variants().get(normalise_hashtag(tag))


def families() -> set[str]:
    return {variant.family for variant in variants().values()}
