"""The privacy notice says who runs the site and how long things are kept, from the settings; until
the operator fills their part in, it says so, and `ustoo check --deploy` warns."""

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.urls import reverse

from ustoo.core.checks import check_operator_details

pytestmark = pytest.mark.django_db

FILLED_IN = {
    "OPERATOR_NAME": "Survivors Together e.V.",
    "OPERATOR_EMAIL": "privacy@together.example.org",
    "OPERATOR_ADDRESS": "Musterstraße 1, 10115 Berlin",
    "DATA_PROTECTION_CONTACT": "Dana Data, dpo@together.example.org",
    "PRIVACY_LEGAL_BASIS": "consent",
    "JURISDICTION": "Germany (GDPR)",
}


@pytest.fixture
def filled_in(settings):
    for name, value in FILLED_IN.items():
        setattr(settings, name, value)


def text_of(response) -> str:
    """The page's words, tags removed and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_until_the_operator_fills_it_in_the_notice_says_so(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="operator-missing"' in html
    assert "The people running this site have not filled in this notice" in html
    # Run by, contact, questions about data, law, legal basis.
    assert html.count("Not filled in by the operator") == 5


def test_the_operators_details_are_shown_from_the_settings(client, filled_in):
    response = client.get(reverse("privacy"))
    html = response.content.decode()
    assert 'id="operator-missing"' not in html and "Not filled in" not in html
    words = text_of(response)
    assert "Run by Survivors Together e.V." in words
    assert 'href="mailto:privacy@together.example.org"' in html
    assert "Musterstraße 1, 10115 Berlin" in words
    assert 'href="mailto:dpo@together.example.org"' in html
    assert "Law it follows Germany (GDPR)" in words
    assert "Your consent. You choose what to say" in words


def test_a_legal_basis_in_the_operators_own_words_is_shown_as_written(client, filled_in, settings):
    settings.PRIVACY_LEGAL_BASIS = "Article 6(1)(e) <public task> of the charity's statutes."
    html = client.get(reverse("privacy")).content.decode()
    assert "Article 6(1)(e) &lt;public task&gt; of the charity&#x27;s statutes." in html


def test_retention_periods_come_from_the_settings(client, settings):
    settings.RETENTION_REJECTED_DAYS = 45
    settings.CAMPAIGN_ANONYMISE_DAYS = 90
    settings.RECEIPT_LIFETIME_DAYS = 365
    settings.SESSION_COOKIE_AGE = 2 * 3600
    settings.LOGIN_LOCKOUT_SECONDS = 600
    words = text_of(client.get(reverse("privacy")))
    assert "deleted 45 days after the decision" in words
    assert "deleted 90 days after the campaign closes" in words
    assert "A receipt stops working 365 days after it was given" in words
    assert "ends on the server after 2 hours at most" in words
    assert "logging in to that account waits 10 minutes" in words

    settings.RECEIPT_LIFETIME_DAYS = 0
    settings.RETENTION_REJECTED_DAYS = 1
    words = text_of(client.get(reverse("privacy")))
    assert "It keeps working as long as what you said is here" in words
    assert "deleted 1 day after the decision" in words


def test_the_notice_is_in_french_for_a_french_reader(client, filled_in):
    words = text_of(client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Avis de confidentialité" in words
    assert "Votre consentement." in words
    assert "Privacy notice" not in words


def test_the_notice_tells_each_reader_how_to_see_and_delete_what_is_theirs(client):
    html = client.get(reverse("privacy")).content.decode()
    for name in ("accounts:home", "stories:enter_receipt", "contact", "campaigns:privacy"):
        assert f'href="{reverse(name)}"' in html


def test_the_about_page_and_every_footer_link_to_the_notice(client):
    about = client.get(reverse("about")).content.decode()
    assert about.count(f'href="{reverse("privacy")}"') == 2  # in the page and in the footer
    footer = about[about.index('<footer class="footer">') :]
    assert f'href="{reverse("contact")}"' in footer


def test_the_deploy_check_names_what_the_operator_left_empty(settings):
    settings.OPERATOR_NAME = "Survivors Together e.V."
    (warning,) = check_operator_details(None)
    assert warning.id == "ustoo.W002"
    assert "USTOO_OPERATOR_EMAIL, USTOO_PRIVACY_LEGAL_BASIS, USTOO_JURISDICTION" in warning.msg
    assert "USTOO_OPERATOR_NAME" not in warning.msg


def test_the_deploy_check_is_quiet_once_it_is_filled_in(filled_in, settings):
    settings.OPERATOR_ADDRESS = settings.DATA_PROTECTION_CONTACT = ""  # optional
    assert check_operator_details(None) == []


def test_check_deploy_fails_on_the_warning_until_the_operator_fills_it_in(settings):
    with pytest.raises(SystemCheckError, match=r"ustoo\.W002"):
        call_command("check", "--deploy", "--fail-level", "WARNING")


def test_the_notice_says_what_step_up_the_journal_and_the_escrow_keep(client, settings):
    settings.RETENTION_REJECTED_DAYS = 45
    words = text_of(client.get(reverse("privacy")))
    assert "words that are not published are deleted 45 days after the decision" in words
    assert "locked in your browser before it is sent" in words
    assert "Deleting your journal deletes its entries and attachments at once" in words
    assert "It never sees the name you entered" in words
    assert "You can withdraw an entry at any time: it is deleted" in words
