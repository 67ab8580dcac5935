"""One time-stamping authority per deployment, however many app servers each have a directory of their
own (authority.current, docs/DEPLOY.md): a server that lacks the deployment's keys refuses to sign."""

import logging
import shutil

import pytest
from cryptography import x509
from django.core.management import CommandError, call_command

from ustoo.journal import authority, timestamps
from ustoo.journal.models import AuthorityRecord, Entry, LogLeaf
from ustoo.journal.tests.protocol import b64u, entry_body, from_b64u, seal_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def server_b(settings, tmp_path):
    """Switches to a second app server: the same database, an authority directory of its own."""

    def switch():
        settings.JOURNAL_AUTHORITY_DIR = tmp_path / "server-b" / "authority"
        return settings.JOURNAL_AUTHORITY_DIR

    return switch


def _post_entry(writer):
    """The next entry, sent as the browser sends it; returns the answer and its commitment."""
    seq = len(writer.written) + 1
    sealed = seal_entry(writer.journal_key, entry_body(seq, writer.written[-1].commitment))
    response = writer.post(
        "entries", {"seq": seq, "ciphertext": b64u(sealed.ciphertext), "commitment": sealed.commitment}
    )
    return response, bytes.fromhex(sealed.commitment)


def _verifies(response, commitment: bytes, directory) -> bool:
    deployment = authority.load(directory)
    token = from_b64u(response.json()["token"])
    return (
        timestamps.verify(token, digest=commitment, ca=deployment.ca, tsa=deployment.tsa).imprint
        == commitment
    )


def test_the_first_authority_used_is_recorded(writer, authority_dir):
    writer.write()
    assert AuthorityRecord.objects.get().ca_sha256 == authority.fingerprint(authority.load(authority_dir).ca)


def test_a_server_without_the_keys_refuses_to_sign_instead_of_making_its_own(
    writer, authority_dir, server_b, caplog
):
    writer.write()  # through server A: the deployment's authority is made and recorded
    recorded = AuthorityRecord.objects.get().ca_sha256
    directory = server_b()
    with caplog.at_level(logging.ERROR, logger="ustoo.journal"):
        response, _ = _post_entry(writer)
    assert response.status_code == 503
    assert "nothing was kept" in response.json()["error"]
    assert Entry.objects.count() == 1 and LogLeaf.objects.count() == 1
    assert not directory.exists()
    assert AuthorityRecord.objects.get().ca_sha256 == recorded
    assert f"no time-stamping authority in {directory}" in caplog.text and recorded in caplog.text
    # Once the deployment's directory is copied there, server B signs with it, without a restart.
    shutil.copytree(authority_dir, directory)
    response, commitment = _post_entry(writer)
    assert response.status_code == 201
    assert _verifies(response, commitment, authority_dir)


def test_a_server_with_other_keys_refuses_to_sign_with_them(writer, authority_dir, server_b, caplog):
    writer.write()
    recorded = AuthorityRecord.objects.get().ca_sha256
    directory = server_b()
    other = authority.fingerprint(authority.load(directory).ca)  # made on that server before the record
    with caplog.at_level(logging.ERROR, logger="ustoo.journal"):
        response, _ = _post_entry(writer)
    assert response.status_code == 503
    assert Entry.objects.count() == 1
    assert f"authority in {directory} (CA SHA-256 {other}) is not the deployment's" in caplog.text
    assert recorded in caplog.text
    left = x509.load_pem_x509_certificate((directory / "ca.pem").read_bytes())
    assert authority.fingerprint(left) == other  # left for the operator to replace
    # Replaced by the deployment's, it signs with them, without a restart.
    shutil.rmtree(directory)
    shutil.copytree(authority_dir, directory)
    response, commitment = _post_entry(writer)
    assert response.status_code == 201
    assert _verifies(response, commitment, authority_dir)


def test_two_servers_making_one_at_the_same_moment_end_with_one(writer, authority_dir, server_b, monkeypatch):
    """Server B finds no record and makes its keys; meanwhile server A records its own: B deletes what
    it made (it signed nothing) and refuses, and A's stays the deployment's."""
    directory = server_b()
    make = authority._make

    def make_while_a_records(where):
        a = authority.load(authority_dir)
        AuthorityRecord.objects.create(ca_sha256=authority.fingerprint(a.ca))
        return make(where)

    monkeypatch.setattr(authority, "_make", make_while_a_records)
    response, _ = _post_entry_first(writer)
    assert response.status_code == 503
    assert not directory.exists()
    assert LogLeaf.objects.count() == 0
    # (A's record went with B's refused transaction here: in the test both share one connection.)


def _post_entry_first(writer):
    sealed = seal_entry(writer.journal_key, entry_body(1, ""))
    response = writer.post(
        "entries", {"seq": 1, "ciphertext": b64u(sealed.ciphertext), "commitment": sealed.commitment}
    )
    return response, bytes.fromhex(sealed.commitment)


def test_authority_init_makes_it_once_then_checks_each_node(settings, tmp_path, server_b, capsys):
    settings.JOURNAL_AUTHORITY_DIR = authority_dir = tmp_path / "server-a" / "authority"
    call_command("journal", "authority", "init")
    fingerprint = AuthorityRecord.objects.get().ca_sha256
    assert f"in {authority_dir}, CA certificate SHA-256 {fingerprint}" in capsys.readouterr().out
    call_command("journal", "authority", "init")  # again: the same one, nothing made
    assert f"SHA-256 {fingerprint}" in capsys.readouterr().out
    directory = server_b()
    with pytest.raises(CommandError, match="does not hold the deployment's"):
        call_command("journal", "authority", "init")
    assert not directory.exists() and AuthorityRecord.objects.count() == 1
