"""The accessibility statement: what the site meets and does not yet, when it was checked, and a way
to report a problem that lands on the contact form with its topic chosen."""

import re

import pytest
from django.urls import reverse

from ustoo.core.views import ACCESSIBILITY_CHECKED_ON

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_statement_names_the_standard_its_limits_and_the_day_it_was_checked(client):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    words = text_of(response)
    assert "WCAG) 2.2 at level AA" in words and "partially meets WCAG 2.2 AA" in words
    assert "What does not work well yet" in words
    assert f"This statement was written on {ACCESSIBILITY_CHECKED_ON:%-d %B %Y}" in words
    footer = response.content.decode().split('<footer class="footer">')[1]
    assert f'href="{reverse("accessibility")}"' in footer


def test_its_time_limits_are_the_settings(client, settings):
    settings.SESSION_COOKIE_AGE = 4 * 3600
    settings.MODERATOR_IDLE_MINUTES = 45
    words = text_of(client.get(reverse("accessibility")))
    assert "a visit after 4 hours" in words and "a moderator's access after 45 minutes" in words


def test_reporting_a_problem_opens_the_contact_form_on_accessibility(client, settings):
    settings.OPERATOR_EMAIL = "team@metoo.example.org"
    link = re.search(r'href="([^"]+)">tell us</a>', client.get(reverse("accessibility")).content.decode())
    assert link and link.group(1) == reverse("contact") + "?topic=accessibility"
    form = client.get(link.group(1)).content.decode()
    assert re.search(r'<input type="radio" name="topic" value="accessibility"[^>]* checked', form)
    # A topic the form does not know chooses nothing.
    assert " checked" not in client.get(reverse("contact") + "?topic=lawsuit").content.decode()


def test_the_statement_is_in_french_with_a_french_date(client):
    words = text_of(client.get(reverse("accessibility"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Déclaration d'accessibilité" in words
    assert "décembre 2026" in words
