"""The public figures, as the page, the API and the CSV downloads all show them.

Everything here reads the headline total (exact, from stories' tally) and the period's release;
nothing reads a statement. Requests choose which breakdowns and which days they want; they cannot
ask for anything the release does not already hold, so they spend no privacy budget."""

import csv
import datetime
import io
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
    "setting_by_age": buckets.SETTING_BY_AGE,
}
FORMATS = ("json", "csv")
DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660


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
    return list(dict.fromkeys(names))


def _parse_day(name: str, value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise BadParameter(name, _("Give a date as YYYY-MM-DD.")) from None


def parse_window(*, since: str | None, until: str | None, today: datetime.date) -> Window:
    end = _parse_day("until", until) if until else today
    start = _parse_day("since", since) if since else end - datetime.timedelta(days=DEFAULT_WINDOW_DAYS - 1)
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


def open_data(*, release: Release, names: list[str], window: Window) -> dict:
    total, as_of = headline()
    figures = release.figures
    breakdowns: dict[str, dict[str, int]] = {}
    suppressed: dict[str, list[str]] = {}
    for name in names:
        dimension = BREAKDOWNS[name]
        cells = figures["breakdowns"].get(dimension, {})
        held = figures["suppressed"].get(dimension, [])
        if name == "per_day":
            days = window.days()
            cells = {day: cells[day] for day in days if day in cells}
            held = [day for day in days if day not in cells]
        elif name == "per_hour":
            hours = release_hours(release)
            cells = {hour: cells[hour] for hour in hours if hour in cells}
            held = [hour for hour in hours if hour not in cells]
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
        "noise_scale": {name: figures["noise_scale"][BREAKDOWNS[name]] for name in names},
        "breakdowns": breakdowns,
        "suppressed": suppressed,
    }


def to_csv(data: dict) -> str:
    """One row per released figure: the exact total first, then every released breakdown cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["breakdown", "category", UNIT])
    writer.writerow(["total", "", data["statements"]])
    for name, cells in data["breakdowns"].items():
        for category, count in cells.items():
            writer.writerow([name, category, count])
    return out.getvalue()
