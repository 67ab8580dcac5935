"""A report as a table, JSON, CSV, one self-contained HTML file, or PNG images."""

import csv
import io
import json
import math
import textwrap
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import override

from ustoo.movement import downloads, readable
from ustoo.movement.charts import COLOURS, HATCH, Chart, report_charts, tick_indices


def as_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


# Sections whose figures are per day or per hour, and where that day or hour is: the key or the sub-key.
_TIMED = {
    "per_day": ("key", "per_day"),
    "per_hour": ("key", "per_hour"),
    "per_day_by_kind": ("key", "per_day"),
    "authors_per_day": ("key", "per_day"),
    "per_day_by_hashtag": ("sub", "per_day"),
    "per_hour_by_hashtag": ("sub", "per_hour"),
}


def _flat(report: dict):
    """(section, key, sub, value, partial): partial is true or false for a day's or an hour's figure, and
    empty for figures not in time."""
    partial = report.get("partial") or {}
    for section, value in report.items():
        if section == "partial":
            continue  # written as each row's flag
        if section == "experience_share":
            yield from _flat_experience(value, partial.get("per_day", ()))
            continue
        where, unit = _TIMED.get(section, (None, None))

        def flag(key, sub, where=where, unit=unit):
            if where is None:
                return ""
            return "true" if (key if where == "key" else sub) in partial.get(unit, ()) else "false"

        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    for sub, number in inner.items():
                        if isinstance(number, list):  # a variant's spellings
                            number = " ".join(number)
                        yield section, key, sub, number, flag(key, sub)
                else:
                    yield section, key, "", inner, flag(key, "")
        elif isinstance(value, list):
            for key, number in value:
                yield section, key, "", number, ""
        else:
            yield section, "", "", value, ""


def _flat_experience(experience: dict, partial_days):
    """experience_share as rows: (experience_share, day or "overall", figure, value, partial), then what it
    was validated on and its note, so that the note stands beside the figures in this format too."""
    for figure, value in (experience["overall"] or {}).items():
        yield "experience_share", "overall", figure, value, ""
    for day, figures in experience["per_day"].items():
        for figure, value in (figures or {}).items():
            yield "experience_share", day, figure, value, "true" if day in partial_days else "false"
    for name in ("validated_on", "validation_source", "labelled", "note"):
        yield "experience_share", name, "", experience.get(name) or "", ""
    for language, n in experience.get("unvalidated_languages", {}).items():
        yield "experience_share", "unvalidated_languages", language, n, ""
    for name, value in (experience.get("error_rates") or {}).items():
        yield "experience_share", "error_rates", name, value, ""


def as_csv(report: dict) -> str:
    """Long form: one figure per row, so every figure keeps the name of what it counts. The header comes
    first and nothing precedes it: the window, time zone and definitions are rows like the figures."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "sub", "value", "partial"])
    writer.writerows(_flat(report))
    return out.getvalue()


def _table_header(report: dict) -> list[str]:
    window, zone = report["window"], report["timezone"]
    lines = [
        *(["TEXT KEPT: " + report["text_kept"]["note"]] if report.get("text_kept", {}).get("posts") else []),
        f"Dataset {report['dataset']}, time zone {zone}"
        + (
            f", only posts carrying a {report['variants_family']} variant"
            if report["variants_family"]
            else ""
        ),
    ]
    if window.get("first_post"):
        lines.append(
            f"First post {readable.when(window['first_post'], zone)}, "
            f"last post {readable.when(window['last_post'], zone)}"
        )
    if not window.get("first_post") or "--" in window.get("start_set_by", "") + window.get("end_set_by", ""):
        lines.append(
            f"Window {readable.when(window['start'], zone)} to {readable.when(window['end'], zone)} "
            "(end excluded)"
        )
    partial = report.get("partial") or {}
    for unit, word in (("per_day", "days"), ("per_hour", "hours")):
        if partial.get(unit):
            lines.append(
                f"Partial {word} (only part of each was collected; not comparable with whole ones): "
                + readable.partial_periods_text(partial[unit])
            )
    return lines


def as_table(report: dict) -> str:
    """Plain text in English, every count with its thousands separator and every time as people read it."""
    with override("en"):
        return _as_table(report).replace("\N{NO-BREAK SPACE}", " ")  # a terminal breaks nothing


def _as_table(report: dict) -> str:
    partial_days = (report.get("partial") or {}).get("per_day", [])

    def day(key: str) -> str:
        return f"{readable.period(key):<18}"

    def mark(key: str) -> str:
        return "  partial" if key in partial_days else ""

    lower_bounds = report.get("lower_bounds") or {}
    lines = [*_table_header(report), "", "Totals (posts unless named):"]
    for name, value in report["totals"].items():
        if value is None:
            lines.append(f"  {name:<20} {'unknown':>12} (not in the source)")
        elif name in lower_bounds:
            lines.append(f"  {name:<20} {value:>12,} ({lower_bounds[name]})")
        else:
            lines.append(f"  {name:<20} {value:>12,}")
    lines += ["", "By hashtag (posts; a post counts once per distinct hashtag):"]
    lines += [_tag_line(tag, v) for tag, v in report["by_hashtag"].items()]
    if report.get("own_hashtags"):
        lines += ["", "Your hashtags (--hashtags):"]
        lines += [_tag_line(tag, v) for tag, v in report["own_hashtags"].items()]
    if report.get("by_variant_spellings_merged"):
        lines += ["", "Variants with their spellings merged (posts carrying any spelling, each once):"]
        lines += [
            _tag_line(tag, v) + f"  ({', '.join('#' + s for s in v['spellings'])})"
            for tag, v in report["by_variant_spellings_merged"].items()
        ]
    if report.get("by_language_family"):
        lines += ["", "By language of the variants (posts carrying any variant of the language, each once):"]
        lines += [_tag_line(language, v, mark="") for language, v in report["by_language_family"].items()]
    lines += ["", "Top hashtags (posts carrying each, whatever its family):"]
    lines += [f"  #{tag:<24} {n:>10,}" for tag, n in report.get("top_hashtags", [])]
    lines += ["", "By language (posts):"]
    lines += [f"  {lang:<10} {n:>12,}" for lang, n in report["by_language"].items()]
    lines += ["", f"Per day (posts, {report['timezone']}):"]
    lines += [f"  {day(key)} {n:>12,}{mark(key)}" for key, n in report["per_day"].items()]
    partial_hours = (report.get("partial") or {}).get("per_hour", [])
    lines += ["", f"Per hour (posts, {report['timezone']}):"]
    lines += [
        f"  {readable.period(key):<38} {n:>10,}{'  partial' if key in partial_hours else ''}"
        for key, n in report["per_hour"].items()
    ]
    lines += ["", *_author_lines(report, day, mark)]
    lines += ["", f"Top co-occurring hashtags (posts carrying a {report['anchor_family']} variant):"]
    lines += [f"  #{tag:<24} {n:>10,}" for tag, n in report["top_cooccurring"]]
    lines += ["", *_experience_lines(report, day, mark)]
    lines += ["", "De-duplication: " + report["deduplication"]["note"]]
    lines += ["", "Text: " + report["text_kept"]["note"]]
    return "\n".join(lines) + "\n"


def _tag_line(tag: str, figures: dict, mark: str = "#") -> str:
    authors = figures.get("authors")
    return f"  {mark}{tag:<24} {figures['posts']:>10,} posts {figures['originals']:>10,} originals" + (
        f" {authors:>10,} authors" if authors is not None else ""
    )


def _author_lines(report: dict, day, mark) -> list[str]:
    if not report.get("authors_per_day"):
        return ["Authors: not measured (no source named the authors)."]
    lines = [f"Authors per day (distinct accounts, {report['timezone']}):"]
    lines += [f"  {day(key)} {n:>12,}{mark(key)}" for key, n in report["authors_per_day"].items()]
    concentration = report["author_concentration"]
    lines.append(
        f"Concentration: the {concentration['top_1_percent_authors']:,} accounts that posted most (1% of "
        f"{concentration['authors']:,}) posted {concentration['their_posts']:,} posts, "
        f"{concentration['share_of_posts']:.1%} of the posts with an author."
    )
    repeated = report["repeated_texts"]
    lines.append(
        f"Repeated texts: {repeated['accounts']:,} accounts posted one original text {repeated['at_least']} "
        f"times or more ({repeated['posts']:,} posts; at most {repeated['most_by_one_account']:,} by one "
        "account)."
    )
    return lines


def _experience_lines(report: dict, day, mark) -> list[str]:
    experience = report["experience_share"]

    def shown(figures: dict | None) -> str:
        if not figures:
            return "not measured"
        return (
            f"{figures['estimate']:>6.1%} (95% interval {figures['low']:.1%} to {figures['high']:.1%}; "
            f"classifier alone {figures['classified']:.1%} of {figures['originals']:,} originals)"
        )

    lines = [
        "Experience share (originals in which the poster says it happened to them, corrected for the "
        "classifier's measured errors):",
        f"  {'all days':<18} {shown(experience['overall'])}",
    ]
    lines += [f"  {day(key)} {shown(figures)}{mark(key)}" for key, figures in experience["per_day"].items()]
    lines.append(f"  Validated on: {experience['validated_on']}.")
    if experience.get("note"):
        lines.append(f"  {experience['note']}")
    return lines


def as_html(report: dict) -> str:
    """One self-contained page in the active language, with the page's stylesheet inline."""
    stylesheet = (Path(__file__).parent / "static" / "movement" / "movement.css").read_text(encoding="utf-8")
    return render_to_string(
        "movement/report.html",
        {"report": report, "charts": report_charts(report), "stylesheet": mark_safe(stylesheet)},  # noqa: S308 - our file
    )


PNG_WIDTH, PNG_DPI = 5, 200  # inches: 1,000 pixels, whose 11-point text is still 12 pixels on a 390 screen


def _line_png(pyplot, chart: Chart):
    from matplotlib.patches import Patch
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    rows, names = chart.rows, chart.headers[1:]
    note = textwrap.wrap(chart.note, 46)
    legend_rows = math.ceil((len(names) + bool(chart.partial_keys)) / 2)
    # The plot keeps its height whatever the note and the legend take under it.
    height = 3.1 + 0.21 * len(note) + 0.26 * legend_rows
    figure, axes = pyplot.subplots(figsize=(PNG_WIDTH, height), dpi=PNG_DPI, layout="constrained")
    if note:  # the partial periods in words, under the time axis
        axes.set_xlabel("\n".join(note), color="#3d3d45", loc="left")
    for index, row in enumerate(rows):
        if row.partial:
            axes.axvspan(index - 0.5, index + 0.5, facecolor="#f3f2ee", edgecolor=HATCH, hatch="///", lw=0)
    for number, name in enumerate(names):
        colour = COLOURS[number % len(COLOURS)]
        run: list[tuple[int, float]] = []
        for index, row in enumerate([*rows, None]):
            if row is not None and not row.partial:
                run.append((index, row.values[number]))
                continue
            if run:
                axes.plot(
                    *zip(*run, strict=True), color=colour, lw=2, marker="o", ms=3 if len(rows) <= 40 else 0
                )
            run = []
            if row is not None:  # partial: a hollow point on its own, never joined to the line
                axes.plot([index], [row.values[number]], marker="o", ms=6, mfc="white", mec=colour, mew=1.8)
        axes.plot([], [], color=colour, lw=2, label=name)
    keys = [row.key for row in rows]
    shown, previous = tick_indices(keys, 300 / max(len(rows), 1)), None
    labels = []
    for index in shown:
        first, second = readable.tick(keys[index])
        labels.append(first + ("\n" + second if second != previous else ""))
        previous = second
    axes.set_xticks(shown, labels)
    axes.set_xlim(-0.5, max(len(rows), 1) - 0.5)
    axes.set_ylim(0, max([value for row in rows for value in row.values] or [0]) * 1.12 or 1)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=not chart.share))
    axes.yaxis.set_major_formatter(
        FuncFormatter(
            lambda value, _position: chart.shown(value) if not chart.share else readable.share(value, 0)
        )
    )
    axes.set_ylabel(chart.unit)
    handles, names_shown = axes.get_legend_handles_labels()
    if chart.partial_keys:
        word = _("partial hour") if readable.is_hour(keys[0]) else _("partial day")
        handles.append(Patch(facecolor="#f3f2ee", edgecolor=HATCH, hatch="///", label=word))
        names_shown.append(word)
    figure.legend(handles, names_shown, loc="outside lower center", ncols=2, frameon=False)
    return figure, axes


def _bar_png(pyplot, chart: Chart):
    rows = chart.rows
    figure, axes = pyplot.subplots(
        figsize=(PNG_WIDTH, 1.3 + 0.34 * max(len(rows), 1)), dpi=PNG_DPI, layout="constrained"
    )
    bars = axes.barh(range(len(rows)), [row.values[0] for row in rows], color=COLOURS[0])
    axes.set_yticks(range(len(rows)), [row.label for row in rows])
    axes.invert_yaxis()
    axes.bar_label(bars, labels=[chart.shown(row.values[0]) for row in rows], padding=4)
    axes.set_xlim(0, max([row.values[0] for row in rows] or [1]) * 1.25)
    axes.xaxis.set_visible(False)  # every bar names its figure
    axes.spines["bottom"].set_visible(False)
    return figure, axes


def write_png(report: dict, folder: Path) -> list[Path]:
    """One PNG per chart, named as the downloads are (metoo2019-posts-per-day-by-variant-utc.png), drawn
    for a phone: 1,000 pixels wide with 11 to 13-point text."""
    import matplotlib

    matplotlib.use("Agg")  # no screen; and never a network font fetch
    from matplotlib import pyplot

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    style = {"font.size": 11, "axes.spines.top": False, "axes.spines.right": False, "axes.titlesize": 13}
    for chart in report_charts(report):
        with pyplot.rc_context(style):
            figure, axes = (_line_png if chart.in_time else _bar_png)(pyplot, chart)
            axes.set_title(textwrap.fill(chart.title, 40), loc="left", fontweight="bold")
            path = folder / downloads.filename(report, chart.slug, "png", in_time=chart.in_time)
            figure.savefig(path)
            pyplot.close(figure)
        written.append(path)
    return written
