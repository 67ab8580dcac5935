"""Safety on every page: headers, no third parties, no addresses kept, production settings."""

import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from ustoo.conftest import make_story

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/speak/",
    "/receipt/",
    "/reading/",
    "/about/",
    "/account/login/",
    "/account/register/",
    "/journal/",
    "/journal/paper/",
    "/step-up/",
    "/step-up/pledge/",
    "/matching/",
]


@pytest.mark.parametrize("path", PAGES)
def test_html_is_not_cached_and_has_a_strict_csp(client, path):
    response = client.get(path)
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_elsewhere_and_have_no_inline_script(client, path):
    make_story()
    html = client.get(path).content.decode()
    sources = re.findall(r'(?:src|href|action)="([^"]+)"', html)
    quick_exit = django_settings.QUICK_EXIT_URL
    external = [url for url in sources if url.startswith(("http:", "https:", "//")) and url != quick_exit]
    assert external == []
    # A JSON data block (Django's json_script) is data, never run: anything else inline would be code.
    assert re.search(r'<script(?![^>]*\b(?:src=|type="application/json"))[^>]*>', html) is None
    assert " style=" not in html and "<style" not in html
    assert re.search(r"\son[a-z]+=", html) is None


# Words a page's title never holds: a tab or a history entry must not say what was read or written.
UNSAID_IN_TITLES = ("abuse", "assault", "harass", "rape", "violence", "me too", "manager", "what")


def test_titles_are_neutral(client):
    from ustoo.core.tests.browser_steps import public_pages

    story = make_story(title="What the manager did", warnings=("sexual_assault",)).story
    for path in dict.fromkeys([*PAGES, *public_pages(story)]):
        title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode()).group(1)
        assert title.endswith(f" – {django_settings.SITE_NAME}"), (path, title)
        assert len(title) > len(f" – {django_settings.SITE_NAME}"), (path, "the page is not named")
        assert not any(word in title.casefold() for word in UNSAID_IN_TITLES), (path, title)


def test_quick_exit_is_first_in_keyboard_order(client):
    html = client.get("/").content.decode()
    body = html[html.index("<body>") :]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'id="quick-exit"' in first_link


def test_no_address_is_stored_or_logged(client, caplog):
    caplog.set_level(logging.DEBUG)
    address = "203.0.113.77"
    client.post(
        "/speak/", {"mode": "story", "text": "words", "content_warnings": ["other"]}, REMOTE_ADDR=address
    )
    client.post("/account/login/", {"username": "x", "passphrase": "y"}, REMOTE_ADDR=address)
    client.get("/does-not-exist/", REMOTE_ADDR=address)
    assert address not in caplog.text
    from django.db import connection

    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names from introspection)
            assert address not in repr(cursor.fetchall()), table


def test_unknown_pages_are_a_friendly_404(client):
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert b"Nothing here" in response.content


def test_https_is_enforced_in_production(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def _deploy_check(tmp_path, **changes: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "USTOO_DATA_DIR": str(tmp_path),
        "USTOO_SECRET_KEY": "k" * 30 + "Q9x!t7Zp2@Lm4#Vb8$Rn6%Hs1^Dc3&Fg5*",
        "USTOO_OWNERSHIP_KEY": "another long random value for receipts 7f3a9",
        "USTOO_ALLOWED_HOSTS": "metoo.example.org",
        "USTOO_DEBUG": "",
        "USTOO_HTTPS": "",
        "USTOO_OPERATOR_NAME": "Survivors Together",
        "USTOO_OPERATOR_EMAIL": "team@metoo.example.org",
        "USTOO_PRIVACY_LEGAL_BASIS": "consent",
        "USTOO_JURISDICTION": "France (GDPR)",
        "EMAIL_URL": "submission://site:secret@mail.example.org",
        **changes,
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"):  # test-only variables
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "ustoo", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_site_without_a_mail_server_fails_the_deploy_check(tmp_path):
    """Without EMAIL_URL mail only goes to files: signers would never get their links."""
    result = _deploy_check(tmp_path, EMAIL_URL="")
    assert result.returncode == 1 and "mail.E001" in result.stderr


def test_debug_is_off_unless_asked(tmp_path):
    env = {**os.environ, "USTOO_DATA_DIR": str(tmp_path)}
    env.pop("USTOO_DEBUG", None)
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='ustoo.settings'; django.setup(); "
        "from django.conf import settings; print(settings.DEBUG)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
    env["USTOO_DEBUG"] = "1"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
