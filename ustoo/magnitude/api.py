"""The magnitude in the JSON API: GET /api/v1/magnitude, the released figures as open data."""

import datetime

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ustoo.api import ApiError
from ustoo.magnitude import figures
from ustoo.magnitude.models import Release
from ustoo.magnitude.per_release import once_per_release
from ustoo.magnitude.services import current_release

router = Router(tags=["magnitude"])


class WindowOut(Schema):
    since: datetime.date
    until: datetime.date


class MagnitudeOut(Schema):
    statements: int = Field(..., description="The exact number of statements counted: the headline total.")
    unit: str = Field(..., description='What is counted: "statements" (one person saying “me too” once).')
    as_of: datetime.datetime | None = Field(..., description="When the headline total last changed.")
    timezone: str = Field(..., description="The time zone of every day and hour bucket.")
    window: WindowOut = Field(
        ...,
        description="The days per_day covers. Every other breakdown covers all statements up to released_at.",
    )
    released_at: datetime.datetime = Field(..., description="When the breakdowns were released.")
    next_release_at: datetime.datetime
    k: int = Field(..., description="No released cell is below k; smaller ones are listed under suppressed.")
    epsilon: float = Field(
        ...,
        description="The ε of one release's noise, all breakdowns together. Suppression below k is decided "
        "on the true count and is not part of this guarantee; releases over time add up (see "
        "/magnitude/how-we-count).",
    )
    epsilon_per_breakdown: float
    noise_scale: dict[str, float] = Field(
        ...,
        description="Scale of the two-sided geometric noise added to each cell of each breakdown. A cell's "
        "noise stays the same from release to release until its true count changes.",
    )
    breakdowns: dict[str, dict[str, int]] = Field(
        ...,
        description="setting, relation, age_at_time, harm, country, language, hashtag, per_day, per_hour, "
        "per_month, setting_by_age: each a mapping from category to a noisy count of statements. "
        "per_day covers the window; per_hour the last hours up to released_at; per_month every month "
        "from the first with a released figure.",
    )
    suppressed: dict[str, list[str]] = Field(
        ...,
        description="Cells held back (fewer than k, or none: the two look alike), per breakdown; for "
        "per_day, per_hour and per_month, every bucket in their range that is not released.",
    )


class MagnitudeQuery(Schema):
    breakdowns: str | None = Field(
        None, description="Comma-separated breakdown names (default: all). Unknown names are refused."
    )
    since: str | None = Field(
        None,
        description="First day of per_day, YYYY-MM-DD, from 2000-01-01 (default: 365 days before until).",
    )
    until: str | None = Field(
        None, description="Last day of per_day, YYYY-MM-DD, up to 9999-12-31 (default: today, UTC)."
    )
    format: str | None = Field(
        None,
        description='json (default) or csv. The CSV starts with lines beginning with "#" that give the '
        "unit, window, time zone, k, ε and noise scales, then has the columns breakdown, category, "
        "statements, status (exact, noisy or held_back; held-back cells have no count).",
    )


@router.get(
    "/magnitude",
    response=MagnitudeOut,
    auth=None,
    summary="The magnitude: the exact total and the released breakdowns",
    openapi_extra={
        "responses": {
            "200": {"content": {"text/csv": {"schema": {"type": "string"}}}},
            "400": {"description": "A parameter is not valid; `fields` names it."},
        }
    },
)
def magnitude(request: HttpRequest, query: Query[MagnitudeQuery]):
    """The headline total is exact. Breakdowns come from the current release: noised and with every
    cell below k held back (see /magnitude/how-we-count). `format=csv` gives the same figures as CSV."""
    now = timezone.now()
    try:
        names = figures.parse_breakdowns(query.breakdowns)
        window = figures.parse_window(since=query.since, until=query.until, today=now.date())
        output = figures.parse_format(query.format)
    except figures.BadParameter as error:
        raise ApiError(400, error.message, {error.name: error.message}) from None
    # What nearly everyone reads (the default window, with every breakdown or one of them, as the page
    # links to them) is made once per release. Anything else is made afresh each time: kept, the many
    # windows and sets of breakdowns a reader may ask for could fill the memory.
    reused = (
        not query.since and not query.until and (len(names) == 1 or len(names) == len(figures.BREAKDOWNS))
    )
    if output == "csv":
        response = HttpResponse(
            _csv_body(names, window, now=now, reused=reused), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="magnitude.csv"'
        return response
    # Built from bytes, not returned as a MagnitudeOut: checking every cell of every breakdown against
    # the schema on each request cost more than the rest of the answer (it is checked once, when made).
    return HttpResponse(_json_body(names, window, now=now, reused=reused), content_type="application/json")


def _released_json(release: Release, names: list[str], window: figures.Window) -> bytes:
    """The JSON object of everything but the exact total and its time, checked against the schema."""
    data = figures.open_data(release=release, names=names, window=window)
    released = MagnitudeOut(**data).model_dump(mode="json", exclude={"statements", "as_of"})
    return orjson.dumps(released, option=orjson.OPT_UTC_Z)


def _json_body(names: list[str], window: figures.Window, *, now: datetime.datetime, reused: bool) -> bytes:
    def make(release: Release) -> bytes:
        return _released_json(release, names, window)

    if reused:
        released = once_per_release("api", ",".join(names), window.until.isoformat(), make=make, now=now)
    else:
        released = make(current_release(now=now))
    total, as_of = figures.headline()
    # The exact total and its time, then the released object's members (all but its opening brace).
    headline = orjson.dumps({"statements": total, "as_of": as_of}, option=orjson.OPT_UTC_Z)
    return headline[:-1] + b"," + released[1:]


def _csv_body(names: list[str], window: figures.Window, *, now: datetime.datetime, reused: bool) -> str:
    def make(release: Release) -> tuple[str, str]:
        return figures.csv_around_total(figures.open_data(release=release, names=names, window=window))

    if reused:
        before, after = once_per_release("csv", ",".join(names), window.until.isoformat(), make=make, now=now)
    else:
        before, after = make(current_release(now=now))
    total, _as_of = figures.headline()
    return before + figures.csv_total_row(total) + after
