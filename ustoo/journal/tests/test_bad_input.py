"""Bad input and faults: each gets a clear answer naming what is wrong, nothing already written is lost
or changed, nothing half-written stays, and never a 500."""

import errno
import io
import json
import os
import secrets

import pytest
from django.core.files.storage import filesystem
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ustoo.journal.models import Attachment, Entry, Journal, LogLeaf
from ustoo.journal.tests.protocol import API, Writer, b64u, entry_body, seal_attachment, seal_entry

pytestmark = pytest.mark.django_db

BLOCK = 64 * 1024


def _entry(writer: Writer, seq: int = 1, **changes) -> dict:
    sealed = seal_entry(writer.journal_key, entry_body(seq, ""))
    return {"seq": seq, "ciphertext": b64u(sealed.ciphertext), "commitment": sealed.commitment, **changes}


def _nothing_written() -> None:
    assert Entry.objects.count() == 0 and LogLeaf.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ciphertext": "not base64url!"}, "ciphertext"),
        ({"ciphertext": "AAAAA"}, "ciphertext"),  # a length base64 cannot have
        ({"ciphertext": "AB"}, "ciphertext"),  # bits set after the last byte
        ({"commitment": "AB" * 32}, "commitment"),  # uppercase
        ({"commitment": "ab" * 31}, "commitment"),
        ({"nonce": "xyz"}, "nonce"),
        ({"seq": 0}, "seq"),
        ({"seq": "one"}, "seq"),
        ({"attachments": ["not-an-id"]}, "attachments.0"),
    ],
)
def test_a_malformed_value_is_refused_naming_its_field(writer, changes, field):
    response = writer.post("entries", _entry(writer, **changes))
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    _nothing_written()


def test_a_ciphertext_that_is_not_a_padded_size_is_refused(writer):
    """A truncated entry is not 28 bytes more than 1 KiB times a power of two."""
    body = _entry(writer)
    truncated = b64u(secrets.token_bytes(12 + 1024 + 16 - 1))
    response = writer.post("entries", {**body, "ciphertext": truncated})
    assert response.status_code == 422 and "ciphertext" in response.json()["fields"]
    odd = b64u(secrets.token_bytes(12 + 3 * 1024 + 16))
    assert writer.post("entries", {**body, "ciphertext": odd}).status_code == 422
    _nothing_written()


def test_an_entry_over_the_limit_is_refused_with_413(writer, settings):
    settings.JOURNAL_ENTRY_MAX_BYTES = 1024 + 28
    body = _entry(writer, ciphertext=b64u(secrets.token_bytes(12 + 2048 + 16)))
    response = writer.post("entries", body)
    assert response.status_code == 413 and "ciphertext" in response.json()["fields"]
    _nothing_written()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"accesses": []}, "accesses"),
        ({"accesses": [{"lookup": "A" * 42 + "!", "wrapped_key": "A" * 80}]}, "accesses.0.lookup"),
        ({"accesses": [{"lookup": "A" * 43, "wrapped_key": "A" * 79}]}, "accesses.0.wrapped_key"),
        ({"accesses": [{"lookup": "A" * 42 + "B", "wrapped_key": "A" * 80}]}, "accesses.0.lookup"),
        ({"accesses": [{"lookup": "A" * 43, "wrapped_key": "A" * 80}] * 2}, "accesses"),
    ],
)
def test_a_journal_with_malformed_ways_in_is_not_made(client, body, field):
    response = client.post(f"{API}/journals", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert Journal.objects.count() == 0


@pytest.mark.parametrize(
    "header", [None, "", "Journal", "Bearer " + "A" * 43, "Journal " + "A" * 42, "Journal A*"]
)
def test_a_missing_or_malformed_authorization_is_refused_naming_it(client, header):
    headers = {} if header is None else {"Authorization": header}
    response = client.post(f"{API}/open", data="{}", content_type="application/json", headers=headers)
    assert response.status_code == 401
    assert "Authorization" in response.json()["fields"] and response["WWW-Authenticate"] == "Journal"


def _upload(writer: Writer, data: bytes, **extra):
    return writer.client.post(
        f"{API}/attachments",
        data=data,
        content_type="application/octet-stream",
        headers=writer.secret.header,
        **extra,
    )


def test_an_attachment_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    writer, settings, attachments_dir
):
    settings.JOURNAL_ATTACHMENT_MAX_BYTES = BLOCK + 28
    _key, ciphertext = seal_attachment(secrets.token_bytes(BLOCK))  # two blocks once its length is added
    response = _upload(writer, ciphertext)
    assert response.status_code == 413 and "body" in response.json()["fields"]
    assert Attachment.objects.count() == 0
    assert not attachments_dir.exists() or not list(attachments_dir.iterdir())


def test_a_journal_full_of_attachments_takes_no_more(writer, settings, attachments_dir):
    settings.JOURNAL_MAX_ATTACHMENTS = 2
    writer.upload(b"one")
    writer.upload(b"two")
    response = _upload(writer, seal_attachment(b"three")[1])
    assert response.status_code == 413 and "2" in response.json()["error"]
    assert Attachment.objects.count() == 2 and len(list(attachments_dir.iterdir())) == 2


def test_a_journal_over_its_total_takes_no_more(writer, settings):
    settings.JOURNAL_MAX_BYTES = BLOCK + 28 + 1100
    writer.upload(b"photo")
    assert _upload(writer, seal_attachment(b"another")[1]).status_code == 413
    writer.write()  # 1,052 bytes: still fits
    response = writer.post("entries", _entry(writer, seq=2))
    assert response.status_code == 413 and "ciphertext" in response.json()["fields"]
    assert Entry.objects.count() == 1
    assert Journal.objects.get().stored_bytes == BLOCK + 28 + 1052


def test_an_attachment_of_the_wrong_length_is_refused(writer):
    response = _upload(writer, secrets.token_bytes(BLOCK + 27))
    assert response.status_code == 422 and "body" in response.json()["fields"]
    assert Attachment.objects.count() == 0


def test_a_truncated_upload_is_refused_and_leaves_no_file(writer, attachments_dir):
    _key, ciphertext = seal_attachment(secrets.token_bytes(200_000))
    response = writer.client.generic(
        "POST",
        f"{API}/attachments",
        headers=writer.secret.header,
        CONTENT_TYPE="application/octet-stream",
        CONTENT_LENGTH=str(len(ciphertext)),
        # The connection dropped mid-upload: the body ends before its Content-Length.
        **{"wsgi.input": io.BytesIO(ciphertext[:100_000])},
    )
    assert response.status_code == 400 and "body" in response.json()["fields"]
    assert Attachment.objects.count() == 0
    assert not attachments_dir.exists() or not list(attachments_dir.iterdir())


def test_an_upload_without_a_length_is_refused(writer):
    response = writer.client.generic(
        "POST", f"{API}/attachments", headers=writer.secret.header, CONTENT_TYPE="application/octet-stream"
    )
    assert response.status_code == 411 and "Content-Length" in response.json()["fields"]


class _FullDisk:
    """A file whose disk fills up after `room` bytes."""

    def __init__(self, file, room: int) -> None:
        self.file, self.room = file, room

    def write(self, data: bytes) -> int:
        if len(data) > self.room:
            self.file.write(data[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(data)
        return self.file.write(data)

    def close(self) -> None:
        self.file.close()


def test_a_full_disk_while_storing_an_attachment_keeps_nothing_half_written(
    writer, monkeypatch, attachments_dir
):
    writer.write("Kept before the disk filled.", attachments=[writer.upload(b"an earlier photo")])
    real_fdopen = os.fdopen
    monkeypatch.setattr(
        filesystem.os, "fdopen", lambda fd, mode: _FullDisk(real_fdopen(fd, mode), room=BLOCK)
    )
    _key, ciphertext = seal_attachment(secrets.token_bytes(300_000))
    response = _upload(writer, ciphertext)
    monkeypatch.undo()
    assert response.status_code == 507
    assert "disk" in response.json()["error"] and "body" in response.json()["fields"]
    assert Attachment.objects.count() == 1 and len(list(attachments_dir.iterdir())) == 1
    assert Journal.objects.get().stored_bytes == BLOCK + 28 + 1052
    opened = writer.post("open").json()  # what was written before is whole
    assert len(opened["entries"]) == 1 and len(opened["attachments"]) == 1


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x"]
)
def test_an_upload_not_declared_as_bytes_is_refused(writer, content_type):
    response = writer.client.post(
        f"{API}/attachments", data=b"x" * 100, content_type=content_type, headers=writer.secret.header
    )
    assert response.status_code == 415 and "Content-Type" in response.json()["fields"]
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}],
)
def test_another_sites_page_cannot_upload_or_delete(writer, headers):
    _key, ciphertext = seal_attachment(b"x")
    upload = writer.client.post(
        f"{API}/attachments",
        data=ciphertext,
        content_type="application/octet-stream",
        headers={**writer.secret.header, **headers},
    )
    assert upload.status_code == 403
    for path in ("journals/current", "accesses/current"):
        response = writer.client.delete(f"{API}/{path}", headers={**writer.secret.header, **headers})
        assert response.status_code == 403
    assert Attachment.objects.count() == 0 and Journal.objects.count() == 1
    assert writer.post("open", **headers).status_code == 403


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["seq", "ciphertext", "commitment", "nonce", "attachments", "other"]), _json_values
    ),
    header=st.one_of(st.none(), st.text(max_size=60), st.just("valid")),
)
def test_whatever_is_sent_the_answer_is_never_a_server_error(writer, body, header):
    headers = (
        writer.secret.header if header == "valid" else ({} if header is None else {"Authorization": header})
    )
    try:
        response = writer.client.post(
            f"{API}/entries", data=json.dumps(body), content_type="application/json", headers=headers
        )
    except UnicodeEncodeError:  # a header that HTTP cannot carry never reaches the server
        return
    assert response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/json")
