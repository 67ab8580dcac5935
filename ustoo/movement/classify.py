"""Label posts `experience`, `support`, `news_opinion` or `backlash`.

TF-IDF over words and word pairs, and a logistic regression, trained on the labelled set the project ships
(`data/labelled_posts.csv`, composed from fragments written for ustoo). Training takes about a second, so
the model
is trained at first use with a fixed seed instead of shipping a binary file: what runs is always what the data
and this code say. `ustoo movement evaluate` prints the held-out figures recorded in MODEL.md.
"""

import csv
import re
from collections import Counter
from functools import cache
from pathlib import Path

LABELS = ("experience", "support", "news_opinion", "backlash")
DATA_FILE = Path(__file__).with_name("data") / "labelled_posts.csv"
SEED = 20171015
TEST_SHARE = 0.25
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+")


def prepare(text: str) -> str:
    # URLs and handles say nothing about the kind of post but differ every time; hashtags keep their word.
    return _MENTION.sub(" @user ", _URL.sub(" url ", text)).replace("#", " ")


def load_labelled(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(
            preprocessor=lambda text: prepare(text).lower(), ngram_range=(1, 2), min_df=1, sublinear_tf=True
        ),
        LogisticRegression(C=10.0, max_iter=2000, class_weight="balanced", random_state=SEED),
    )


def held_out_split(rows: list[dict[str, str]]) -> tuple[list[dict], list[dict]]:
    """Hold out whole groups (posts sharing an opening sentence), stratified by label and language."""
    import random

    rng = random.Random(SEED)
    groups: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        cell = groups.setdefault((row["lang"], row["label"]), [])
        if row["group"] not in cell:
            cell.append(row["group"])
    test_groups = set()
    for cell in groups.values():
        ordered = sorted(cell)
        rng.shuffle(ordered)
        test_groups.update(ordered[: max(1, round(len(ordered) * TEST_SHARE))])
    train = [row for row in rows if row["group"] not in test_groups]
    test = [row for row in rows if row["group"] in test_groups]
    return train, test


@cache
def trained_model():
    rows = load_labelled()
    model = build_model()
    model.fit([row["text"] for row in rows], [row["label"] for row in rows])
    return model


def predict(texts: list[str]) -> list[str]:
    if not texts:
        return []
    return [str(label) for label in trained_model().predict(texts)]


def evaluate() -> dict:
    """Train on the training split only and score the held-out split, against a majority-class baseline."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    train, test = held_out_split(load_labelled())
    model = build_model()
    model.fit([row["text"] for row in train], [row["label"] for row in train])
    truth = [row["label"] for row in test]
    guessed = list(model.predict([row["text"] for row in test]))
    majority = Counter(row["label"] for row in train).most_common(1)[0][0]
    baseline = [majority] * len(truth)
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, guessed, labels=list(LABELS), zero_division=0
    )
    by_language = {}
    for lang in sorted({row["lang"] for row in test}):
        picked = [i for i, row in enumerate(test) if row["lang"] == lang]
        by_language[lang] = round(
            f1_score(
                [truth[i] for i in picked],
                [guessed[i] for i in picked],
                labels=list(LABELS),
                average="macro",
                zero_division=0,
            ),
            3,
        )
    return {
        "train_posts": len(train),
        "test_posts": len(test),
        "per_class": {
            label: {
                "precision": round(float(precision[i]), 3),
                "recall": round(float(recall[i]), 3),
                "f1": round(float(f1[i]), 3),
                "support": int(support[i]),
            }
            for i, label in enumerate(LABELS)
        },
        "accuracy": round(accuracy_score(truth, guessed), 3),
        "macro_f1": round(f1_score(truth, guessed, labels=list(LABELS), average="macro", zero_division=0), 3),
        "macro_f1_by_language": by_language,
        "baseline": {
            "rule": f"always {majority!r} (the training split's most common label)",
            "accuracy": round(accuracy_score(truth, baseline), 3),
            "macro_f1": round(
                f1_score(truth, baseline, labels=list(LABELS), average="macro", zero_division=0), 3
            ),
        },
    }
