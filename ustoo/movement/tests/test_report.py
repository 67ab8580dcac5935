"""The report's figures against counts made by hand from the fixtures, and its output formats."""

import csv
import io
import json

import pytest
from django.core.management import call_command

from ustoo.movement.report import ReportError, Selection, build_report, parse_bound
from ustoo.movement.tests.conftest import FIXTURES


@pytest.fixture
def twarc2_report(connection, run_import):
    run_import(FIXTURES / "twarc2.jsonl")
    return lambda **options: build_report(connection, Selection(dataset="test", **options))


def test_totals_and_hashtags_counted_by_hand(twarc2_report):
    report = twarc2_report()
    # twarc2.jsonl by hand: 1001 original, 1002 its retweet, 1003 a reply, 1004 a quote; 1001 again on line 2;
    # line 3 has no id and line 4 is cut off. Accounts 11 (twice), 12, 13.
    assert report["totals"] == {
        "posts": 4, "originals": 3, "retweets": 1, "quotes": 1, "replies": 1, "authors": 3,
        "malformed": 2, "duplicates_skipped": 1,
    }  # fmt: skip
    assert report["by_hashtag"] == {
        "metoo": {"posts": 3, "originals": 2},
        "timesup": {"posts": 2, "originals": 1},
        "balancetonporc": {"posts": 1, "originals": 1},
    }
    assert report["per_day"] == {"2017-10-15": 3, "2017-10-16": 1}
    assert report["per_hour"] == {"2017-10-15T20": 2, "2017-10-15T23": 1, "2017-10-16T01": 1}
    assert report["top_cooccurring"] == [["timesup", 2]]
    assert report["window"]["start"] == "2017-10-15T20:00:00"
    assert report["timezone"] == "UTC"
    assert report["deduplication"]["by_id"] == 4


def test_days_and_hours_follow_the_time_zone(twarc2_report):
    report = twarc2_report(timezone="Europe/Paris")  # UTC+2 in October 2017
    assert report["per_day"] == {"2017-10-15": 2, "2017-10-16": 2}
    assert report["per_hour"] == {"2017-10-15T22": 2, "2017-10-16T01": 1, "2017-10-16T03": 1}


def test_window_and_variant_family(twarc2_report):
    report = twarc2_report(
        start=parse_bound("2017-10-16", end=False), end=parse_bound("2017-10-16", end=True)
    )
    assert report["totals"]["posts"] == 1
    related = twarc2_report(family="related")  # posts carrying #TimesUp only
    assert related["totals"]["posts"] == 2
    assert set(related["by_hashtag"]) == {"timesup"}
    with pytest.raises(ReportError):
        twarc2_report(timezone="Mars/Olympus")


def test_experience_share_counts_labelled_originals(connection):
    from ustoo.movement.importer import Importer

    Importer(connection, dataset="test", classify=True).import_file(FIXTURES / "twarc2.jsonl")
    report = build_report(connection, Selection(dataset="test"))
    labels = dict(connection.execute("SELECT id, label FROM posts").fetchall())
    assert labels["1002"] is None  # retweets are not labelled
    per_day = {"2017-10-15": [labels["1001"], labels["1003"]], "2017-10-16": [labels["1004"]]}
    expected = {day: round(found.count("experience") / len(found), 3) for day, found in per_day.items()}
    assert report["experience_share"] == expected


def test_report_command_formats(connection, run_import, tmp_path):
    run_import(FIXTURES / "twarc2.jsonl", dataset="demo")
    connection.close()
    out = io.StringIO()
    call_command("movement", "report", "--dataset", "demo", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["totals"]["posts"] == 4 and report["definitions"]["posts"]
    out = io.StringIO()
    call_command("movement", "report", "--dataset", "demo", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert ["totals", "posts", "", "4"] in rows
    page = tmp_path / "report.html"
    call_command("movement", "report", "--dataset", "demo", "--format", "html", "--output", str(page),
                 stdout=io.StringIO())  # fmt: skip
    markup = page.read_text()
    assert markup.count("<svg") == 6
    assert "src=" not in markup and "href=" not in markup  # loads nothing from elsewhere
    assert "alice" not in markup and "I was 15" not in markup
    folder = tmp_path / "png"
    call_command("movement", "report", "--dataset", "demo", "--format", "png", "--output", str(folder),
                 stdout=io.StringIO())  # fmt: skip
    assert sorted(path.name for path in (tmp_path / "png").iterdir()) == [
        "cooccurring.png", "experience.png", "kinds.png", "languages.png", "per-day.png", "per-hour.png",
    ]  # fmt: skip
    assert (tmp_path / "png" / "per-day.png").read_bytes()[:4] == b"\x89PNG"
