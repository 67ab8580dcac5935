"""A report as a table, JSON, CSV, one self-contained HTML file, or PNG images."""

import csv
import io
import json
from pathlib import Path

from django.template.loader import render_to_string

from ustoo.movement.charts import report_charts


def as_json(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def _flat(report: dict):
    for section, value in report.items():
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, dict):
                    for sub, number in inner.items():
                        yield section, key, sub, number
                else:
                    yield section, key, "", inner
        elif isinstance(value, list):
            for key, number in value:
                yield section, key, "", number
        else:
            yield section, "", "", value


def as_csv(report: dict) -> str:
    """Long form: one figure per row, so every figure keeps the name of what it counts."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "key", "sub", "value"])
    writer.writerows(_flat(report))
    return out.getvalue()


def as_table(report: dict) -> str:
    lines = [
        f"Dataset {report['dataset']} — window {report['window']['start']} to {report['window']['end']} "
        f"(end exclusive), time zone {report['timezone']}"
        + (
            f", only posts carrying a {report['variants_family']} variant"
            if report["variants_family"]
            else ""
        ),
        "",
        "Totals (posts unless named):",
    ]
    lines += [
        f"  {name:<20} {value:>12,}"
        if value is not None
        else f"  {name:<20} {'unknown':>12} (not in the source)"
        for name, value in report["totals"].items()
    ]
    lines += ["", "By hashtag (posts; a post counts once per distinct hashtag):"]
    lines += [
        f"  #{tag:<24} {v['posts']:>10,} posts {v['originals']:>10,} originals"
        for tag, v in report["by_hashtag"].items()
    ]
    lines += ["", "By language (posts):"]
    lines += [f"  {lang:<10} {n:>12,}" for lang, n in report["by_language"].items()]
    lines += ["", f"Per day (posts, {report['timezone']}):"]
    lines += [f"  {day}  {n:>12,}" for day, n in report["per_day"].items()]
    lines += ["", f"Top co-occurring hashtags (posts carrying a {report['anchor_family']} variant):"]
    lines += [f"  #{tag:<24} {n:>10,}" for tag, n in report["top_cooccurring"]]
    lines += ["", "Experience share (originals labelled experience / originals labelled):"]
    lines += [f"  {day}  {share:>6.1%}" for day, share in report["experience_share"].items()]
    lines += ["", "De-duplication: " + report["deduplication"]["note"]]
    return "\n".join(lines) + "\n"


def as_html(report: dict) -> str:
    return render_to_string("movement/report.html", {"report": report, "charts": report_charts(report)})


def write_png(report: dict, folder: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")  # no screen; and never a network font fetch
    from matplotlib import pyplot

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in report_charts(report):
        figure, axes = pyplot.subplots(figsize=(9, 3.6), dpi=100)
        if chart.slug in ("languages", "cooccurring"):
            labels = [str(row[0]) for row in chart.rows][::-1]
            axes.barh(labels, [row[1] for row in chart.rows][::-1], color="#7a1f5c")
            axes.set_xlabel(chart.unit)
        else:
            times = [row[0] for row in chart.rows]
            for index, name in enumerate(chart.headers[1:], start=1):
                axes.plot(times, [row[index] for row in chart.rows], label=name)
            axes.set_ylabel(chart.unit)
            axes.legend(loc="upper left", fontsize=8)
            if times:
                ticks = sorted({0, len(times) // 2, len(times) - 1})
                axes.set_xticks(ticks, [times[i] for i in ticks])
        axes.set_title(chart.title, fontsize=10)
        figure.tight_layout()
        path = folder / f"{chart.slug}.png"
        figure.savefig(path)
        pyplot.close(figure)
        written.append(path)
    return written
