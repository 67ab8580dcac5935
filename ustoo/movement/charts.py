"""Server-rendered SVG charts, each with the table of its figures.

The page runs under a strict Content-Security-Policy, so charts are plain SVG with presentation attributes
(fill=, stroke=), never style= or script; the same markup goes into the standalone HTML report.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48
COLOURS = ["#7a1f5c", "#1f6f7a", "#c06014", "#4b5d16", "#5b4a9e", "#8a6d00"]


@dataclass
class Chart:
    slug: str
    title: str
    unit: str
    svg: SafeString
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def _number(value: float) -> str:
    return f"{value:.0%}" if isinstance(value, float) and value <= 1 else f"{value:,.0f}"


def _in_time_order(label: str) -> str:
    """A time label's sort key: an hour with its UTC offset (`2017-10-29T02+01:00`, outside UTC) sorts by the
    instant it names, so the hour repeated when summer time ends comes in its place; others as they are."""
    if len(label) == 19 and label[13] in "+-":
        sign = 1 if label[13] == "+" else -1
        offset = timedelta(hours=int(label[14:16]), minutes=int(label[17:19]))
        return (datetime.strptime(label[:13], "%Y-%m-%dT%H") - sign * offset).isoformat()  # noqa: DTZ007
    return label


def line_chart(
    slug: str, title: str, unit: str, series: dict[str, dict[str, float]], *, share=False
) -> Chart:
    """Lines over time (days or hours); `series` maps a name to {time label: value}."""
    labels = sorted({label for values in series.values() for label in values}, key=_in_time_order)
    top = max([value for values in series.values() for value in values.values()] or [0]) or 1
    if share:
        top = 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(labels) - 1, 1)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{slug}-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{slug}-title">{escape(title)}</title>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#555"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#555"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="11" fill="#333">'
        f"{escape(_number(top) if not share else '100%')}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" font-size="11" fill="#333">0</text>',
    ]
    shown = {0, len(labels) - 1, len(labels) // 2} if labels else set()
    for index in sorted(shown):
        x = LEFT + index * step
        parts.append(
            f'<text x="{x:.1f}" y="{TOP + plot_h + 16}" text-anchor="middle" font-size="11" '
            f'fill="#333">{escape(labels[index])}</text>'
        )
    for number, (name, values) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        points = " ".join(
            f"{LEFT + i * step:.1f},{TOP + plot_h - values.get(label, 0) / top * plot_h:.1f}"
            for i, label in enumerate(labels)
        )
        if len(labels) == 1:
            x, y = points.split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="4" fill="{colour}"/>')
        else:
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts.append(
            f'<rect x="{LEFT + number * 130}" y="{HEIGHT - 18}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{LEFT + number * 130 + 14}" y="{HEIGHT - 9}" font-size="11" fill="#333">'
            f"{escape(name)}</text>"
        )
    parts.append("</svg>")
    names = list(series)
    rows = [[label, *[series[name].get(label, 0) for name in names]] for label in labels]
    return Chart(slug, title, unit, mark_safe("".join(parts)), [_("Time"), *names], rows)  # noqa: S308


def bar_chart(slug: str, title: str, unit: str, values: list[tuple[str, float]]) -> Chart:
    """Horizontal bars, largest first."""
    values = values[:15]
    top = max([value for _label, value in values] or [0]) or 1
    bar_h, gap, label_w = 18, 6, 140
    height = max(len(values), 1) * (bar_h + gap) + TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{slug}-title" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{slug}-title">{escape(title)}</title>'
    ]
    for index, (label, value) in enumerate(values):
        y = TOP / 2 + index * (bar_h + gap)
        width = (WIDTH - label_w - 90) * value / top
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 13}" text-anchor="end" font-size="12" fill="#333">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{width:.1f}" height="{bar_h}" fill="{COLOURS[0]}"/>'
            f'<text x="{label_w + width + 6:.1f}" y="{y + 13}" font-size="12" fill="#333">'
            f"{_number(value)}</text>"
        )
    parts.append("</svg>")
    return Chart(slug, title, unit, mark_safe("".join(parts)), [_("Name"), unit], [list(v) for v in values])  # noqa: S308


def report_charts(report: dict) -> list[Chart]:
    tz = report["timezone"]
    hourly = report.get("per_hour_by_hashtag") or {}
    daily = report.get("per_day_by_hashtag") or {}
    return [
        line_chart(
            "per-hour",
            _("Posts per hour by variant (%(tz)s)") % {"tz": tz},
            _("posts"),
            {"#" + tag: values for tag, values in hourly.items()} or {_("all posts"): report["per_hour"]},
        ),
        line_chart(
            "per-day",
            _("Posts per day by variant (%(tz)s)") % {"tz": tz},
            _("posts"),
            {"#" + tag: values for tag, values in daily.items()} or {_("all posts"): report["per_day"]},
        ),
        line_chart(
            "kinds",
            _("Originals and retweets per day (%(tz)s)") % {"tz": tz},
            _("posts"),
            {
                _("originals"): {day: v["originals"] for day, v in report["per_day_by_kind"].items()},
                _("retweets"): {day: v["retweets"] for day, v in report["per_day_by_kind"].items()},
            },
        ),
        bar_chart("languages", _("Languages"), _("posts"), list(report["by_language"].items())),
        bar_chart(
            "cooccurring",
            _("Hashtags used alongside"),
            _("posts"),
            [("#" + tag, n) for tag, n in report["top_cooccurring"]],
        ),
        line_chart(
            "experience",
            _("Share of originals telling their own experience (%(tz)s)") % {"tz": tz},
            _("share of labelled originals"),
            {_("experience"): report["experience_share"]},
            share=True,
        ),
    ]
