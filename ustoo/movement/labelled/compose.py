"""Compose the labelled training set (`data/labelled_posts.csv`) from the hand-written fragments.

`python -m ustoo.movement.labelled.compose` rewrites the file; the seed is fixed, so the file only changes
when the fragments or this code do.

A post is an opening (fragments.py, realistic.py) or a sentence from a phrase grammar (grammar.py), often
a second sentence of the same label, and what real posts carry around the words that matter: hashtags where
people put them (blocks of political tags too), links shortened as platforms shorten them, replies opening
with handles (and, as in the 2019 CSV, the first `@` cut off), emoji, a text cut at 140 characters with its
ellipsis and link, capitals and their absence. Handles are made up here from syllables and digits: no
account is named. The mix of labels is nearer what real posts show (many more reports and opinions than
disclosures) than an even split.
"""

import csv
import random
import string
import sys
from pathlib import Path

from ustoo.movement.labelled.fragments import BACKLASH_HASHTAGS, FRAGMENTS, HASHTAGS
from ustoo.movement.labelled.grammar import generated
from ustoo.movement.labelled.realistic import EXTRA

OUTPUT = Path(__file__).parent.parent / "data" / "labelled_posts.csv"
SEED = 20171015
PER_CELL = {
    "en": {"experience": 400, "support": 350, "news_opinion": 700, "backlash": 350},
    "fr": {"experience": 140, "support": 110, "news_opinion": 180, "backlash": 110},
    "es": {"experience": 140, "support": 110, "news_opinion": 180, "backlash": 110},
}
GRAMMAR_SHARE = 0.5  # of posts whose words come from grammar.py rather than a hand-written opening
POLITICAL_TAGS = ["#MAGA #KAG", "#Resist #TheResistance", "#DemDebate", "#Election2020", "#WalkAway", ""]
EMOJI = ["💜", "🙏", "😡", "😢", "👏", "🙄", "😂", "✊", "💔", "🤔", "🤦‍♀️", "🔥"]
_SYLLABLES = ["ka", "ri", "mo", "la", "ne", "so", "ti", "ve", "ro", "an", "el", "mi", "da", "lu", "pe", "zo"]


def _handle(rng: random.Random) -> str:
    name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))
    if rng.random() < 0.4:
        name += "_" + rng.choice(_SYLLABLES)
    if rng.random() < 0.5:
        name += str(rng.randint(1, 999))
    return name.capitalize() if rng.random() < 0.3 else name


def _link(rng: random.Random) -> str:
    return "https://t.co/" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(10))


def _openers(lang: str, label: str) -> list[str]:
    return [*FRAGMENTS[lang][label][0], *EXTRA[lang][label]]


def _post(rng: random.Random, lang: str, label: str) -> tuple[str, str]:
    """A post and its group: the opening or the grammar template it was made from."""
    seconds = FRAGMENTS[lang][label][1]
    if rng.random() < GRAMMAR_SHARE:
        words, group = generated(rng, lang, label)
        parts = [words.rstrip(".") + "."]
    else:
        openers = _openers(lang, label)
        opener = rng.randrange(len(openers))
        parts, group = [openers[opener]], f"{lang}-{label}-{opener}"
    if rng.random() < 0.5:
        parts.append(rng.choice(seconds))
    tags = rng.choice(BACKLASH_HASHTAGS if label == "backlash" else HASHTAGS[lang])
    if label in ("news_opinion", "backlash") and rng.random() < 0.2:
        tags = f"{tags} {rng.choice(POLITICAL_TAGS)}".strip()
    if tags:
        if rng.random() < 0.3:
            parts.insert(0, tags)
        else:
            parts.append(tags)
    if rng.random() < 0.2:
        parts.append(rng.choice(EMOJI))
    if rng.random() < (0.7 if label == "news_opinion" else 0.2):
        parts.append(_link(rng))
    text = " ".join(parts)
    if rng.random() < 0.35:  # a reply: handles first, the first `@` sometimes lost as in the 2019 CSV
        handles = [_handle(rng) for _ in range(rng.choice((1, 1, 2, 3)))]
        prefix = " ".join("@" + handle for handle in handles)
        if rng.random() < 0.3:
            prefix = prefix[1:]
        text = f"{prefix} {text}"
    if len(text) > 100 and rng.random() < 0.3:  # cut at 140 characters, as the 2019 collection did
        cut = rng.randint(90, min(len(text) - 5, 135))
        text = text[:cut].rstrip() + "… " + _link(rng)
    roll = rng.random()
    if roll < 0.1:
        text = text.lower()
    elif roll < 0.13:
        text = text.upper()
    return text, group


def compose(seed: int = SEED) -> list[tuple[str, str, str, str]]:
    """(text, label, lang, group): posts sharing an opening sentence share a group, and the evaluation holds
    out whole groups, so that a test post never has its first sentence seen in training."""
    rng = random.Random(seed)
    rows: dict[str, tuple[str, str, str, str]] = {}
    for lang, cells in PER_CELL.items():
        for label, wanted in cells.items():
            seen = 0
            for _attempt in range(wanted * 50):
                text, group = _post(rng, lang, label)
                if text not in rows:
                    rows[text] = (text, label, lang, group)
                    seen += 1
                if seen == wanted:
                    break
    return list(rows.values())


def main() -> int:
    rows = compose()
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "lang", "group"])
        writer.writerows(rows)
    print(f"{len(rows)} posts written to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
