"""The magnitude's charts over time write their days and months as the reader's language does: the hint
above each ("From 6 December 2025 to 6 September 2026"), its table and its column titles in the language's
long format, its axis short ("6 dic" over "2025"), never as ISO keys ("2025-12-06")."""

import datetime

import pytest
from django.utils import translation

from ustoo.magnitude import page
from ustoo.magnitude.tests.conftest import speak

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 9, 7, 1, tzinfo=datetime.UTC)  # the release of 7 September: up to the 6th
# The first and the last day drawn, and their months, as each language writes them (CLDR: yMMMMd, yMMMM).
DAYS = {
    "en": ("6 December 2025", "6 September 2026"),
    "fr": ("6 décembre 2025", "6 septembre 2026"),
    "es": ("6 de diciembre de 2025", "6 de septiembre de 2026"),
    "ar": ("6 ديسمبر 2025", "6 سبتمبر 2026"),
    "it": ("6 dicembre 2025", "6 settembre 2026"),
    "hi": ("6 दिसंबर 2025", "6 सितंबर 2026"),
    "zh-hans": ("2025年12月6日", "2026年9月6日"),
}
MONTHS = {
    "en": ("December 2025", "September 2026"),
    "fr": ("décembre 2025", "septembre 2026"),
    "es": ("diciembre de 2025", "septiembre de 2026"),
    "ar": ("ديسمبر 2025", "سبتمبر 2026"),
    "it": ("dicembre 2025", "settembre 2026"),
    "hi": ("दिसंबर 2025", "सितंबर 2026"),
    "zh-hans": ("2025年12月", "2026年9月"),
}
# The hint above the chart per month: months are not days ("del diciembre" would read as a day's).
MONTH_HINTS = {
    "en": "From December 2025 to September 2026.",
    "fr": "Depuis décembre 2025 jusqu'à septembre 2026.",
    "es": "De diciembre de 2025 a septiembre de 2026.",
    "ar": "من ديسمبر 2025، على اليمين، إلى سبتمبر 2026، على اليسار.",
    "it": "Da dicembre 2025 a settembre 2026.",
    "hi": "दिसंबर 2025 से सितंबर 2026 तक।",
    "zh-hans": "2025年12月 至 2026年9月。",
}
# The first label of each axis: the day and the month short (CLDR: MMMd, MMM), the year below.
TICKS = {
    "en": ("6 Dec.", "Dec."),
    "fr": ("6 déc.", "déc."),
    "es": ("6 dic", "dic"),
    "ar": ("6 ديسمبر", "ديسمبر"),
    "it": ("6 dic", "dic"),
    "hi": ("6 दिस॰", "दिस॰"),
    "zh-hans": ("12月6日", "12月"),
}


@pytest.fixture
def spoken():
    speak(3, at=datetime.datetime(2025, 12, 6, 12, tzinfo=datetime.UTC))
    speak(2, at=datetime.datetime(2026, 9, 6, 12, tzinfo=datetime.UTC))


def _section(html: str, name: str) -> str:
    start = html.index(f'id="{name}"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize("code", DAYS)
def test_the_charts_over_time_write_their_days_and_months_as_the_language_does(code, spoken):
    with translation.override(code):
        html = page.released_part(now=NOW)
        per_day = page.chart_download("per_day", now=NOW)
        per_month = page.chart_download("per_month", now=NOW)
    days, months = _section(html, "per_day"), _section(html, "per_month")
    hint = days[days.index('class="hint"') : days.index("</p>")]
    assert DAYS[code][0] in hint and DAYS[code][1] in hint
    hint = months[months.index('class="hint"') : months.index("</p>")]
    assert MONTHS[code][0] in hint and MONTHS[code][1] in hint and MONTH_HINTS[code] in hint
    assert f'<th scope="row">{DAYS[code][0]}</th>' in days  # the data table
    assert f'<th scope="row">{MONTHS[code][1]}</th>' in months
    assert f"<title>{DAYS[code][1]}: 2</title>" in per_day  # a column's title
    for svg, tick in zip((per_day, per_month), TICKS[code], strict=True):
        assert f'font-size="11">{tick}</text>' in svg
        assert 'font-size="11">2025</text>' in svg  # its year, below
    assert "2025-12" not in html + per_day + per_month
