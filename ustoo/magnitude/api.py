"""The magnitude in the JSON API: GET /api/v1/magnitude, the released figures as open data."""

import datetime

import orjson
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ustoo.api import ApiError
from ustoo.magnitude import figures
from ustoo.magnitude.services import current_release, release_seconds

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
    try:
        names = figures.parse_breakdowns(query.breakdowns)
        window = figures.parse_window(since=query.since, until=query.until, today=timezone.now().date())
        output = figures.parse_format(query.format)
    except figures.BadParameter as error:
        raise ApiError(400, error.message, {error.name: error.message}) from None
    release = current_release()
    if output == "csv":
        data = figures.open_data(release=release, names=names, window=window)
        response = HttpResponse(figures.to_csv(data), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="magnitude.csv"'
        return response
    return HttpResponse(_released_json(release, names, window), content_type="application/json")


def _released_json(release, names: list[str], window: figures.Window) -> bytes:
    """The JSON body. Everything but the headline is fixed for the release's period, so it is built
    once per process and period (then only the exact total is filled in), and serialised with orjson
    rather than validated field by field on every request."""
    key = f"magnitude:api:{release.pk}:{','.join(names)}:{window.since}:{window.until}"
    local = caches["local"]
    released = local.get(key)
    if released is None:
        released = MagnitudeOut(**figures.open_data(release=release, names=names, window=window)).model_dump(
            mode="json", exclude={"statements", "as_of"}
        )
        local.set(key, released, release_seconds())
    total, as_of = figures.headline()
    return orjson.dumps({"statements": total, "as_of": as_of, **released}, option=orjson.OPT_UTC_Z)
