"""Steps and checks that the browser tests of several apps share. The fixtures are in browser.py, a
pytest plugin that test modules name in `pytest_plugins`: imported from a test module, it would be
loaded before pytest could rewrite its asserts."""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import Page, expect

from ustoo.conftest import PASSPHRASE


def public_pages(*stories) -> list[str]:
    """The pages anyone can reach without an account, with the pages of `stories`."""
    return [
        "/",
        "/?q=bus",
        *(story.get_absolute_url() for story in stories),
        reverse("stories:speak"),
        reverse("stories:share"),
        reverse("stories:enter_receipt"),
        reverse("stories:preferences"),
        reverse("accounts:login"),
        reverse("accounts:register"),
        reverse("about"),
        reverse("privacy"),
        reverse("terms"),
        reverse("guidelines"),
        reverse("accessibility"),
        reverse("contact"),
        reverse("contact_sent"),
        reverse("magnitude:index"),
        reverse("magnitude:how_we_count"),
        reverse("magnitude:embed"),
        reverse("movement:index"),
        reverse("help:index"),
        reverse("campaigns:index"),
        reverse("campaigns:privacy"),
    ]


def _log_in(page: Page, username: str) -> None:
    """Fill in and send the login form the page shows, with the tests' PASSPHRASE."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    page.get_by_role("button", name="Log in").click()


def member_logs_in(page: Page, username: str) -> None:
    """Log in from the login page."""
    page.goto(reverse("accounts:login"))
    _log_in(page, username)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def moderator_logs_in(page: Page, start: str = "/moderate/") -> None:
    """From a moderator's page: log in as the member "moderator" and land back on `start`. Logging
    in has just proved the passphrase: it is not asked for again."""
    page.goto(start)
    expect(page).to_have_url(re.compile(r"/account/login/"))
    _log_in(page, "moderator")
    expect(page).to_have_url(re.compile(re.escape(start) + "$"))
    page.wait_for_load_state()  # the URL changes before the page is there to be checked


# WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe-core's best practices (every part of a page in a
# landmark, one level-one heading, ...). Colour contrast is among them.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def accessibility_problems(page: Page) -> list[str]:
    """What axe-core (the engine of the browsers' own accessibility audits) finds wrong with the
    page as it is shown now: a line per rule broken, naming up to three of the elements. axe is
    JavaScript, so it needs a visitor with JavaScript on."""
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    return [
        f"{page.url}: {rule['id']} ({rule['impact']}): {rule['help']}: "
        + ", ".join(" ".join(map(str, node["target"])) for node in rule["nodes"][:3])
        for rule in found
    ] + [f"{page.url}: {reference}" for reference in page.evaluate(_BROKEN_REFERENCES)]


# axe accepts an aria-describedby that names a missing element (a field's help or error text that
# was never given its id, say): every name in these attributes must be an element of the page.
_BROKEN_REFERENCES = """
() => {
  const broken = [];
  for (const attribute of ["aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage"]) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      for (const id of element.getAttribute(attribute).split(/\\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) {
          const name = element.id || element.tagName.toLowerCase();
          broken.push(`${attribute} of #${name} names no element: ${id}`);
        }
      }
    }
  }
  return broken;
}
"""
