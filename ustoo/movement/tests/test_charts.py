"""The SVG charts: partial periods drawn apart from the trend, labels thinned to fit, figures read as people
read them."""

import itertools
import re

import pytest

from ustoo.movement.charts import NARROW, WIDE, _text_width, report_charts, tick_indices
from ustoo.movement.report import Selection, build_report
from ustoo.movement.tests.conftest import PARTIAL_DAYS, REAL_COLUMNS


@pytest.fixture
def charts(connection, run_import):
    run_import(PARTIAL_DAYS, columns=REAL_COLUMNS, classify=True)
    return {chart.slug: chart for chart in report_charts(build_report(connection, Selection(dataset="test")))}


def _xs_of_polylines(svg: str) -> set[float]:
    return {
        float(point.split(",")[0])
        for points in re.findall(r'<polyline points="([^"]+)"', svg)
        for point in points.split()
    }


def _hatched_bands(svg: str) -> list[float]:
    """x of each hatched band over the plot (the legend's swatch is 11 wide)."""
    bands = re.findall(
        r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)" height="\d+" fill="url\(#[^)]+-hatch\)"/>', svg
    )
    return [float(x) for x, width in bands if width != "11"]


def test_partial_days_are_hatched_hollow_and_never_joined_to_the_line(charts):
    per_day = charts["posts-per-day-by-variant"]
    assert [row.partial for row in per_day.rows] == [True, False, True]  # 15, 16 and 17 October
    for svg in (per_day.narrow, per_day.wide):
        assert len(_hatched_bands(svg)) == 2
        # One whole day between two partial ones: a dot, and no line through the partial days.
        assert "<polyline" not in svg
        series = len(per_day.headers) - 1
        assert svg.count('fill="#ffffff"') == 2 * series  # a hollow point per partial day and series
        assert "partial day\u2069</text>" in svg  # the legend says what the hatching means
    assert per_day.note == (
        "Partial days (only part of each was collected), hatched and not joined to the line: "
        "15\u00a0October\u00a02019 and 17\u00a0October\u00a02019."
    )


def test_partial_hours_are_left_out_of_the_line(charts):
    per_hour = charts["posts-per-hour-by-variant"]
    keys = [row.key for row in per_hour.rows]
    assert [key for key, row in zip(keys, per_hour.rows, strict=True) if row.partial] == [
        "2019-10-15T17",
        "2019-10-17T09",
    ]
    svg = per_hour.narrow
    bands = _hatched_bands(svg)
    joined = _xs_of_polylines(svg)
    assert joined and len(bands) == 2
    slot = (max(joined) - min(joined)) / (len(keys) - 3)  # the whole hours are joined, end to end
    for band in bands:  # no joined point inside a partial hour's band
        assert not any(band <= x <= band + slot for x in joined)


def test_the_description_of_a_chart_names_its_partial_periods(charts):
    svg = charts["posts-per-day-by-variant"].narrow
    assert re.search(r'aria-describedby="([^"]+)-desc"', svg)
    assert "<desc id=" in svg and "Partial days" in svg


def test_time_labels_are_thinned_so_that_none_overlaps():
    hours = [f"2019-10-{15 + h // 24}T{h % 24:02d}" for h in range(17, 17 + 24 * 7)]  # a week of hours
    for plot_width in (NARROW - 60, WIDE - 60):
        slot = plot_width / len(hours)
        shown = tick_indices(hours, slot)
        assert len(shown) >= 3
        widest = max(_text_width("00:00"), _text_width("22 Oct"))
        assert all((b - a) * slot >= widest for a, b in itertools.pairwise(shown))
        # On round hours, so that they read as a clock: every 6, 12 or 24 hours.
        steps = {int(hours[index][11:13]) for index in shown}
        assert steps <= {0, 6, 12, 18}
    days = [f"2019-{month:02d}-{day:02d}" for month in (1, 2, 3) for day in range(1, 29)]
    shown = tick_indices(days, (NARROW - 60) / len(days))
    assert len(shown) >= 3 and len({b - a for a, b in itertools.pairwise(shown)}) == 1


def test_two_released_datasets_do_not_share_an_id(connection, run_import):
    run_import(PARTIAL_DAYS, dataset="one", columns=REAL_COLUMNS)
    run_import(PARTIAL_DAYS, dataset="two", columns=REAL_COLUMNS)
    ids = []
    for dataset in ("one", "two"):
        for chart in report_charts(build_report(connection, Selection(dataset=dataset))):
            ids += re.findall(r' id="([^"]+)"', chart.narrow + chart.wide)
    assert len(ids) == len(set(ids)) > 0


def test_french_charts_group_thousands_and_write_percentages_the_french_way(connection, run_import):
    from django.utils import translation

    run_import(PARTIAL_DAYS, columns=REAL_COLUMNS, classify=True)
    report = build_report(connection, Selection(dataset="test"))
    report["per_day_by_kind"]["2019-10-16"]["retweets"] = 12_345  # to have a count in the thousands
    with translation.override("fr"):
        charts = {chart.slug: chart for chart in report_charts(report)}
        kinds = charts["originals-and-retweets-per-day"]
        assert [cells for _row, cells in kinds.figures][1][1] == "12\u202f345"
        assert ">15\u202f000</text>" in kinds.wide  # an axis tick
        share = charts["experience-share-per-day"]
        assert all(cell.endswith("\u202f%") for _row, cells in share.figures for cell in cells)
