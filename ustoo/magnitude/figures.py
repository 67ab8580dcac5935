"""The public figures, as the page, the API and the CSV downloads all show them.

Everything here reads the day's stored release; nothing reads a statement or measures anything.
Requests choose which breakdowns and which days they want; they cannot ask for anything the release
does not already hold, so they spend no privacy budget."""

import csv
import datetime
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ustoo.magnitude import services
from ustoo.magnitude.models import Release

UNIT = "statements"
# The breakdowns of what people answered (noisy, with their ranges), then the exact counts over time.
ANSWERS = ("setting", "relation", "age_at_time", "harm", "country", "language", "hashtag", "setting_by_age")
TIME_BREAKDOWNS = ("per_day", "per_month")
BREAKDOWNS = (*ANSWERS, *TIME_BREAKDOWNS)
FORMATS = ("json", "csv")
DEFAULT_WINDOW_DAYS = 365
MAX_WINDOW_DAYS = 3660
# The days a window may name. Statements are dated when they are made here, and none was made before
# this software existed; the bounds also keep every date computed from a window within the calendar.
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(9999, 12, 31)
DAY_FORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The status column of the CSV.
EXACT, ESTIMATE, TOO_FEW, NOT_MEASURED = "exact", "estimate", "too_few", "not_measured"
CSV_COLUMNS = ["breakdown", "category", UNIT, "low", "high", "measured", "status"]


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
        # The format to type, said in words too, with a day that cannot be read month first.
        message = _(
            "Give a date as YYYY-MM-DD: the year, the month and the day in figures, as in %(example)s."
        )
        raise BadParameter(name, message % {"example": "2017-10-15"}) from None
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
        longest = ngettext(
            "A window is at most %(days)d day long.",
            "A window is at most %(days)d days long.",
            MAX_WINDOW_DAYS,
        )
        raise BadParameter("since", longest % {"days": MAX_WINDOW_DAYS})
    return Window(since=start, until=end)


def parse_format(value: str | None) -> str:
    if value in (None, ""):
        return "json"
    if value not in FORMATS:
        raise BadParameter(
            "format", _("Choose a format among: %(formats)s.") % {"formats": ", ".join(FORMATS)}
        )
    return value


def last_day(release: Release) -> datetime.date:
    """The last day the release counts: the day before its `as_of`."""
    return release.as_of - datetime.timedelta(days=1)


def months_between(first: datetime.date, last: datetime.date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def per_day(release: Release, window: Window) -> dict[str, int]:
    """Statements per day over the window, exact, zeros included, up to the release's last day."""
    counts = release.figures["per_day"]
    until = last_day(release).isoformat()
    return {day: counts.get(day, 0) for day in window.days() if day <= until}


def per_month(release: Release) -> dict[str, int]:
    """Statements per month, exact, from the first month with a statement to the release's last day."""
    counts = release.figures["per_day"]
    if not counts:
        return {}
    months = dict.fromkeys(months_between(datetime.date.fromisoformat(min(counts)), last_day(release)), 0)
    for day, count in counts.items():
        months[day[:7]] += count
    return months


def open_data(*, release: Release, names: list[str], window: Window) -> dict:
    figures = release.figures
    return {
        "statements": figures["statements"],
        "unit": UNIT,
        "as_of": release.as_of,
        "last_day": last_day(release),
        "next_release": release.as_of + datetime.timedelta(days=1),
        "timezone": settings.TIME_ZONE,
        "window": {"since": window.since, "until": window.until},
        "privacy": figures["privacy"],
        "per_day": per_day(release, window) if "per_day" in names else None,
        "per_month": per_month(release) if "per_month" in names else None,
        "breakdowns": {
            name: _in_key_order(name, figures["breakdowns"][name]) for name in names if name in ANSWERS
        },
    }


def _in_key_order(name: str, breakdown: dict) -> dict:
    """The cells in the order of their public keys (the form's order): PostgreSQL's jsonb keeps
    an object's keys in an order of its own."""
    cells = breakdown["cells"]
    ordered = {key: cells[key] for key in services.BREAKDOWNS[name].public_keys() if key in cells}
    return {**breakdown, "cells": ordered}


def csv_filename(names: list[str], window: Window, *, release: Release, default_window: bool) -> str:
    """A name that tells each download apart: what it holds, its window when chosen, and its day."""
    parts = ["magnitude"]
    if list(names) != list(BREAKDOWNS):
        parts.append("-".join(names))
    if not default_window and "per_day" in names:
        parts.append(f"{window.since.isoformat()}-to-{window.until.isoformat()}")
    parts.append(f"as-of-{release.as_of.isoformat()}")
    return "_".join(parts) + ".csv"


def to_csv(data: dict) -> str:
    """The open data as CSV, header first: one row per figure, with its 95% range (low, high), the
    noisy sum it was made from (measured) and its status: exact (the total, the counts over time),
    estimate, too_few (its range covers most of what is possible) or not_measured (no cohort of
    statements is complete yet, so the figures are empty). What the figures are (the unit,
    the day, the privacy budget) is in the JSON of the same address, not in the CSV."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    total = data["statements"]
    writer.writerow(["total", "", total, total, total, "", EXACT])
    for name in ("per_day", "per_month"):
        for bucket, count in (data.get(name) or {}).items():
            writer.writerow([name, bucket, count, count, count, "", EXACT])
    for name, breakdown in data["breakdowns"].items():
        for key, cell in breakdown["cells"].items():
            if not breakdown["cohorts"]:
                writer.writerow([name, key, "", "", "", "", NOT_MEASURED])
                continue
            status = ESTIMATE if cell["reliable"] else TOO_FEW
            writer.writerow([name, key, cell["value"], cell["low"], cell["high"], cell["measured"], status])
    return out.getvalue()
