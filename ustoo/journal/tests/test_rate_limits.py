"""Opening, making journals, writing and uploading are rate limited per client; an unknown lookup id
counts like a known one (the limit is checked before the lookup)."""

import json

import pytest

from ustoo.journal.tests.protocol import API, Secret, Writer, seal_attachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings):
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "journal_open": ((3, 900), (3, 900)),
        "journal_create": ((2, 3600), (2, 3600)),
        "journal_entry": ((2, 3600), (2, 3600)),
        "journal_attachment": ((1, 3600), (1, 3600)),
    }


def test_opening_is_limited_whether_or_not_the_journal_exists(limited, writer):
    guesser = Writer(client=writer.client, secret=Secret.random())
    assert [guesser.post("open").status_code for _ in range(2)] == [404, 404]
    assert writer.post("open").status_code == 200
    refused = writer.post("open")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert guesser.post("open").status_code == 429


def test_making_writing_and_uploading_are_limited(limited, client):
    writer = Writer(client=client).create()
    Writer(client=client).create()
    accesses = [{"lookup": Secret.random().lookup, "wrapped_key": "A" * 80}]
    third = client.post(
        f"{API}/journals", data=json.dumps({"accesses": accesses}), content_type="application/json"
    )
    assert third.status_code == 429
    writer.write()
    writer.write()
    with pytest.raises(AssertionError):
        writer.write()
    writer.upload(b"one")
    response = client.post(
        f"{API}/attachments",
        data=seal_attachment(b"two")[1],
        content_type="application/octet-stream",
        headers=writer.secret.header,
    )
    assert response.status_code == 429
