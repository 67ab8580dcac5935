"""Validating the experience classifier on real posts, and the shares it measures, with their uncertainty.

Labels by hand come from a sample drawn from a dataset's originals (posts that are not retweets): a simple
random sample, and, since first-person disclosures are rare (about one original in forty in the 2019 file),
an enriched sample of *candidates*, originals whose text has a first-person cue of harm (CANDIDATE, in
English, French and Spanish). However they were drawn, the labelled posts are then split by the same rule
into two strata, candidates and the rest: within each stratum they are a uniform random sample of it (a
random sample of the whole, plus a random sample of the candidates it missed), so each stratum's labels
stand for its population, with weight population / labelled. Every figure below is weighted that way, so
that it speaks of the dataset's originals and not of the enriched sample.

- `metrics`: per-class precision, recall and F1, accuracy, macro F1 and the confusion matrix, each with a
  95% interval from a stratified bootstrap (labelled posts resampled within their stratum).
- `corrected_share`: the share of originals telling their own experience, as adjusted classify-and-count
  (Forman 2008): from the share the classifier labels `experience`, q, and its measured true and false
  positive rates, tpr and fpr, p = (q - fpr) / (tpr - fpr), within [0, 1]. It assumes what label shift
  assumes: that a disclosure reads alike on every day (tpr and fpr stay), while how many there are changes,
  which is what a per-day share is for. The interval comes from the same bootstrap of the labels (q is a
  count over every original of the dataset: no sampling error). A classifier that labels nothing or
  everything, or whose tpr does not exceed fpr, gives no estimate.

Everything here works on counts (per stratum, how many posts of each true label got each predicted label),
so a dataset's validation can be kept and shipped without the posts' text.
"""

import csv
import json
import random
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

LABELS = ("experience", "support", "news_opinion", "backlash")
NO_LABEL = "unlabelled"  # what the classifier gives a post with no word it knows
CANDIDATES, OTHERS = "candidates", "others"
BOOTSTRAP_ROUNDS = 2000
BOOTSTRAP_SEED = 20191016
CONFIDENCE = 0.95

_FIRST = r"(?:i|i'm|i’m|i've|i’ve|me|my|myself|we|us|our|je|j['’]|moi|mon|ma|yo|mi|mí)"
_HARM = (
    r"(?:rap\w*|assault\w*|harass\w*|abus\w*|molest\w*|grop\w*|touch\w*|attack\w*|violat\w*|coerc\w*|"
    r"stalk\w*|exposed|flash\w*|forced|drugged|survivor\w*|victim\w*|trauma\w*|incest|predator\w*|boss|"
    r"manager|teacher|coach|priest|uncle|father|dad|stepfather|ex|boyfriend|husband|"
    r"viol\w*|agress\w*|harcel\w*|attouch\w*|abus\w*|acos\w*|agredi\w*|manose\w*|tocó|toco)"
)
# A first-person cue of harm: "me too" written out (not the hashtag), "it happened to me", a first-person word
# near a word of harm, "when I was", "moi aussi", "yo también". Broad on purpose: it only decides which posts
# are drawn more often for labelling, and every figure is weighted back.
CANDIDATE = re.compile(
    rf"(?<![#\w])me\s+too\b|happened to me|to me\b|\b{_FIRST}\b[^.!?\n]{{0,60}}\b{_HARM}|"
    rf"\b{_HARM}\b[^.!?\n]{{0,40}}\b(?:me|my|moi|mi)\b|when i was\b|i was (?:\d+|young|a (?:child|kid|teen))|"
    r"moi aussi|yo tambi[eé]n|m['’]a (?:viol|touch|agress|harcel)|me (?:viol|toc|acos|agredi)|"
    r"quand j['’]avais|cuando (?:tenía|era)",
    re.IGNORECASE,
)


def stratum_of(text: str | None) -> str:
    return CANDIDATES if text and CANDIDATE.search(text) else OTHERS


def draw(
    posts: Iterable[tuple[str, str]],
    size: int,
    *,
    seed: int,
    stratify: bool = False,
    exclude: Iterable[str] = (),
) -> list[tuple[str, str]]:
    """A sample of `size` (key, text) pairs not in `exclude`, in the order they are to be labelled: simple
    random, or (`stratify`) drawn from the candidates only. The order is a shuffle, so stopping early leaves
    a random sample too."""
    excluded = set(exclude)
    pool = sorted((key, text) for key, text in posts if key not in excluded)
    if stratify:
        pool = [(key, text) for key, text in pool if stratum_of(text) == CANDIDATES]
    random.Random(seed).shuffle(pool)
    return pool[:size]


@dataclass
class Stratum:
    population: int  # originals of the dataset in this stratum
    cells: Counter = field(default_factory=Counter)  # (true label, predicted label or NO_LABEL): posts

    @property
    def labelled(self) -> int:
        return sum(self.cells.values())


def strata_of(
    labelled: Iterable[tuple[str | None, str, str | None]], population: dict[str, int]
) -> dict[str, Stratum]:
    """Per-stratum counts from (text, true label, predicted label) of the labelled posts, and the number of
    originals in each stratum."""
    strata = {name: Stratum(population.get(name, 0)) for name in (CANDIDATES, OTHERS)}
    for text, truth, predicted in labelled:
        strata[stratum_of(text)].cells[(truth, predicted or NO_LABEL)] += 1
    return strata


def _weighted_matrix(
    strata: dict[str, Stratum], resampled: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """The estimated number of the dataset's originals with each (true, predicted) label: rows LABELS, columns
    LABELS and NO_LABEL."""
    matrix = np.zeros((len(LABELS), len(LABELS) + 1))
    for name, stratum in strata.items():
        if not stratum.labelled:
            continue
        counts = resampled[name] if resampled is not None else _cell_array(stratum)
        matrix += counts * (stratum.population / stratum.labelled)
    return matrix


_COLUMNS = (*LABELS, NO_LABEL)


def _cell_array(stratum: Stratum) -> np.ndarray:
    counts = np.zeros((len(LABELS), len(_COLUMNS)))
    for (truth, predicted), n in stratum.cells.items():
        counts[LABELS.index(truth), _COLUMNS.index(predicted)] = n
    return counts


def _scores(matrix: np.ndarray) -> dict:
    """Precision, recall, F1 per label, accuracy and macro F1 of a (true x predicted) matrix."""
    truth = matrix.sum(axis=1)
    predicted = matrix[:, : len(LABELS)].sum(axis=0)
    diagonal = np.diag(matrix[:, : len(LABELS)])
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = np.where(predicted > 0, diagonal / predicted, 0.0)
        recall = np.where(truth > 0, diagonal / truth, 0.0)
        f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)
    total = matrix.sum()
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": diagonal.sum() / total if total else 0.0,
        "macro_f1": f1.mean(),
    }


def _bootstrap(strata: dict[str, Stratum], rounds: int = BOOTSTRAP_ROUNDS):
    """Resampled count tables: each stratum's labelled posts drawn again with replacement (a multinomial over
    its cells), `rounds` times."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    arrays = {name: _cell_array(stratum) for name, stratum in strata.items() if stratum.labelled}
    for _ in range(rounds):
        yield {
            name: rng.multinomial(int(counts.sum()), counts.ravel() / counts.sum()).reshape(counts.shape)
            for name, counts in arrays.items()
        }


def _interval(values: list[float]) -> list[float]:
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.percentile(values, [tail, 100 - tail])
    return [round(float(low), 3), round(float(high), 3)]


def metrics(strata: dict[str, Stratum]) -> dict:
    """The classifier's figures on the dataset's originals, estimated from the labels, with 95% intervals."""
    point = _scores(_weighted_matrix(strata))
    rounds = [_scores(_weighted_matrix(strata, resampled)) for resampled in _bootstrap(strata)]
    matrix = _weighted_matrix(strata)
    raw = sum((_cell_array(stratum) for stratum in strata.values()), np.zeros((len(LABELS), len(_COLUMNS))))
    per_class = {}
    for i, label in enumerate(LABELS):
        per_class[label] = {
            name: {
                "estimate": round(float(point[name][i]), 3),
                "interval": _interval([float(scores[name][i]) for scores in rounds]),
            }
            for name in ("precision", "recall", "f1")
        }
        per_class[label]["labelled"] = int(raw[i].sum())
    return {
        "labelled": int(raw.sum()),
        "per_class": per_class,
        "accuracy": {
            "estimate": round(float(point["accuracy"]), 3),
            "interval": _interval([float(scores["accuracy"]) for scores in rounds]),
        },
        "macro_f1": {
            "estimate": round(float(point["macro_f1"]), 3),
            "interval": _interval([float(scores["macro_f1"]) for scores in rounds]),
        },
        "confusion": {
            "rows": "true label",
            "columns": [*LABELS, NO_LABEL],
            "labelled": {label: [int(n) for n in raw[i]] for i, label in enumerate(LABELS)},
            "estimated_originals": {
                label: [round(float(n), 1) for n in matrix[i]] for i, label in enumerate(LABELS)
            },
        },
        "strata": {
            name: {"population": stratum.population, "labelled": stratum.labelled}
            for name, stratum in strata.items()
        },
    }


def _rates(matrix: np.ndarray) -> tuple[float, float] | None:
    """(tpr, fpr) for `experience` against everything else, or None where they cannot be measured."""
    experience = LABELS.index("experience")
    positives = matrix[experience].sum()
    negatives = matrix.sum() - positives
    if not positives or not negatives:
        return None
    called = matrix[:, experience]
    return called[experience] / positives, (called.sum() - called[experience]) / negatives


def share_of_experience(strata: dict[str, Stratum]) -> dict:
    """The hand-labelled share of experience among the dataset's originals (weighted), with its interval:
    what the corrected share should agree with."""

    def share(matrix: np.ndarray) -> float:
        return matrix[LABELS.index("experience")].sum() / matrix.sum() if matrix.sum() else 0.0

    rounds = [share(_weighted_matrix(strata, resampled)) for resampled in _bootstrap(strata)]
    return {"estimate": round(float(share(_weighted_matrix(strata))), 4), "interval": _interval(rounds)}


@dataclass
class Correction:
    """The measured rates and their bootstrap replicates, to correct any number of shares alike."""

    tpr: float
    fpr: float
    replicates: list[tuple[float, float]]

    @classmethod
    def from_strata(cls, strata: dict[str, Stratum]) -> "Correction | None":
        rates = _rates(_weighted_matrix(strata))
        if rates is None or rates[0] <= rates[1]:
            return None
        replicates = [_rates(_weighted_matrix(strata, resampled)) for resampled in _bootstrap(strata)]
        return cls(rates[0], rates[1], [rates for rates in replicates if rates is not None])

    def corrected(self, classified: int, originals: int) -> dict | None:
        """`classified` of `originals` labelled experience by the classifier: the corrected share and its
        interval, or None for no originals."""
        if not originals:
            return None
        q = classified / originals

        def adjust(tpr: float, fpr: float) -> float:
            if tpr <= fpr:
                return q  # a replicate with no signal: nothing to correct with
            return min(1.0, max(0.0, (q - fpr) / (tpr - fpr)))

        low, high = _interval([adjust(tpr, fpr) for tpr, fpr in self.replicates])
        return {
            "estimate": round(float(adjust(self.tpr, self.fpr)), 4),
            "low": low,
            "high": high,
            "classified": round(q, 4),
            "originals": originals,
        }


# -- the project's own real evaluation set -----------------------------------------------------------------

REAL_LABELS = Path(__file__).with_name("data") / "real_labels_2019.csv"
REAL_COLUMNS = "text=Text,created_at=Created_at,lang=Lang,id=Id"


def real_originals(csv_path: Path) -> list[tuple[int, str]]:
    """(row index, text) of the originals of the 2019 CSV, read as the importer reads it: the row index counts
    the file's records after the header from 0, as pandas.read_csv does."""
    from ustoo.movement.formats import csvexport
    from ustoo.movement.post import RETWEET

    found = []
    for row, (_line, posts) in enumerate(csvexport.iter_posts(csv_path, columns=REAL_COLUMNS)):
        if isinstance(posts, Exception):
            raise posts
        if posts[0].kind != RETWEET:
            found.append((row, posts[0].text))
    return found


def real_labels() -> dict[int, str]:
    with REAL_LABELS.open(encoding="utf-8", newline="") as handle:
        return {int(record["row"]): record["label"] for record in csv.DictReader(handle)}


def real_strata(csv_path: Path, predict, rows: set[int] | None = None) -> dict[str, Stratum]:
    """The real set's strata: its labels (or those of `rows` only) against `predict`'s labels, and every
    original of the file counted in its stratum."""
    originals = real_originals(csv_path)
    labels = real_labels()
    if rows is not None:
        labels = {row: label for row, label in labels.items() if row in rows}
    population = Counter(stratum_of(text) for _row, text in originals)
    texts = {row: text for row, text in originals if row in labels}
    missing = set(labels) - set(texts)
    if missing:
        raise ValueError(f"labelled rows that are not originals of {csv_path}: {sorted(missing)[:5]}")
    keys = sorted(texts)
    predicted = predict([texts[row] for row in keys])
    return strata_of(
        [(texts[row], labels[row], label) for row, label in zip(keys, predicted, strict=True)], population
    )


# -- a dataset's validation: its own labels in the store, or the project's ---------------------------------

PROJECT_VALIDATION = Path(__file__).with_name("data") / "validation_2019.json"
MIN_LANGUAGE_LABELS = 30  # labelled posts in a language for its figures to count as validated in it
# The language of a post, as the report gives it.
LANGUAGE_SQL = "coalesce(CASE WHEN lang IN ('', 'und') THEN NULL ELSE lang END, lang_detected, 'und')"


@dataclass
class Validation:
    """Where a dataset's error rates come from, and the counts they are measured on."""

    source: str  # "dataset": its own labels; "project": the project's 2019 set
    description: str
    languages: list[str]  # languages with at least MIN_LANGUAGE_LABELS labelled posts
    strata: dict[str, Stratum]

    @property
    def labelled(self) -> int:
        return sum(stratum.labelled for stratum in self.strata.values())


def labelled_posts(connection, dataset: str) -> list[tuple]:
    """(text, label by hand, label by the classifier, language) of the dataset's labelled posts."""
    return connection.execute(
        f"""
        SELECT p.text, l.label, p.label, {LANGUAGE_SQL}
        FROM labels AS l JOIN posts AS p
          ON p.dataset = l.dataset AND p.platform = l.platform AND p.key = l.key
        WHERE l.dataset = ?
        """,  # noqa: S608 - a constant expression
        [dataset],
    ).fetchall()


def population(connection, dataset: str) -> dict[str, int]:
    """The dataset's originals in each stratum (an original whose text was not kept is among the others)."""
    counts = Counter()
    cursor = connection.execute(
        "SELECT text FROM posts WHERE dataset = ? AND kind <> 'retweet' AND text IS NOT NULL", [dataset]
    )
    while batch := cursor.fetchmany(10_000):
        counts.update(stratum_of(text) for (text,) in batch)
    (originals,) = connection.execute(
        "SELECT count(*) FROM posts WHERE dataset = ? AND kind <> 'retweet'", [dataset]
    ).fetchone()
    counts[OTHERS] += originals - sum(counts.values())
    return dict(counts)


def dataset_validation(connection, dataset: str) -> Validation | None:
    """The dataset's own labels, when they hold both experience and other posts."""
    labelled = labelled_posts(connection, dataset)
    truths = {truth == "experience" for _text, truth, _predicted, _language in labelled}
    if truths != {True, False}:
        return None
    strata = strata_of(
        [(text, truth, predicted) for text, truth, predicted, _language in labelled],
        population(connection, dataset),
    )
    languages = Counter(language for *_rest, language in labelled)
    return Validation(
        "dataset",
        f"{len(labelled):,} posts of this dataset labelled by hand (ustoo movement label)",
        sorted(language for language, n in languages.items() if n >= MIN_LANGUAGE_LABELS),
        strata,
    )


def project_validation() -> Validation:
    """The project's own: the 2019 #MeToo tweets labelled by hand (see MODEL.md), as counts."""
    saved = json.loads(PROJECT_VALIDATION.read_text(encoding="utf-8"))
    return validation_from_counts({**saved, "source": "project"})


def validation_from_counts(saved: dict) -> Validation:
    """A validation from its counts, as validation_counts writes them (data/validation_2019.json too)."""
    strata = {
        name: Stratum(stratum["population"], Counter({(t, p): n for t, p, n in stratum["cells"]}))
        for name, stratum in saved["strata"].items()
    }
    return Validation(saved["source"], saved["description"], saved["languages"], strata)


def validation_counts(validation: Validation) -> dict:
    """What a validation is measured on, as counts only (no text): saved beside a dataset's Parquet partitions
    so that a report on a cluster corrects its share as the store's would."""
    return {
        "source": validation.source,
        "description": validation.description,
        "languages": validation.languages,
        "strata": {
            name: {
                "population": stratum.population,
                "cells": sorted([truth, predicted, n] for (truth, predicted), n in stratum.cells.items()),
            }
            for name, stratum in validation.strata.items()
        },
    }


def project_validation_counts(csv_path: Path, predict) -> dict:
    """What data/validation_2019.json holds, computed from the 2019 CSV and the classifier."""
    strata = real_strata(csv_path, predict)
    return {
        "description": (
            f"{sum(s.labelled for s in strata.values()):,} original English tweets of 15-16 October 2019 "
            "(#MeToo), labelled by hand by one annotator for ustoo (movement/MODEL.md)"
        ),
        "languages": ["en"],
        "strata": {
            name: {
                "population": stratum.population,
                "cells": sorted([truth, predicted, n] for (truth, predicted), n in stratum.cells.items()),
            }
            for name, stratum in strata.items()
        },
    }


def validation_for(connection, dataset: str) -> Validation:
    return dataset_validation(connection, dataset) or project_validation()
