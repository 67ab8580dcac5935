"""Terms of use and community guidelines: at stable addresses (the speak and reply forms link them),
in every footer, in each reader's language, and saying what this site's settings actually do."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_addresses_the_forms_link_to_stay_the_same():
    assert reverse("terms") == "/terms/"
    assert reverse("guidelines") == "/guidelines/"


def test_every_footer_links_to_both(client):
    footer = client.get(reverse("stories:wall")).content.decode().split('<footer class="footer">')[1]
    assert f'href="{reverse("terms")}"' in footer and f'href="{reverse("guidelines")}"' in footer


def test_the_guidelines_ask_for_no_names_no_harassment_and_content_warnings(client):
    response = client.get(reverse("guidelines"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Community guidelines – ustoo</title>" in html
    for anchor in ("name-no-one", "kindness", "content-warnings", "moderation", "appeals"):
        assert f'id="{anchor}"' in html
    assert f'href="{reverse("contact")}"' in html  # appeals


@pytest.mark.parametrize(
    ("review", "trusted_publish", "said"),
    [
        (True, True, "Moderators read stories from people without an account and from new members"),
        (True, False, "Moderators read every story before it is published."),
        (False, True, "Stories are published at once, without waiting for a moderator."),
    ],
)
def test_the_guidelines_and_the_notice_say_who_is_read_first_as_the_settings_do(
    client, settings, review, trusted_publish, said
):
    settings.MODERATION_REVIEW = review
    settings.MODERATION_TRUSTED_PUBLISH = trusted_publish
    for name in ("guidelines", "privacy"):
        words = text_of(client.get(reverse(name)))
        assert said in words
        assert "A story that names or identifies someone always waits for a moderator." in words


def test_the_guidelines_say_how_many_flags_hide_a_story(client, settings):
    settings.MODERATION_FLAGS_TO_HIDE = 4
    assert "After flags from 4 different members, it is hidden" in text_of(client.get(reverse("guidelines")))


def test_the_terms_name_the_operator_once_filled_in(client, settings):
    response = client.get(reverse("terms"))
    assert response.status_code == 200
    assert "Not filled in by the operator" in response.content.decode()
    settings.OPERATOR_NAME = "Survivors Together e.V."
    settings.JURISDICTION = "Germany"
    words = text_of(client.get(reverse("terms")))
    assert "This site is run by Survivors Together e.V., under the law of Germany." in words
    assert "Not filled in" not in words


def test_both_are_in_french_for_a_french_reader(client):
    terms = text_of(client.get(reverse("terms"), HTTP_ACCEPT_LANGUAGE="fr"))
    guidelines = text_of(client.get(reverse("guidelines"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Conditions d'utilisation" in terms and "Terms of use –" not in terms
    assert "Règles de la communauté" in guidelines and "Name no one" not in guidelines
