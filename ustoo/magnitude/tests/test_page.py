"""The magnitude page, "How we count", the embeddable counter and the badge, through HTTP."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ustoo.stories import services
from ustoo.stories.services import Details

pytestmark = pytest.mark.django_db

STATEMENT_ROWS = re.compile(r'"?stories_(statement|story|storyhashtag)"?(?!tally)\b')


@pytest.fixture
def spoken(settings):
    settings.MAGNITUDE_EPSILON = 10_000  # noise almost always 0, so figures can be checked
    for _ in range(14):
        services.say_me_too(
            member=None,
            anonymous=True,
            language="en",
            details=Details(setting="workplace", relation="colleague", age_at_time="13_17", country="GB"),
        )
    for _ in range(6):
        services.say_me_too(
            member=None,
            anonymous=True,
            language="en",
            details=Details(setting="military", relation="stranger", age_at_time="adult", country="IS"),
        )


def test_the_page_shows_the_exact_total_without_javascript(survivor, spoken):
    response = survivor.get("/magnitude/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-total="20"' in html
    assert 'hx-trigger="every 5s"' in html
    assert "statements: each one a person" in html
    assert "<svg" in html and "<script>" not in html and "style=" not in html


def test_small_groups_never_reach_the_page(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    assert ">Workplace<" in html
    assert "Military" not in html
    assert "Iceland: too few to show" in html  # the map greys it out
    assert "Iceland: 6" not in html and ">Iceland<" not in html


def test_plain_language_findings(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    # 14 of the 14 released relation answers name a colleague (the 6 strangers are held back).
    assert "10 of every 10 who said who did it named someone they knew." in html
    assert "100% of those who gave their age at the time were children" in html


def test_the_page_and_the_api_read_no_statement_rows(survivor, spoken):
    survivor.get("/magnitude/")  # makes this period's release
    with CaptureQueriesContext(connection) as queries:
        assert survivor.get("/magnitude/").status_code == 200
        assert survivor.get("/magnitude/total").status_code == 200
        assert survivor.get("/api/v1/magnitude").status_code == 200
        assert survivor.get("/magnitude/badge.svg").status_code == 200
    assert not [query["sql"] for query in queries if STATEMENT_ROWS.search(query["sql"])]


def test_the_live_total_fragment_moves_with_each_statement(survivor, spoken):
    services.say_me_too(member=None, anonymous=True)
    fragment = survivor.get("/magnitude/total", headers={"HX-Request": "true"}).content.decode()
    assert 'id="magnitude-total"' in fragment and 'data-total="21"' in fragment
    assert "<html" not in fragment


def test_how_we_count_states_unit_window_timezone_k_and_epsilon(stranger, settings):
    settings.MAGNITUDE_K = 12
    settings.MAGNITUDE_EPSILON = 0.8
    html = stranger.get("/magnitude/how-we-count").content.decode()
    assert "We count statements." in html
    assert "fewer than 12 statements" in html
    assert "ε = 0.8 per release" in html
    assert "UTC" in html
    assert "last 365 days" in html


def test_the_embed_page_may_be_framed_by_other_sites_and_nothing_else_may(stranger, spoken):
    embed = stranger.get("/magnitude/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert 'data-total="20"' in embed.content.decode()
    page = stranger.get("/magnitude/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


def test_the_badge_is_a_self_contained_svg(stranger, spoken):
    response = stranger.get("/magnitude/badge.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    svg = response.content.decode()
    assert ">20<" in svg
    assert "href" not in svg  # loads nothing from anywhere


def test_each_chart_downloads_as_svg(stranger, spoken):
    response = stranger.get("/magnitude/charts/setting.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert "attachment" in response["Content-Disposition"]
    assert "Workplace" in response.content.decode() and "Military" not in response.content.decode()
    assert stranger.get("/magnitude/charts/postcode.svg").status_code == 404
