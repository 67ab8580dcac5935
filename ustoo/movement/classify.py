"""Label posts `experience`, `support`, `news_opinion` or `backlash`.

Features (`features`, MODEL.md): each word of a post (URLs and @handles replaced by placeholders, `#` dropped
so a hashtag keeps its word, one-letter words kept: "I" matters), each pair of neighbouring words, each
word's cross-language concept where it has one (labelled/concepts.py: "raped", "violée" and "violada" are all
`·harm`), whether two concepts stand within WINDOW words of each other (`·first+harm`: a first-person word
near a word of harm, the shape of a disclosure), and whether the post quotes someone (`·quote`). TF-IDF over
those, then a multinomial logistic regression with balanced class weights. Trained on the labelled set the
project ships (`data/labelled_posts.csv`, composed from fragments and grammars written for ustoo). Training
takes a few seconds, so the model is trained at first use with a fixed seed instead of shipping a binary
file (it is kept in the user's cache): what runs is always what the data and this code say. `ustoo movement
evaluate` prints its figures.

Imports label a batch at once through scikit-learn's pipeline (`predict`)."""

import csv
import hashlib
import itertools
import os
import re
from collections import Counter
from functools import cache
from pathlib import Path

from ustoo.movement.labelled.concepts import CONCEPTS

LABELS = ("experience", "support", "news_opinion", "backlash")
DATA_FILE = Path(__file__).with_name("data") / "labelled_posts.csv"
CONCEPTS_FILE = Path(__file__).with_name("labelled") / "concepts.py"
SEED = 20171015
TEST_SHARE = 0.25
C = 3.0
WINDOW = 6  # words between two concepts for them to count as said together
# Pairs of concepts said together: a disclosure (first person near harm, an abuser, an age, "survivor",
# "too"), someone else's story (third person near harm), a joke (laughter near harm).
PAIRS = (
    ("first", "harm"),
    ("first", "perpetrator"),
    ("first", "number"),
    ("first", "survivor"),
    ("first", "too"),
    ("first", "support"),
    ("first", "telling"),
    ("third", "harm"),
    ("laugh", "harm"),
)
MARK = "·"  # starts the name of a concept feature: never part of a word (\w)
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\w+")
_WORD = re.compile(r"\w+")
_QUOTE = re.compile('["“”«»]')


def prepare(text: str) -> str:
    # URLs and handles say nothing about the kind of post but differ every time; hashtags keep their word.
    return _MENTION.sub(" @user ", _URL.sub(" url ", text)).replace("#", " ")


def features(text: str) -> list[str]:
    """What the classifier sees of a text."""
    words = _WORD.findall(prepare(text).lower())
    found = words + [f"{first} {second}" for first, second in itertools.pairwise(words)]
    positions: dict[str, list[int]] = {}  # where each concept's words stand
    concept_of = CONCEPTS.get
    for position, word in enumerate(words):
        concept = concept_of(word)
        if concept is None:
            if len(word) > 2 or not (word.isdigit() and word.isascii()):
                continue
            concept = "number"  # a number of one or two digits: an age, most often
        else:
            found.append(MARK + concept)
        positions.setdefault(concept, []).append(position)
    for first, second in PAIRS:
        if first in positions and second in positions:
            near = (abs(i - j) <= WINDOW for i in positions[first] for j in positions[second])
            if any(near):
                found.append(f"{MARK}{first}+{second}")
    if _QUOTE.search(text):
        found.append(MARK + "quote")
    return found


def load_labelled(path: Path = DATA_FILE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer=features, sublinear_tf=True),
        LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=SEED),
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
    """The model trained on the whole labelled set. Training takes seconds, so the fitted pipeline is kept
    in the user's cache (joblib, as scikit-learn documents), under a key of the data, this code and the
    scikit-learn version: a process loads it unless one of those changed."""
    import joblib

    path = cache_dir() / f"movement-classifier-{_model_key()}.joblib"
    try:
        return joblib.load(path)
    except (OSError, ValueError, EOFError, AttributeError, ImportError):
        pass  # not trained yet, or by another version: train now
    rows = load_labelled()
    model = build_model()
    model.fit([row["text"] for row in rows], [row["label"] for row in rows])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        joblib.dump(model, temporary)
        temporary.replace(path)
        for stale in path.parent.glob("movement-classifier-*"):
            if stale != path:
                stale.unlink(missing_ok=True)  # trained by an earlier version of the data or code
    except OSError:
        pass  # a read-only home: train in each process instead
    return model


def labels_of(model, texts: list[str]) -> list[str | None]:
    """The pipeline's labels, but None for a text with no feature the model knows: its scores would be the
    intercepts alone, a label the text says nothing about."""
    vectorizer, regression = model[0], model[1]
    matrix = vectorizer.transform(texts)
    labels = regression.predict(matrix)
    known = matrix.getnnz(axis=1) > 0
    return [str(label) if has_terms else None for label, has_terms in zip(labels, known, strict=True)]


def cache_dir() -> Path:
    configured = os.environ.get("USTOO_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ustoo"


def _model_key() -> str:
    from importlib.metadata import version

    digest = hashlib.sha256(DATA_FILE.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(CONCEPTS_FILE.read_bytes())
    digest.update(version("scikit-learn").encode())
    return digest.hexdigest()[:24]


def predict(texts) -> list[str | None]:
    """Labels for many texts at once (a list or an Arrow string array); None for a text with no word the
    model knows (see labels_of)."""
    if hasattr(texts, "to_pylist"):
        texts = texts.to_pylist()
    if not texts:
        return []
    return labels_of(trained_model(), texts)


def evaluate() -> dict:
    """Train on the training split only and score the held-out split, against a majority-class baseline."""
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    train, test = held_out_split(load_labelled())
    model = build_model()
    model.fit([row["text"] for row in train], [row["label"] for row in train])
    truth = [row["label"] for row in test]
    # as imports label: a post with no known word gets no label, which is never right
    guessed = [label or "unlabelled" for label in labels_of(model, [row["text"] for row in test])]
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
