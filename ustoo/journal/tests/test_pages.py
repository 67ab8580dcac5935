"""The server side's pages: the public time-stamp log, the word list codenames are drawn from, and the
parameters the journal page gives the browser."""

import base64
import datetime
import math
import secrets

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from django.db import transaction

from ustoo.core import keys, receipts
from ustoo.journal import authority, log, params
from ustoo.journal.models import TreeHead

pytestmark = pytest.mark.django_db


def test_the_word_list_is_served_as_text_one_word_a_line_and_never_cached(client):
    response = client.get("/journal/words.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    words = response.content.decode().splitlines()
    assert words == list(receipts.words()) and len(set(words)) == len(words)
    assert 7 * math.log2(len(words)) >= 90


def test_the_browser_is_given_the_protocols_parameters_and_the_limits(settings):
    settings.JOURNAL_ATTACHMENT_MAX_BYTES = 5 * 65536 + 28
    given = params.for_browser()
    assert given["argon2"] == {"m": 19456, "t": 2, "p": 1}
    assert base64.urlsafe_b64decode(given["site_salt"] + "==") == keys.derive("journal-site-salt")[:16]
    assert given["limits"]["attachment_bytes"] == 5 * 65536 + 28
    assert given["limits"]["entry_bytes"] == settings.JOURNAL_ENTRY_MAX_BYTES
    assert given["words"] == "/journal/words.txt" and given["api"] == "/api/v1/journal/"


def _heads(count: int) -> None:
    for _ in range(count):
        with transaction.atomic():
            log.issue_token(commitment=secrets.token_bytes(32))
        log.publish_head(at_least_every=datetime.timedelta(days=1))


def test_the_log_page_lists_the_heads_and_the_certificates_to_compare(client, authority_dir):
    _heads(3)
    newest = TreeHead.objects.first()
    page = client.get("/journal/log/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<title>Time-stamp log" in html
    root = bytes(newest.root_hash).hex()
    assert "<wbr>".join(root[i : i + 16] for i in range(0, 64, 16)) in html
    assert [head["tree_size"] for head in page.context["heads"]] == [3, 2, 1]
    deployment = authority.load(authority_dir)
    for certificate in (deployment.ca, deployment.tsa, deployment.log):
        assert certificate.fingerprint(hashes.SHA256()).hex(":") in html.replace("<wbr>", "")
    pem = html.split("<pre>")[1].split("</pre>")[0]
    assert x509.load_pem_x509_certificate(pem.encode()) == deployment.ca


def test_the_log_page_says_so_before_the_first_head_and_in_french(client):
    page = client.get("/journal/log/", headers={"Accept-Language": "fr"})
    html = page.content.decode()
    assert "<title>Journal des horodatages" in html
    assert "Aucune tête d’arbre n’a encore été signée" in html


def test_the_log_page_is_paged(client):
    _heads(52)
    first = client.get("/journal/log/")
    assert len(first.context["heads"]) == 50 and 'rel="next"' in first.content.decode()
    second = client.get("/journal/log/?page=2")
    assert [head["tree_size"] for head in second.context["heads"]] == [2, 1]
