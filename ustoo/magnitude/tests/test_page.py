"""The magnitude page, "How we count", the embeddable counter and the badge, through HTTP."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_countries import countries

from ustoo.magnitude import charts, page, worldmap
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
        for path in (
            "/magnitude/",
            "/magnitude/total",
            "/api/v1/magnitude",
            "/api/v1/magnitude?format=csv",
            "/magnitude/badge.svg",
            "/magnitude/embed",
            "/magnitude/charts/setting.svg",
            "/magnitude/charts/per_day.svg",
            "/magnitude/charts/country.svg",
            "/magnitude/how-we-count",
        ):
            assert survivor.get(path).status_code == 200, path
    assert queries.captured_queries  # the check below looked at real queries
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
    assert "at least 12" in html
    assert "ε = 0.8 per release" in html
    assert "UTC" in html
    assert "last 365 days" in html
    assert "The chart by month covers every month" in html


def test_how_we_count_says_what_is_guaranteed_and_what_is_not(stranger, settings):
    settings.MAGNITUDE_EPSILON = 1.1
    html = stranger.get("/magnitude/how-we-count").content.decode()
    # The noise and its scale per breakdown (1 / (1.1 / 11) = 10 for one cell per statement, 60 for harm).
    assert '<th scope="row">Kinds of harm</th><td>60</td>' in html
    assert '<th scope="row">Where it happened</th><td>10</td>' in html
    # Suppression on the true count is not covered by ε.
    assert "decided on their true number, without noise, so it is not covered by it" in html
    assert "it is not differential privacy" in html
    # Unchanged figures repeat; figures over time add up.
    assert "shows exactly the same value in every release" in html
    assert "Releases over time add up." in html


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


def test_an_unknown_chart_is_refused_naming_the_charts_there_are(stranger, spoken):
    response = stranger.get("/magnitude/charts/postcode.svg")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode()
    assert "There is no chart called “postcode”." in message
    assert "per_hour, per_day, per_month, setting, relation, age_at_time, harm, country" in message


def test_a_chart_with_nothing_to_show_says_so(stranger, spoken):
    response = stranger.get("/magnitude/charts/hashtag.svg")
    assert response.status_code == 404
    assert "Not enough statements yet" in response.content.decode()


class _Assets(HTMLParser):
    """Every address the page loads (src, link href, and the like) and every link it shows."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.linked: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        for name in ("src", "srcset", "data", "poster", "action", "background"):
            if found.get(name):
                self.loaded.append(found[name])
        if found.get("href"):
            (self.linked if tag == "a" else self.loaded).append(found["href"])
        if tag == "meta" and (found.get("http-equiv") or "").lower() == "refresh":
            self.loaded.append(found.get("content") or "")


def test_the_embed_and_the_badge_load_only_from_this_site_and_set_no_cookie(stranger, spoken):
    for path in ("/magnitude/embed", "/magnitude/badge.svg"):
        response = stranger.get(path)
        assert response.status_code == 200
        assert not response.cookies, path
        assert "Set-Cookie" not in response
        assert "Vary" not in response or "Cookie" not in response["Vary"]
    html = stranger.get("/magnitude/embed").content.decode()
    assets = _Assets()
    assets.feed(html)
    assert any(address.endswith(".js") for address in assets.loaded)
    assert any(address.endswith(".css") for address in assets.loaded)
    for address in assets.loaded + assets.linked:
        assert (address.startswith("/") and not address.startswith("//")) or address == "60", address
    assert "<script>" not in html and "style=" not in html and "<style" not in html
    assert "default-src 'self'" in stranger.get("/magnitude/embed")["Content-Security-Policy"]


@pytest.fixture
def gaps(settings):
    """Twelve statements three hours ago and on a day a week ago; three (held back) an hour ago and
    five days ago."""
    settings.MAGNITUDE_EPSILON = 10_000
    now = timezone.now().astimezone(datetime.UTC).replace(minute=10, second=0, microsecond=0)
    for hours_ago, count in ((3, 12), (1, 3), (24 * 5, 3), (24 * 7, 12)):
        for _ in range(count):
            services.say_me_too(member=None, anonymous=True, at=now - datetime.timedelta(hours=hours_ago))
    return {
        "released_hour": (now - datetime.timedelta(hours=3)).strftime("%m-%d %H:00"),
        # Two hours ago had none, one hour ago too few: one held-back band from two hours ago on.
        "held_from": (now - datetime.timedelta(hours=2)).strftime("%m-%d %H:00"),
        "held_day": (now - datetime.timedelta(days=5)).strftime("%Y-%m-%d"),
        "held_hour_key": (now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H"),
    }


def test_held_back_hours_and_days_are_drawn_hatched_not_as_zero(stranger, gaps):
    hours = stranger.get("/magnitude/charts/per_hour.svg").content.decode()
    assert f"<title>{gaps['released_hour']}: 12</title>" in hours
    assert 'fill="url(#chart-per-hour-held-back)"' in hours and "<pattern" in hours
    assert re.search(
        rf"<title>{re.escape(gaps['held_from'])} – [^<]*: held back \(fewer than 10\)</title>", hours
    )
    assert ">held back (fewer than 10)</text>" in hours  # the legend
    assert ": 0</title>" not in hours
    days = stranger.get("/magnitude/charts/per_day.svg").content.decode()
    spans = re.findall(r"<title>([0-9-]+)(?: – ([0-9-]+))?: held back \(fewer than 10\)</title>", days)
    assert any(first <= gaps["held_day"] <= (last or first) for first, last in spans), spans
    assert ": 0</title>" not in days


def test_held_back_hours_and_days_are_marked_in_the_tables_and_the_csv(stranger, gaps):
    html = stranger.get("/magnitude/").content.decode()
    assert f'<th scope="row">{gaps["held_day"]}</th><td>held back (fewer than 10)</td>' in html
    assert f'<th scope="row">{gaps["held_hour_key"]}</th><td>held back (fewer than 10)</td>' in html
    assert (
        "Hatched: held back, because there were fewer than 10 statements (or none); it is not a zero." in html
    )
    assert "<td>0</td>" not in html
    csv_text = stranger.get("/api/v1/magnitude", {"format": "csv", "breakdowns": "per_hour"}).content.decode()
    assert f"per_hour,{gaps['held_hour_key']},,held_back" in csv_text


def test_the_page_says_what_each_chart_over_time_covers(stranger, gaps):
    html = stranger.get("/magnitude/").content.decode()
    assert "Statements per day, last 365 days (UTC)" in html
    assert "Statements per month, since the first month with a figure to show (UTC)" in html
    first_day = (timezone.now() - datetime.timedelta(days=7)).astimezone(datetime.UTC).strftime("%Y-%m-%d")
    today = timezone.now().astimezone(datetime.UTC).strftime("%Y-%m-%d")
    assert f"From {first_day} to {today}." in html
    assert 'id="chart-per-month-title"' in html


def test_every_country_people_can_name_is_on_the_map_or_listed_as_not_on_it():
    paths = worldmap.country_paths()
    codes = {code for code, _name in countries}
    assert codes - set(paths) == set(worldmap.NOT_ON_MAP)
    assert set(paths) - codes == set(worldmap.UNCOUNTED) == {"XK"}
    # Natural Earth's own codes are mapped to ISO 3166-1: Taiwan is TW, overseas places have their own.
    for code in ("TW", "RE", "GP", "MQ", "GF", "YT", "BQ", "SJ", "CC", "CX", "TK", "BV", "FR", "NO"):
        assert paths[code].startswith("M"), code
    assert "CN-TW" not in paths
    # French Guiana is cut out of France, not drawn twice.
    assert paths["GF"] not in paths["FR"]


def test_the_map_shades_with_the_colour_blind_safe_ramp_and_lists_what_it_cannot_show(stranger):
    values = {"TW": 40, "RE": 12, "FR": 400, "VA": 15, "AQ": 11}
    names = {code: str(name) for code, name in countries}
    svg = str(charts.world_map("map", "Country", values, names, too_few="too few to show"))
    fills = set(re.findall(r'fill="([^"]+)"', svg))
    assert fills <= {*charts.SEQUENTIAL, charts.NO_DATA, charts.UNCOUNTED_FILL, charts.TEXT}
    # One hue, light to dark: readable with every common colour-vision deficiency.
    lightness = [sum(int(colour[i : i + 2], 16) for i in (1, 3, 5)) for colour in charts.SEQUENTIAL]
    assert lightness == sorted(lightness, reverse=True)
    assert charts.SEQUENTIAL == ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
    for name in ("Taiwan: 40", "Réunion: 12", "France: 400", "Vatican City: 15"):
        assert f"<title>{name}</title>" in svg, name
    assert "Germany: too few to show" in svg
    assert "Kosovo: not counted on its own" in svg
    assert "Not on the map: Antarctica: 11" in svg


def test_the_country_section_is_drawn_from_iso_codes(survivor, spoken):
    svg = survivor.get("/magnitude/charts/country.svg").content.decode()
    assert "<title>United Kingdom: 14</title>" in svg
    assert "CN-TW" not in svg and "Taiwan: too few to show" in svg
    assert page.SECTIONS.index("per_month") == 2
