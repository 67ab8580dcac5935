"""The guides: plain pages that need no script, can be linked to and printed, and say what to do."""

from pathlib import Path

import pytest
from django.apps import apps
from django.utils.html import escape

from ustoo.upstanders import guides

pytestmark = pytest.mark.django_db

GUIDES = {
    "/step-up/": "Step up",
    "/step-up/notice/": "Noticing harassment",
    "/step-up/five-ds/": "The five Ds",
    "/step-up/support/": "Supporting someone",
    "/step-up/report/": "How to report",
    "/step-up/write-it-down/": "Writing things down",
}


@pytest.mark.parametrize(("path", "title"), GUIDES.items())
def test_each_guide_is_a_page_of_its_own_with_a_neutral_title_and_no_script_of_its_own(stranger, path, title):
    answer = stranger.get(path)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert f"<title>{title} – ustoo</title>" in html
    main = html[html.index('<main class="main"') : html.index("</main>")]
    assert "<script" not in main
    assert "/static/upstanders/upstanders" in html  # its print rules


def test_the_print_rules_leave_out_the_navigation_and_write_out_links():
    css = Path(apps.get_app_config("upstanders").path) / "static" / "upstanders" / "upstanders.css"
    rules = css.read_text(encoding="utf-8")
    printed = rules[rules.index("@media print") :]
    assert ".guide-nav" in printed and 'content: " (" attr(href) ")"' in printed


@pytest.mark.parametrize("way", guides.FIVE_DS, ids=lambda way: way.slug)
def test_each_of_the_five_ds_has_steps_and_an_example_in_each_place(stranger, way):
    html = stranger.get(f"/step-up/five-ds/{way.slug}/").content.decode()
    assert f"<title>{way.name} – ustoo</title>" in html
    for place, label in guides.EXAMPLE_PLACES:
        assert str(label) in html
        assert escape(str(way.examples[place])) in html
    assert html.count("<dd>") == 5


def test_every_example_place_is_written_for_every_d():
    for way in guides.FIVE_DS:
        assert set(way.examples) == {place for place, _label in guides.EXAMPLE_PLACES}


def test_an_unknown_d_is_not_found(stranger):
    assert stranger.get("/step-up/five-ds/dance/").status_code == 404


def test_the_five_ds_link_to_each_other_in_order(stranger):
    html = stranger.get("/step-up/five-ds/document/").content.decode()
    assert 'href="/step-up/five-ds/delegate/" rel="prev"' in html
    assert 'href="/step-up/five-ds/delay/" rel="next"' in html


def test_how_to_stand_with_someone_links_to_the_support_guide_and_the_five_ds(stranger):
    html = stranger.get("/help/stand-with/").content.decode()
    assert 'href="/step-up/support/" id="support-guide"' in html
    assert 'href="/step-up/five-ds/"' in html


def test_the_support_guide_offers_services_for_the_readers_country(stranger):
    html = stranger.get("/step-up/support/", {"country": "GB"}).content.decode()
    assert "“I believe you.”" in html and "Rape Crisis England &amp; Wales" in html


def test_the_report_guide_gives_each_countrys_emergency_number_and_services(stranger):
    html = stranger.get("/step-up/report/", {"country": "FR"}).content.decode()
    assert "Call the emergency number in France:" in html and 'href="tel:17"' in html
    assert "3919" in html


def test_the_report_guide_without_a_country_asks_for_one(stranger):
    html = stranger.get("/step-up/report/", {"country": ""}).content.decode()
    assert "Choose a country to see its emergency number and services." in html
    assert "Call your local emergency number." in html


def test_the_write_it_down_guide_leads_to_the_journal_and_the_paper_log(stranger):
    html = stranger.get("/step-up/write-it-down/").content.decode()
    assert 'href="/journal/" id="open-journal"' in html
    assert 'href="/journal/paper/"' in html and "Use a notebook only for this" in html


def test_with_indexing_allowed_the_guides_may_be_found_but_not_the_forms(client, settings):
    settings.ALLOW_INDEXING = True
    disallowed = [
        line.removeprefix("Disallow: ")
        for line in client.get("/robots.txt").content.decode().splitlines()[1:]
    ]
    for form in ("/step-up/pledge/", "/step-up/i-stepped-up/", "/step-up/i-own-what-i-did/"):
        assert any(form.startswith(prefix) for prefix in disallowed), form
    for guide in GUIDES:
        assert not any(guide.startswith(prefix) for prefix in disallowed), guide
