"""A receipt past its lifetime (USTOO_RECEIPT_LIFETIME_DAYS) opens nothing, and says so exactly as a
wrong receipt does: the answer never tells that a statement exists."""

import datetime
import re

import pytest
from django.utils import timezone

from ustoo.conftest import make_story

pytestmark = pytest.mark.django_db


def unlock(client, receipt):
    return client.post("/receipt/", {"receipt": receipt})


def travel(monkeypatch, days: float) -> None:
    later = timezone.now() + datetime.timedelta(days=days)
    monkeypatch.setattr(timezone, "now", lambda: later)


def without_token_and_phrase(answer, phrase: str) -> bytes:
    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", answer.content)
    return body.replace(phrase.encode(), b"")


def test_an_expired_receipt_gets_the_same_answer_as_a_wrong_one(client, settings, monkeypatch):
    settings.RECEIPT_LIFETIME_DAYS = 30
    spoken = make_story()
    words = spoken.receipt.split()
    wrong = " ".join([*words[:-1], "zebra" if words[-1] != "zebra" else "yodel"])

    travel(monkeypatch, 29)
    assert unlock(client, spoken.receipt).status_code == 302  # still within its lifetime
    client.cookies.clear()

    travel(monkeypatch, 31)
    expired, wrong_answer = unlock(client, spoken.receipt), unlock(client, wrong)
    assert expired.status_code == wrong_answer.status_code == 400
    assert without_token_and_phrase(expired, spoken.receipt) == without_token_and_phrase(wrong_answer, wrong)
    assert client.get(f"/mine/{spoken.statement.pk}/").status_code == 404


def test_without_a_lifetime_a_receipt_keeps_working(client, settings, monkeypatch):
    settings.RECEIPT_LIFETIME_DAYS = 0
    spoken = make_story()
    travel(monkeypatch, 3650)
    assert unlock(client, spoken.receipt).status_code == 302
