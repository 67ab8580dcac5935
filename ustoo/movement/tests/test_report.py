"""The report's figures against counts made by hand from the fixtures, and its output formats."""

import csv
import io
import json

import orjson
import pytest
from django.core.management import CommandError, call_command

from ustoo.movement import render
from ustoo.movement.charts import report_charts
from ustoo.movement.report import ReportError, Selection, build_report, parse_bound
from ustoo.movement.tests.conftest import FIXTURES, PARTIAL_DAYS, REAL_COLUMNS


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
    # authors: 1001 and 1004 are account 11's, 1002 account 12's (the retweet), 1003 account 13's
    assert report["by_hashtag"] == {
        "metoo": {"posts": 3, "originals": 2, "authors": 3},
        "timesup": {"posts": 2, "originals": 1, "authors": 2},
        "balancetonporc": {"posts": 1, "originals": 1, "authors": 1},
    }
    assert report["per_day"] == {"2017-10-15": 3, "2017-10-16": 1}
    assert report["per_hour"] == {"2017-10-15T20": 2, "2017-10-15T23": 1, "2017-10-16T01": 1}
    assert report["top_cooccurring"] == [["timesup", 2]]
    assert report["window"] == {
        "start": "2017-10-15T20:00:00",
        "end": "2017-10-16T01:30:00.000001",  # just after the last post, 1004: the end is excluded
        "end_is": "exclusive",
        "start_set_by": "first post",
        "end_set_by": "last post",
        "first_post": "2017-10-15T20:00:00",
        "last_post": "2017-10-16T01:30:00",
    }
    assert report["timezone"] == "UTC"
    assert report["deduplication"]["by_id"] == 4


def test_days_and_hours_follow_the_time_zone(twarc2_report):
    report = twarc2_report(timezone="Europe/Paris")  # UTC+2 in October 2017
    assert report["per_day"] == {"2017-10-15": 2, "2017-10-16": 2}
    assert report["per_hour"] == {
        "2017-10-15T22+02:00": 2,
        "2017-10-16T01+02:00": 1,
        "2017-10-16T03+02:00": 1,
    }
    assert report["window"]["start"] == "2017-10-15T22:00:00"  # local, as --from and --to are


def _v1_file(path, tweets):
    """tweets: (id, created_at, lang or None, text, hashtags)."""
    path.write_bytes(
        b"".join(
            orjson.dumps({
                "id_str": tweet_id, "created_at": created, "lang": lang, "text": text,
                "user": {"id_str": "7"}, "entities": {"hashtags": [{"text": tag} for tag in tags]},
            }) + b"\n"
            for tweet_id, created, lang, text, tags in tweets
        )
    )  # fmt: skip
    return path


def test_the_hour_repeated_when_summer_time_ends_is_two_hours(connection, run_import, tmp_path):
    # 29 October 2017 in Paris, 02:00-03:00 comes twice: at +02:00 (00:00-01:00 UTC), then at +01:00
    run_import(_v1_file(tmp_path / "dst.jsonl", [
        ("1", "Sun Oct 29 00:30:00 +0000 2017", "en", "one #MeToo", ["MeToo"]),
        ("2", "Sun Oct 29 01:30:00 +0000 2017", "en", "two #MeToo", ["MeToo"]),
        ("3", "Sun Oct 29 01:45:00 +0000 2017", "en", "three #MeToo", ["MeToo"]),
    ]))  # fmt: skip
    report = build_report(connection, Selection(dataset="test", timezone="Europe/Paris"))
    assert report["per_hour"] == {"2017-10-29T02+02:00": 1, "2017-10-29T02+01:00": 2}
    assert report["per_hour_by_hashtag"]["metoo"] == report["per_hour"]
    assert report["per_day"] == {"2017-10-29": 3}
    chart = next(chart for chart in report_charts(report) if chart.slug == "posts-per-hour-by-variant")
    assert [row.key for row in chart.rows] == ["2017-10-29T02+02:00", "2017-10-29T02+01:00"]  # in time order
    assert [row.label for row in chart.rows] == [
        "29\u00a0October\u00a02017, 02:00–03:00 (UTC+02:00)",
        "29\u00a0October\u00a02017, 02:00–03:00 (UTC+01:00)",
    ]


def test_languages_fall_back_to_the_detected_one(connection, run_import, tmp_path):
    run_import(_v1_file(tmp_path / "langs.jsonl", [
        ("1", "Sun Oct 15 20:00:00 +0000 2017", "en", "I was 15 and nobody believed me. #MeToo", ["MeToo"]),
        ("2", "Sun Oct 15 20:01:00 +0000 2017", "und",
         "Yo también, me pasó en el trabajo hace años y nadie me creyó.", []),
        ("3", "Sun Oct 15 20:02:00 +0000 2017", None,
         "Moi aussi, cela m'est arrivé au travail et personne ne m'a crue.", []),
        ("4", "Sun Oct 15 20:03:00 +0000 2017", "fr", "Lisez ceci #BalanceTonPorc", ["BalanceTonPorc"]),
        ("5", "Sun Oct 15 20:04:00 +0000 2017", "und", "", []),  # nothing to detect from
    ]))  # fmt: skip
    report = build_report(connection, Selection(dataset="test"))
    assert report["by_language"] == {"fr": 2, "en": 1, "es": 1, "und": 1}
    assert report["languages_detected"] == 2


def test_window_and_variant_family(twarc2_report):
    report = twarc2_report(
        start=parse_bound("2017-10-16", end=False), end=parse_bound("2017-10-16", end=True)
    )
    assert report["totals"]["posts"] == 1
    related = twarc2_report(family="related")  # posts carrying #TimesUp only
    assert related["totals"]["posts"] == 2
    assert set(related["by_hashtag"]) == {"timesup"}
    assert related["top_cooccurring"] == [["metoo", 2]]
    with pytest.raises(ReportError):
        twarc2_report(timezone="Mars/Olympus")


def test_experience_share_corrects_what_the_classifier_counts(connection):
    from ustoo.movement.importer import Importer
    from ustoo.movement.validation import Correction, project_validation

    Importer(connection, dataset="test", classify=True).import_file(FIXTURES / "twarc2.jsonl")
    report = build_report(connection, Selection(dataset="test"))
    labels = dict(connection.execute("SELECT id, label FROM posts").fetchall())
    assert labels["1002"] is None  # retweets are not labelled
    per_day = {"2017-10-15": [labels["1001"], labels["1003"]], "2017-10-16": [labels["1004"]]}
    correction = Correction.from_strata(project_validation().strata)  # no labels of its own
    experience = report["experience_share"]
    for day, found in per_day.items():
        expected = correction.corrected(found.count("experience"), len(found))
        assert experience["per_day"][day] == expected
        assert expected["classified"] == round(found.count("experience") / len(found), 4)
    assert experience["validation_source"] == "project"


def test_the_variants_flag_through_the_command(connection, run_import):
    run_import(FIXTURES / "twarc2.jsonl", dataset="demo")
    connection.close()
    out = io.StringIO()
    call_command(
        "movement", "report", "--dataset", "demo", "--variants", "related", "--format", "json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert report["variants_family"] == "related"
    assert report["totals"]["posts"] == 2  # 1001 and its retweet 1002 carry #TimesUp
    assert report["by_hashtag"] == {"timesup": {"posts": 2, "originals": 1, "authors": 2}}
    out = io.StringIO()
    call_command("movement", "report", "--dataset", "demo", "--variants", "related", stdout=out)
    assert "only posts carrying a related variant" in out.getvalue()
    with pytest.raises(CommandError):
        call_command(
            "movement", "report", "--dataset", "demo", "--variants", "nonsense", stdout=io.StringIO()
        )


def test_authors_not_in_the_source_are_unknown_not_zero(connection, run_import, tmp_path):
    run_import(FIXTURES / "mapped.csv", dataset="demo", columns="text=Tweet Text,created_at=When,id=Tweet ID")
    report = build_report(connection, Selection(dataset="demo"))
    assert report["totals"]["authors"] is None
    assert "authors                   unknown (not in the source)" in render.as_table(report)
    assert ["totals", "authors", "", "", ""] in list(csv.reader(io.StringIO(render.as_csv(report))))
    page = render.as_html(report)
    assert "not measured: the source names no author" in page


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
    assert ["totals", "posts", "", "4", ""] in rows
    page = tmp_path / "report.html"
    call_command("movement", "report", "--dataset", "demo", "--format", "html", "--output", str(page),
                 stdout=io.StringIO())  # fmt: skip
    markup = page.read_text()
    assert (
        markup.count('<svg class="chart chart--narrow"')
        == markup.count('<svg class="chart chart--wide"')
        == 6
    )
    assert "src=" not in markup and "href=" not in markup  # loads nothing from elsewhere
    assert "alice" not in markup and "I was 15" not in markup
    folder = tmp_path / "png"
    call_command("movement", "report", "--dataset", "demo", "--format", "png", "--output", str(folder),
                 stdout=io.StringIO())  # fmt: skip
    # Named as the downloads are: dataset, what the chart shows, and the time zone of figures in time.
    assert sorted(path.name for path in (tmp_path / "png").iterdir()) == [
        "demo-cooccurring-hashtags.png",
        "demo-experience-share-per-day-utc.png",
        "demo-originals-and-retweets-per-day-utc.png",
        "demo-posts-by-language.png",
        "demo-posts-per-day-by-variant-utc.png",
        "demo-posts-per-hour-by-variant-utc.png",
    ]
    assert (tmp_path / "png" / "demo-posts-per-day-by-variant-utc.png").read_bytes()[:4] == b"\x89PNG"


@pytest.fixture
def partial_report(connection, run_import):
    run_import(PARTIAL_DAYS, columns=REAL_COLUMNS)
    return lambda **options: build_report(connection, Selection(dataset="test", **options))


def test_a_collection_starting_and_ending_mid_day_has_partial_first_and_last_days(partial_report):
    report = partial_report()
    assert report["per_day"] == {"2019-10-15": 3, "2019-10-16": 4, "2019-10-17": 2}
    assert report["partial"] == {
        "per_day": ["2019-10-15", "2019-10-17"],  # from 17:46, and until 09:10
        "per_hour": ["2019-10-15T17", "2019-10-17T09"],
    }
    assert report["window"]["first_post"] == "2019-10-15T17:46:00"
    assert report["window"]["last_post"] == "2019-10-17T09:10:00"


def test_bounds_named_with_from_and_to_decide_what_is_whole(partial_report):
    whole_days = partial_report(
        start=parse_bound("2019-10-15", end=False), end=parse_bound("2019-10-17", end=True)
    )
    assert whole_days["partial"] == {"per_day": [], "per_hour": []}
    assert whole_days["window"]["start_set_by"] == "--from" and whole_days["window"]["end_set_by"] == "--to"
    whole_hours = partial_report(
        start=parse_bound("2019-10-15T17:00", end=False), end=parse_bound("2019-10-17T10:00", end=True)
    )
    assert whole_hours["partial"] == {"per_day": ["2019-10-15", "2019-10-17"], "per_hour": []}
    # A window starting mid-hour, before the first post: that hour is still partial.
    mid_hour = partial_report(start=parse_bound("2019-10-15T17:30", end=False))
    assert mid_hour["partial"]["per_hour"] == ["2019-10-15T17", "2019-10-17T09"]
    # A window starting on a day with no post: the first day with posts is whole.
    earlier = partial_report(start=parse_bound("2019-10-14T12:00", end=False))
    assert earlier["partial"]["per_day"] == ["2019-10-17"]


def test_partial_periods_follow_the_time_zone(partial_report):
    report = partial_report(timezone="Europe/Paris")  # UTC+2 in October 2019
    assert report["partial"] == {
        "per_day": ["2019-10-15", "2019-10-17"],
        "per_hour": ["2019-10-15T19+02:00", "2019-10-17T11+02:00"],
    }


def test_one_short_period_is_partial_once(twarc2_report):
    report = twarc2_report(start=parse_bound("2017-10-16T01:00", end=False))  # one post, at 01:30
    assert report["per_hour"] == {"2017-10-16T01": 1}
    assert report["partial"] == {"per_day": ["2017-10-16"], "per_hour": ["2017-10-16T01"]}


def test_the_long_csv_starts_with_its_header_and_flags_partial_periods(partial_report):
    text = render.as_csv(partial_report())
    rows = list(csv.DictReader(io.StringIO(text)))
    assert text.startswith("section,key,sub,value,partial\r\n")
    assert not any(line.startswith("#") for line in text.splitlines())
    flags = {(row["section"], row["key"], row["sub"]): row["partial"] for row in rows}
    assert flags[("per_day", "2019-10-15", "")] == "true"
    assert flags[("per_day", "2019-10-16", "")] == "false"
    assert flags[("per_hour", "2019-10-17T09", "")] == "true"
    assert flags[("per_day_by_kind", "2019-10-17", "originals")] == "true"
    assert flags[("per_day_by_hashtag", "metoo", "2019-10-16")] == "false"
    assert flags[("per_hour_by_hashtag", "metoo", "2019-10-15T17")] == "true"
    assert flags[("totals", "posts", "")] == ""  # not a figure in time
    assert "partial" not in {row["section"] for row in rows}  # the flags say it


def test_the_table_reads_as_people_read(partial_report):
    table = render.as_table(partial_report())
    assert "First post 15 October 2019, 17:46 UTC, last post 17 October 2019, 09:10 UTC" in table
    assert (
        "Partial days (only part of each was collected; not comparable with whole ones): "
        "15 October 2019 and 17 October 2019\n"
    ) in table
    assert "  15 October 2019               3  partial\n" in table
    assert "  16 October 2019               4\n" in table
    assert "T17:46" not in table and ".000001" not in table


def test_the_html_report_in_the_readers_language(connection, run_import, tmp_path, real_csv):
    run_import(real_csv, dataset="metoo2019", columns=REAL_COLUMNS)
    connection.close()
    page = tmp_path / "report.html"
    call_command("movement", "report", "--dataset", "metoo2019", "--format", "html", "--language", "fr",
                 "--output", str(page), stdout=io.StringIO())  # fmt: skip
    markup = page.read_text()
    assert '<html lang="fr">' in markup
    assert "15\u00a0octobre\u00a02019, 17:46 UTC" in markup
    assert ">15\u202f054<" in markup  # posts, grouped the French way
    assert "jours partiels" in markup
    assert "@media (min-width: 47.5rem)" in markup and ".summary-list__row {" in markup  # styles, inline
    english = render.as_html(build_report_for(tmp_path))
    assert ">15,054<" in english and "15\u00a0October\u00a02019, 17:46 UTC" in english


def build_report_for(tmp_path) -> dict:
    from ustoo.movement import store

    connection = store.connect(tmp_path / "movement.duckdb", read_only=True)
    try:
        return build_report(connection, Selection(dataset="metoo2019"))
    finally:
        connection.close()


def test_png_charts_are_drawn_for_a_phone(partial_report, tmp_path):
    from PIL import Image

    written = render.write_png(partial_report(), tmp_path)
    for path in written:
        with Image.open(path) as image:
            # 1,000 pixels wide for 11-point text: on a 390-pixel screen it is shown at 12 pixels.
            assert image.width == 1000, path.name
    assert sorted(path.name for path in written)[0] == "test-cooccurring-hashtags.png"
