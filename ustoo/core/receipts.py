"""Receipts: the private phrase that lets someone who spoke without an account come back.

A receipt is seven words drawn with `secrets` from the EFF long word list (7,776 words; a few that
echo violence, and four with dashes, are left out), so it carries 7 × log2(7,749) ≈ 90.4 bits. It is
shown once and stored only as a keyed hash (HMAC-SHA256 under a key derived from the site's ownership
key), which is also the lookup key: a returning person types the phrase, we hash it, and find the
statement by that value. No slow hash: 2^90 guesses are out of reach at any cost per guess, and
without the ownership key a copy of the database allows no guessing at all.
"""

import math
import secrets
import unicodedata
from functools import cache
from pathlib import Path

from xkcdpass import xkcd_password

from ustoo.core import keys

WORD_COUNT = 7

_EXCLUDED_WORDS = Path(__file__).with_name("data") / "receipt-excluded-words.txt"


@cache
def _words() -> tuple[str, ...]:
    path = xkcd_password.locate_wordfile("eff-long")
    excluded = {
        line.strip() for line in _EXCLUDED_WORDS.read_text().splitlines() if line and not line.startswith("#")
    }
    words = xkcd_password.generate_wordlist(path, min_length=1, max_length=99)
    # Only plain lowercase words: a receipt is seven space-separated words however it is retyped
    # (the list's "t-shirt" or "yo-yo" would become two words once dashes are forgiven).
    return tuple(sorted(word for word in set(words) - excluded if word.isalpha() and word.isascii()))


def words() -> tuple[str, ...]:
    """The list receipts are drawn from (the journal's codenames are drawn from it too)."""
    return _words()


def entropy_bits() -> float:
    return WORD_COUNT * math.log2(len(_words()))


def new_receipt() -> str:
    # One draw below len(words) ** WORD_COUNT, read as WORD_COUNT digits in base len(words): the same
    # uniform choice as a word at a time, with one read of the system's randomness instead of seven.
    return _phrase(secrets.randbelow(len(_words()) ** WORD_COUNT))


def receipt_for_form(token: str) -> str:
    """The receipt of the "me too" sent by the form that carried `token`, the same each time.

    The speaking form carries a random token of its own (128 bits, never stored). Sending the same
    form twice (a refresh of the receipt page, a double click) gives the same receipt, so the
    person sees the receipt of the one statement that was counted, never a second one or none. The
    receipt is a keyed hash of the token: without the site's ownership key a token reveals nothing,
    and the 256-bit hash read modulo len(words) ** 7 (about 2^90) is uniform to within 2^-160."""
    digest = keys.keyed_hash("receipt-for-form", token)
    return _phrase(int.from_bytes(digest, "big") % len(_words()) ** WORD_COUNT)


def _phrase(draw: int) -> str:
    words = _words()
    chosen = []
    for _ in range(WORD_COUNT):
        draw, index = divmod(draw, len(words))
        chosen.append(words[index])
    return " ".join(chosen)


def normalise(receipt: str) -> str:
    """Forgive what people do when they copy a phrase by hand: case, extra spaces, dashes."""
    text = unicodedata.normalize("NFKC", receipt).casefold()
    for separator in "-_.,;:":
        text = text.replace(separator, " ")
    return " ".join(text.split())


def receipt_hash(receipt: str) -> bytes:
    """What a statement stores for its receipt, and looks it up by."""
    return keys.keyed_hash("receipt", normalise(receipt))


def looks_like_receipt(text: str) -> bool:
    return len(normalise(text).split()) == WORD_COUNT
