"""Figures and times as people read them, in the active language: 14,333 (14 333 in French), 6.9%,
"16 October 2019, 14:00 UTC". For the page, the HTML and table reports and the charts; JSON and CSV keep
ISO 8601 times and plain numbers.

A report's days and hours are keys in its time zone: `2019-10-15`, `2019-10-15T17`, and outside UTC an hour
with its offset, `2017-10-29T02+01:00` (the hour repeated when summer time ends is two hours).
"""

from datetime import date, datetime, timedelta

from django.utils import dateformat, formats
from django.utils.translation import get_language_info, ngettext
from django.utils.translation import gettext as _


def count(number: int | float | None) -> str:
    """A count with the language's thousands separator; empty for a figure not measured."""
    if number is None:
        return ""
    if isinstance(number, float) and number.is_integer():
        number = int(number)  # an axis tick of 600.0 posts reads 600
    return formats.number_format(number, force_grouping=True)


def share(value: float, decimals: int = 1) -> str:
    """0.069 -> "6.9%" ("6,9 %" in French)."""
    # rounded here: number_format cuts the digits it does not show
    number = formats.number_format(round(value * 100, decimals), decimal_pos=decimals, force_grouping=True)
    return _("%(number)s%%") % {"number": number}


def when(iso: str | None, zone: str) -> str:
    """An ISO 8601 time (local to `zone`, or aware) as "16 October 2019, 14:00 UTC", the day in the reader's
    language's format."""
    if not iso:
        return ""
    moment = datetime.fromisoformat(iso)
    day = _unbroken(formats.date_format(moment, "DATE_FORMAT"))
    return f"{day}, {dateformat.format(moment, 'H:i')} {zone}"


def _unbroken(day: str) -> str:
    """A date that a line never breaks: "15 October 2019" apart reads badly."""
    return day.replace(" ", "\N{NO-BREAK SPACE}")


def _hour_start(key: str) -> datetime:
    return datetime.strptime(key[:13], "%Y-%m-%dT%H")  # noqa: DTZ007 - local to the report's zone


def is_hour(key: str) -> bool:
    return len(key) >= 13


def period(key: str) -> str:
    """A day or an hour of a report: "15 October 2019", "15 October 2019, 17:00–18:00", and outside UTC
    "29 October 2017, 02:00–03:00 (UTC+01:00)"."""
    if not is_hour(key):
        return _unbroken(formats.date_format(date.fromisoformat(key), "DATE_FORMAT"))
    start = _hour_start(key)
    text = f"{_unbroken(formats.date_format(start, 'DATE_FORMAT'))}, {dateformat.format(start, 'H:i')}–"
    text += dateformat.format(start + timedelta(hours=1), "H:i")
    return text + (f" (UTC{key[13:]})" if len(key) > 13 else "")


def tick(key: str) -> tuple[str, str]:
    """A chart axis label in two lines: ("15 Oct.", "2019") for a day, ("17:00", "15 Oct.") for an hour, the
    day and month as the language writes them short (its MONTH_DAY_FORMAT: "10月15日", "15 ott").
    The second line is shown only where it changes."""
    if not is_hour(key):
        day = date.fromisoformat(key)
        return formats.date_format(day, "MONTH_DAY_FORMAT"), str(day.year)
    start = _hour_start(key)
    return dateformat.format(start, "H:i"), formats.date_format(start, "MONTH_DAY_FORMAT")


def language(code: str) -> str:
    """A language tag as its name in the reader's language, with the tag: "English (en)"."""
    if code == "und":
        return _("undetermined (und)")
    try:
        return f"{get_language_info(code)['name_translated']} ({code})"
    except KeyError:
        return code


def partial_periods_text(keys: list[str]) -> str:
    """ "15 October 2019 and 16 October 2019" — the partial days or hours of a chart, in words."""
    labels = [period(key) for key in keys]
    if len(labels) < 2:
        return "".join(labels)
    return _("%(first)s and %(last)s") % {"first": ", ".join(labels[:-1]), "last": labels[-1]}


def partial_note(keys: list[str]) -> str:
    """What a chart says of its partial periods, or nothing."""
    if not keys:
        return ""
    periods = partial_periods_text(keys)
    if is_hour(keys[0]):
        return ngettext(
            "Partial hour (only part of it was collected), hatched and not joined to the line: %(periods)s.",
            "Partial hours (only part of each was collected), hatched and not joined to the line: "
            "%(periods)s.",
            len(keys),
        ) % {"periods": periods}
    return ngettext(
        "Partial day (only part of it was collected), hatched and not joined to the line: %(periods)s.",
        "Partial days (only part of each was collected), hatched and not joined to the line: %(periods)s.",
        len(keys),
    ) % {"periods": periods}


def validation_text(experience: dict) -> str:
    """What the experience share was validated on, in the reader's language."""
    labelled = experience.get("labelled", 0)
    if experience.get("validation_source") == "dataset":
        text = ngettext(
            "Corrected for the classifier's errors as measured on %(count)s post of this dataset labelled "
            "by hand.",
            "Corrected for the classifier's errors as measured on %(count)s posts of this dataset labelled "
            "by hand.",
            labelled,
        )
    else:
        text = ngettext(
            "Corrected for the classifier's errors as measured on %(count)s English tweet of October 2019 "
            "labelled by hand for this project's own validation set.",
            "Corrected for the classifier's errors as measured on %(count)s English tweets of October 2019 "
            "labelled by hand for this project's own validation set.",
            labelled,
        )
    return text % {"count": count(labelled)}


def unvalidated_text(experience: dict) -> str:
    """The languages of the dataset the experience share was not validated in, or nothing."""
    unvalidated = experience.get("unvalidated_languages") or {}
    originals = (experience.get("overall") or {}).get("originals") or 0
    if not unvalidated:
        return ""
    names = [language(code) for code in unvalidated]
    if len(names) == 1:
        listed = names[0]
    else:
        listed = _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}
    part = sum(unvalidated.values()) / originals if originals else 0
    return _(
        "Not validated in %(languages)s (%(share)s of originals): the interval assumes the classifier errs "
        "there as it does where it was validated, which nothing has measured."
    ) % {"languages": listed, "share": share(part, 0)}
