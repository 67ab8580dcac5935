"""`ustoo journal verify` on real evidence bundles, made as the browser makes them from the API's
answers: a whole bundle passes every check (openssl's included), and each kind of tampering fails with
a line that says what is wrong."""

import datetime
import io
import json
import secrets
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ustoo.journal import log
from ustoo.journal.bundle import FAIL, OK, PENDING, verify_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(writer, tmp_path):
    """Three entries, the first with a photo; a tree head after the second; the third pending."""
    photo = writer.upload(b"\xff\xd8\xff" + secrets.token_bytes(90_000), name="door.jpg")
    writer.write("He stood in the doorway.", attachments=[photo], where="office 3")
    writer.write("He said it again at the meeting.")
    log.publish_head(at_least_every=datetime.timedelta(days=1))
    writer.write("I told my manager.")
    path = tmp_path / "bundle.zip"
    path.write_bytes(writer.bundle())
    return path


def _rewrite(path, changes: dict) -> None:
    """Replace (bytes, or a function of the old bytes) or remove (None) members of the zip at `path`."""
    with zipfile.ZipFile(path) as old:
        members = {name: old.read(name) for name in old.namelist()}
    for name, change in changes.items():
        if change is None:
            members.pop(name)
        else:
            members[name] = change(members[name]) if callable(change) else change
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as new:
        for name, data in members.items():
            new.writestr(name, data)
    path.write_bytes(out.getvalue())


def _flip(position: int):
    return lambda data: data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def _failures(path) -> list[str]:
    report = verify_bundle(path)
    assert not report.passed
    return report.failures()


def test_a_whole_bundle_passes_every_check(bundle):
    report = verify_bundle(bundle)
    assert report.passed, report.failures()
    texts = [text for _status, text in report.lines]
    assert (OK, "entry 1: attachments/1-1-door.jpg is the file the entry names") in report.lines
    assert (OK, "entry 2: its token is leaf 1 of the signed tree head") in report.lines
    assert (OK, "the tree head of 2 leaves is signed by the log's certificate") in report.lines
    assert any(status == PENDING and text.startswith("entry 3:") for status, text in report.lines)
    assert (
        sum(text.startswith("openssl ts -verify, entry") and "Verification: OK" in text for text in texts)
        == 3
    )
    assert any(text.startswith("openssl dgst -verify") and "Verified OK" in text for text in texts)


def test_the_command_prints_a_line_per_check_and_passes(bundle, capsys):
    call_command("journal", "verify", str(bundle))
    out = capsys.readouterr().out
    assert "OK      entry 2: follows entry 1" in out and out.rstrip().endswith("Every check passed.")


def test_a_changed_entry_byte_fails(bundle):
    _rewrite(bundle, {"entries/0002.committed": _flip(40)})
    failures = _failures(bundle)
    assert "entry 2: entries/0002.committed does not hash to its commitment (changed bytes)" in failures
    assert any(f.startswith("openssl ts -verify, entry 2") for f in failures)


def test_a_changed_token_fails(bundle):
    _rewrite(bundle, {"tokens/0001.tsr": lambda data: _flip(len(data) - 3)(data)})
    failures = _failures(bundle)
    assert any(f.startswith("entry 1: its token does not verify") for f in failures)
    assert any(f.startswith("entry 1: the proof does not put its token at leaf 0") for f in failures)


def test_a_changed_attachment_fails(bundle):
    _rewrite(bundle, {"attachments/1-1-door.jpg": _flip(10)})
    assert _failures(bundle) == [
        "entry 1: attachments/1-1-door.jpg is not the file the entry names (its SHA-256 differs)"
    ]


def test_a_changed_proof_fails(bundle):
    def change(data: bytes) -> bytes:
        proofs = json.loads(data)
        proofs["1"][0] = ("0" if proofs["1"][0][0] != "0" else "1") + proofs["1"][0][1:]
        return json.dumps(proofs).encode()

    _rewrite(bundle, {"log/proofs.json": change})
    assert _failures(bundle) == ["entry 2: the proof does not put its token at leaf 1 of the tree head"]


def test_a_changed_tree_head_signature_fails(bundle):
    def change(data: bytes) -> bytes:
        head = json.loads(data)
        head["tree_size"] += 1  # what the signature was made over no longer says the same
        return json.dumps(head).encode()

    _rewrite(bundle, {"log/tree-head.json": change})
    failures = _failures(bundle)
    assert "the tree head's signature does not verify with the log's certificate" in failures
    assert any(f.startswith("openssl dgst -verify, the tree head's signature") for f in failures)


def test_a_missing_file_fails(bundle):
    _rewrite(bundle, {"tokens/0002.tsr": None})
    assert "entry 2: missing file tokens/0002.tsr" in _failures(bundle)


def test_a_missing_certificate_fails(bundle):
    _rewrite(bundle, {"tsa/tsa.pem": None})
    failures = _failures(bundle)
    assert "missing file: tsa/tsa.pem" in failures


def test_a_dropped_entry_breaks_the_chain(bundle):
    def drop(data: bytes) -> bytes:
        manifest = json.loads(data)
        manifest["entries"] = [e for e in manifest["entries"] if e["seq"] != 2]
        return json.dumps(manifest).encode()

    _rewrite(bundle, {"journal.json": drop})
    assert "entry 3: entry 2 is missing, so the chain is broken" in _failures(bundle)


def test_a_repeated_entry_breaks_the_chain(bundle):
    def repeat(data: bytes) -> bytes:
        manifest = json.loads(data)
        second = next(e for e in manifest["entries"] if e["seq"] == 2)
        manifest["entries"] = [e for e in manifest["entries"] if e["seq"] != 3] + [{**second, "seq": 3}]
        return json.dumps(manifest).encode()

    _rewrite(bundle, {"journal.json": repeat})
    failures = _failures(bundle)
    assert "entry 3: the entry inside says it is number 2" in failures
    assert "entry 3: its token entered the log before entry 2's" in failures


def test_the_command_exits_non_zero_on_a_tampered_bundle(bundle, capsys):
    _rewrite(bundle, {"entries/0001.committed": _flip(50)})
    with pytest.raises(CommandError, match="checks failed"):
        call_command("journal", "verify", str(bundle))
    assert "FAIL    entry 1: entries/0001.committed does not hash" in capsys.readouterr().out


def test_a_bundle_checked_against_another_ca_fails(bundle, tmp_path):
    from ustoo.journal import authority

    other = authority.load(tmp_path / "other")
    (tmp_path / "other-ca.pem").write_text(other.pem("ca"))
    with pytest.raises(CommandError):
        call_command("journal", "verify", str(bundle), "--ca", str(tmp_path / "other-ca.pem"), "--no-openssl")


def test_a_file_that_is_not_a_zip_fails(tmp_path):
    path = tmp_path / "bundle.zip"
    path.write_bytes(b"not a zip")
    report = verify_bundle(path)
    assert not report.passed and report.lines[0][0] == FAIL
