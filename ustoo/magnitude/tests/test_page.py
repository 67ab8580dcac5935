"""The magnitude page, "How we count", the embeddable counter and the badge, through HTTP."""

import datetime
import random
import re
from html.parser import HTMLParser

import pytest
from django.utils import timezone, translation
from django_countries import countries

from ustoo.magnitude import charts, page, services, worldmap
from ustoo.magnitude.models import Release
from ustoo.magnitude.tests.conftest import months_ago, speak

pytestmark = pytest.mark.django_db


@pytest.fixture
def spoken(monthly_cohorts, nearly_exact):
    """Last month: 140 from workplaces, colleagues, teenagers, in the UK; 60 from the military,
    strangers, adults, in Iceland. Today: 5 more, for tomorrow's release."""
    speak(140, at=months_ago(1), setting="workplace", relation="colleague", age_at_time="13_17", country="GB")
    speak(60, at=months_ago(1), setting="military", relation="stranger", age_at_time="adult", country="IS")
    speak(5, setting="street")


@pytest.fixture
def noisy(monthly_cohorts):
    """Real noise (ε = 1), seeded: 40 statements last month, too few to tell most figures from noise."""
    speak(30, at=months_ago(1), setting="workplace", relation="colleague", age_at_time="adult", country="FR")
    speak(10, at=months_ago(1), setting="home", relation="family", age_at_time="under_13", country="FR")
    return services.make_release(services.today_utc(), rng=random.Random(20171015))


def test_the_page_shows_the_days_exact_total_and_no_live_counter(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    assert 'data-total="200"' in html
    assert "hx-trigger" not in html and "hx-get" not in html
    assert "statements: each one a person" in html
    assert "The total is updated once a day." in html
    assert "<svg" in html and "<script>" not in html and "style=" not in html


def test_every_noisy_figure_is_shown_with_its_range(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    assert '<th scope="row">Workplace</th><td class="table__cell--numeric">about 140 (± 1)</td>' in html
    assert '<th scope="row">Military</th><td class="table__cell--numeric">about 60 (± 1)</td>' in html
    # Options nobody chose are figures too.
    assert '<th scope="row">Healthcare</th><td class="table__cell--numeric">about 0 (0 to 1)</td>' in html
    assert "United Kingdom: about 140 (± 1)" in html  # on the map
    assert "What the 200 statements made from" in html
    assert "made since will be measured" not in html  # all 200 are measured


def test_figures_whose_range_covers_most_of_the_whole_say_too_few(survivor, noisy):
    html = survivor.get("/magnitude/").content.decode()
    setting = noisy.figures["breakdowns"]["setting"]
    assert setting["statements"] == 40 and setting["margin"] == 36
    for key, cell in setting["cells"].items():
        text = page.shown(cell, 40)
        assert (text == "too few statements yet") == (not cell["reliable"])
        assert (
            f'<th scope="row">{page.label("setting", key)}</th><td class="table__cell--numeric">{text}</td>'
            in html
        )
    assert not setting["cells"]["workplace"]["reliable"]  # 30 of 40 ± 36: could be anything


def test_the_empty_map_says_why(survivor, noisy):
    html = survivor.get("/magnitude/").content.decode()
    # ± 44 on each country, for 40 statements: nothing to colour the map with.
    assert noisy.figures["breakdowns"]["country"]["margin"] == 44
    assert "No country can be shown yet." in html
    assert "With 40 statements measured, each country's figure could be off by up to about ± 44" in html
    assert 'id="chart-country"' not in html


def test_before_any_cohort_is_complete_every_breakdown_says_why_it_is_empty(survivor, nearly_exact):
    speak(3, setting="home", at=timezone.now() - datetime.timedelta(days=1))
    html = survivor.get("/magnitude/").content.decode()
    assert "Not measured yet. What people answered is measured once for each group of statements" in html
    assert "The 3 statements so far are waiting for their group to close." in html
    assert "Data table" not in html.split('id="setting"')[1].split("</section>")[0]
    assert "No country can be shown yet." in html
    assert "No group of statements is complete yet, so no country has been measured." in html


def test_findings_are_said_only_from_precise_enough_figures(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    assert "Between 65% and 75% of those who said who did it named someone they knew." in html
    assert "of those who gave their age at the time were children (under 18)." in html
    assert "The place named most often: Workplace." in html


def test_no_finding_is_said_from_figures_lost_in_the_noise(survivor, noisy):
    html = survivor.get("/magnitude/").content.decode()
    assert "named someone they knew" not in html and "named most often" not in html
    assert "Too few statements yet to say more with confidence." in html


def test_how_we_count_states_the_budget_with_properly_written_numbers(stranger):
    html = stranger.get("/magnitude/how-we-count").content.decode()
    assert "ε = 1)" in html and "a factor of 2.7" in html and "1 in 10,000,000" in html
    assert "ρ = 0.0202" in html
    assert '<th scope="row">Kinds of harm</th><td class="table__cell--numeric">20%</td>' in html
    assert "± 36" in html and "27.3" in html
    # No raw floats: nothing like 0.09090909090909091.
    assert not re.search(r"\d\.\d{5,}", html)
    french = stranger.get("/magnitude/how-we-count", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "ρ\u00a0=\u00a00,0202" in french and "27,3" in french


def test_how_we_count_explains_the_daily_total_and_what_is_not_protected(stranger):
    html = stranger.get("/magnitude/how-we-count").content.decode()
    assert "is updated once a day" in html
    assert "would tell anyone watching the page when one person spoke" in html
    assert "There is no chart by hour" in html
    assert "never draws new noise that could be averaged away" in html
    assert "refuses any measurement that would take the group over it" in html
    assert (
        "How many statements were made each day: the total and the counts per day and month are exact."
        in html
    )


def test_the_embed_page_may_be_framed_by_other_sites_and_nothing_else_may(stranger, spoken):
    embed = stranger.get("/magnitude/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert 'data-total="200"' in embed.content.decode()
    page_response = stranger.get("/magnitude/")
    assert "frame-ancestors 'none'" in page_response["Content-Security-Policy"]
    assert page_response["X-Frame-Options"] == "DENY"


def test_the_badge_is_a_self_contained_svg_of_the_days_total(stranger, spoken):
    response = stranger.get("/magnitude/badge.svg")
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    svg = response.content.decode()
    assert ">200<" in svg
    assert "href" not in svg  # loads nothing from anywhere


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
    assert any(address.endswith(".css") for address in assets.loaded)
    for address in assets.loaded + assets.linked:
        assert address.startswith("/") and not address.startswith("//"), address
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert "default-src 'self'" in stranger.get("/magnitude/embed")["Content-Security-Policy"]


def test_each_chart_downloads_as_svg_under_a_name_of_its_own(stranger, spoken):
    today = services.today_utc().isoformat()
    response = stranger.get("/magnitude/charts/setting.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    assert response["Content-Disposition"] == f'attachment; filename="magnitude_setting_as-of-{today}.svg"'
    svg = response.content.decode()
    assert "Workplace: about 140 (± 1)" in svg
    assert "Healthcare" not in svg  # its range reaches 0: not drawn, only in the table
    days = stranger.get("/magnitude/charts/per_day.svg")
    assert f"magnitude_per_day_as-of-{today}.svg" in days["Content-Disposition"]
    day = months_ago(1).date()
    assert f"<title>{day.day} {day:%B} {day.year}: 200</title>" in days.content.decode()  # as people read it


def test_an_unknown_chart_is_refused_naming_the_charts_there_are(stranger, spoken):
    response = stranger.get("/magnitude/charts/per_hour.svg")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode()
    assert "There is no chart called “per_hour”." in message
    assert "per_day, per_month, setting, relation, age_at_time, harm, country" in message


def test_a_chart_with_nothing_to_show_says_so(stranger, nearly_exact):
    speak(3, setting="home")
    response = stranger.get("/magnitude/charts/hashtag.svg")
    assert response.status_code == 404
    assert "Too few statements yet" in response.content.decode()


def test_the_page_is_made_once_per_release_and_language(survivor, spoken):
    english = survivor.get("/magnitude/").content.decode()
    with translation.override("fr"):
        french = survivor.get("/magnitude/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Where it happened" in english and "Where it happened" not in french
    assert Release.objects.count() == 1


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
    assert "<title>United Kingdom: about 140 (± 1)</title>" in svg
    assert "CN-TW" not in svg


def test_the_map_key_is_written_under_the_map_where_a_phone_can_read_it(survivor, spoken):
    html = survivor.get("/magnitude/").content.decode()
    drawing = re.search(r'<svg[^>]*aria-labelledby="chart-country-title.*?</svg>', html, re.S).group(0)
    assert ">too few to tell</text>" not in drawing  # no key shrunk inside the drawing
    key = re.search(r'<ul class="map-key"[^>]*>(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"map-key__swatch--(\d)", key)[0] == "0" and "too few to tell" in key
    assert ">too few to tell</text>" in page.chart_download("country")  # a downloaded SVG keeps its key


def test_the_map_keys_colours_are_the_maps():
    from pathlib import Path

    css = (Path(charts.__file__).parent / "static" / "magnitude" / "magnitude.css").read_text()
    for index, fill in enumerate(charts.KEY_SHADES):
        assert f".map-key__swatch--{index} {{ background: {fill}; }}" in css
