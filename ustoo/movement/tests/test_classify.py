import csv
import io
import json
from collections import Counter
from pathlib import Path

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


def test_model_md_shows_what_evaluate_computes():
    """MODEL.md's held-out figures are those `ustoo movement evaluate` prints, not another run's."""
    figures = json.loads(_evaluate_command())["held_out_synthetic"]
    text = " ".join(Path(classify.__file__).with_name("MODEL.md").read_text(encoding="utf-8").split())
    for label in classify.LABELS:
        row = figures["per_class"][label]
        assert (
            f"| {label} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} | {row['support']} |"
            in text
        )
    assert f"Training split {figures['train_posts']} posts, held-out {figures['test_posts']}." in text
    languages = figures["macro_f1_by_language"]
    assert (
        f"Accuracy {figures['accuracy']:.3f}, macro F1 {figures['macro_f1']:.3f} "
        f"(English {languages['en']:.3f}, Spanish {languages['es']:.3f}, French {languages['fr']:.3f})"
    ) in text
    baseline = figures["baseline"]
    assert f"accuracy {baseline['accuracy']:.3f}, macro F1 {baseline['macro_f1']:.3f}" in text


def _evaluate_command() -> str:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("movement", "evaluate", stdout=out)
    return out.getvalue()


def test_model_md_shows_the_real_figures_evaluate_computes(real_csv):
    """MODEL.md's figures on the project's real labelled tweets are those `evaluate --real-csv` prints."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command("movement", "evaluate", "--real-csv", str(real_csv), stdout=out)
    figures = json.loads(out.getvalue())["real_2019"]
    text = " ".join(Path(classify.__file__).with_name("MODEL.md").read_text(encoding="utf-8").split())

    def shown(figure: dict) -> str:
        low, high = figure["interval"]
        return f"{figure['estimate']:.3f} ({low:.3f}–{high:.3f})"

    for label in classify.LABELS:
        row = figures["per_class"][label]
        assert (
            f"| {label} | {shown(row['precision'])} | {shown(row['recall'])} | {shown(row['f1'])} | "
            f"{row['labelled']} |"
        ) in text
    assert f"Accuracy {shown(figures['accuracy'])}, macro F1 {shown(figures['macro_f1'])}." in text
    share = figures["experience_share_by_hand"]
    low, high = share["interval"]
    assert f"{share['estimate']:.1%} ({low:.1%}–{high:.1%})" in text
