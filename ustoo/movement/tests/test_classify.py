import csv
from collections import Counter

from ustoo.movement import classify


def test_labelled_set_is_large_enough_and_multilingual():
    with classify.DATA_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 800
    assert set(Counter(row["label"] for row in rows)) == set(classify.LABELS)
    assert {"en", "fr", "es"} <= {row["lang"] for row in rows}


def test_held_out_split_shares_no_opening_sentence_with_training():
    train, test = classify.held_out_split(classify.load_labelled())
    assert not {row["group"] for row in train} & {row["group"] for row in test}
    assert {row["label"] for row in test} == set(classify.LABELS)


def test_the_classifier_beats_the_majority_baseline_on_held_out_posts():
    figures = classify.evaluate()
    assert figures["macro_f1"] > figures["baseline"]["macro_f1"] + 0.3
    assert figures["accuracy"] > figures["baseline"]["accuracy"] + 0.3
    assert all(figures["per_class"][label]["f1"] > 0.5 for label in classify.LABELS)
