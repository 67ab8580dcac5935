"""Nothing this site answers stays in a cache (Cache-Control: no-store), whatever its type: pages, JSON,
the CSV of signers' names, charts, redirects, refusals and errors. Only a static file whose name carries
the hash of its content may be cached. Checked over every URL pattern of the site, for each persona."""

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import transaction
from django.test import Client
from django.urls import include, path

from ustoo.core.tests.site_map import populate, site_routes

pytestmark = pytest.mark.django_db


def _raises(request):
    raise RuntimeError("a bug")


# This module is the URL conf of test_an_unexpected_error_is_not_cached: the site, and a page that fails.
urlpatterns = [path("failing/", _raises), path("", include("ustoo.urls"))]
handler500 = "ustoo.core.views.server_error"


@pytest.fixture
def site(db, settings, tmp_path, monkeypatch):
    return populate(settings, tmp_path, monkeypatch)


def _answer(site, persona: str, method: str, path: str):
    """One request, undone afterwards: a deletion or a logout must not change what the next one finds."""
    with transaction.atomic():
        client = site.client(persona)
        response = client.get(path) if method == "GET" else client.post(path)
        transaction.set_rollback(True)
    return response


def test_every_url_pattern_and_persona_is_answered_with_no_store(site):
    statuses = set()
    for route in site_routes():
        for persona in ("anonymous", "member", "moderator"):
            path = site.path(route, persona)
            for method in ("GET", "POST"):
                response = _answer(site, persona, method, path)
                statuses.add(response.status_code)
                assert response.get("Cache-Control") == "no-store", (method, path, persona, response)
    # Pages, JSON, CSV and SVG, redirects, refusals and missing pages were all among them.
    assert {200, 302, 400, 403, 404, 405} <= statuses


@pytest.mark.parametrize(
    "url", ["/campaigns/{slug}/delivery.csv", "/campaigns/{slug}/counts.csv", "/magnitude/badge.svg"]
)
def test_what_used_to_be_cached_is_not(site, url):
    response = site.client("member").get(url.format(slug=site.campaign_slug))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_the_redirect_to_https_is_not_cached(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/campaigns/")
    assert response.status_code == 301
    assert response["Cache-Control"] == "no-store"


def test_an_unexpected_error_is_not_cached(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/failing/")
    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store"


def test_a_refused_form_without_its_csrf_token_is_not_cached(csrf_client):
    response = csrf_client.post("/contact/", {"message": "hello"})
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"


def test_only_hashed_static_files_are_cached(client):
    hashed = staticfiles_storage.url("ustoo/css/ustoo.css")
    assert hashed != "/static/ustoo/css/ustoo.css"
    response = client.get(hashed)
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]
    for unhashed in ("/static/ustoo/css/ustoo.css", "/static/nothing-here.css"):
        response = client.get(unhashed)
        assert response["Cache-Control"] == "no-store", unhashed
