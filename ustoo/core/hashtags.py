"""Hashtags: extract them from text, normalise them, and know the movement's variants.

A hashtag is `#` followed by letters, marks, digits or `_`, not glued to a preceding word (so a URL's
`page#part` is not one), nor one of digits only (`#1` is a number). Normalised form: NFKC,
case-folded, without the `#`. A tag longer than MAX_HASHTAG_LENGTH once normalised is not kept: it is
stored in a column of that size, and case folding can lengthen it ("ß" becomes "ss"). The variants of the
movement live in one data file, `data/variants.csv`, shared by stories and movement measurement.
"""

import csv
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


def extract_hashtags(text: str) -> list[str]:
    """Distinct normalised hashtags in order of first appearance."""
    text = unicodedata.normalize("NFKC", text)  # also turns the full-width ＃ into #
    found: dict[str, None] = {}
    length = len(text)
    index = text.find("#")
    while index != -1:
        start = index + 1
        end = start
        while end < length and _is_tag_char(text[end]):
            end += 1
        preceded_by_word = index > 0 and _is_tag_char(text[index - 1])
        body = text[start:end]
        # A tag of digits only (#1) is a number, not a hashtag.
        if body and not preceded_by_word and not body.isdigit():
            tag = body.casefold()
            if len(tag) <= MAX_HASHTAG_LENGTH:
                found.setdefault(tag, None)
        index = text.find("#", max(end, start))
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
