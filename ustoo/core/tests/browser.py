"""Shared fixtures for the browser tests: one headless Chromium and one live server per test session.

Test modules load this module as a pytest plugin::

    pytest_plugins = ["ustoo.core.tests.browser"]

so its session fixtures exist once, however many modules use them (a fixture imported into two
modules would be set up once per module).

Each test gets fresh browser contexts (own cookies, own history, own cache). Nothing leaves the
machine: every request to another origin is intercepted; the quick exit's neutral site is answered
with a tiny local page and anything else is aborted. Every request is also recorded, so a test can
fail on any made to another origin.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Route,
    WebError,
    expect,
    sync_playwright,
)
from pytest_django.live_server_helper import LiveServer

CHROMIUM = os.environ.get("USTOO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEUTRAL_PAGE = (
    "<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1><p>Sunny spells.</p></html>"
)

# Generous waits for a loaded 2-core machine: expect() keeps polling until the page is right, so
# this only bounds how long a real failure takes to be reported; it is no speed requirement.
expect.set_options(timeout=10_000)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _same_document(url: str) -> bool:
    # data: (CSP allows data: images), blob: and about: never reach the network.
    return url.split(":", 1)[0].lower() in {"data", "blob", "about"}


def is_quick_exit_url(url: str) -> bool:
    exit_url, parts = urlsplit(settings.QUICK_EXIT_URL), urlsplit(url)
    return (parts.scheme, parts.netloc.lower(), parts.path.rstrip("/")) == (
        exit_url.scheme,
        exit_url.netloc.lower(),
        exit_url.path.rstrip("/"),
    )


# --- The live server -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """pytest-django's live server, set up the way production serves the site.

    - Plain HTTP: SecurityMiddleware reads SECURE_SSL_REDIRECT once, when the server thread loads
      its middleware, so ustoo/conftest.py's per-test override comes too late for this thread.
    - Static files collected from the current sources (into a temporary STATIC_ROOT, so a stale or
      concurrently rebuilt staticfiles/ cannot mislead the tests) and served by WhiteNoise with the
      hashed names of the manifest, as in production. pytest-django's default StaticFilesHandler
      looks files up with the finders, which know no hashed names.
    """
    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    static_root = tmp_path_factory.mktemp("static")
    overrides = override_settings(SECURE_SSL_REDIRECT=False, STATIC_ROOT=static_root)
    overrides.enable()
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
        server = LiveServer(addr, start=False)
        server.thread.static_handler = _no_static_handler
        server.start()
    except BaseException:
        overrides.disable()
        raise
    yield server
    server.stop()
    overrides.disable()


def _no_static_handler(application):
    """Let /static/ through to the middleware, where WhiteNoise serves it."""
    return application


# --- The browser ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"No Chromium at {CHROMIUM}. Install it with `apt-get install chromium` "
            "(scripts/system-deps does), or point USTOO_CHROMIUM at one.",
            pytrace=False,
        )
    # Playwright's sync API keeps its asyncio loop marked as running in this thread between calls,
    # so from now on Django would refuse every ORM call made here (the tests' own queries and
    # pytest-django's flush after each test) with SynchronousOnlyOperation. Nothing here is async:
    # the ORM runs in this thread and in the live server's, never inside the loop.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        # launch() starts Chromium with a fresh, temporary profile.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Traffic:
    """Every request a browser context made, every console message about the CSP, and every
    uncaught JavaScript error."""

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.requests: list[str] = []
        self.csp_messages: list[str] = []
        self.script_errors: list[str] = []

    def record_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def record_console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.csp_messages.append(message.text)

    def record_error(self, error: WebError) -> None:
        self.script_errors.append(str(error.error))

    def elsewhere(self) -> list[str]:
        """Requests to any origin but the site's."""
        return [url for url in self.requests if not _same_document(url) and origin_of(url) != self.origin]

    def here(self) -> list[str]:
        return [url for url in self.requests if origin_of(url) == self.origin]

    def clear(self) -> None:
        self.requests.clear()
        self.csp_messages.clear()
        self.script_errors.clear()


class Visitor:
    """One person's browser: a fresh context (own cookies, history and cache) and its first tab.

    The first tab starts on about:blank, so its history holds one entry from before the site.
    """

    def __init__(self, browser: Browser, base_url: str, *, javascript: bool, locale: str) -> None:
        self.base_url = base_url
        self.javascript = javascript
        self.traffic = Traffic(origin_of(base_url))
        self.context = browser.new_context(
            base_url=base_url, java_script_enabled=javascript, locale=locale, service_workers="block"
        )
        self.context.on("request", self.traffic.record_request)
        self.context.on("console", self.traffic.record_console)
        self.context.on("weberror", self.traffic.record_error)
        self.context.route(lambda url: origin_of(url) != self.traffic.origin, self._elsewhere)
        self.page: Page = self.context.new_page()

    def _elsewhere(self, route: Route) -> None:
        if is_quick_exit_url(route.request.url) and route.request.is_navigation_request():
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=NEUTRAL_PAGE)
        else:
            route.abort("blockedbyclient")

    def url(self, path: str) -> str:
        return self.base_url + path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visitor_factory(browser: Browser, live_server: LiveServer) -> Iterator[Callable[..., Visitor]]:
    """Make visitors: ``visitor_factory(javascript=False, locale="fr-FR")``."""
    visitors: list[Visitor] = []

    def make(*, javascript: bool = True, locale: str = "en-US") -> Visitor:
        visitor = Visitor(browser, live_server.url, javascript=javascript, locale=locale)
        visitors.append(visitor)
        return visitor

    yield make
    for visitor in visitors:
        visitor.close()


@pytest.fixture
def visitor(visitor_factory: Callable[..., Visitor]) -> Visitor:
    """A reader with JavaScript on and an English browser."""
    return visitor_factory()


@pytest.fixture
def visitor_without_js(visitor_factory: Callable[..., Visitor]) -> Visitor:
    return visitor_factory(javascript=False)
