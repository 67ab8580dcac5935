"""The magnitude in the JSON API: GET /api/v1/magnitude, the day's released figures as open data."""

import datetime
from urllib.parse import urlencode

import orjson
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from ustoo.core.api import ApiError, refusals
from ustoo.magnitude import figures, services, upstanders
from ustoo.magnitude.models import Release

router = Router(tags=["magnitude"])


class WindowOut(Schema):
    since: datetime.date
    until: datetime.date


class PrivacyOut(Schema):
    epsilon: float = Field(
        ...,
        description="The lifetime ε of each person's answers: changing everything one statement answered "
        "changes the chance of any figure ever published by at most a factor e^ε (except with probability "
        "delta). Each statement's answers are measured once, so this holds for the site's whole lifetime.",
    )
    delta: float
    rho: float = Field(..., description="The same budget in zero-concentrated DP (ρ-zCDP).")
    confidence: float = Field(..., description="How often the truth lies in [low, high]: 0.95.")
    shares: dict[str, float] = Field(
        ..., description="Each breakdown's share of the budget (they add up to 1)."
    )
    noise_sd_per_cohort: dict[str, float] = Field(
        ..., description="Standard deviation of the discrete Gaussian noise of one cell in one cohort."
    )
    margin_per_cohort: dict[str, int] = Field(
        ..., description="The 95% margin (±) of one cell in one cohort."
    )
    min_cohort_statements: int = Field(
        ...,
        description="A cohort closes at the end of the first month in which it holds this many statements...",
    )
    max_cohort_months: int = Field(..., description="...or after this many months.")


class CellOut(Schema):
    value: int = Field(
        ...,
        description="The figure shown: for single-choice breakdowns, the parts add up to `statements` of "
        "the breakdown; for the others, each is between 0 and it.",
    )
    low: int = Field(..., description="Low end of the 95% range, at least 0.")
    high: int = Field(..., description="High end of the 95% range, at most the breakdown's `statements`.")
    measured: int = Field(
        ..., description="The sum of the cohorts' noisy counts the figure was made from (may be negative)."
    )
    reliable: bool = Field(
        ...,
        description="False when the range covers more than two thirds of what is possible: the page then "
        "says “too few statements yet”. Decided on noisy values only.",
    )


class BreakdownOut(Schema):
    kind: str = Field(..., description="projected (single choice, adds up) or clipped (each part in [0, N]).")
    statements: int = Field(
        ..., description="The exact number of statements measured for this breakdown (N)."
    )
    since: datetime.date | None = Field(..., description="First day of the statements measured.")
    until: datetime.date | None = Field(..., description="Last day of the statements measured.")
    cohorts: int = Field(..., description="How many cohorts were measured; their noises add up.")
    noise_sd: float = Field(..., description="Standard deviation of the summed noise of one cell.")
    noise_variance: float
    margin: int | None = Field(..., description="The 95% margin (±) of one cell before clipping.")
    margin_all: int | None = Field(
        ...,
        description="The margin that holds for all the cells at once, 95% of the time (Bonferroni). The "
        "page's charts draw a cell only when `measured` is above it.",
    )
    cells: dict[str, CellOut] = Field(
        ...,
        description="Every public key, zeros included: the form's options (not_said for no answer), ISO "
        "3166-1 countries, the movement's hashtags from a list fixed in advance.",
    )


class MagnitudeOut(Schema):
    statements: int = Field(
        ..., description="The exact number of statements made before as_of (UTC): the headline total."
    )
    unit: str = Field(..., description='What is counted: "statements" (one person saying “me too” once).')
    as_of: datetime.date = Field(
        ...,
        description="The day of this release: it counts the statements made before this day began (UTC). "
        "Releases are made once a day, so no figure tells when within a day anyone spoke.",
    )
    last_day: datetime.date = Field(..., description="The last day counted: the day before as_of.")
    next_release: datetime.date
    timezone: str = Field(..., description="The time zone of every day and month.")
    window: WindowOut = Field(..., description="The days per_day covers (up to last_day).")
    privacy: PrivacyOut
    per_day: dict[str, int] | None = Field(
        None, description="Exact statements per day over the window, zeros included (if asked)."
    )
    per_month: dict[str, int] | None = Field(
        None, description="Exact statements per month since the first one with a statement (if asked)."
    )
    breakdowns: dict[str, BreakdownOut] = Field(
        ...,
        description="setting, relation, age_at_time, harm, country, language, hashtag, setting_by_age: "
        "noisy figures with their 95% ranges, from the cohorts measured so far (see since, until).",
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
        None,
        description="Last day of per_day, YYYY-MM-DD, up to 9999-12-31 (default: the release's last day).",
    )
    format: str | None = Field(
        None,
        description="json (default) or csv. The CSV starts with its header: breakdown, category, statements, "
        "low, high, measured, status (exact, estimate or too_few); what the figures are (the day, the "
        "privacy budget, the noise) is in the JSON of the same address (its Link header says so). Each "
        "download has a file name of its own (breakdowns, window and day).",
    )


_answers = refusals({200: MagnitudeOut}, {400: "A parameter is not valid; `fields` names it."})
# JSON first, the default; the CSV of `format=csv` beside it (an int key: "200" would be a second entry).
_answers["openapi_extra"]["responses"][200] = {"content": {"text/csv": {"schema": {"type": "string"}}}}


@router.get(
    "/magnitude",
    auth=None,
    summary="The magnitude: the day's exact total and the noisy breakdowns with their 95% ranges",
    **_answers,
)
def magnitude(request: HttpRequest, query: Query[MagnitudeQuery]):
    """The total and the counts per day and month are exact, as of the start of the day (UTC). The
    breakdowns are noisy: each figure comes with its 95% range (see /magnitude/how-we-count).
    `format=csv` gives the same figures as CSV."""
    now = timezone.now()
    try:
        names = figures.parse_breakdowns(query.breakdowns)
        window = figures.parse_window(
            since=query.since, until=query.until, today=services.today_utc(now) - datetime.timedelta(days=1)
        )
        output = figures.parse_format(query.format)
    except figures.BadParameter as error:
        raise ApiError(400, error.message, {error.name: error.message}) from None
    # What nearly everyone reads (the default window, with every breakdown or one of them, as the page
    # links to them) is made once per release. Anything else is made afresh from the stored release:
    # kept, the many windows and sets of breakdowns a reader may ask for could fill the cache.
    default_window = not query.since and not query.until
    reused = default_window and (len(names) == 1 or len(names) == len(figures.BREAKDOWNS))

    def made(what: str, make):
        if reused:
            return services.for_this_release(what, ",".join(names), make=make, now=now)
        return make(services.current_release(now=now))

    if output == "csv":

        def make_csv(release: Release) -> tuple[str, str]:
            data = figures.open_data(release=release, names=names, window=window)
            name = figures.csv_filename(names, window, release=release, default_window=default_window)
            return figures.to_csv(data), name

        body, filename = made("csv", make_csv)
        response = HttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        described = {key: value for key, value in request.GET.items() if key != "format"}
        response["Link"] = (
            f"<{request.path}{'?' + urlencode(described) if described else ''}>; "
            'rel="describedby"; type="application/json"'
        )
        return response

    # Built from bytes, not returned as a MagnitudeOut: checking every cell of every breakdown against
    # the schema on each request cost more than the rest of the answer (it is checked once, when made).
    def make_json(release: Release) -> bytes:
        data = figures.open_data(release=release, names=names, window=window)
        return orjson.dumps(MagnitudeOut(**data).model_dump(mode="json"))

    return HttpResponse(made("json", make_json), content_type="application/json")


# --- The upstanders -----------------------------------------------------------------------------------


class UpstanderPrivacyOut(Schema):
    epsilon: float = Field(
        ...,
        description="The lifetime ε of each unit's answers (one person's pledges, one intervention "
        "reported), with the statements' own budget: each population has a ledger of its own.",
    )
    delta: float
    rho: float = Field(..., description="The same budget in zero-concentrated DP (ρ-zCDP).")
    confidence: float = Field(..., description="How often the truth lies in [low, high]: 0.95.")
    min_cohort_rows: int = Field(
        ..., description="A cohort closes at the end of the first month in which it holds this many rows..."
    )
    max_cohort_months: int = Field(..., description="...or after this many months.")


class UpstanderBreakdownOut(Schema):
    kind: str = Field(..., description="projected: the parts add up to `count`.")
    count: int = Field(
        ..., description="The exact number of rows measured for this breakdown (N), in the unit."
    )
    since: datetime.date | None = Field(..., description="First day of the rows measured.")
    until: datetime.date | None = Field(..., description="Last day of the rows measured.")
    cohorts: int = Field(..., description="How many cohorts were measured; their noises add up.")
    noise_sd: float = Field(..., description="Standard deviation of the summed noise of one cell.")
    noise_variance: float
    margin: int | None = Field(..., description="The 95% margin (±) of one cell before projection.")
    margin_all: int | None = Field(..., description="The margin that holds for all the cells at once.")
    cells: dict[str, CellOut] = Field(
        ..., description="Every option of the form, zeros included (the actions, the five Ds, the places...)."
    )


class PopulationOut(Schema):
    unit: str = Field(
        ...,
        description="What is counted: pledges (one person pledging one action), interventions (one report "
        "of stepping up), acknowledgements (one person owning harm they did).",
    )
    total: int = Field(..., description="The exact number made before as_of (UTC).")
    per_day: dict[str, int] = Field(..., description="Exact counts per day over the window, zeros included.")
    per_month: dict[str, int] = Field(..., description="Exact counts per month since the first one.")
    shares: dict[str, float] = Field(
        ..., description="Each breakdown's share of the budget (they add up to 1)."
    )
    noise_sd_per_cohort: dict[str, float]
    margin_per_cohort: dict[str, int]
    breakdowns: dict[str, UpstanderBreakdownOut] = Field(
        ...,
        description="pledges: action; interventions: approach (the five Ds), setting, outcome; "
        "acknowledgements: none (only counted).",
    )


class UpstandersOut(Schema):
    as_of: datetime.date = Field(
        ..., description="The day of this release: it counts what was made before it."
    )
    last_day: datetime.date
    next_release: datetime.date
    timezone: str
    window: WindowOut = Field(..., description="The days per_day covers (up to last_day).")
    privacy: UpstanderPrivacyOut
    populations: dict[str, PopulationOut] = Field(
        ...,
        description="pledges, interventions and acknowledgements; empty in a release made before the "
        "upstanders were counted (the next day's has them).",
    )


class UpstandersQuery(Schema):
    since: str | None = Field(
        None, description="First day of per_day, YYYY-MM-DD (default: 365 days before until)."
    )
    until: str | None = Field(
        None, description="Last day of per_day, YYYY-MM-DD (default: the release's last day)."
    )
    format: str | None = Field(
        None,
        description="json (default) or csv, whose header is: population, breakdown, category, unit, count, "
        "low, high, measured, status (exact, estimate, too_few or not_measured).",
    )


_upstander_answers = refusals({200: UpstandersOut}, {400: "A parameter is not valid; `fields` names it."})
_upstander_answers["openapi_extra"]["responses"][200] = {
    "content": {"text/csv": {"schema": {"type": "string"}}}
}


@router.get(
    "/magnitude/upstanders",
    auth=None,
    summary="The upstanders: pledges, interventions and acknowledgements, exact totals and noisy breakdowns",
    **_upstander_answers,
)
def magnitude_upstanders(request: HttpRequest, query: Query[UpstandersQuery]):
    """Released with the magnitude, once a day, by the same mechanism: the totals and the counts per day
    and month are exact; the breakdowns are noisy, each figure with its 95% range (see
    /magnitude/how-we-count). `format=csv` gives the same figures as CSV."""
    now = timezone.now()
    try:
        window = figures.parse_window(
            since=query.since, until=query.until, today=services.today_utc(now) - datetime.timedelta(days=1)
        )
        output = figures.parse_format(query.format)
    except figures.BadParameter as error:
        raise ApiError(400, error.message, {error.name: error.message}) from None
    data = upstanders.open_data(release=services.current_release(now=now), window=window)
    if output == "csv":
        response = HttpResponse(upstanders.to_csv(data), content_type="text/csv; charset=utf-8")
        filename = f"magnitude_upstanders_as-of-{data['as_of'].isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return HttpResponse(
        orjson.dumps(UpstandersOut(**data).model_dump(mode="json")), content_type="application/json"
    )
