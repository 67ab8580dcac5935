"""Charts mirrored for right-to-left readers say so in words: in Arabic time runs from right to left, the
oldest on the right, and a chart's description (read aloud) and its note (shown) must not say otherwise."""

from django.utils import translation

from ustoo.magnitude import charts as magnitude_charts
from ustoo.movement import charts as movement_charts

ROWS = [magnitude_charts.Row(key=f"2026-12-0{day}", label=f"2026-12-0{day}", value=day) for day in (1, 2, 3)]
SERIES = {"posts": {"2026-12-01": 3.0, "2026-12-02": 5.0, "2026-12-03": 4.0}}


def column_chart(code: str) -> str:
    with translation.override(code):
        return str(magnitude_charts.column_chart("per-day", "Statements per day", ROWS, every=1))


def line_chart(code: str) -> movement_charts.Chart:
    with translation.override(code):
        return movement_charts.line_chart("report", "per-day", "Posts per day", "posts", SERIES)


def test_the_magnitude_column_chart_says_where_the_oldest_column_is():
    assert "oldest on the left." in column_chart("en")
    arabic = column_chart("ar")
    assert "مخطط أعمدة: الشهادات عبر الزمن، والأقدم على اليمين." in arabic
    assert "اليسار" not in arabic


def test_a_movement_line_chart_says_that_time_runs_from_the_right_in_arabic():
    direction = "يجري الزمن من اليمين إلى اليسار: الأقدم على اليمين."
    arabic = line_chart("ar")
    assert arabic.note.startswith(direction)
    assert f'<desc id="report-per-day-wide-desc">{direction}' in str(arabic.wide)
    assert line_chart("en").note == ""
