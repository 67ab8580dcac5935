"""The public figures, as the page, the API and the CSV downloads all show them.

Everything here reads the headline total (exact, from stories' tally) and the period's release;
nothing reads a statement. Requests choose which breakdowns and which days they want; they cannot
ask for anything the release does not already hold, so they spend no privacy budget."""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from ustoo.magnitude import buckets
from ustoo.magnitude.models import Release
from ustoo.magnitude.services import release_seconds
from ustoo.stories.models import StatementTally

UNIT = "statements"
# Public breakdown names and the counters they are released from.
BREAKDOWNS = {
    "setting": buckets.SETTING,
    "relation": buckets.RELATION,
    "age_at_time": buckets.AGE,
    "harm": buckets.HARM,
    "country": buckets.COUNTRY,
    "language": buckets.LANGUAGE,
    "hashtag": buckets.HASHTAG,
    "per_day": buckets.DAY,
    "per_hour": buckets.HOUR,
    "per_month": buckets.MONTH,
    "setting_by_age": buckets.SETTING_BY_AGE,
}
# The breakdowns over time: every bucket in their range is listed, released or held back.
TIME_BREAKDOWNS = ("per_hour", "per_day", "per_month")
FORMATS = ("json", "csv")
DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660
# The days a window may name. Statements are dated when they are made here, and none was made before
# this software existed; the bounds also keep every date computed from a window within the calendar.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(9999, 12, 31)
DAY_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The status column of the CSV.
EXACT, NOISY, HELD_BACK = "exact", "noisy", "held_back"


class BadParameter(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.message = message


@dataclass(frozen=True)
class Window:
    """The days `per_day` covers, both included, in UTC."""

    since: datetime.date
    until: datetime.date

    def days(self) -> list[str]:
        count = (self.until - self.since).days + 1
        return [(self.since + datetime.timedelta(days=n)).isoformat() for n in range(count)]


def parse_breakdowns(value: str | None) -> list[str]:
    if not value:
        return list(BREAKDOWNS)
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in BREAKDOWNS]
    if unknown or not names:
        raise BadParameter(
            "breakdowns",
            _("Unknown breakdown: %(names)s. Choose among: %(known)s.")
            % {"names": ", ".join(unknown) or value, "known": ", ".join(BREAKDOWNS)},
        )
    # In one order whatever the order asked: the same figures are then one and the same response.
    return [name for name in BREAKDOWNS if name in names]


def _parse_day(name: str, value: str) -> datetime.date:
    # fromisoformat alone would also take 20171015 or 2017-W42-1: the API promises YYYY-MM-DD only.
    try:
        if not DAY_FORMAT.fullmatch(value):
            raise ValueError(value)
        day = datetime.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("Give a date as YYYY-MM-DD.")) from None
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadParameter(
            name,
            _("Give a day between %(first)s and %(last)s.")
            % {"first": FIRST_DAY.isoformat(), "last": LAST_DAY.isoformat()},
        )
    return day


def parse_window(*, since: str | None, until: str | None, today: datetime.date) -> Window:
    end = _parse_day("until", until) if until else today
    if since:
        start = _parse_day("since", since)
    else:
        start = max(FIRST_DAY, end - datetime.timedelta(days=DEFAULT_WINDOW_DAYS - 1))
    if start > end:
        raise BadParameter("since", _("The window must start on or before its last day (until)."))
    if (end - start).days + 1 > MAX_WINDOW_DAYS:
        raise BadParameter("since", _("A window is at most %(days)d days long.") % {"days": MAX_WINDOW_DAYS})
    return Window(since=start, until=end)


def parse_format(value: str | None) -> str:
    if value in (None, ""):
        return "json"
    if value not in FORMATS:
        raise BadParameter(
            "format", _("Choose a format among: %(formats)s.") % {"formats": ", ".join(FORMATS)}
        )
    return value


def headline() -> tuple[int, datetime.datetime | None]:
    """The exact total of counted statements, and when it last changed."""
    return StatementTally.total()


def release_hours(release: Release) -> list[str]:
    """The hours `per_hour` covers in this release, oldest first."""
    first = datetime.datetime.fromisoformat(release.figures["hours_since"])
    last = release.released_at.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
    hours = []
    while first <= last:
        hours.append(buckets.hour_bucket(first))
        first += datetime.timedelta(hours=1)
    return hours


def release_months(release: Release) -> list[str]:
    """The months `per_month` covers in this release, oldest first: from the first month with a
    released figure to the month of the release (none when no month is released)."""
    released = release.figures["breakdowns"].get(buckets.MONTH, {})
    if not released:
        return []
    year, month = map(int, min(released).split("-"))
    last = release.released_at.astimezone(datetime.UTC).strftime("%Y-%m")
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def time_buckets(name: str, *, release: Release, window: Window) -> list[str]:
    """Every bucket a breakdown over time covers, oldest first."""
    if name == "per_day":
        return window.days()
    if name == "per_hour":
        return release_hours(release)
    return release_months(release)


def open_data(*, release: Release, names: list[str], window: Window) -> dict:
    total, as_of = headline()
    figures = release.figures
    breakdowns: dict[str, dict[str, int]] = {}
    suppressed: dict[str, list[str]] = {}
    for name in names:
        dimension = BREAKDOWNS[name]
        cells = figures["breakdowns"].get(dimension, {})
        held = figures["suppressed"].get(dimension, [])
        if name in TIME_BREAKDOWNS:
            covered = time_buckets(name, release=release, window=window)
            cells = {bucket: cells[bucket] for bucket in covered if bucket in cells}
            held = [bucket for bucket in covered if bucket not in cells]
        breakdowns[name] = cells
        suppressed[name] = held
    return {
        "statements": total,
        "unit": UNIT,
        "as_of": as_of,
        "timezone": settings.TIME_ZONE,
        "window": {"since": window.since.isoformat(), "until": window.until.isoformat()},
        "released_at": release.released_at,
        "next_release_at": release.period_start + datetime.timedelta(seconds=release_seconds()),
        "k": release.k,
        "epsilon": release.epsilon,
        "epsilon_per_breakdown": figures["epsilon_per_breakdown"],
        # A release made by an older version may lack a newer breakdown; it is then simply empty.
        "noise_scale": {
            name: figures["noise_scale"][BREAKDOWNS[name]]
            for name in names
            if BREAKDOWNS[name] in figures["noise_scale"]
        },
        "breakdowns": breakdowns,
        "suppressed": suppressed,
    }


def release_terms(release: Release) -> dict:
    """What a release promises (k, ε, the scale of each breakdown's noise), without its figures."""
    scales = release.figures["noise_scale"]
    return {
        "k": release.k,
        "epsilon": release.epsilon,
        "epsilon_per_breakdown": release.figures["epsilon_per_breakdown"],
        # A release made by an older version may lack a newer breakdown: it is left out.
        "noise_scale": {
            name: scales[dimension] for name, dimension in BREAKDOWNS.items() if dimension in scales
        },
        "breakdown_count": len(scales),
    }


def to_csv(data: dict) -> str:
    """The open data as CSV: first a few lines starting with "#" that say what the figures are (the
    unit, the window, k, ε and the noise), then a table with one row per figure: the exact total,
    every released cell (status "noisy") and every held-back cell (status "held_back", no count).
    Most tools skip the "#" lines when told to (pandas: comment="#"; R: comment.char="#")."""
    before_total, after_total = csv_around_total(data)
    return before_total + csv_total_row(data["statements"]) + after_total


def csv_total_row(total: int) -> str:
    return f"total,,{total},{EXACT}\n"


def csv_around_total(data: dict) -> tuple[str, str]:
    """The CSV before the total's row and after it: all of it but the exact total comes from the
    release, so it can be made once per release and the total put in between on each request."""
    out = io.StringIO()
    window = data["window"]
    about = [
        ("unit", f"{UNIT}: one person saying “me too” here once"),
        ("timezone", data["timezone"]),
        ("window", f"per_day from {window['since']} to {window['until']}; other breakdowns: every statement"),
        ("released_at", _iso(data["released_at"])),
        ("k", f"{data['k']}: cells below k are held back (status held_back, no count)"),
        ("epsilon", f"{data['epsilon']} per release, {data['epsilon_per_breakdown']} per breakdown"),
        (
            "noise_scale",
            "; ".join(f"{name} {scale:g}" for name, scale in data["noise_scale"].items())
            + " (two-sided geometric noise, the same for a figure until its count changes)",
        ),
    ]
    for key, value in about:
        out.write(f"# {key}: {value}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["breakdown", "category", UNIT, "status"])
    before_total = out.getvalue()
    out.seek(0)
    out.truncate()
    for name, cells in data["breakdowns"].items():
        held = data["suppressed"].get(name, [])
        if name in TIME_BREAKDOWNS:
            # In time order, held-back buckets in their place.
            for bucket in sorted([*cells, *held]):
                writer.writerow(
                    [name, bucket, *((cells[bucket], NOISY) if bucket in cells else ("", HELD_BACK))]
                )
            continue
        for category, count in cells.items():
            writer.writerow([name, category, count, NOISY])
        for category in held:
            writer.writerow([name, category, "", HELD_BACK])
    return before_total, out.getvalue()


def _iso(moment: datetime.datetime | str) -> str:
    return moment if isinstance(moment, str) else moment.astimezone(datetime.UTC).isoformat()
