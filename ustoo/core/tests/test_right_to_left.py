"""Arabic pages read from the right: the page's direction, charts mirrored (the world itself never),
hashtags kept whole in either direction, numbers grouped as each language groups them."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.formats import number_format

from ustoo.conftest import make_story
from ustoo.core.bidi import mirrored
from ustoo.core.templatetags.bidi import hashtags_whole
from ustoo.magnitude import charts
from ustoo.movement import charts as movement_charts


@pytest.fixture
def arabic_offered(settings):
    if "ar" not in dict(settings.LANGUAGES):
        settings.LANGUAGES = [*settings.LANGUAGES, ("ar", "العربية")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("header", "lang", "direction"),
    [("ar", "ar", "rtl"), ("ar-EG,ar;q=0.9", "ar", "rtl"), ("en", "en", "ltr")],
)
def test_the_page_takes_the_direction_of_its_language(arabic_offered, header, lang, direction):
    body = Client(headers={"accept-language": header}).get("/").content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in body


def test_mirrored_moves_each_shape_to_the_other_side():
    drawing = (
        '<defs><pattern><line x1="0" y1="0" x2="0" y2="6"/></pattern></defs>'
        '<rect x="10" y="0" width="20" height="5"/><rect width="5" height="3"/>'
        '<text x="4" y="2" text-anchor="end">a</text><path d="M10 5H20M10 0V5"/>'
        '<polyline points="1,2 3,4"/><circle cx="30" cy="1" r="2"/><line x1="0" y1="1" x2="100" y2="1"/>'
    )
    assert mirrored(drawing, 100) == (
        '<defs><pattern><line x1="0" y1="0" x2="0" y2="6"/></pattern></defs>'
        '<rect x="70" y="0" width="20" height="5"/><rect x="95" width="5" height="3"/>'
        '<text x="96" y="2" text-anchor="end">a</text><path d="M90 5H80M90 0V5"/>'
        '<polyline points="99,2 97,4"/><circle cx="70" cy="1" r="2"/><line x1="100" y1="1" x2="0" y2="1"/>'
    )


ROWS = [charts.Row("a", "نعم", 30), charts.Row("b", "لا", 10)]


def _xs(svg: str, element: str) -> list[float]:
    return [float(x) for x in re.findall(rf'<{element} x="([-\d.]+)"', svg)]


def test_a_bar_chart_reads_from_the_right_in_arabic():
    with translation.override("en"):
        left_to_right = charts.bar_chart("c", "Answers", ROWS)
    with translation.override("ar"):
        right_to_left = charts.bar_chart("c", "Answers", ROWS)
    assert 'direction="ltr"' in left_to_right and 'direction="rtl"' in right_to_left
    # Labels start at the left edge in English, at the right edge (x = 360, anchored at their start)
    # in Arabic.
    assert _xs(left_to_right, "text")[0] == 0
    assert _xs(right_to_left, "text")[0] == 360
    # The longest bar starts at the right edge and grows leftwards.
    bar = re.search(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', right_to_left)
    assert float(bar.group(1)) + float(bar.group(2)) == pytest.approx(360)


def test_time_runs_from_the_right_in_arabic():
    rows = [charts.Row(str(day), f"{day}", value) for day, value in enumerate([5, 8, 3], start=1)]
    with translation.override("ar"):
        svg = charts.column_chart("t", "Over time", rows, every=1)
    columns = _xs(svg, "rect")
    assert columns == sorted(columns, reverse=True), "the oldest column is the rightmost"
    # Its description says so, in Arabic (test_chart_direction.py holds the words).
    assert "oldest on the left" not in svg and 'aria-labelledby="t-title t-desc"' in svg
    assert "الأقدم على اليمين" in svg
    with translation.override("en"):
        svg = charts.column_chart("t", "Over time", rows, every=1)
    assert _xs(svg, "rect") == sorted(_xs(svg, "rect")) and "oldest on the left" in svg


@pytest.mark.django_db
def test_the_world_is_never_mirrored_but_its_key_is():
    values, names = {"FR": 40, "EG": 12}, {"FR": "France", "EG": "Egypt"}
    with translation.override("en"):
        english = charts.world_map("m", "Where", values, names, too_few="too few")
    with translation.override("ar"):
        arabic = charts.world_map("m", "Where", values, names, too_few="too few")
    assert re.findall(r'<path d="([^"]*)"', english) == re.findall(r'<path d="([^"]*)"', arabic)
    key_en = _xs(english.split("</g>")[-1], "rect")
    key_ar = _xs(arabic.split("</g>")[-1], "rect")
    assert key_en[0] == 10 and key_ar[0] > key_ar[-1], "the key starts on the right in Arabic"


def test_movement_charts_are_mirrored_in_arabic():
    values = [("a", "#MeToo", 9.0), ("b", "#أنا_كمان", 4.0)]
    with translation.override("en"):
        english = movement_charts.bar_chart("m", "tags", "Hashtags", "posts", values).wide
    with translation.override("ar"):
        arabic = movement_charts.bar_chart("m", "tags", "Hashtags", "posts", values).wide
    assert 'direction="rtl"' in arabic
    # SVG has no <bdi>: each label is between first-strong isolates, so "#MeToo" keeps its "#" first.
    assert ">\u2068#MeToo\u2069</text>" in arabic
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', arabic).group(1))
    bar = r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"'
    english_x = float(re.search(bar, english).group(1))
    arabic_x, arabic_width = (float(n) for n in re.search(bar, arabic).groups())
    # The bar that began after its label on the left ends before its label on the right.
    assert arabic_x + arabic_width == pytest.approx(width - english_x, abs=0.1)


def test_hashtags_stay_whole_in_either_direction():
    html = hashtags_whole("قلتها أيضا #MeToo <b>&")
    assert html == 'قلتها أيضا <bdi class="hashtag">#MeToo</bdi> &lt;b&gt;&amp;'
    assert hashtags_whole("Yo también #YoTambién, see example.org/#help") == (
        'Yo también <bdi class="hashtag">#YoTambién</bdi>, see example.org/#help'
    )
    assert hashtags_whole(" #أنا_كمان") == ' <bdi class="hashtag">#أنا_كمان</bdi>'


@pytest.mark.django_db
def test_a_story_shows_its_hashtags_whole(arabic_offered):
    story = make_story(text="حدث ذلك في العمل. #MeToo #أنا_كمان", replies_enabled=True).story
    body = Client(headers={"accept-language": "ar"}).get(story.get_absolute_url()).content.decode()
    assert '<bdi class="hashtag">#MeToo</bdi>' in body
    assert '<bdi class="hashtag">#أنا_كمان</bdi>' in body


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "12,345,678"),
        ("ar", "12,345,678"),
        ("hi", "1,23,45,678"),
        ("zh-hans", "12,345,678"),
        ("fr", "12\u202f345\u202f678"),
    ],
)
def test_numbers_are_grouped_as_each_language_groups_them(language, written):
    with translation.override(language):
        assert number_format(12345678, force_grouping=True) == written
        assert charts.bar_chart("n", "N", [charts.Row("a", "a", 12345678)]).count(written) >= 1


def test_a_name_in_a_translated_sentence_is_isolated():
    from ustoo.core.templatetags.bidi import isolated

    assert isolated("Prof. Alex <Example>") == "<bdi>Prof. Alex &lt;Example&gt;</bdi>"


@pytest.mark.django_db
def test_a_campaign_names_its_decision_maker_in_isolation(arabic_offered):
    from ustoo.campaigns.tests.conftest import make_campaign
    from ustoo.conftest import make_member

    campaign = make_campaign(make_member("starter"))
    reader = Client(headers={"accept-language": "ar"})
    for path in ("/campaigns/", campaign.get_absolute_url()):
        body = reader.get(path).content.decode()
        assert "<bdi>Dana Dean, President, Example University</bdi>" in body
    assert f'<h1 class="heading-xl" dir="auto">{campaign.title}</h1>' in body
