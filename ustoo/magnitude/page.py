"""What the magnitude page shows: the day's total, labelled figures with their ranges, findings in plain
words and the charts, all made from the day's release (never from rows), once per release and language.

Every noisy figure reads "about 60 (± 35)", or "too few statements yet" when its range covers most of
what is possible (release.is_reliable, decided on noisy values only). Findings are sentences only when
the figures behind them are precise enough to say them (`findings`)."""

import datetime
import math
import statistics

from django.template.loader import render_to_string
from django.utils import dateformat, formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from ustoo.core.hashtags import variants
from ustoo.magnitude import charts, figures, release, services, upstanders
from ustoo.magnitude.buckets import PAIR_SEPARATOR
from ustoo.magnitude.models import Release
from ustoo.stories.models import AgeAtTime, Harm, Relation, Setting
from ustoo.upstanders.models import ACKNOWLEDGEMENTS, INTERVENTIONS, PLEDGES, Action, Approach, Outcome, Place

# Relations that mean the person knew who did it ("other" is left out: we cannot tell).
KNOWN_PEOPLE = ("acquaintance", "partner", "family", "colleague", "superior", "teacher")
CHILDHOOD = ("under_13", "13_17")
SECTIONS = (
    "per_day",
    "per_month",
    "setting",
    "relation",
    "age_at_time",
    "harm",
    "country",
    "language",
    "hashtag",
    "setting_by_age",
)
# Okabe–Ito colours dark enough to read a range's line beside them, light enough to see it on them.
BAR_COLOURS = ("#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#0072B2", "#D55E00")
# A share is stated only when its 95% range is at most this wide (in percentage points).
WIDEST_SHARE = 25
# Two ranges at 97.5% each hold together at least 95% of the time (a share is made of two figures).
Z_OF_TWO = statistics.NormalDist().inv_cdf(1 - (1 - release.CONFIDENCE) / 4)


def titles() -> dict[str, str]:
    return {
        "per_day": _("Statements per day, last 365 days (UTC)"),
        "per_month": _("Statements per month (UTC)"),
        "setting": _("Where it happened"),
        "relation": _("Who did it"),
        "age_at_time": _("Age at the time"),
        "harm": _("Kinds of harm"),
        "country": _("Country"),
        "language": _("Language"),
        "hashtag": _("Hashtag of the movement"),
        "setting_by_age": _("Where it happened, by age at the time"),
    }


def number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def label(name: str, key: str) -> str:
    if key == services.NOT_SAID:
        return _("Not said")
    choices = {"setting": Setting, "relation": Relation, "age_at_time": AgeAtTime, "harm": Harm}
    if name in choices:
        return str(dict(choices[name].choices).get(key, key))
    if name == "country":
        return str(countries.name(key)) or key
    if name == "language":
        return _("Another language") if key == services.OTHER else _language_name(key)
    if name == "hashtag":
        variant = variants().get(key)
        return f"#{variant.hashtag if variant else key}"
    if name == "setting_by_age":
        setting, age = key.split(PAIR_SEPARATOR)
        return f"{label('setting', setting)} · {label('age_at_time', age)}"
    return key


def shown(cell: dict, total: int) -> str:
    """How a noisy figure reads: "about 60 (± 35)", "about 5 (0 to 45)" or "too few statements yet"."""
    if not cell["reliable"]:
        return _("too few statements yet")
    estimate = release.Estimate(**cell)
    figure = release.rounded(estimate, total)
    if figure.plus_minus is not None:
        return _("about %(value)s (± %(margin)s)") % {
            "value": number(figure.about),
            "margin": number(figure.plus_minus),
        }
    return _("about %(value)s (%(low)s to %(high)s)") % {
        "value": number(figure.about),
        "low": number(figure.low),
        "high": number(figure.high),
    }


def _share_range(breakdown: dict, keys: tuple[str, ...]) -> tuple[int, int] | None:
    """The 95% range, in whole percent, of the share of those who answered who gave one of `keys`,
    from the noisy sums (post-processing); None when it is too wide to say anything."""
    total = breakdown["statements"]
    if not breakdown["cohorts"] or not total:
        return None
    cells, variance = breakdown["cells"], breakdown["noise_variance"]
    part = sum(cells[key]["measured"] for key in keys if key in cells)
    part_margin = Z_OF_TWO * math.sqrt(len(keys) * variance)
    answered = total - cells[services.NOT_SAID]["measured"]
    answered_margin = Z_OF_TWO * math.sqrt(variance)
    part_low, part_high = max(0.0, part - part_margin), min(total, part + part_margin)
    answered_low, answered_high = max(1.0, answered - answered_margin), min(total, answered + answered_margin)
    if answered_low > answered_high:
        return None
    low = 100 * part_low / answered_high
    high = min(100.0, 100 * part_high / answered_low)
    low, high = 5 * math.floor(low / 5), 5 * math.ceil(high / 5)
    return (low, high) if high - low <= WIDEST_SHARE else None


def _clear_winner(breakdown: dict) -> str | None:
    """The place named most often, if its lead over every other is beyond the noise (95%)."""
    if not breakdown["cohorts"]:
        return None
    cells = {key: cell["measured"] for key, cell in breakdown["cells"].items() if key != services.NOT_SAID}
    top = max(cells, key=cells.get)
    gap = release.Z * math.sqrt(2 * breakdown["noise_variance"])
    if top == services.OTHER or any(cells[top] - value <= gap for key, value in cells.items() if key != top):
        return None
    return top


def findings(data: dict) -> list[str]:
    """Sentences a visitor can repeat, each only when the figures behind it are precise enough."""
    said: list[str] = []
    breakdowns = data["breakdowns"]
    if knew := _share_range(breakdowns["relation"], KNOWN_PEOPLE):
        said.append(
            _("About %(low)d%% of those who said who did it named someone they knew.") % {"low": knew[0]}
            if knew[0] == knew[1]
            else _("Between %(low)d%% and %(high)d%% of those who said who did it named someone they knew.")
            % {"low": knew[0], "high": knew[1]}
        )
    if children := _share_range(breakdowns["age_at_time"], CHILDHOOD):
        said.append(
            _("About %(low)d%% of those who gave their age at the time were children (under 18).")
            % {"low": children[0]}
            if children[0] == children[1]
            else _(
                "Between %(low)d%% and %(high)d%% of those who gave their age at the time were "
                "children (under 18)."
            )
            % {"low": children[0], "high": children[1]}
        )
    if top := _clear_winner(breakdowns["setting"]):
        said.append(_("The place named most often: %(setting)s.") % {"setting": label("setting", top)})
    return said


def _time_rows(name: str, data: dict) -> list[charts.Row]:
    counts = data[name] or {}
    if name == "per_day":
        # From the first day with a statement: the days before a site opened are not drawn.
        first = next((day for day, count in counts.items() if count), None)
        counts = {day: count for day, count in counts.items() if first and day >= first}
    return [
        charts.Row(key=key, label=_period(key), value=count, tick=_tick(key)) for key, count in counts.items()
    ]


def _period(key: str) -> str:
    """A day ("2026-12-06") or a month ("2026-12") as the reader's language writes it: "6 dicembre 2026",
    "2026年12月"."""
    if len(key) == len("2026-12"):
        return formats.date_format(datetime.date.fromisoformat(f"{key}-01"), "YEAR_MONTH_FORMAT")
    return formats.date_format(datetime.date.fromisoformat(key), "DATE_FORMAT")


def _tick(key: str) -> tuple[str, str]:
    """A day's or a month's axis label, short enough for a phone: ("6 dic", "2026"), ("dic", "2026")."""
    if len(key) == len("2026-12"):
        month = datetime.date.fromisoformat(f"{key}-01")
        return dateformat.format(month, "N"), str(month.year)
    day = datetime.date.fromisoformat(key)
    return formats.date_format(day, "MONTH_DAY_FORMAT"), str(day.year)


def _answer_rows(name: str, breakdown: dict, *, labelled=label) -> list[charts.Row]:
    total = breakdown["statements"]
    found = [
        charts.Row(
            key=key,
            label=labelled(name, key),
            value=cell["value"],
            low=cell["low"],
            high=cell["high"],
            text=shown(cell, total),
        )
        for key, cell in breakdown["cells"].items()
    ]
    if not (total and all(cell["reliable"] for cell in breakdown["cells"].values())):
        return found  # in the form's order: an order by hidden figures would show them after all
    return sorted(found, key=lambda row: (-row.value, row.label))


def _drawn(name: str, breakdown: dict) -> dict[str, dict]:
    """The cells a chart draws: only figures clearly above none; the table lists every one."""
    return {
        key: cell
        for key, cell in breakdown["cells"].items()
        if cell["reliable"]
        and release.is_clear_of_none(release.Estimate(**cell), breakdown["margin_all"])
        and not (name == "country" and key == services.NOT_SAID)
    }


def chart(name: str, data: dict, *, with_key: bool = True) -> SafeString | None:
    """The SVG of one section, or None when nothing of it can be shown. The page draws the map
    without its key and writes the key in HTML (map_key), legible on a phone."""
    heading = titles()[name]
    chart_id = f"chart-{name.replace('_', '-')}"
    if name in figures.TIME_BREAKDOWNS:
        rows = _time_rows(name, data)
        if not any(row.value for row in rows):
            return None
        return charts.column_chart(chart_id, heading, rows, every=max(1, math.ceil(len(rows) / 4)))
    breakdown = data["breakdowns"][name]
    drawn = _drawn(name, breakdown)
    if not drawn:
        return None
    if name == "country":
        names = {code: str(country_name) for code, country_name in countries}
        total = breakdown["statements"]
        return charts.world_map(
            chart_id,
            heading,
            {code: cell["value"] for code, cell in drawn.items()},
            names,
            too_few=_("too few to tell"),
            texts={code: shown(cell, total) for code, cell in drawn.items()},
            with_key=with_key,
        )
    rows = [row for row in _answer_rows(name, breakdown) if row.key in drawn]
    colour = BAR_COLOURS[SECTIONS.index(name) % len(BAR_COLOURS)]
    return charts.bar_chart(chart_id, heading, rows, colour=colour)


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def section(name: str, data: dict) -> dict:
    found = {"name": name, "title": titles()[name], "svg": chart(name, data, with_key=False)}
    if name in figures.TIME_BREAKDOWNS:
        rows = _time_rows(name, data)
        return {
            **found,
            "over_time": True,
            "rows": rows,
            "first": rows[0].label if rows else "",
            "last": rows[-1].label if rows else "",
        }
    breakdown = data["breakdowns"][name]
    rows = _answer_rows(name, breakdown)
    if name == "country" and found["svg"]:
        values = {code: cell["value"] for code, cell in _drawn(name, breakdown).items()}
        key = charts.map_key(values, too_few=_("too few to tell"))
        found["map_key"] = [(charts.KEY_SHADES.index(fill), label) for fill, label in key]
    return {
        **found,
        "over_time": False,
        "rows": rows,
        "measured": breakdown["cohorts"] > 0,
        "statements": number(breakdown["statements"]),
        "statements_count": breakdown["statements"],
        "since": _day(breakdown["since"]),
        "until": _day(breakdown["until"]),
        "margin": number(breakdown["margin"] or 0),
        "reliable": breakdown["statements"] > 0
        and all(cell["reliable"] for cell in breakdown["cells"].values()),
        "not_drawn": sum(
            1
            for key, cell in breakdown["cells"].items()
            if not release.is_clear_of_none(release.Estimate(**cell), breakdown["margin_all"] or 0)
        ),
    }


def render_page(release_row: Release) -> str:
    """The page's content below the site's layout: made once per release and language."""
    today = release_row.as_of
    window = figures.parse_window(since=None, until=None, today=figures.last_day(release_row))
    data = figures.open_data(release=release_row, names=list(figures.BREAKDOWNS), window=window)
    measured = [b for b in data["breakdowns"].values() if b["cohorts"]]
    covered = max((b["statements"] for b in measured), default=0)
    widest = max(measured, key=lambda b: b["statements"], default=None)
    context = {
        "answers": {
            "measured": bool(measured),
            "statements": number(covered),
            "statements_count": covered,
            "since": _day(widest["since"]) if widest else None,
            "until": _day(widest["until"]) if widest else None,
            "pending": number(max(0, data["statements"] - covered)),
            "pending_count": max(0, data["statements"] - covered),
            "min_cohort": number(services.MIN_COHORT_STATEMENTS),
            "min_cohort_count": services.MIN_COHORT_STATEMENTS,
        },
        "total": data["statements"],
        "total_display": number(data["statements"]),
        "last_day": data["last_day"],
        "next_release": today + datetime.timedelta(days=1),
        "findings": findings(data),
        "sections": [section(name, data) for name in SECTIONS],
        "privacy": data["privacy"],
        "upstanders": upstander_context(release_row),
    }
    return render_to_string("magnitude/_released.html", context)


def released_part(*, now: datetime.datetime | None = None) -> SafeString:
    html = services.for_this_release("page", get_language(), make=render_page, now=now)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it


def chart_download(name: str, *, now: datetime.datetime | None = None) -> str | None:
    """The SVG of one chart as the page draws it, once per release and language; None when nothing
    of it can be shown."""

    def make(release_row: Release) -> str:
        window = figures.parse_window(since=None, until=None, today=figures.last_day(release_row))
        data = figures.open_data(release=release_row, names=[name], window=window)
        return str(chart(name, data) or "")

    return services.for_this_release("chart", name, get_language(), make=make, now=now) or None


# --- The upstanders ---------------------------------------------------------------------------------


def upstander_titles() -> dict[str, dict[str, str]]:
    return {
        PLEDGES: {"total": _("Pledges"), "action": _("Pledges, by action")},
        INTERVENTIONS: {
            "total": _("Interventions reported"),
            "approach": _("Interventions, by way of stepping in"),
            "setting": _("Interventions, by place"),
            "outcome": _("Interventions, by whether it helped"),
        },
        ACKNOWLEDGEMENTS: {"total": _("Harm acknowledged")},
    }


def _upstander_label(name: str, key: str) -> str:
    choices = {"action": Action, "approach": Approach, "setting": Place, "outcome": Outcome}
    return str(dict(choices[name].choices).get(key, key))


def upstander_context(release_row: Release) -> dict | None:
    """The upstanders' part of the page, from the release alone; None for a release made before the
    upstanders were counted (the next day's has it)."""
    released = release_row.figures.get("upstanders")
    if released is None:
        return None
    titles = upstander_titles()
    totals, sections = [], []
    for population in upstanders.POPULATIONS:
        part = released[population.name]
        totals.append(
            {
                "name": population.name,
                "title": titles[population.name]["total"],
                "total": number(part["total"]),
                "per_month": [
                    (month, number(count))
                    for month, count in upstanders.per_month(part["per_day"], release_row).items()
                ],
            }
        )
        for name, breakdown in part["breakdowns"].items():
            colour = BAR_COLOURS[len(sections) % len(BAR_COLOURS)]
            sections.append(
                _upstander_section(population.name, name, breakdown, titles[population.name][name], colour)
            )
    return {
        "totals": totals,
        "sections": sections,
        "min_cohort": number(services.MIN_COHORT_STATEMENTS),
        "max_months": services.MAX_COHORT_MONTHS,
    }


def _upstander_section(population: str, name: str, breakdown: dict, title: str, colour: str) -> dict:
    rows = _answer_rows(name, breakdown, labelled=_upstander_label)
    drawn = _drawn(name, breakdown) if breakdown["cohorts"] else {}
    chart_id = f"chart-{population}-{name}"
    svg = None
    if drawn:
        svg = charts.bar_chart(
            chart_id,
            title,
            [row for row in rows if row.key in drawn],
            colour=colour,
            description=upstanders.unit_descriptions()[population],
        )
    count = breakdown["statements"]
    said = {"count": number(count), "margin": number(breakdown["margin"] or 0)}
    if population == PLEDGES:
        measured_text = ngettext(
            "Estimates from %(count)s pledge, each within about ± %(margin)s of the true number, 95 times "
            "out of 100.",
            "Estimates from %(count)s pledges, each within about ± %(margin)s of the true number, 95 times "
            "out of 100.",
            count,
        )
        too_few_text = ngettext(
            "Too few pledges yet to show this: with %(count)s measured, each figure could be off by up to "
            "about ± %(margin)s.",
            "Too few pledges yet to show this: with %(count)s measured, each figure could be off by up to "
            "about ± %(margin)s.",
            count,
        )
    else:
        measured_text = ngettext(
            "Estimates from %(count)s intervention reported, each within about ± %(margin)s of the true "
            "number, 95 times out of 100.",
            "Estimates from %(count)s interventions reported, each within about ± %(margin)s of the true "
            "number, 95 times out of 100.",
            count,
        )
        too_few_text = ngettext(
            "Too few interventions reported yet to show this: with %(count)s measured, each figure could be "
            "off by up to about ± %(margin)s.",
            "Too few interventions reported yet to show this: with %(count)s measured, each figure could be "
            "off by up to about ± %(margin)s.",
            count,
        )
    return {
        "id": f"{population}-{name}",
        "measured_text": measured_text % said,
        "too_few_text": too_few_text % said,
        "population": population,
        "title": title,
        "svg": svg,
        "rows": rows,
        "measured": breakdown["cohorts"] > 0,
        "count": number(breakdown["statements"]),
        "since": _day(breakdown["since"]),
        "until": _day(breakdown["until"]),
        "margin": number(breakdown["margin"] or 0),
        "reliable": breakdown["statements"] > 0
        and all(cell["reliable"] for cell in breakdown["cells"].values()),
        "not_drawn": len(breakdown["cells"]) - len(drawn) if svg else 0,
    }
