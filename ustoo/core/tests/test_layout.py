"""The layout every page extends: its links, its menu's "you are here", its titles, and its words in
each reader's language."""

import re

import pytest
from django.core.cache import caches
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from ustoo.conftest import make_member

pytestmark = pytest.mark.django_db

LAYOUT = {
    "stories:wall",
    "stories:speak",
    "stories:enter_receipt",
    "stories:preferences",
    "magnitude:index",
    "movement:index",
    "campaigns:index",
    "help:index",
    "help:stand_with",
    "accounts:login",
    "about",
}


def _hrefs(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html)) | set(re.findall(r'action="([^"]+)"', html))


def _title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found, "the page has no title"
    return found.group(1)


def test_every_page_links_to_every_part_of_the_site(client):
    found = _hrefs(client.get(reverse("about")).content.decode())
    assert {reverse(name) for name in LAYOUT} | {reverse("language")} <= found


def test_a_member_gets_their_account_and_log_out(client):
    client.force_login(make_member("layout-member"))
    html = client.get(reverse("about")).content.decode()
    found = _hrefs(html)
    assert {reverse("accounts:home"), reverse("accounts:logout")} <= found
    assert reverse("accounts:login") not in found
    assert reverse("moderation:queue") not in found


def test_a_moderator_finds_moderation_in_the_menu(client):
    client.force_login(make_member("layout-moderator", role="moderator"))
    html = client.get(reverse("about")).content.decode()
    assert f'href="{reverse("moderation:queue")}"' in html


def test_the_menu_says_where_the_reader_is(client):
    html = client.get(reverse("magnitude:index")).content.decode()
    assert re.search(rf'href="{reverse("magnitude:index")}"[^>]*aria-current="page"', html)
    assert html.count("aria-current=") == 1
    within = client.get(reverse("magnitude:how_we_count")).content.decode()
    assert re.search(rf'href="{reverse("magnitude:index")}"[^>]*aria-current="true"', within)


def test_under_a_sub_path_the_links_carry_it(client):
    from django.urls import get_script_prefix, set_script_prefix

    previous = get_script_prefix()
    set_script_prefix("/ustoo/")  # as the WSGI handler does from SCRIPT_NAME behind a proxy
    try:
        under = client.get("/about/").content.decode()
    finally:
        set_script_prefix(previous)
    # A site has one prefix for the life of its processes, which keep the layout's parts as made.
    caches["template_fragments"].clear()
    at_root = client.get(reverse("about")).content.decode()
    assert 'href="/ustoo/magnitude/"' in under and 'href="/ustoo/help/stand-with/"' in under
    assert 'href="/magnitude/"' in at_root and 'href="/ustoo/magnitude/"' not in at_root


def test_the_layout_speaks_each_readers_language(client):
    english = client.get(reverse("about")).content.decode()
    french = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    again = client.get(reverse("about")).content.decode()
    assert "Quick exit" in english and "The magnitude" in english
    assert "Sortie rapide" in french and ">L'ampleur<" in french and "Quick exit" not in french
    assert "Quick exit" in again and "Sortie rapide" not in again
    assert '<option value="fr" lang="fr" selected>' in french
    assert '<option value="en" lang="en" selected>' in again


def test_the_layout_carries_the_hashed_static_addresses(client):
    html = client.get(reverse("about")).content.decode()
    assert f'href="{static("ustoo/css/ustoo.css")}"' in html
    assert f'src="{static("ustoo/js/quick-exit.js")}"' in html


def test_a_change_of_settings_is_shown_at_once(client):
    with override_settings(SITE_NAME="Nous aussi", QUICK_EXIT_URL="https://example.org/weather"):
        html = client.get(reverse("about")).content.decode()
    assert _title(html).endswith("– Nous aussi") and 'href="https://example.org/weather"' in html
    assert _title(client.get(reverse("about")).content.decode()).endswith("– ustoo")


def test_each_page_is_named_in_its_title_and_errors_say_so_first(client):
    assert _title(client.get(reverse("stories:wall")).content.decode()) == "Stories – ustoo"
    assert _title(client.get(reverse("stories:enter_receipt")).content.decode()) == "Receipt – ustoo"
    refused = client.post(reverse("stories:enter_receipt"), {"receipt": ""})
    assert _title(refused.content.decode()) == "Error: Receipt – ustoo"


def test_a_skip_link_leads_to_the_main_content(client):
    html = client.get(reverse("about")).content.decode()
    assert re.search(r'<a href="#main" class="skip-link">Skip to main content</a>', html)
    assert '<main class="main" id="main"' in html


def test_campaign_moderation_is_within_moderate_in_the_menu(client):
    from ustoo.conftest import PASSPHRASE

    client.force_login(make_member("layout-moderator", role="moderator"))
    client.post(reverse("moderation:confirm"), {"passphrase": PASSPHRASE})
    html = client.get(reverse("campaign_moderation:queue")).content.decode()
    assert re.search(rf'href="{reverse("moderation:queue")}"[^>]*aria-current="true"', html)
