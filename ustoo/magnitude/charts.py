"""Charts as SVG drawn on the server: readable without JavaScript, with presentation attributes only
(the CSP allows no inline style), colours from the Okabe–Ito palette that colour-blind readers can
tell apart, a <title> and a description on each, and every figure also in a table beside it."""

from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ustoo.magnitude import worldmap

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# A single-hue blue ramp (light to dark), readable with every common colour-vision deficiency.
SEQUENTIAL = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e8e8e8"
UNCOUNTED_FILL = "#ffffff"
HATCH = "#8c8c8c"
TEXT = "#1a1a1a"
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int | None  # None: held back (fewer than k), in the charts over time only


def _number(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


def _f(value: float) -> str:
    return f"{value:.1f}"


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" font-family="{font}" font-size="13" class="chart">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>',
        w=width,
        h=height,
        id=chart_id,
        font=FONT,
        title=title,
        desc=description,
    )


def bar_chart(chart_id: str, title: str, rows: list[Row], *, colour: str = OKABE_ITO[0]) -> SafeString:
    """Horizontal bars, largest first, each labelled with its count."""
    label_width, bar_width, row_height, top = 210, 330, 24, 8
    width = label_width + bar_width + 80
    height = top * 2 + row_height * max(len(rows), 1)
    largest = max((row.value for row in rows), default=0) or 1
    parts = [_open(chart_id, title, _("Bar chart: statements per category, largest first."), width, height)]
    for index, row in enumerate(rows):
        y = top + index * row_height
        length = max(1, round(bar_width * row.value / largest))
        parts.append(
            format_html(
                '<text x="{lx}" y="{ty}" text-anchor="end" fill="{text}">{label}</text>'
                '<rect x="{bx}" y="{by}" width="{length}" height="{bh}" fill="{colour}">'
                "<title>{label}: {value}</title></rect>"
                '<text x="{vx}" y="{ty}" fill="{text}">{value}</text>',
                lx=label_width - 8,
                ty=y + 16,
                text=TEXT,
                label=row.label,
                bx=label_width,
                by=y + 3,
                length=length,
                bh=row_height - 6,
                colour=colour,
                value=_number(row.value),
                vx=label_width + length + 6,
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped by format_html


def _hatch(pattern_id: str) -> str:
    """A diagonal hatch, for buckets held back: drawn, so they cannot be mistaken for zero."""
    return format_html(
        '<defs><pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{hatch}" stroke-width="2"/></pattern></defs>',
        id=pattern_id,
        hatch=HATCH,
    )


def _runs(rows: list[Row]) -> list[tuple[int, int]]:
    """(first, last) index of each released bucket alone, and of each run of held-back buckets: one
    band for a run looks the same and is far less to send."""
    runs: list[tuple[int, int]] = []
    for index, row in enumerate(rows):
        if row.value is None and runs and runs[-1][1] == index - 1 and rows[index - 1].value is None:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def column_chart(
    chart_id: str, title: str, rows: list[Row], *, every: int, held_back: str, colour: str = OKABE_ITO[0]
) -> SafeString:
    """Columns over time, oldest on the left, with a label every `every` columns. A held-back bucket
    (value None) is a hatched band the height of the plot, explained in the legend as `held_back`:
    its true count is below k or it has none, which is not the same as 0."""
    left, bottom, top, plot_height, plot_width = 60, 40, 30, 200, 620
    width, height = left + plot_width + 20, top + plot_height + bottom
    largest = max((row.value for row in rows if row.value is not None), default=0) or 1
    step = plot_width / max(len(rows), 1)
    hatch_id = f"{chart_id}-held-back"
    parts = [
        _open(chart_id, title, _("Column chart: statements over time, oldest on the left."), width, height),
        _hatch(hatch_id),
    ]
    parts.append(
        format_html(
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="{text}" stroke-width="1"/>'
            '<text x="{tx}" y="{ty}" text-anchor="end" fill="{text}">{largest}</text>'
            '<text x="{tx}" y="{b}" text-anchor="end" fill="{text}">0</text>',
            l=left,
            r=left + plot_width,
            b=top + plot_height,
            text=TEXT,
            tx=left - 6,
            ty=top + 10,
            largest=_number(largest),
        )
    )
    if any(row.value is None for row in rows):
        parts.append(
            format_html(
                '<g class="legend"><rect x="{x}" y="6" width="14" height="14" fill="url(#{id})" '
                'stroke="{hatch}" stroke-width="0.5"/>'
                '<text x="{tx}" y="18" fill="{text}">{label}</text></g>',
                x=left,
                tx=left + 20,
                id=hatch_id,
                hatch=HATCH,
                text=TEXT,
                label=held_back,
            )
        )
    for first, last in _runs(rows):
        row = rows[first]
        x = left + first * step
        if row.value is None:
            span = row.label if last == first else f"{row.label} – {rows[last].label}"
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="url(#{id})" class="held-back">'
                    "<title>{span}: {held_back}</title></rect>",
                    x=_f(x),
                    y=top,
                    w=_f(step * (last - first + 1)),
                    h=plot_height,
                    id=hatch_id,
                    span=span,
                    held_back=held_back,
                )
            )
        elif row.value:
            column = round(plot_height * row.value / largest, 1)
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}">'
                    "<title>{label}: {value}</title></rect>",
                    x=_f(x),
                    y=_f(top + plot_height - column),
                    w=_f(max(step - 1, 0.6)),
                    h=column,
                    colour=colour,
                    label=row.label,
                    value=_number(row.value),
                )
            )
        parts.extend(
            format_html(
                '<text x="{x}" y="{y}" fill="{text}" font-size="11">{label}</text>',
                x=_f(left + index * step),
                y=top + plot_height + 16,
                text=TEXT,
                label=rows[index].label,
            )
            for index in range(first, last + 1)
            if index % every == 0
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped by format_html


def stacked_chart(
    chart_id: str, title: str, rows: list[tuple[str, list[Row]]], segments: list[tuple[str, str]]
) -> SafeString:
    """One bar per row, split into segments (key, label), with a legend."""
    label_width, bar_width, row_height, legend_height = 210, 380, 24, 28
    width = label_width + bar_width + 30
    height = legend_height + row_height * max(len(rows), 1) + 8
    largest = max((sum(cell.value for cell in cells) for _label, cells in rows), default=0) or 1
    colours = {key: OKABE_ITO[index % len(OKABE_ITO)] for index, (key, _label) in enumerate(segments)}
    parts = [
        _open(chart_id, title, _("Stacked bar chart: each bar split by age at the time."), width, height)
    ]
    for index, (key, label) in enumerate(segments):
        x = label_width + index * 120
        parts.append(
            format_html(
                '<rect x="{x}" y="6" width="14" height="14" fill="{colour}"/>'
                '<text x="{tx}" y="18" fill="{text}">{label}</text>',
                x=x,
                tx=x + 20,
                colour=colours[key],
                text=TEXT,
                label=label,
            )
        )
    for index, (label, cells) in enumerate(rows):
        y = legend_height + index * row_height
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end" fill="{text}">{label}</text>',
                x=label_width - 8,
                y=y + 16,
                text=TEXT,
                label=label,
            )
        )
        x = float(label_width)
        for cell in cells:
            length = bar_width * cell.value / largest
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}" stroke="#ffffff" '
                    'stroke-width="1"><title>{label}, {segment}: {value}</title></rect>',
                    x=_f(x),
                    y=y + 3,
                    w=_f(length),
                    h=row_height - 6,
                    colour=colours[cell.key],
                    label=label,
                    segment=cell.label,
                    value=_number(cell.value),
                )
            )
            x += length
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped by format_html


def classes(values: list[int]) -> list[int]:
    """Upper bounds of up to five classes, by quantiles of the released values."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    bounds = [ordered[min(len(ordered) - 1, (len(ordered) * step) // 5)] for step in range(1, 5)]
    return sorted(set([*bounds, ordered[-1]]))


def world_map(
    chart_id: str, title: str, values: dict[str, int], names: dict[str, str], *, too_few: str
) -> SafeString:
    """Countries shaded by released count, from light to dark blue; those held back or with none are
    grey. Places too small to see are dots; a released figure for a place not on the map is written
    under it."""
    shapes = worldmap.shapes()
    bounds = classes(list(values.values()))
    off_map = sorted(code for code in values if code in worldmap.NOT_ON_MAP)
    legend_height = 34 + 20 * bool(off_map)
    width, height = worldmap.WIDTH, worldmap.HEIGHT + legend_height
    parts = [
        _open(
            chart_id,
            title,
            _(
                "Map of the world: the darker a country, the more statements from there. "
                "Grey: too few to show."
            ),
            width,
            height,
        )
    ]

    def shape_of(code: str, path: str) -> str:
        name = names.get(code, code)
        value = values.get(code)
        if code in worldmap.UNCOUNTED:
            fill = UNCOUNTED_FILL
            tip = _("%(country)s: not counted on its own (not in ISO 3166-1, so not a choice here)") % {
                "country": _("Kosovo") if code == "XK" else name
            }
        elif value is None:
            fill, tip = NO_DATA, f"{name}: {too_few}"
        else:
            fill = SEQUENTIAL[next(i for i, bound in enumerate(bounds) if value <= bound) % len(SEQUENTIAL)]
            tip = f"{name}: {_number(value)}"
        return format_html(
            '<path d="{d}" fill="{fill}"><title>{tip}</title></path>', d=path, fill=fill, tip=tip
        )

    parts.append('<g stroke="#ffffff" stroke-width="0.5">')
    parts.extend(shape_of(code, path) for code, path in sorted(shapes.areas.items()))
    parts.append(format_html('</g><g stroke="{stroke}" stroke-width="0.75">', stroke=TEXT))
    parts.extend(shape_of(code, path) for code, path in sorted(shapes.dots.items()))
    parts.append("</g>")
    y = worldmap.HEIGHT + 8
    legend = [(NO_DATA, too_few)]
    lower = 0
    for index, bound in enumerate(bounds):
        legend.append((SEQUENTIAL[index % len(SEQUENTIAL)], f"{_number(lower)}–{_number(bound)}"))
        lower = bound + 1
    for index, (fill, label) in enumerate(legend):
        x = 10 + index * 150
        parts.append(
            format_html(
                '<rect x="{x}" y="{y}" width="14" height="14" fill="{fill}" stroke="#888888" '
                'stroke-width="0.5"/>'
                '<text x="{tx}" y="{ty}" fill="{text}">{label}</text>',
                x=x,
                y=y,
                fill=fill,
                tx=x + 20,
                ty=y + 12,
                text=TEXT,
                label=label,
            )
        )
    if off_map:
        listed = ", ".join(f"{names.get(code, code)}: {_number(values[code])}" for code in off_map)
        parts.append(
            format_html(
                '<text x="10" y="{y}" fill="{text}">{label}</text>',
                y=y + 34,
                text=TEXT,
                label=_("Not on the map: %(places)s") % {"places": listed},
            )
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped by format_html


def badge(label: str, value: str) -> str:
    """A small counter badge, self-contained."""
    label_width = 8 + 7 * len(label)
    value_width = 12 + 8 * len(value)
    width = label_width + value_width
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="24" viewBox="0 0 {width} 24" '
        f'role="img" '
        f'aria-label="{escape(label)}: {escape(value)}"><title>{escape(label)}: {escape(value)}</title>'
        f'<rect width="{label_width}" height="24" fill="#333333"/>'
        f'<rect x="{label_width}" width="{value_width}" height="24" fill="{OKABE_ITO[0]}"/>'
        f'<g font-family="{FONT}" font-size="13" fill="#ffffff">'
        f'<text x="6" y="16">{escape(label)}</text>'
        f'<text x="{label_width + 6}" y="16" font-weight="bold">{escape(value)}</text></g></svg>'
    )
