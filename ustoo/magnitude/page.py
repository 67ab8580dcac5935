"""What the magnitude page shows: labelled figures, plain-language findings and the charts, all made
from the open data (the release), never from rows. All of it is drawn once per release and language."""

import datetime

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_info, ngettext
from django.utils.translation import gettext as _
from django_countries import countries

from ustoo.core.hashtags import variants
from ustoo.magnitude import charts, figures
from ustoo.magnitude.buckets import PAIR_SEPARATOR
from ustoo.magnitude.models import Release
from ustoo.magnitude.per_release import once_per_release
from ustoo.stories.models import AgeAtTime, Harm, Relation, Setting

# Relations that mean the person knew who did it ("other" is left out: we cannot tell).
KNOWN_PEOPLE = ("acquaintance", "partner", "family", "colleague", "superior", "teacher")
CHILDHOOD = ("under_13", "13_17")
CHARTED = ("setting", "relation", "age_at_time", "harm", "language", "hashtag")


def titles() -> dict[str, str]:
    return {
        "per_hour": _("Statements per hour, last seven days (UTC)"),
        "per_day": _("Statements per day, last 365 days (UTC)"),
        "per_month": _("Statements per month, since the first month with a figure to show (UTC)"),
        "setting": _("Where it happened"),
        "relation": _("Who did it"),
        "age_at_time": _("Age at the time"),
        "harm": _("Kinds of harm"),
        "language": _("Language"),
        "hashtag": _("Hashtag of the movement"),
        "country": _("Country"),
        "setting_by_age": _("Where it happened, by age at the time"),
    }


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def label(name: str, key: str) -> str:
    choices = {
        "setting": Setting,
        "relation": Relation,
        "age_at_time": AgeAtTime,
        "harm": Harm,
    }
    if name in choices:
        return str(dict(choices[name].choices).get(key, key))
    if name == "country":
        return str(countries.name(key)) or key
    if name == "language":
        return _language_name(key)
    if name == "hashtag":
        variant = variants().get(key)
        return f"#{variant.hashtag if variant else key}"
    return key


def rows(name: str, cells: dict[str, int]) -> list[charts.Row]:
    found = [charts.Row(key=key, label=label(name, key), value=value) for key, value in cells.items()]
    return sorted(found, key=lambda row: (-row.value, row.label))


def held_back_text(k: int) -> str:
    return _("held back (fewer than %(k)d)") % {"k": k}


def time_rows(cells: dict[str, int], buckets: list[str], *, hourly: bool = False) -> list[charts.Row]:
    """One row per bucket, in time order; a bucket not released has no value (held back), never 0."""

    def show(bucket: str) -> str:
        return bucket[5:].replace("T", " ") + ":00" if hourly else bucket

    return [charts.Row(key=bucket, label=show(bucket), value=cells.get(bucket)) for bucket in buckets]


def time_range(name: str, data: dict, release: Release) -> list[str]:
    """The buckets a chart over time draws, oldest first (none when nothing of it may be shown).

    By hour: every hour of the release. By month: from the first month with a released figure. By
    day: the window's days from the first one with a released figure, so that the days before a site
    opened are not drawn as held back."""
    cells = data["breakdowns"].get(name, {})
    if not cells:
        return []
    if name == "per_hour":
        return figures.release_hours(release)
    if name == "per_month":
        return figures.release_months(release)
    first, last = (
        datetime.date.fromisoformat(min(cells)),
        datetime.date.fromisoformat(data["window"]["until"]),
    )
    return figures.Window(since=first, until=last).days()


def findings(data: dict) -> list[str]:
    """Sentences a visitor can repeat, from released figures only (so they carry the same noise)."""
    said: list[str] = []
    relation = data["breakdowns"].get("relation", {})
    gave_relation = sum(relation.values())
    if gave_relation:
        knew = sum(relation.get(key, 0) for key in KNOWN_PEOPLE)
        tenths = round(10 * knew / gave_relation)
        said.append(
            ngettext(
                "%(n)d of every 10 who said who did it named someone they knew.",
                "%(n)d of every 10 who said who did it named someone they knew.",
                tenths,
            )
            % {"n": tenths}
        )
    ages = data["breakdowns"].get("age_at_time", {})
    gave_age = sum(ages.values())
    if gave_age:
        share = round(100 * sum(ages.get(key, 0) for key in CHILDHOOD) / gave_age)
        said.append(
            _("%(share)d%% of those who gave their age at the time were children (under 18).")
            % {"share": share}
        )
    settings_cells = data["breakdowns"].get("setting", {})
    if settings_cells:
        top = max(settings_cells, key=settings_cells.get)
        said.append(_("The place named most often: %(setting)s.") % {"setting": label("setting", top)})
    return said


def chart(name: str, data: dict, release: Release) -> SafeString | None:
    """The SVG of one breakdown, or None when nothing of it may be shown."""
    cells = data["breakdowns"].get(name, {})
    heading = titles()[name]
    chart_id = f"chart-{name.replace('_', '-')}"
    if name in figures.TIME_BREAKDOWNS:
        covered = time_range(name, data, release)
        if not covered:
            return None
        every = {"per_hour": 24, "per_month": 12}.get(name, max(1, len(covered) // 6))
        return charts.column_chart(
            chart_id,
            heading,
            time_rows(cells, covered, hourly=name == "per_hour"),
            every=every,
            held_back=held_back_text(data["k"]),
        )
    if name == "country":
        names = {code: str(country_name) for code, country_name in countries}
        return charts.world_map(chart_id, heading, cells, names, too_few=_("too few to show"))
    if name == "setting_by_age":
        if not cells:
            return None
        grouped: dict[str, list[charts.Row]] = {}
        for key, value in cells.items():
            setting, age = key.split(PAIR_SEPARATOR)
            grouped.setdefault(setting, []).append(
                charts.Row(key=age, label=label("age_at_time", age), value=value)
            )
        ordered = sorted(grouped.items(), key=lambda item: -sum(row.value for row in item[1]))
        age_order = list(AgeAtTime.values)
        stacked = [
            (label("setting", setting), sorted(cells_of, key=lambda row: age_order.index(row.key)))
            for setting, cells_of in ordered
        ]
        return charts.stacked_chart(
            chart_id, heading, stacked, [(key, str(text)) for key, text in AgeAtTime.choices]
        )
    if not cells:
        return None
    colour = (
        charts.OKABE_ITO[CHARTED.index(name) % len(charts.OKABE_ITO)]
        if name in CHARTED
        else charts.OKABE_ITO[0]
    )
    return charts.bar_chart(chart_id, heading, rows(name, cells), colour=colour)


def table_rows(name: str, data: dict, release: Release) -> list[charts.Row]:
    """The chart's figures as table rows: over time, every bucket the chart draws, held back or not."""
    cells = data["breakdowns"].get(name, {})
    if name in figures.TIME_BREAKDOWNS:
        return time_rows(cells, time_range(name, data, release))
    if name == "setting_by_age":
        found = []
        for key, value in cells.items():
            setting, age = key.split(PAIR_SEPARATOR)
            text = f"{label('setting', setting)} · {label('age_at_time', age)}"
            found.append(charts.Row(key=key, label=text, value=value))
        return sorted(found, key=lambda row: (-row.value, row.label))
    return rows(name, cells)


SECTIONS = (
    "per_hour",
    "per_day",
    "per_month",
    "setting",
    "relation",
    "age_at_time",
    "harm",
    "country",
    "language",
    "hashtag",
)
SECTIONS += ("setting_by_age",)


def released_part(*, now: datetime.datetime) -> SafeString:
    """The part of the page drawn from the release: the findings, and each chart with its title,
    data table and downloads. Made once per release, language and day (see per_release.py), so a
    request only adds the live total around it, however many figures the release holds."""
    today = now.date()

    def make(release: Release) -> str:
        return render_released(release, figures.parse_window(since=None, until=None, today=today))

    html = once_per_release("page", get_language(), today.isoformat(), make=make, now=now)
    return mark_safe(html)  # noqa: S308 - rendered by the template engine, which escaped it


def render_released(release: Release, window: figures.Window) -> str:
    data = figures.open_data(release=release, names=list(figures.BREAKDOWNS), window=window)
    sections = []
    for name in SECTIONS:
        table = table_rows(name, data, release)
        sections.append(
            {
                "name": name,
                "title": titles()[name],
                "svg": chart(name, data, release),
                "table": table,
                "suppressed": len(data["suppressed"].get(name, [])),
                "over_time": name in figures.TIME_BREAKDOWNS,
                "last": table[-1].key if table else "",
                "held_back": any(row.value is None for row in table),
            }
        )
    context = {
        "findings": findings(data),
        "sections": sections,
        "data": data,
        "held_back": held_back_text(data["k"]),
    }
    return render_to_string("magnitude/_released.html", context)


def chart_download(name: str, *, now: datetime.datetime) -> str | None:
    """The SVG of one chart as the page draws it, once per release, language and day; None when
    nothing of it may be shown."""
    today = now.date()

    def make(release: Release) -> str:
        window = figures.parse_window(since=None, until=None, today=today)
        data = figures.open_data(release=release, names=[name], window=window)
        return str(chart(name, data, release) or "")

    return once_per_release("chart", name, get_language(), today.isoformat(), make=make, now=now) or None
