"""The layout every page extends: its links, reversed once per script prefix, are the right ones."""

import re

import pytest
from django.urls import reverse

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
