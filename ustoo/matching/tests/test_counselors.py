"""The counselors' side: the key ceremony's commands, notification by e-mail (a count only, through a
real SMTP server on loopback), the export page and its audit log, and `ustoo matching open`."""

import io
import json
import stat
import subprocess
import sys

import pytest
from asn1crypto import keys, pem
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command

from ustoo.campaigns.tests.conftest import smtp  # noqa: F401 (the loopback SMTP server fixture)
from ustoo.conftest import PASSPHRASE, logged_in_client, make_member
from ustoo.matching import hpke, keyfile, services
from ustoo.matching.models import Counselor, CounselorAction, CounselorKey
from ustoo.matching.tests.client import Typed, b64u, from_b64u
from ustoo.matching.tests.conftest import COUNSELOR_PRIVATE, COUNSELOR_PUBLIC, ROOT

KEY_PASSPHRASE = "a long passphrase of the office"


@pytest.fixture
def passphrase_file(tmp_path):
    path = tmp_path / "passphrase"
    path.write_text(KEY_PASSPHRASE + "\n")
    return path


def keygen(path, passphrase_file) -> dict:
    """`keygen` as a script runs it; returns the public key and fingerprint it printed."""
    out = io.StringIO()
    call_command(
        "matching", "keygen", "--out", str(path), "--passphrase-file", str(passphrase_file), stdout=out
    )
    printed = out.getvalue().splitlines()
    return {
        "public_key": printed[printed.index("Public key, for the administrator:") + 1].strip(),
        "fingerprint": printed[printed.index("Fingerprint, to read to them and to publish:") + 1].strip(),
    }


def test_keygen_writes_a_private_key_only_its_owner_reads_under_a_passphrase(tmp_path, passphrase_file):
    path = tmp_path / "counselor.key"
    printed = keygen(path, passphrase_file)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    data = path.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    with pytest.raises(TypeError, match="not given"):
        serialization.load_pem_private_key(data, None)
    with pytest.raises(ValueError):
        serialization.load_pem_private_key(data, b"another passphrase entirely")
    # PBES2 with scrypt at its full cost (OWASP's N=2^17, r=8): tests do not weaken it.
    pbes2 = keys.EncryptedPrivateKeyInfo.load(pem.unarmor(data)[2])["encryption_algorithm"]["parameters"]
    assert pbes2["key_derivation_func"]["algorithm"].dotted == keyfile.SCRYPT_OID
    scrypt = keyfile.ScryptParams.load(pbes2["key_derivation_func"]["parameters"].dump())
    assert (scrypt["cost_parameter"].native, scrypt["block_size"].native) == (2**17, 8)
    assert pbes2["encryption_scheme"]["algorithm"].native == "aes256_cbc"
    key = serialization.load_pem_private_key(data, KEY_PASSPHRASE.encode())
    public = key.public_key().public_bytes_raw()
    assert printed["public_key"] == b64u(public)
    assert printed["fingerprint"] == hpke.readable_fingerprint(hpke.fingerprint(public))
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("matching", "keygen", "--out", str(path), "--passphrase-file", str(passphrase_file))
    assert path.read_bytes() == data


def test_keygen_asks_the_passphrase_twice_and_refuses_a_short_one(tmp_path, monkeypatch):
    typed = iter(["a long passphrase of the office", "a long passphrase of the offices"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(typed))
    path = tmp_path / "counselor.key"
    with pytest.raises(CommandError, match="two passphrases are different") as refusal:
        call_command("matching", "keygen", "--out", str(path))
    assert refusal.value.returncode == 2
    assert not path.exists()

    typed = iter(["short words", "short words"])
    with pytest.raises(CommandError, match="at least 15 characters"):
        call_command("matching", "keygen", "--out", str(path))
    assert not path.exists()

    typed = iter([KEY_PASSPHRASE, KEY_PASSPHRASE])
    call_command("matching", "keygen", "--out", str(path), stdout=io.StringIO())
    assert serialization.load_pem_private_key(path.read_bytes(), KEY_PASSPHRASE.encode())


def test_set_key_needs_the_fingerprint_the_counselor_read(db, tmp_path, passphrase_file):
    printed = keygen(tmp_path / "counselor.key", passphrase_file)
    with pytest.raises(CommandError, match="does not match"):
        call_command("matching", "set-key", printed["public_key"], "--fingerprint", "0" * 32)
    assert CounselorKey.objects.count() == 0
    call_command("matching", "set-key", printed["public_key"], "--fingerprint", printed["fingerprint"])
    fingerprint = printed["fingerprint"].replace(" ", "")
    assert CounselorKey.objects.current().fingerprint == fingerprint
    assert CounselorAction.objects.filter(action="key_set", key_fingerprint=fingerprint).exists()


def test_set_key_takes_a_key_that_starts_with_a_dash_after_two_dashes(db):
    """One key in 64 starts with "-" in base64url: COUNSELORS.md's command puts `--` before it."""
    public = next(
        b64u(pub)
        for ikm in range(1000)
        if b64u(pub := hpke.derive_key_pair(bytes([ikm]) * 32)[1]).startswith("-")
    )
    fingerprint = hpke.readable_fingerprint(hpke.fingerprint(from_b64u(public)))
    call_command("matching", "set-key", "--fingerprint", fingerprint, "--", public, stdout=io.StringIO())
    assert CounselorKey.objects.current().fingerprint == fingerprint.replace(" ", "")


def test_an_administrator_appoints_and_removes_a_counselor(db):
    member = make_member("lawyer")
    call_command("matching", "counselor", "add", "Lawyer")
    assert Counselor.objects.filter(member=member).exists()
    call_command("matching", "counselor", "remove", "lawyer")
    assert not Counselor.objects.exists()
    with pytest.raises(CommandError):
        call_command("matching", "counselor", "remove", "lawyer")
    assert list(CounselorAction.objects.order_by("id").values_list("action", flat=True)) == [
        "appointed",
        "removed",
    ]


def test_counselors_are_told_a_count_and_nothing_else(survivor_a, survivor_b, counselor_member, smtp):  # noqa: F811
    survivor_a.enter([Typed("email", "Boss.Man+work@gmail.com")], what="the words only they wrote")
    assert services.notify_counselors().sent == 0  # one person named: nothing to tell
    survivor_b.enter([Typed("email", "bossman@googlemail.com")])

    call_command("matching", "notify")
    [message] = smtp.to("counselor@lawfirm.example")
    assert "1 new match" in message.body
    for secret in ("bossman", "boss.man", "gmail", "the words only they wrote", "survivor_a", "survivor_b"):
        assert secret not in message.body.lower()
    assert "/matching/counselor/" in message.body
    # Told once: nothing new, no second message.
    call_command("matching", "notify")
    assert len(smtp.to("counselor@lawfirm.example")) == 1
    assert smtp.to("survivor_a@example.org") == []


def test_the_export_page_is_for_counselors_only(survivor_a, counselor_member):
    assert survivor_a.client.get("/matching/counselor/").status_code == 403
    page = logged_in_client(counselor_member).get("/matching/counselor/")
    assert page.status_code == 200
    fingerprint = hpke.readable_fingerprint(CounselorKey.objects.current().fingerprint)
    assert fingerprint in page.content.decode()


def test_the_export_needs_the_passphrase_again_and_is_audited(survivor_a, survivor_b, counselor_member):
    survivor_a.enter([Typed("x", "@the_boss")])
    survivor_b.enter([Typed("x", "x.com/The_Boss")])
    client = logged_in_client(counselor_member)

    wrong = client.post("/matching/counselor/", {"passphrase": "not it at all"})
    assert wrong.status_code == 400
    assert "This is not your passphrase." in wrong.content.decode()
    assert not CounselorAction.objects.filter(action="exported").exists()

    response = client.post("/matching/counselor/", {"passphrase": PASSPHRASE})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    export = json.loads(response.content)
    assert len(export["shares"]) == 2
    [logged] = CounselorAction.objects.filter(action="exported")
    assert (logged.actor, logged.matches, logged.entries) == (counselor_member, 1, 2)


@pytest.fixture
def export_of_a_match(survivor_a, survivor_b, counselor_member, tmp_path):
    survivor_a.enter([Typed("bluesky", "@coach.bsky.social")], what="At the club", on_match="do_not_contact")
    survivor_b.enter([Typed("bluesky", "https://bsky.app/profile/Coach.bsky.social")], what="At camp")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(services.export_for(counselor_member)))
    return export


def test_the_open_command_prints_matches_and_refuses_a_wrong_key(
    export_of_a_match, tmp_path, passphrase_file, capsys
):
    export = export_of_a_match
    right = tmp_path / "right.key"
    keyfile.write_new(right, COUNSELOR_PRIVATE, KEY_PASSPHRASE)
    opening = ["matching", "open", "--key", str(right), "--export", str(export)]
    call_command(*opening, "--passphrase-file", str(passphrase_file))
    printed = capsys.readouterr().out
    assert "1 match(es) opened" in printed
    assert "2 people named the same person" in printed
    assert "At the club" in printed and "At camp" in printed
    assert "count me, but do not contact me" in printed

    out = tmp_path / "opened"
    call_command(*opening, "--passphrase-file", str(passphrase_file), "--out", str(out))
    [written] = list(out.iterdir())
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text())["people"] == 2

    wrong = tmp_path / "wrong.key"
    keyfile.write_new(wrong, hpke.generate_key_pair()[0], KEY_PASSPHRASE)
    with pytest.raises(CommandError, match="not the counselors' key") as refusal:
        call_command(
            "matching",
            "open",
            "--key",
            str(wrong),
            "--export",
            str(export),
            "--passphrase-file",
            str(passphrase_file),
        )
    assert refusal.value.returncode == 2

    right.chmod(0o644)
    with pytest.raises(CommandError, match="chmod 600"):
        call_command(*opening, "--passphrase-file", str(passphrase_file))


def test_open_asks_the_passphrase_and_refuses_a_wrong_one(export_of_a_match, tmp_path, monkeypatch, capsys):
    key = tmp_path / "counselor.key"
    keyfile.write_new(key, COUNSELOR_PRIVATE, KEY_PASSPHRASE)
    opening = ["matching", "open", "--key", str(key), "--export", str(export_of_a_match)]

    monkeypatch.setattr("getpass.getpass", lambda prompt: "a long passphrase of the other office")
    with pytest.raises(CommandError, match="This passphrase does not open") as refusal:
        call_command(*opening)
    assert refusal.value.returncode == 2
    assert capsys.readouterr().out == ""  # nothing opened, nothing printed

    monkeypatch.setattr("getpass.getpass", lambda prompt: KEY_PASSPHRASE)
    call_command(*opening)
    assert "1 match(es) opened" in capsys.readouterr().out


def test_a_wrong_passphrase_is_a_clean_error_where_the_counselor_runs_the_tool(tmp_path):
    """As the counselor runs it, in a process of its own: a message and status 2, no traceback."""
    key = tmp_path / "counselor.key"
    keyfile.write_new(key, COUNSELOR_PRIVATE, KEY_PASSPHRASE)
    (tmp_path / "export.json").write_text("{}")
    (tmp_path / "wrong").write_text("a long passphrase of the other office\n")
    arguments = ["--key", str(key), "--export", str(tmp_path / "export.json")]
    opened = subprocess.run(
        [
            sys.executable,
            "-m",
            "ustoo",
            "matching",
            "open",
            *arguments,
            "--passphrase-file",
            str(tmp_path / "wrong"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert opened.returncode == 2
    assert f"This passphrase does not open {key}" in opened.stderr
    assert "Traceback" not in opened.stderr
    assert opened.stdout == ""


def legacy_key_file(path, private: bytes, public: bytes):
    """A key file as keygen wrote them before passphrases: the private key in clear, in JSON."""
    path.write_text(
        json.dumps(
            {
                "format": "ustoo-matching-counselor-key",
                "v": 1,
                "private_key": b64u(private),
                "public_key": b64u(public),
            }
        )
    )
    path.chmod(0o600)
    return path


def test_a_key_file_without_passphrase_is_used_only_when_asked_with_a_warning(
    export_of_a_match, tmp_path, capsys
):
    key = legacy_key_file(tmp_path / "old.key", COUNSELOR_PRIVATE, COUNSELOR_PUBLIC)
    opening = ["matching", "open", "--key", str(key), "--export", str(export_of_a_match)]
    with pytest.raises(CommandError, match="has no passphrase") as refusal:
        call_command(*opening)
    assert refusal.value.returncode == 2
    assert f"ustoo matching protect-key --key {key}" in str(refusal.value)
    assert capsys.readouterr().out == ""

    call_command(*opening, "--allow-unprotected-key")
    printed = capsys.readouterr()
    assert "1 match(es) opened" in printed.out
    assert "Warning:" in printed.err and f"ustoo matching protect-key --key {key}" in printed.err


def test_protect_key_puts_a_passphrase_on_an_old_key_file_in_place(
    export_of_a_match, tmp_path, passphrase_file, monkeypatch, capsys
):
    key = legacy_key_file(tmp_path / "old.key", COUNSELOR_PRIVATE, COUNSELOR_PUBLIC)
    before = key.read_bytes()
    monkeypatch.setattr("getpass.getpass", lambda prompt: "too short")
    with pytest.raises(CommandError, match="at least 15 characters"):
        call_command("matching", "protect-key", "--key", str(key))
    assert key.read_bytes() == before

    monkeypatch.setattr("sys.stdin", io.StringIO(KEY_PASSPHRASE + "\n"))
    call_command("matching", "protect-key", "--key", str(key), "--passphrase-file", "-")
    assert "Copies of the old file" in capsys.readouterr().out
    data = key.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----\n")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary file left
    opened = serialization.load_pem_private_key(data, KEY_PASSPHRASE.encode())
    assert opened.private_bytes_raw() == COUNSELOR_PRIVATE

    call_command(
        "matching",
        "open",
        "--key",
        str(key),
        "--export",
        str(export_of_a_match),
        "--passphrase-file",
        str(passphrase_file),
    )
    assert "1 match(es) opened" in capsys.readouterr().out
    with pytest.raises(CommandError, match="protected by a passphrase already"):
        call_command("matching", "protect-key", "--key", str(key), "--passphrase-file", str(passphrase_file))
    assert key.read_bytes() == data
