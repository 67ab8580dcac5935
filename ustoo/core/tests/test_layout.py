"""The layout every page extends: its links, reversed once per script prefix, are the right ones, and
its parts rendered once per language and prefix are each reader's."""

import re

import pytest
from django.templatetags.static import static
from django.test import override_settings
from django.urls import reverse

from ustoo.core.templatetags import layout

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


def test_every_page_links_to_every_part_of_the_site(client):
    found = _hrefs(client.get(reverse("about")).content.decode())
    assert {reverse(name) for name in LAYOUT} | {reverse("set_language")} <= found


def test_a_member_gets_their_account_and_log_out(client, django_user_model):
    member = django_user_model.objects.create_user("layout-member", "a long enough passphrase here")
    client.force_login(member)
    found = _hrefs(client.get(reverse("about")).content.decode())
    assert {reverse("accounts:home"), reverse("accounts:logout")} <= found
    assert reverse("accounts:login") not in found


def test_under_a_sub_path_the_links_carry_it(rf):
    # A deployment behind a proxy at /ustoo/ (the WSGI handler sets the prefix from SCRIPT_NAME):
    # the links must keep the prefix, and those for the site at / must not be served there.
    from django.urls import get_script_prefix, set_script_prefix

    from ustoo.core.context_processors import site

    request = rf.get("/about/")
    at_root = site(request)["layout_links"]
    previous = get_script_prefix()
    set_script_prefix("/ustoo/")
    try:
        under = site(request)["layout_links"]
    finally:
        set_script_prefix(previous)
    assert under["magnitude"] == "/ustoo/magnitude/" and under["about"] == "/ustoo/about/"
    assert at_root["magnitude"] == "/magnitude/"
    assert site(request)["layout_links"] == at_root


def test_the_layout_speaks_each_readers_language(client):
    english = client.get(reverse("about")).content.decode()
    french = client.get(reverse("about"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    again = client.get(reverse("about")).content.decode()
    assert "Quick exit" in english and "The magnitude" in english
    assert "Sortie rapide" in french and "L&#x27;ampleur" in french and "Quick exit" not in french
    assert "Quick exit" in again and "Sortie rapide" not in again
    assert '<option value="fr" lang="fr" selected>' in french
    assert '<option value="en" lang="en" selected>' in again


def test_kept_parts_follow_the_sub_path_they_are_served_under(client):
    from django.urls import get_script_prefix, set_script_prefix

    previous = get_script_prefix()
    set_script_prefix("/ustoo/")  # as the WSGI handler does from SCRIPT_NAME behind a proxy
    try:
        under = client.get("/about/").content.decode()
    finally:
        set_script_prefix(previous)
    at_root = client.get(reverse("about")).content.decode()
    assert 'href="/ustoo/magnitude/"' in under and 'href="/ustoo/help/stand-with/"' in under
    assert 'href="/magnitude/"' in at_root and 'href="/ustoo/magnitude/"' not in at_root


def test_kept_parts_carry_the_hashed_static_addresses(client):
    html = client.get(reverse("about")).content.decode()
    assert f'href="{static("ustoo/css/ustoo.css")}"' in html
    assert f'src="{static("ustoo/js/quick-exit.js")}"' in html


def test_a_change_of_settings_is_shown_at_once(client):
    client.get(reverse("about"))
    with override_settings(SITE_NAME="Nous aussi", QUICK_EXIT_URL="https://example.org/weather"):
        html = client.get(reverse("about")).content.decode()
    assert "<title>Nous aussi</title>" in html and 'href="https://example.org/weather"' in html
    assert "<title>ustoo</title>" in client.get(reverse("about")).content.decode()


def test_nothing_is_kept_while_debugging(client, settings):
    settings.DEBUG = True
    layout._rendered.cache_clear()
    client.get(reverse("about"))
    assert layout._rendered.cache_info().currsize == 0
    settings.DEBUG = False
    client.get(reverse("about"))
    assert layout._rendered.cache_info().currsize == len(layout.PARTS)
