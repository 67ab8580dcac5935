"""Dates and times as each language writes them (its DATE_FORMAT and DATETIME_FORMAT, ustoo/formats
where Django's fall short), times with their zone named: never a format of a template's own, which
wrote "6 diciembre 2026" or "6 十二月 2026". Month names are the CLDR's (scripts/month-names, tested in
test_month_names.py); chart axes write a day short, in the language's MONTH_DAY_FORMAT."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from ustoo.campaigns.models import Campaign
from ustoo.campaigns.tests.conftest import make_campaign
from ustoo.movement import charts

DAY = datetime.date(2030, 12, 6)
MOMENT = datetime.datetime(2030, 12, 6, 14, 30, tzinfo=datetime.UTC)

DATES = {
    "en": "6 December 2030",
    "fr": "6 décembre 2030",
    "es": "6 de diciembre de 2030",
    "ar": "6 ديسمبر 2030",
    "it": "6 dicembre 2030",
    "hi": "6 दिसंबर 2030",
    "zh-hans": "2030年12月6日",
}
TIMES = {
    "en": "6 December 2030, 14:30 UTC",
    "fr": "6 décembre 2030 à 14:30 UTC",
    "es": "6 de diciembre de 2030 a las 14:30 UTC",
    "ar": "6 ديسمبر 2030، 2:30 م UTC",
    "it": "6 dicembre 2030, 14:30 UTC",
    "hi": "6 दिसंबर 2030, 14:30 UTC",
    "zh-hans": "2030年12月6日 14:30 UTC",
}
# A day on a chart's axis, its month short: the CLDR's pattern for a day and an abbreviated month (MMMd).
AXIS_DAYS = {
    "en": "6 Dec.",
    "fr": "6 déc.",
    "es": "6 dic",
    "ar": "6 ديسمبر",
    "it": "6 dic",
    "hi": "6 दिस॰",
    "zh-hans": "12月6日",
}
# A format a template may still write itself: machine-readable, or a time of day alone.
OWN_FORMATS = {"c", "U", "H:i:s T"}


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request in another language leaves it active in the test's thread (LocaleMiddleware activates it and
    nothing deactivates it): a later test, in another app, would read Chinese."""
    yield
    translation.deactivate()


def test_every_language_is_checked():
    assert set(DATES) == set(TIMES) == set(AXIS_DAYS) == {code for code, _name in settings.LANGUAGES}


@pytest.mark.parametrize("code", DATES)
def test_a_campaign_page_writes_its_closing_day_as_its_language_does(code, stranger, db):
    campaign = make_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(ends_on=DAY)
    page = stranger.get(campaign.get_absolute_url(), headers={"accept-language": code}).content.decode()
    assert DATES[code] in page


@pytest.mark.parametrize("code", TIMES)
def test_a_time_names_its_zone_as_its_language_writes_it(code):
    member = SimpleNamespace(is_banned=False, is_suspended=True, suspended_until=MOMENT)
    with translation.override(code):
        tag = render_to_string("moderation/_standing.html", {"member": member})
    assert TIMES[code] in tag


def test_no_template_writes_a_date_format_of_its_own():
    own = []
    for template in settings.BASE_DIR.rglob("templates/**/*.*"):
        for format_ in re.findall(r"""\|date:["']([^"']*)["']""", template.read_text(encoding="utf-8")):
            if not format_.endswith("_FORMAT") and format_ not in OWN_FORMATS:
                own.append(f"{template.relative_to(settings.BASE_DIR)}: {format_}")
    assert not own, "use DATE_FORMAT or DATETIME_FORMAT:\n" + "\n".join(own)


@pytest.mark.parametrize("code", AXIS_DAYS)
def test_a_movement_chart_labels_its_days_as_the_language_writes_them_short(code):
    days = {"2030-12-05": 3, "2030-12-06": 5}
    with translation.override(code):
        chart = charts.line_chart("report", "posts", "Posts", "posts", {"#MeToo": days})
    for drawing in (chart.narrow, chart.wide):
        assert f">{AXIS_DAYS[code]}</text>" in drawing
        assert ">2030</text>" in drawing  # the year below the first day
    assert DATES[code] in chart.rows[1].label.replace("\N{NO-BREAK SPACE}", " ")  # the table writes it whole
