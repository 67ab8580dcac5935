"""Validating the classifier on labels by hand, and the experience share corrected with its error rates."""

import csv
import io
import json
from collections import Counter

import orjson
import pytest
from django.core.management import call_command

from ustoo.movement import render, validation
from ustoo.movement.report import Selection, build_report
from ustoo.movement.validation import CANDIDATES, OTHERS, Correction, Stratum


def strata(candidates: dict, others: dict, populations=(100, 900)) -> dict[str, Stratum]:
    return {
        CANDIDATES: Stratum(populations[0], Counter(candidates)),
        OTHERS: Stratum(populations[1], Counter(others)),
    }


def test_a_perfect_classifier_scores_one_with_no_doubt():
    figures = validation.metrics(
        strata(
            {("experience", "experience"): 10, ("support", "support"): 5},
            {
                ("news_opinion", "news_opinion"): 40,
                ("backlash", "backlash"): 5,
                ("experience", "experience"): 1,
            },
        )
    )
    assert figures["labelled"] == 61
    for label in validation.LABELS:
        assert figures["per_class"][label]["f1"] == {"estimate": 1.0, "interval": [1.0, 1.0]}
    assert figures["macro_f1"]["estimate"] == 1.0


def test_figures_are_weighted_to_the_dataset_not_the_enriched_sample():
    """Candidates: all 100 labelled, 50 experience, all found. Others: 90 labelled of 900, 2 experience (both
    missed) and 88 others, 8 of which called experience. Weighted: experience 50 + 20 = 70 originals, found 50
    (recall 50/70); called experience 50 + 80 = 130 (precision 50/130); hand-labelled share 70 / 1,000."""
    labelled = strata(
        {("experience", "experience"): 50, ("news_opinion", "news_opinion"): 50},
        {
            ("experience", "news_opinion"): 2,
            ("news_opinion", "experience"): 8,
            ("news_opinion", "news_opinion"): 80,
        },
    )
    figures = validation.metrics(labelled)
    experience = figures["per_class"]["experience"]
    assert experience["recall"]["estimate"] == round(50 / 70, 3)
    assert experience["precision"]["estimate"] == round(50 / 130, 3)
    low, high = experience["recall"]["interval"]
    assert low < 50 / 70 < high
    assert figures["confusion"]["labelled"]["experience"] == [50, 0, 2, 0, 0]
    assert figures["confusion"]["estimated_originals"]["experience"][:3] == [50.0, 0.0, 20.0]
    assert validation.share_of_experience(labelled)["estimate"] == 0.07


def test_adjusted_classify_and_count():
    """tpr = 50/70, fpr = 80/930 (weighted, as above); a day whose classifier share is q gets
    (q - fpr) / (tpr - fpr), within [0, 1], and an interval around it."""
    correction = Correction.from_strata(
        strata(
            {("experience", "experience"): 50, ("news_opinion", "news_opinion"): 50},
            {
                ("experience", "news_opinion"): 2,
                ("news_opinion", "experience"): 8,
                ("news_opinion", "news_opinion"): 80,
            },
        )
    )
    tpr, fpr = 50 / 70, 80 / 930
    assert (round(correction.tpr, 6), round(correction.fpr, 6)) == (round(tpr, 6), round(fpr, 6))
    day = correction.corrected(130, 1000)
    assert day["estimate"] == round((0.13 - fpr) / (tpr - fpr), 4)
    assert day["low"] <= day["estimate"] <= day["high"]
    assert day["classified"] == 0.13 and day["originals"] == 1000
    assert correction.corrected(0, 1000)["estimate"] == 0.0  # never below 0
    assert correction.corrected(5, 0) is None


def test_no_correction_without_a_signal():
    assert (
        Correction.from_strata(strata({("experience", "news_opinion"): 5}, {("support", "experience"): 5}))
        is None
    )


def test_the_candidate_rule_finds_first_person_cues_in_three_languages():
    assert validation.stratum_of("Me too. It happened to me at 15.") == CANDIDATES
    assert validation.stratum_of("When I was 12 my coach abused me") == CANDIDATES
    assert validation.stratum_of("Moi aussi. Il m'a agressée au travail.") == CANDIDATES
    assert validation.stratum_of("Yo también, cuando tenía 14 años.") == CANDIDATES
    assert validation.stratum_of("#MeToo leader launches new hashtag") == OTHERS
    assert validation.stratum_of(None) == OTHERS


def test_a_draw_is_reproducible_and_excludes_what_was_labelled():
    posts = [(str(n), "me too" if n % 10 == 0 else "news") for n in range(100)]
    first = validation.draw(posts, 5, seed=1)
    assert first == validation.draw(posts, 5, seed=1) != validation.draw(posts, 5, seed=2)
    again = validation.draw(posts, 5, seed=1, exclude=[key for key, _ in first])
    assert not {key for key, _ in first} & {key for key, _ in again}
    candidates = validation.draw(posts, 50, seed=1, stratify=True)
    assert len(candidates) == 10 and all(text == "me too" for _, text in candidates)


def _small_dataset(tmp_path) -> "object":
    lines = [
        {"id_str": str(700 + n), "created_at": f"Tue Oct 15 {10 + n % 10}:00:00 +0000 2019", "text": text,
         "lang": lang, "user": {"id_str": str(n)}}
        for n, (text, lang) in enumerate(
            [("Me too. I was 15 and my coach abused me #MeToo", "en")] * 12
            + [("We stand with every survivor #MeToo", "en")] * 12
            + [("New law on workplace harassment https://t.co/x #MeToo", "en")] * 12
            + [("Moi aussi. Mon patron m'a harcelée pendant deux ans #MoiAussi", "fr")] * 4
        )
    ]  # fmt: skip
    path = tmp_path / "small.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def test_labelling_in_the_terminal_stores_labels_and_evaluate_reads_them(
    connection, run_import, tmp_path, monkeypatch
):
    run_import(_small_dataset(tmp_path), dataset="small", keep_text=True, classify=True)
    connection.close()
    # 12 answers: a wrong key is asked again, "k" skips, and the input ends after them (as "q")
    answers = ["x", "e", "k"] + ["e"] * 3 + ["s"] * 3 + ["n"] * 4

    def typed(prompt=""):
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr("builtins.input", typed)
    out = io.StringIO()
    call_command("movement", "label", "--dataset", "small", "--sample", "15", "--seed", "3", stdout=out)
    assert "11 labels stored; 11 in 'small'" in out.getvalue()
    assert "Please answer e, s, n, b, k or q." in out.getvalue()
    out = io.StringIO()
    call_command("movement", "evaluate", "--dataset", "small", stdout=out)
    figures = json.loads(out.getvalue())
    assert figures["labelled"] == 11
    assert set(figures["per_class"]) == set(validation.LABELS)
    assert "11 posts of this dataset labelled by hand" in figures["validated_on"]
    # A second session draws only what is not labelled yet.
    answers.append("q")
    out = io.StringIO()
    call_command("movement", "label", "--dataset", "small", "--sample", "30", "--seed", "3", stdout=out)
    assert "[1/29]" in out.getvalue()  # 40 originals, 11 labelled


def test_labelling_needs_the_text(connection, run_import, tmp_path):
    from django.core.management.base import CommandError

    run_import(_small_dataset(tmp_path), dataset="small")
    connection.close()
    with pytest.raises(CommandError, match="--keep-text"):
        call_command("movement", "label", "--dataset", "small", "--sample", "5", stdout=io.StringIO())


def test_the_report_uses_the_datasets_own_labels_and_names_them(connection, run_import, tmp_path):
    run_import(_small_dataset(tmp_path), dataset="small", keep_text=True, classify=True)
    keys = connection.execute("SELECT key, text FROM posts WHERE dataset = 'small' ORDER BY key").fetchall()
    truth = {
        "Me too.": "experience",
        "We stand": "support",
        "New law": "news_opinion",
        "Moi aussi": "experience",
    }
    connection.executemany(
        "INSERT INTO labels VALUES ('small', 'twitter', ?, ?, 'random', now())",
        [
            [key, next(label for start, label in truth.items() if text.startswith(start))]
            for key, text in keys
        ],
    )
    experience = build_report(connection, Selection(dataset="small"))["experience_share"]
    assert experience["validation_source"] == "dataset"
    assert experience["validated_on"].startswith("40 posts of this dataset labelled by hand")
    assert experience["unvalidated_languages"] == {"fr": 4}  # 4 labels in French: fewer than 30
    overall = experience["overall"]
    assert overall["low"] <= overall["estimate"] <= overall["high"]


def test_without_validation_in_its_language_every_format_says_so(connection, run_import, tmp_path):
    """No labels of its own: the project's English tweets; the French posts are named beside the figure."""
    run_import(_small_dataset(tmp_path), dataset="small", classify=True)
    report = build_report(connection, Selection(dataset="small"))
    experience = report["experience_share"]
    assert experience["validation_source"] == "project"
    assert "labelled by hand" in experience["validated_on"]
    assert experience["unvalidated_languages"] == {"fr": 4}
    assert experience["note"].startswith("Not validated in fr (10% of originals)")
    assert experience["note"] in render.as_table(report)
    assert experience["note"] in json.loads(render.as_json(report))["experience_share"]["note"]
    assert ["experience_share", "note", "", experience["note"], ""] in list(
        csv.reader(io.StringIO(render.as_csv(report)))
    )
    html = render.as_html(report)
    assert "Not validated in French (fr) (10%" in html
    assert "95% interval" in html
    from ustoo.movement.charts import report_charts

    [chart] = [chart for chart in report_charts(report) if chart.slug == "experience-share-per-day"]
    assert "Not validated in French (fr)" in chart.note  # the page, the HTML and the PNG show the note
    assert chart.headers[1:] == ["estimate", "95% interval, low", "95% interval, high", "classifier alone"]


def test_the_project_labels_are_originals_of_the_real_csv(real_csv):
    labels = validation.real_labels()
    assert len(labels) >= 800
    assert Counter(labels.values())["experience"] >= 60
    originals = dict(validation.real_originals(real_csv))
    assert set(labels) <= set(originals)
    with validation.REAL_LABELS.open(encoding="utf-8") as handle:
        samples = Counter(row["sample"] for row in csv.DictReader(handle))
    assert set(samples) == {"random", "candidates"}
    # every candidate of the file was labelled: the candidate stratum is a census
    assert {row for row, text in originals.items() if validation.stratum_of(text) == CANDIDATES} <= set(
        labels
    )


def test_the_shipped_validation_counts_are_the_current_models(real_csv):
    """Reports correct shares with data/validation_2019.json: it must be what the classifier gives now
    (`ustoo movement evaluate --real-csv … --write-validation` rewrites it)."""
    from ustoo.movement.classify import predict

    saved = json.loads(validation.PROJECT_VALIDATION.read_text(encoding="utf-8"))
    assert saved == json.loads(json.dumps(validation.project_validation_counts(real_csv, predict)))
