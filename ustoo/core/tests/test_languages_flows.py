"""Saying "me too", signing a campaign and finding help, in every language offered, without JavaScript
(plain HTTP, as a browser without scripts sends it): each page of the way, the form shown again with its
errors, and the e-mail that follows, are in the reader's language."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from ustoo.campaigns import mail
from ustoo.campaigns.models import Signature
from ustoo.campaigns.tests.conftest import SIGNER, make_campaign
from ustoo.conftest import make_member

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def in_language(code: str, *english: str) -> list[str]:
    """`english` as the reader of `code` reads it (HTML-escaped as a template writes it)."""
    with translation.override(code):
        return [gettext(text) for text in english]


def assert_page_in(response, code: str, *english: str) -> str:
    body = response.content.decode()
    assert re.search(rf'<html lang="{re.escape(code)}" dir="(rtl|ltr)">', body), body[:300]
    for text in in_language(code, "Quick exit", *english):
        assert text in body or escape(text) in body, (
            f"{code}: {text!r} not on {response.request['PATH_INFO']}"
        )
    return body


@pytest.mark.parametrize("code", LANGUAGES)
def test_saying_me_too_and_sharing_a_story(code):
    reader = Client(headers={"accept-language": code})
    assert_page_in(reader.get("/speak/"), code, "Count me", "Share my story")
    counted = reader.post("/speak/", {"mode": "count"}, follow=True)
    assert_page_in(counted, code)
    # A story sent without its text comes back with the error, in the reader's language.
    refused = reader.post("/speak/", {"mode": "story", "visibility": "public"})
    assert refused.status_code == 200
    assert_page_in(refused, code, "There is a problem")
    shared = reader.post(
        "/speak/",
        {"mode": "story", "text": "Cela m'est arrivé aussi. #MeToo", "visibility": "public"},
        follow=True,
    )
    assert shared.status_code == 200
    assert_page_in(shared, code)


@pytest.mark.parametrize("code", LANGUAGES)
def test_signing_a_campaign_and_its_email(code):
    campaign = make_campaign(make_member(f"starter-{code}"))
    reader = Client(headers={"accept-language": code})
    assert_page_in(reader.get(f"/campaigns/{campaign.slug}/sign/"), code)
    refused = reader.post(f"/campaigns/{campaign.slug}/sign/", {**SIGNER, "email": "not an address"})
    assert refused.status_code == 400
    assert_page_in(refused, code, "There is a problem")
    signed = reader.post(f"/campaigns/{campaign.slug}/sign/", SIGNER, follow=True)
    assert signed.redirect_chain[-1][0] == f"/campaigns/{campaign.slug}/check-your-inbox/"
    assert_page_in(signed, code)
    # The confirmation is written in the language the signer read the campaign in.
    signature = Signature.objects.get(campaign=campaign)
    assert signature.language == code
    [subject] = in_language(code, "Confirm your signature")
    assert mail.confirmation(signature).subject.endswith(subject)


@pytest.mark.parametrize("code", LANGUAGES)
def test_finding_help(code):
    reader = Client(headers={"accept-language": code})
    body = assert_page_in(reader.get("/help/"), code, "Get help")
    assert "https://findahelpline.com" in body
    chosen = reader.get("/help/", {"country": "IN"})
    assert 'href="tel:112"' in assert_page_in(chosen, code)
