"""The counselors' side: the key ceremony's commands, notification by e-mail (a count only, through a
real SMTP server on loopback), the export page and its audit log, and `ustoo matching open`."""

import json
import stat

import pytest
from django.core.management import CommandError, call_command

from ustoo.campaigns.tests.conftest import smtp  # noqa: F401 (the loopback SMTP server fixture)
from ustoo.conftest import PASSPHRASE, logged_in_client, make_member
from ustoo.matching import hpke, services
from ustoo.matching.models import Counselor, CounselorAction, CounselorKey
from ustoo.matching.tests.client import Typed, from_b64u


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path, capsys):
    path = tmp_path / "counselor.key"
    call_command("matching", "keygen", "--out", str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    document = json.loads(path.read_text())
    printed = capsys.readouterr().out
    assert document["public_key"] in printed
    assert document["private_key"] not in printed
    assert hpke.public_key_of(from_b64u(document["private_key"])) == from_b64u(document["public_key"])
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("matching", "keygen", "--out", str(path))


def test_set_key_needs_the_fingerprint_the_counselor_read(db, tmp_path):
    path = tmp_path / "counselor.key"
    call_command("matching", "keygen", "--out", str(path))
    document = json.loads(path.read_text())
    with pytest.raises(CommandError, match="does not match"):
        call_command("matching", "set-key", document["public_key"], "--fingerprint", "0" * 32)
    assert CounselorKey.objects.count() == 0
    readable = hpke.readable_fingerprint(document["fingerprint"])
    call_command("matching", "set-key", document["public_key"], "--fingerprint", readable)
    assert CounselorKey.objects.current().fingerprint == document["fingerprint"]
    assert CounselorAction.objects.filter(action="key_set", key_fingerprint=document["fingerprint"]).exists()


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


def test_the_open_command_prints_matches_and_refuses_a_wrong_key(
    survivor_a, survivor_b, counselor_member, tmp_path, capsys
):
    from ustoo.matching.counselor_tool import KEY_FORMAT
    from ustoo.matching.tests.client import b64u
    from ustoo.matching.tests.conftest import COUNSELOR_PRIVATE, COUNSELOR_PUBLIC

    survivor_a.enter([Typed("bluesky", "@coach.bsky.social")], what="At the club", on_match="do_not_contact")
    survivor_b.enter([Typed("bluesky", "https://bsky.app/profile/Coach.bsky.social")], what="At camp")
    export = tmp_path / "export.json"
    export.write_text(json.dumps(services.export_for(counselor_member)))

    def key_file(name: str, private: bytes, public: bytes):
        path = tmp_path / name
        path.write_text(
            json.dumps(
                {"format": KEY_FORMAT, "v": 1, "private_key": b64u(private), "public_key": b64u(public)}
            )
        )
        path.chmod(0o600)
        return path

    right = key_file("right.key", COUNSELOR_PRIVATE, COUNSELOR_PUBLIC)
    call_command("matching", "open", "--key", str(right), "--export", str(export))
    printed = capsys.readouterr().out
    assert "1 match(es) opened" in printed
    assert "2 people named the same person" in printed
    assert "At the club" in printed and "At camp" in printed
    assert "count me, but do not contact me" in printed

    out = tmp_path / "opened"
    call_command("matching", "open", "--key", str(right), "--export", str(export), "--out", str(out))
    [written] = list(out.iterdir())
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert json.loads(written.read_text())["people"] == 2

    wrong = key_file("wrong.key", *hpke.generate_key_pair())
    with pytest.raises(CommandError, match="not the counselors' key") as refusal:
        call_command("matching", "open", "--key", str(wrong), "--export", str(export))
    assert refusal.value.returncode == 2

    right.chmod(0o644)
    with pytest.raises(CommandError, match="chmod 600"):
        call_command("matching", "open", "--key", str(right), "--export", str(export))
