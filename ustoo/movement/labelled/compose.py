"""Compose the labelled training set (`data/labelled_posts.csv`) from the hand-written fragments.

`python -m ustoo.movement.labelled.compose` rewrites the file; the seed is fixed, so the file only
changes when
the fragments do.
"""

import csv
import random
import sys
from pathlib import Path

from ustoo.movement.labelled.fragments import BACKLASH_HASHTAGS, FRAGMENTS, HASHTAGS

OUTPUT = Path(__file__).parent.parent / "data" / "labelled_posts.csv"
SEED = 20171015
PER_CELL = {"experience": 80, "support": 70, "news_opinion": 70, "backlash": 70}
LINKS = ["https://example.org/a/{n}", "https://news.example/{n}", "https://t.co/x{n}"]


def _post(rng: random.Random, lang: str, label: str) -> tuple[str, int]:
    openers, seconds = FRAGMENTS[lang][label]
    opener = rng.randrange(len(openers))
    parts = [openers[opener]]
    if rng.random() < 0.6:
        parts.append(rng.choice(seconds))
    tags = rng.choice(BACKLASH_HASHTAGS if label == "backlash" else HASHTAGS[lang])
    if tags:
        if rng.random() < 0.3:
            parts.insert(0, tags)
        else:
            parts.append(tags)
    if label == "news_opinion" and rng.random() < 0.7:
        parts.append(rng.choice(LINKS).format(n=rng.randrange(10_000)))
    text = " ".join(parts)
    return (text.lower() if rng.random() < 0.15 else text), opener


def compose(seed: int = SEED) -> list[tuple[str, str, str, str]]:
    """(text, label, lang, group): posts sharing an opening sentence share a group, and the evaluation holds
    out whole groups, so that a test post never has its first sentence seen in training."""
    rng = random.Random(seed)
    rows: dict[str, tuple[str, str, str, str]] = {}
    for lang in FRAGMENTS:
        for label, wanted in PER_CELL.items():
            seen = 0
            for _attempt in range(wanted * 50):
                text, opener = _post(rng, lang, label)
                if text not in rows:
                    rows[text] = (text, label, lang, f"{lang}-{label}-{opener}")
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
