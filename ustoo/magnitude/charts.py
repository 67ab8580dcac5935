"""Charts as SVG drawn on the server: readable without JavaScript, with presentation attributes only
(the CSP allows no inline style), colours from the Okabe–Ito palette that colour-blind readers can
tell apart, a <title> and a description on each, and every figure also in a table beside it."""

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ustoo.core.bidi import mirrored, right_to_left, svg_direction
from ustoo.magnitude import worldmap

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# A single-hue blue ramp (light to dark), readable with every common colour-vision deficiency.
SEQUENTIAL = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e8e8e8"
UNCOUNTED_FILL = "#ffffff"
TEXT = "#1a1a1a"
FONT = "system-ui, sans-serif"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    value: int
    # The 95% range of a noisy figure and how it reads ("about 60 (± 35)"); None for an exact one.
    low: int | None = None
    high: int | None = None
    text: str | None = None
    # On a time axis, the label in two lines: the day or month short, then its year (drawn where it changes).
    tick: tuple[str, str] = ("", "")


def _number(value: int) -> str:
    """Grouped as the reader's language groups thousands (1,234 · 1 234 · 12,34,567)."""
    return number_format(value, force_grouping=True)


def _f(value: float) -> str:
    return f"{value:.1f}"


def _open(chart_id: str, title: str, description: str, width: int, height: int) -> str:
    described = format_html('<desc id="{}-desc">{}</desc>', chart_id, description) if description else ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        # overflow: an Arabic label ends at the drawing's edge, and some letters reach a little past it.
        'aria-labelledby="{labels}" font-family="{font}" font-size="13" direction="{direction}" '
        'overflow="visible" class="chart"><title id="{id}-title">{title}</title>{desc}',
        w=width,
        h=height,
        id=chart_id,
        labels=f"{chart_id}-title {chart_id}-desc" if description else f"{chart_id}-title",
        font=FONT,
        direction=svg_direction(),
        title=title,
        desc=described,
    )


def bar_chart(
    chart_id: str, title: str, rows: list[Row], *, colour: str = OKABE_ITO[0], description: str = ""
) -> SafeString:
    """Horizontal bars, largest first, each under its label, with its 95% range drawn as a line with
    end ticks and written after it. Narrow (360 wide), so it stays legible on a phone. `description`
    says what is counted (statements by default)."""
    width, bar_width, row_height, top = 360, 200, 40, 6
    height = top * 2 + row_height * max(len(rows), 1)
    largest = max((row.high if row.high is not None else row.value for row in rows), default=0) or 1

    def x_of(value: int) -> float:
        return bar_width * value / largest

    description = description or _(
        "Bar chart: statements per category, largest first, each with the range that holds its true "
        "number 95 times out of 100."
    )
    parts = [_open(chart_id, title, description, width, height)]
    for index, row in enumerate(rows):
        y = top + index * row_height
        bar_y = y + 20
        text = row.text or _number(row.value)
        parts.append(
            format_html(
                '<text x="0" y="{ty}" fill="{ink}">{label}</text>'
                '<rect x="0" y="{by}" width="{length}" height="12" fill="{colour}">'
                "<title>{label}: {text}</title></rect>",
                ty=y + 14,
                ink=TEXT,
                label=row.label,
                by=bar_y,
                length=_f(max(1.0, x_of(row.value))),
                colour=colour,
                text=text,
            )
        )
        end = x_of(row.value)
        if row.low is not None and row.high is not None:
            low, high, middle = x_of(row.low), x_of(row.high), bar_y + 6
            parts.append(
                format_html(
                    '<path d="M{l} {m}H{h}M{l} {t}V{b}M{h} {t}V{b}" stroke="{ink}" stroke-width="1.5" '
                    'fill="none"/>',
                    l=_f(low),
                    h=_f(high),
                    m=middle,
                    t=middle - 5,
                    b=middle + 5,
                    ink=TEXT,
                )
            )
            end = max(end, high)
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="{ink}">{text}</text>',
                x=_f(end + 6),
                y=bar_y + 11,
                ink=TEXT,
                text=text,
            )
        )
    parts.append("</svg>")
    # Read from the right in Arabic: labels on the right, bars growing leftwards.
    drawn = mirrored("".join(parts), width) if right_to_left() else "".join(parts)
    return mark_safe(drawn)  # noqa: S308 - every piece above was escaped by format_html


def column_chart(
    chart_id: str, title: str, rows: list[Row], *, every: int, colour: str = OKABE_ITO[0]
) -> SafeString:
    """Columns over time, oldest on the left (on the right in Arabic), with a label every `every` columns
    (its row's tick: "6 Dec." over "2025", the year only where it changes): exact counts."""
    left, bottom, top, plot_height, plot_width = 44, 46, 12, 160, 330
    width, height = left + plot_width + 26, top + plot_height + bottom
    largest = max((row.value for row in rows), default=0) or 1
    step = plot_width / max(len(rows), 1)
    parts = [
        _open(
            chart_id,
            title,
            # Read from the right (mirrored below), the oldest column is on the right.
            _("Column chart: statements over time, oldest on the right.")
            if right_to_left()
            else _("Column chart: statements over time, oldest on the left."),
            width,
            height,
        ),
        format_html(
            '<line x1="{l}" y1="{b}" x2="{r}" y2="{b}" stroke="{ink}" stroke-width="1"/>'
            '<text x="{tx}" y="{ty}" text-anchor="end" fill="{ink}">{largest}</text>'
            '<text x="{tx}" y="{b}" text-anchor="end" fill="{ink}">0</text>',
            l=left,
            r=left + plot_width,
            b=top + plot_height,
            ink=TEXT,
            tx=left - 6,
            ty=top + 10,
            largest=_number(largest),
        ),
    ]
    year = None
    for index, row in enumerate(rows):
        x = left + index * step
        if row.value:
            column = round(plot_height * row.value / largest, 1)
            parts.append(
                format_html(
                    '<rect x="{x}" y="{y}" width="{w}" height="{h}" fill="{colour}">'
                    "<title>{label}: {value}</title></rect>",
                    x=_f(x),
                    y=_f(top + plot_height - column),
                    w=_f(max(step - 0.5, 0.6)),
                    h=column,
                    colour=colour,
                    label=row.label,
                    value=_number(row.value),
                )
            )
        if index % every == 0:
            first, second = row.tick
            lines = [(first, top + plot_height + 16)]
            if second != year:
                year = second
                lines.append((second, top + plot_height + 32))  # 11 px text needs 15 px a line
            parts.extend(
                format_html(
                    '<text x="{x}" y="{y}" fill="{ink}" font-size="11">{label}</text>',
                    x=_f(x),
                    y=y,
                    ink=TEXT,
                    label=line,
                )
                for line, y in lines
            )
    parts.append("</svg>")
    # In Arabic time runs from right to left: the oldest column on the right, the axis's figures too.
    drawn = mirrored("".join(parts), width) if right_to_left() else "".join(parts)
    return mark_safe(drawn)  # noqa: S308 - every piece above was escaped by format_html


def classes(values: list[int]) -> list[int]:
    """Upper bounds of up to five classes, by quantiles of the released values."""
    ordered = sorted(set(values))
    if not ordered:
        return []
    bounds = [ordered[min(len(ordered) - 1, (len(ordered) * step) // 5)] for step in range(1, 5)]
    return sorted(set([*bounds, ordered[-1]]))


def world_map(
    chart_id: str,
    title: str,
    values: dict[str, int],
    names: dict[str, str],
    *,
    too_few: str,
    texts: dict[str, str] | None = None,
    with_key: bool = True,
) -> SafeString:
    """Countries shaded by their figure, from light to dark blue; those with too few statements to
    show are grey. `texts` says how each figure reads ("about 60 (± 45)"). Places too small to see are
    dots; a figure for a place not on the map is written under it. Without its key (`with_key`), a
    page writes map_key() in HTML instead: inside a drawing scaled to a phone it is too small to read."""
    texts = texts or {}
    shapes = worldmap.shapes()
    bounds = classes(list(values.values()))
    shades = _map_shades(bounds)
    off_map = sorted(code for code in values if code in worldmap.NOT_ON_MAP)
    legend_height = (34 + 20 * bool(off_map)) if with_key else 0
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
            fill = shades[next(i for i, bound in enumerate(bounds) if value <= bound)]
            tip = f"{name}: {texts.get(code) or _number(value)}"
        return format_html(
            '<path d="{d}" fill="{fill}"><title>{tip}</title></path>', d=path, fill=fill, tip=tip
        )

    parts.append('<g stroke="#ffffff" stroke-width="0.5">')
    parts.extend(shape_of(code, path) for code, path in sorted(shapes.areas.items()))
    parts.append(format_html('</g><g stroke="{stroke}" stroke-width="0.75">', stroke=TEXT))
    parts.extend(shape_of(code, path) for code, path in sorted(shapes.dots.items()))
    parts.append("</g>")
    y = worldmap.HEIGHT + 8
    legend = map_key(values, too_few=too_few) if with_key else []
    key_parts = []
    for index, (fill, label) in enumerate(legend):
        x = 10 + index * 150
        key_parts.append(
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
    if off_map and with_key:
        listed = ", ".join(
            f"{names.get(code, code)}: {texts.get(code) or _number(values[code])}" for code in off_map
        )
        key_parts.append(
            format_html(
                '<text x="10" y="{y}" fill="{text}">{label}</text>',
                y=y + 34,
                text=TEXT,
                label=_("Not on the map: %(places)s") % {"places": listed},
            )
        )
    # The world is never mirrored; its key is, so that it starts on the right in Arabic.
    key = "".join(key_parts)
    parts.append(mirrored(key, width) if right_to_left() else key)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above was escaped by format_html


# Every fill a map key may show, in the order of the page's CSS classes (.map-key__swatch--N).
KEY_SHADES = (NO_DATA, *SEQUENTIAL)


def _map_shades(bounds: list[int]) -> tuple[str, ...]:
    # With fewer classes than shades, the darker ones: the lightest is hard to tell from grey.
    return SEQUENTIAL[len(SEQUENTIAL) - len(bounds) :] if bounds else SEQUENTIAL


def map_key(values: dict[str, int], *, too_few: str) -> list[tuple[str, str]]:
    """The world map's key: (fill, what it means), grey first, then each class of figures."""
    bounds = classes(list(values.values()))
    shades = _map_shades(bounds)
    key = [(NO_DATA, too_few)]
    lower = min(values.values(), default=0)
    for index, bound in enumerate(bounds):
        key.append((shades[index], f"{_number(lower)}–{_number(bound)}"))
        lower = bound + 1
    return key


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
