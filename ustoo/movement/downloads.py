"""A released report as files to download: one CSV per table, and one metadata file describing them all.

Each CSV starts with its header row and holds nothing but the table, so pandas, R and spreadsheets read it
with their defaults. What a CSV cannot say without comment lines — the dataset, its window and time zone,
which days and hours are partial, what each column counts, how posts were de-duplicated — is in the
metadata file, `<dataset>-metadata-<zone>.json`, and in the whole report, `<dataset>-report-<zone>.json`.
Each CSV also flags its partial days and hours in a `partial` column (true or false).

File names say the dataset, the table and, for figures per day or hour, the time zone:
`metoo2019-posts-per-day-utc.csv`. Times are ISO 8601, local to that zone.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override


@dataclass(frozen=True)
class Table:
    name: str
    title: str
    columns: dict[str, str]  # name: what it holds
    rows: Callable[[dict], Iterable[list]]
    in_time: bool = False


def _flag(key: str, partial: list[str]) -> str:
    return "true" if key in partial else "false"


def _hour(key: str) -> str:
    """`2019-10-15T17` -> `2019-10-15T17:00`; with an offset, `2017-10-29T02:00+01:00`."""
    return f"{key[:13]}:00{key[13:]}"


def _partial(report: dict, unit: str) -> list[str]:
    return (report.get("partial") or {}).get(unit, [])


def _totals(report: dict) -> Iterable[list]:
    lower_bounds = report.get("lower_bounds") or {}
    for name, value in report["totals"].items():
        yield [name, value, lower_bounds.get(name) or report["definitions"].get(name, "posts")]


def _per_day(report: dict) -> Iterable[list]:
    partial = _partial(report, "per_day")
    for day, posts in report["per_day"].items():
        kinds = report["per_day_by_kind"].get(day, {})
        yield [day, posts, kinds.get("originals", 0), kinds.get("retweets", 0), _flag(day, partial)]


def _per_hour(report: dict) -> Iterable[list]:
    partial = _partial(report, "per_hour")
    for hour, posts in report["per_hour"].items():
        yield [_hour(hour), posts, _flag(hour, partial)]


def _by_variant_per(unit: str) -> Callable[[dict], Iterable[list]]:
    def rows(report: dict) -> Iterable[list]:
        partial = _partial(report, unit)
        for tag, counts in report[f"{unit}_by_hashtag"].items():
            for key, posts in counts.items():
                yield [key if unit == "per_day" else _hour(key), tag, posts, _flag(key, partial)]

    return rows


def _experience(report: dict) -> Iterable[list]:
    partial = _partial(report, "per_day")
    experience = report["experience_share"]
    for day, figures in experience["per_day"].items():
        figures = figures or {}
        yield [
            day,
            figures.get("estimate"),
            figures.get("low"),
            figures.get("high"),
            figures.get("classified"),
            figures.get("originals"),
            _flag(day, partial),
            experience.get("note") or "",
        ]


PARTIAL = "true if the window covers only part of this period (see partial in the metadata), else false"
DAY = "the day, YYYY-MM-DD, in the report's time zone"
HOUR = "the hour's start, ISO 8601, in the report's time zone (with its UTC offset outside UTC)"
TABLES = {
    table.name: table
    for table in (
        Table(
            "totals",
            _("Totals"),
            {"figure": "what is counted", "value": "the count, empty if not measured", "counts": "meaning"},
            _totals,
        ),
        Table(
            "posts-by-variant",
            _("Posts by variant"),
            {
                "hashtag": "the variant, lower case, without #",
                "posts": "posts carrying it",
                "originals": "of those, posts that are not retweets",
            },
            lambda report: ([tag, v["posts"], v["originals"]] for tag, v in report["by_hashtag"].items()),
        ),
        Table(
            "posts-per-day",
            _("Posts per day"),
            {
                "day": DAY,
                "posts": "posts",
                "originals": "posts that are not retweets",
                "retweets": "retweets",
                "partial": PARTIAL,
            },
            _per_day,
            in_time=True,
        ),
        Table(
            "posts-per-hour",
            _("Posts per hour"),
            {"hour": HOUR, "posts": "posts", "partial": PARTIAL},
            _per_hour,
            in_time=True,
        ),
        Table(
            "posts-per-day-by-variant",
            _("Posts per day by variant"),
            {
                "day": DAY,
                "hashtag": "the variant (the five most used)",
                "posts": "posts carrying it",
                "partial": PARTIAL,
            },
            _by_variant_per("per_day"),
            in_time=True,
        ),
        Table(
            "posts-per-hour-by-variant",
            _("Posts per hour by variant"),
            {
                "hour": HOUR,
                "hashtag": "the variant (the five most used)",
                "posts": "posts carrying it",
                "partial": PARTIAL,
            },
            _by_variant_per("per_hour"),
            in_time=True,
        ),
        Table(
            "posts-by-language",
            _("Posts by language"),
            {"language": "the platform's language tag, else the detected one, else und", "posts": "posts"},
            lambda report: ([code, n] for code, n in report["by_language"].items()),
        ),
        Table(
            "cooccurring-hashtags",
            _("Hashtags used alongside"),
            {
                "hashtag": "another hashtag, lower case, without #",
                "posts": "posts carrying it and a variant of the anchor family",
            },
            lambda report: ([tag, n] for tag, n in report["top_cooccurring"]),
        ),
        Table(
            "experience-share-per-day",
            _("Share of originals telling their own experience, per day"),
            {
                "day": DAY,
                "share": "the corrected share of originals telling their own experience (0 to 1)",
                "low": "the 95% interval's lower end",
                "high": "the 95% interval's upper end",
                "classified": "the share the classifier labelled experience, before correction",
                "originals": "originals (posts that are not retweets) that day",
                "partial": PARTIAL,
                "note": "languages the validation does not cover, if any (see validated_on in the metadata)",
            },
            _experience,
            in_time=True,
        ),
    )
}


def _stem(report: dict) -> str:
    family = report.get("variants_family")
    return slugify(report["dataset"]) + (f"-{slugify(family)}" if family else "")


def _zone(report: dict) -> str:
    return slugify(report["timezone"].replace("/", "-"))


def filename(report: dict, name: str, extension: str, *, in_time: bool | None = None) -> str:
    """`metoo2019-posts-per-day-utc.csv`: the dataset (and its variant family), the table, and the time
    zone where the figures are per day or hour."""
    if in_time is None:
        in_time = TABLES[name].in_time if name in TABLES else True
    return f"{_stem(report)}-{name}" + (f"-{_zone(report)}" if in_time else "") + f".{extension}"


def as_csv(report: dict, table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows(report))
    return out.getvalue()


def metadata(report: dict) -> dict:
    """What the CSV files cannot say themselves."""
    with override("en"):
        return {
            "dataset": report["dataset"],
            "variants_family": report.get("variants_family"),
            "timezone": report["timezone"],
            "window": report["window"],
            "released_at": report.get("released_at"),
            "partial": report.get("partial") or {},
            "deduplication": report["deduplication"]["note"],
            "experience_share": {
                key: report["experience_share"].get(key)
                for key in (
                    "validated_on",
                    "validated_languages",
                    "unvalidated_languages",
                    "error_rates",
                    "note",
                )
            },
            "definitions": report["definitions"],
            "report": filename(report, "report", "json"),
            "files": [
                {
                    "name": filename(report, table.name, "csv"),
                    "title": str(table.title),
                    "header": "first row",
                    "columns": table.columns,
                }
                for table in TABLES.values()
            ],
        }
