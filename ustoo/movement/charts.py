"""Server-rendered SVG charts, each with the table of its figures.

The page runs under a strict Content-Security-Policy, so charts are plain SVG with presentation attributes
(fill=, stroke=), never style= or script; the same markup goes into the standalone HTML report.

Each chart is drawn twice, for a phone (360 wide) and for a wide screen (720 wide), each at about the size it
is shown, so its 12-pixel text stays 12 pixels: a single drawing scaled from 720 down to a 390-pixel screen
would shrink its text to 6. The stylesheet (static/movement/movement.css) shows one of the two. Axis labels
are thinned until they fit, never overlapping.

A partial first or last day or hour (report.partial_periods) is hatched, its points are hollow and not joined
to the line: a collection that starts at 17:46 must not look like a day that rose.
"""

import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ustoo.core.bidi import isolated, mirrored, right_to_left, svg_direction
from ustoo.movement import readable

NARROW, WIDE = 360, 720
FONT = 12
# Advance widths of DejaVu Sans (the widest common sans-serif; 1/2048 of the font size), so that estimated
# label widths are never short and labels never overlap.
_NARROW, _WIDE = set("fijlrt.,:;'|!()[] "), set("mwMW#%@–—")
# A line of text: Noto Sans (Debian's sans-serif once its fonts are installed) needs 1.36 em from
# ascent to descent, 16.3 px at 12 px.
LINE = 17
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]  # Okabe–Ito: tell-apart
INK, MUTED, GRID, HATCH = "#1d1d24", "#5a5a66", "#e4e2dc", "#8c8c8c"


@dataclass
class Row:
    key: str  # as in the report: a day, an hour, a hashtag, a language tag
    label: str  # as people read it
    values: list[float]
    partial: bool = False


@dataclass
class Chart:
    slug: str
    title: str
    unit: str
    headers: list[str]
    rows: list[Row] = field(default_factory=list)
    narrow: SafeString = field(default_factory=SafeString)
    wide: SafeString = field(default_factory=SafeString)
    note: str = ""  # the partial periods in words
    share: bool = False  # values are shares of 1, shown as percentages
    in_time: bool = False
    table: str = ""  # the download holding these figures (downloads.TABLES)

    @property
    def partial_keys(self) -> list[str]:
        return [row.key for row in self.rows if row.partial]

    def shown(self, value: float) -> str:
        return readable.share(value) if self.share else readable.count(value)

    @property
    def figures(self) -> list[tuple[Row, list[str]]]:
        """Each row with its figures as people read them."""
        return [(row, [self.shown(value) for value in row.values]) for row in self.rows]


def _in_time_order(label: str) -> str:
    """A time label's sort key: an hour with its UTC offset (`2017-10-29T02+01:00`, outside UTC) sorts by the
    instant it names, so the hour repeated when summer time ends comes in its place; others as they are."""
    if len(label) == 19 and label[13] in "+-":
        sign = 1 if label[13] == "+" else -1
        offset = timedelta(hours=int(label[14:16]), minutes=int(label[17:19]))
        return (datetime.strptime(label[:13], "%Y-%m-%dT%H") - sign * offset).isoformat()  # noqa: DTZ007
    return label


def _text_width(text: str) -> float:
    def units(char: str) -> int:
        if unicodedata.east_asian_width(char) in "WF":
            return 2048  # a Chinese character is a full em wide: "10月15日" is wider than "15 Oct."
        return 760 if char in _NARROW else 2000 if char in _WIDE else 1450 if char.isupper() else 1310

    return sum(units(char) for char in text) / 2048 * FONT * 1.05


def nice_ticks(top: float, *, share: bool, most: int) -> list[float]:
    """0, then round steps (1, 2 or 5 times a power of ten) up to at least `top`, at most `most` + 1 ticks."""
    if top <= 0:
        return [0, 0.01] if share else [0, 1]
    raw = top / most
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    if not share:
        step = max(step, 1)
    return [index * step for index in range(math.ceil(top / step - 1e-9) + 1)]


def tick_indices(keys: list[str], slot: float) -> list[int]:
    """Which time labels to show so that none overlaps: every k-th day, or the hours that are a multiple
    of a round step (every 1, 2, 3, 4, 6 or 12 hours, or midnights every so many days)."""
    if not keys:
        return []
    widest = max(_text_width(line) for key in keys for line in readable.tick(key)) + 10
    every = max(1, math.ceil(widest / slot))
    if not readable.is_hour(keys[0]):
        return list(range(0, len(keys), every))
    step = next((s for s in (1, 2, 3, 4, 6, 12, 24) if s >= every), 24 * math.ceil(every / 24))
    chosen = []
    for index, key in enumerate(keys):
        hour, day = int(key[11:13]), datetime.strptime(key[:10], "%Y-%m-%d").toordinal()  # noqa: DTZ007
        if (hour % step == 0) if step < 24 else (hour == 0 and day % (step // 24) == 0):
            chosen.append(index)
    if chosen and chosen[0] * slot >= widest:
        return chosen
    # Too few whole steps (a short collection): every k-th from the first.
    return list(range(0, len(keys), every)) if len(chosen) < 2 else chosen


def _open(chart_id: str, variant: str, width: int, height: int, title: str, note: str) -> str:
    described = f' aria-describedby="{chart_id}-desc"' if note else ""
    return (
        f'<svg class="chart chart--{variant}" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-labelledby="{chart_id}-title"{described} '
        f'font-family="system-ui, sans-serif" font-size="{FONT}" direction="{svg_direction()}" '
        'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        + (f'<desc id="{chart_id}-desc">{escape(note)}</desc>' if note else "")
    )


def _hatch(chart_id: str) -> str:
    return (
        f'<defs><pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><rect width="6" height="6" fill="#f3f2ee"/>'
        f'<line x1="0" y1="0" x2="0" y2="6" stroke="{HATCH}" stroke-width="2"/></pattern></defs>'
    )


def _text(x: float, y: float, text: str, *, anchor: str = "start", fill: str = INK) -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{fill}">{escape(text)}</text>'


def _legend(items: list[tuple[str, str]], width: int, top: float, chart_id: str) -> tuple[list[str], float]:
    """Swatches with their names, wrapped into rows that fit `width`; returns the parts and the height."""
    parts, x, y = [], 0.0, top
    for swatch, name in items:
        item_width = 16 + _text_width(name) + 14
        if x and x + item_width > width:
            x, y = 0.0, y + LINE + 4
        fill = f"url(#{chart_id}-hatch)" if swatch == "hatch" else swatch
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{y - 10:.1f}" width="11" height="11" fill="{fill}"'
            + (f' stroke="{HATCH}"' if swatch == "hatch" else "")
            + "/>"
            + _text(x + 16, y, isolated(name))
        )
        x += item_width
    return parts, y - top + LINE


def _line_svg(chart: Chart, series: list[str], chart_id: str, width: int) -> SafeString:
    rows = chart.rows
    top_value = max([value for row in rows for value in row.values] or [0])
    ticks = nice_ticks(top_value, share=chart.share, most=4 if width == NARROW else 5)
    tick_labels = [readable.share(t, 0) if chart.share else readable.count(t) for t in ticks]
    left = max(_text_width(label) for label in tick_labels) + 12
    right, top, plot_h = 14, 10, 150 if width == NARROW else 200
    plot_w = width - left - right
    bottom = top + plot_h
    slot = plot_w / max(len(rows), 1)
    partial_word = _("partial hour") if rows and readable.is_hour(rows[0].key) else _("partial day")
    legend_items = [(COLOURS[i % len(COLOURS)], name) for i, name in enumerate(series)]
    if any(row.partial for row in rows):
        legend_items.append(("hatch", partial_word))
    legend, legend_h = _legend(legend_items, width, bottom + 2 * LINE + 22, chart_id)
    height = math.ceil(bottom + 2 * LINE + 22 + legend_h)
    variant = "narrow" if width == NARROW else "wide"
    parts = [_open(chart_id, variant, width, height, chart.title, chart.note), _hatch(chart_id)]
    for index, row in enumerate(rows):
        if row.partial:
            parts.append(
                f'<rect x="{left + index * slot:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}" '
                f'fill="url(#{chart_id}-hatch)"/>'
            )

    def y_of(value: float) -> float:
        return bottom - value / ticks[-1] * plot_h

    for value, label in zip(ticks, tick_labels, strict=True):
        y = y_of(value)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{MUTED if value == 0 else GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, label, anchor="end", fill=MUTED))
    previous_second = None
    for index in tick_indices([row.key for row in rows], slot):
        first, second = readable.tick(rows[index].key)
        x, half = left + (index + 0.5) * slot, max(_text_width(first), _text_width(second)) / 2
        anchor = "middle"
        if x + half > width - 1:
            x, anchor = width - 1, "end"
        elif x - half < 1:
            x, anchor = 1, "start"
        parts.append(
            f'<line x1="{left + (index + 0.5) * slot:.1f}" y1="{bottom}" '
            f'x2="{left + (index + 0.5) * slot:.1f}" y2="{bottom + 4}" stroke="{MUTED}"/>'
        )
        parts.append(_text(x, bottom + LINE + 2, first, anchor=anchor))
        if second != previous_second:
            parts.append(_text(x, bottom + 2 * LINE + 2, second, anchor=anchor, fill=MUTED))
            previous_second = second
    for number, _name in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        run: list[str] = []
        for index, row in enumerate([*rows, None]):
            if row is not None and not row.partial:
                run.append(f"{left + (index + 0.5) * slot:.1f},{y_of(row.values[number]):.1f}")
                continue
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2" '
                    'stroke-linejoin="round"/>'
                )
            if len(run) == 1 or (run and len(rows) <= 40):
                parts += [f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="3" fill="{colour}"/>'
                          for p in run]  # fmt: skip
            run = []
            if row is not None:  # partial: a hollow point on its own
                parts.append(
                    f'<circle cx="{left + (index + 0.5) * slot:.1f}" cy="{y_of(row.values[number]):.1f}" '
                    f'r="4" fill="#ffffff" stroke="{colour}" stroke-width="2"/>'
                )
    parts += legend
    parts.append("</svg>")
    # Read from the right in Arabic: time runs right to left, bars grow leftwards, the key starts right.
    drawn = mirrored("".join(parts), width) if right_to_left() else "".join(parts)
    return mark_safe(drawn)  # noqa: S308 - every text is escaped


def _bar_svg(chart: Chart, chart_id: str, width: int) -> SafeString:
    rows = chart.rows
    top_value = max([row.values[0] for row in rows] or [0]) or 1
    values = [chart.shown(row.values[0]) for row in rows]
    value_w = max([_text_width(value) for value in values] or [0]) + 8
    label_w = max([_text_width(row.label) for row in rows] or [0]) + 8
    above = label_w > width * 0.45  # labels too long to sit beside their bar sit above it
    bar_h, gap = 16, 8
    row_h = bar_h + gap + (LINE if above else 0)
    height = max(len(rows), 1) * row_h + 4
    start = 0 if above else label_w
    parts = [_open(chart_id, "narrow" if width == NARROW else "wide", width, height, chart.title, "")]
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = 4 + index * row_h + (LINE if above else 0)
        length = (width - start - value_w) * row.values[0] / top_value
        if above:
            parts.append(_text(0, y - 4, isolated(row.label)))
        else:
            parts.append(_text(label_w - 8, y + 12, isolated(row.label), anchor="end"))
        parts.append(f'<rect x="{start}" y="{y}" width="{length:.1f}" height="{bar_h}" fill="{COLOURS[0]}"/>')
        parts.append(_text(start + length + 6, y + 12, value))
    parts.append("</svg>")
    # Read from the right in Arabic: time runs right to left, bars grow leftwards, the key starts right.
    drawn = mirrored("".join(parts), width) if right_to_left() else "".join(parts)
    return mark_safe(drawn)  # noqa: S308 - every text is escaped


def line_chart(
    prefix: str,
    slug: str,
    title: str,
    unit: str,
    series: dict[str, dict[str, float]],
    *,
    partial: list[str] = (),
    share: bool = False,
) -> Chart:
    """Lines over time (days or hours); `series` maps a name to {time key: value}."""
    keys = sorted({key for values in series.values() for key in values}, key=_in_time_order)
    names = list(series)
    hourly = bool(keys) and readable.is_hour(keys[0])
    chart = Chart(
        slug,
        title,
        unit,
        [_("Hour") if hourly else _("Day"), *names],
        [
            Row(key, readable.period(key), [series[name].get(key, 0) for name in names], key in partial)
            for key in keys
        ],
        share=share,
        in_time=True,
    )
    # Mirrored in Arabic (_line_svg), the chart says where time starts: the oldest on the right.
    direction = _("Time runs from right to left: the oldest on the right.") if right_to_left() else ""
    chart.note = " ".join(part for part in (direction, readable.partial_note(chart.partial_keys)) if part)
    chart.narrow = _line_svg(chart, names, f"{prefix}-{slug}-narrow", NARROW)
    chart.wide = _line_svg(chart, names, f"{prefix}-{slug}-wide", WIDE)
    return chart


def bar_chart(prefix: str, slug: str, title: str, unit: str, values: list[tuple[str, str, float]]) -> Chart:
    """Horizontal bars, largest first; `values` are (key, label, value)."""
    chart = Chart(
        slug, title, unit, [_("Name"), unit], [Row(key, label, [value]) for key, label, value in values[:15]]
    )
    chart.narrow = _bar_svg(chart, f"{prefix}-{slug}-narrow", NARROW)
    chart.wide = _bar_svg(chart, f"{prefix}-{slug}-wide", WIDE)
    return chart


def experience_chart(prefix: str, report: dict, partial_days: list[str]) -> Chart:
    """The corrected share per day with its 95% interval, and the classifier's own share beside it; the
    note says what it was validated on, and in which languages it was not."""
    per_day = {day: figures for day, figures in report["experience_share"]["per_day"].items() if figures}

    def series(figure: str) -> dict[str, float]:
        return {day: figures[figure] for day, figures in per_day.items()}

    chart = line_chart(
        prefix,
        "experience-share-per-day",
        _("Share of originals telling their own experience (%(tz)s)") % {"tz": report["timezone"]},
        _("share of originals"),
        {
            _("estimate"): series("estimate"),
            _("95%% interval, low") % {}: series("low"),
            _("95%% interval, high") % {}: series("high"),
            _("classifier alone"): series("classified"),
        },
        partial=partial_days,
        share=True,
    )
    experience = report["experience_share"]
    chart.note = " ".join(
        part
        for part in (readable.validation_text(experience), readable.unvalidated_text(experience), chart.note)
        if part
    )
    return chart


def report_charts(report: dict) -> list[Chart]:
    tz = report["timezone"]
    hourly = report.get("per_hour_by_hashtag") or {}
    daily = report.get("per_day_by_hashtag") or {}
    partial = report.get("partial") or {}
    partial_days, partial_hours = partial.get("per_day", []), partial.get("per_hour", [])
    prefix = "movement-" + (slugify(report["dataset"]) or "dataset")
    charts = [
        line_chart(
            prefix,
            "posts-per-hour-by-variant",
            _("Posts per hour by variant (%(tz)s)") % {"tz": tz},
            _("posts"),
            {"#" + tag: values for tag, values in hourly.items()} or {_("all posts"): report["per_hour"]},
            partial=partial_hours,
        ),
        line_chart(
            prefix,
            "posts-per-day-by-variant",
            _("Posts per day by variant (%(tz)s)") % {"tz": tz},
            _("posts"),
            {"#" + tag: values for tag, values in daily.items()} or {_("all posts"): report["per_day"]},
            partial=partial_days,
        ),
        line_chart(
            prefix,
            "originals-and-retweets-per-day",
            _("Originals and retweets per day (%(tz)s)") % {"tz": tz},
            _("posts"),
            {
                _("originals"): {day: v["originals"] for day, v in report["per_day_by_kind"].items()},
                _("retweets"): {day: v["retweets"] for day, v in report["per_day_by_kind"].items()},
            },
            partial=partial_days,
        ),
        bar_chart(
            prefix,
            "posts-by-language",
            _("Languages"),
            _("posts"),
            [(code, readable.language(code), n) for code, n in report["by_language"].items()],
        ),
        bar_chart(
            prefix,
            "cooccurring-hashtags",
            _("Hashtags used alongside"),
            _("posts"),
            [(tag, "#" + tag, n) for tag, n in report["top_cooccurring"]],
        ),
        experience_chart(prefix, report, partial_days),
    ]
    tables = {
        "posts-per-hour-by-variant": "posts-per-hour-by-variant" if hourly else "posts-per-hour",
        "posts-per-day-by-variant": "posts-per-day-by-variant" if daily else "posts-per-day",
        "originals-and-retweets-per-day": "posts-per-day",
    }
    for chart in charts:
        chart.table = tables.get(chart.slug, chart.slug)
    return charts
