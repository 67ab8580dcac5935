"""Every endpoint of the journal's API, through HTTP, as the browser uses it (PROTOCOL.md)."""

import datetime
import hashlib
import json
import secrets

import pytest
from cryptography import x509
from django.utils import timezone

from ustoo.journal import log, merkle, timestamps
from ustoo.journal.models import Access, Attachment, Entry, Journal, LogLeaf, TreeHead
from ustoo.journal.tests.protocol import (
    API,
    Secret,
    Writer,
    from_b64u,
    master_from_codename,
    master_from_recovery_key,
    open_entry,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _publish():
    return log.publish_head(at_least_every=DAY).head


def test_a_journal_is_made_with_its_ways_in_and_keeps_only_hmacs_of_them(client):
    codename = Secret.from_master(master_from_codename("apple  Banana-cherry date elder fig grape", "pass"))
    recovery = Secret.from_master(master_from_recovery_key(secrets.token_bytes(20)))
    writer = Writer(secret=codename).create(recovery)
    assert Journal.objects.count() == 1 and Access.objects.count() == 2
    stored = b"".join(bytes(a.lookup_hash) + bytes(a.wrapped_key) for a in Access.objects.all())
    for secret in (codename, recovery):
        assert from_b64u(secret.lookup) not in stored and secret.lookup.encode() not in stored
    # Either secret opens it, and unwraps the same journal key.
    for secret in (codename, recovery):
        opened = writer.client.post(
            f"{API}/open", data="{}", content_type="application/json", headers=secret.header
        )
        assert opened.status_code == 200
        assert secret.unwrap(opened.json()["wrapped_key"]) == writer.journal_key
    assert opened["Cache-Control"] == "no-store"


def test_the_same_codename_typed_differently_opens_the_same_journal():
    Writer(
        secret=Secret.from_master(master_from_codename("apple banana cherry date elder fig grape"))
    ).create()
    retyped = Secret.from_master(master_from_codename("  APPLE-banana_cherry.date, elder;fig:grape "))
    response = Writer(secret=retyped).post("open")
    assert response.status_code == 200


def test_open_gives_every_entry_and_attachment_as_ciphertext(writer):
    photo = writer.upload(b"\xff\xd8" + secrets.token_bytes(70_000))
    writer.write("First.", attachments=[photo])
    writer.write("Second.")
    loose = writer.upload(b"not named yet")
    opened = writer.post("open").json()
    assert [e["seq"] for e in opened["entries"]] == [1, 2]
    first, second = opened["entries"]
    assert first["attachments"] == [photo["id"]] and second["attachments"] == []
    assert first["commitment"] == writer.written[0].commitment
    assert open_entry(writer.journal_key, from_b64u(first["ciphertext"])) == writer.written[0].committed
    assert [first["leaf_index"], second["leaf_index"]] == [0, 1]
    assert timestamps.token_of(from_b64u(first["token"])) == bytes(LogLeaf.objects.get(index=0).token)
    sizes = {a["id"]: a["size"] for a in opened["attachments"]}
    assert set(sizes) == {photo["id"], loose["id"]} and sizes[photo["id"]] == 12 + 2 * 65536 + 16


def test_an_entry_is_time_stamped_and_its_token_verifies(writer, authority_dir):
    answer = writer.write("At 9:30 he said it again.")
    from ustoo.journal import authority

    deployment = authority.load(authority_dir)
    response = from_b64u(answer["token"])
    checked = timestamps.verify(
        response, digest=bytes.fromhex(writer.written[0].commitment), ca=deployment.ca, tsa=deployment.tsa
    )
    assert checked.serial == answer["leaf_index"] + 1
    assert answer["time"].endswith("Z") and datetime.datetime.fromisoformat(answer["time"]) == checked.time
    assert writer.post("open").json()["entries"][0]["time"] == answer["time"]
    assert abs(checked.time - timezone.now()) < datetime.timedelta(minutes=1)
    entry = Entry.objects.get()
    assert bytes(entry.commitment).hex() == writer.written[0].commitment
    assert bytes(entry.ciphertext) == writer.written[0].ciphertext


def test_a_nonce_given_is_in_the_token(writer):
    first = writer.write()
    from ustoo.journal.tests.protocol import b64u, entry_body, seal_entry

    sealed = seal_entry(writer.journal_key, entry_body(2, writer.written[0].commitment))
    response = writer.post(
        "entries",
        {
            "seq": 2,
            "ciphertext": b64u(sealed.ciphertext),
            "commitment": sealed.commitment,
            "nonce": "0badc0ffee",
        },
    )
    assert response.status_code == 201 and first["leaf_index"] == 0
    from asn1crypto import tsp

    token = tsp.TimeStampResp.load(from_b64u(response.json()["token"]))["time_stamp_token"]
    assert token["content"]["encap_content_info"]["content"].parsed["nonce"].native == 0x0BADC0FFEE


def test_a_replayed_entry_is_refused_and_changes_nothing(writer):
    writer.write("The original.")
    first = writer.written[0]
    from ustoo.journal.tests.protocol import b64u

    replay = {"seq": 1, "ciphertext": b64u(first.ciphertext), "commitment": first.commitment}
    response = writer.post("entries", replay)
    assert response.status_code == 409
    assert response.json()["next_seq"] == 2 and "seq" in response.json()["fields"]
    assert Entry.objects.count() == 1 and LogLeaf.objects.count() == 1
    assert bytes(Entry.objects.get().ciphertext) == first.ciphertext


def test_an_entry_that_skips_a_number_is_refused(writer):
    writer.write()
    from ustoo.journal.tests.protocol import b64u, entry_body, seal_entry

    sealed = seal_entry(writer.journal_key, entry_body(3, ""))
    response = writer.post(
        "entries", {"seq": 3, "ciphertext": b64u(sealed.ciphertext), "commitment": sealed.commitment}
    )
    assert response.status_code == 422
    assert response.json()["next_seq"] == 2 and "seq" in response.json()["fields"]
    assert LogLeaf.objects.count() == 1


def test_an_attachment_is_kept_as_uploaded_and_read_only_through_its_journal(writer):
    photo = writer.upload(secrets.token_bytes(100_000))
    stored = writer.client.get(f"{API}/attachments/{photo['id']}", headers=writer.secret.header)
    assert stored.status_code == 200 and stored["Content-Type"] == "application/octet-stream"
    ciphertext = b"".join(stored.streaming_content)
    assert len(ciphertext) == Attachment.objects.get().size == 12 + 2 * 65536 + 16
    someone_else = Writer().create()
    other = someone_else.client.get(f"{API}/attachments/{photo['id']}", headers=someone_else.secret.header)
    assert other.status_code == 404
    missing = writer.client.get(f"{API}/attachments/{'0' * 32}", headers=writer.secret.header)
    assert missing.status_code == 404


def test_an_entry_names_only_attachments_of_its_journal(writer):
    someone_else = Writer().create()
    theirs = someone_else.upload(b"their file")
    from ustoo.journal.tests.protocol import b64u, entry_body, seal_entry

    sealed = seal_entry(writer.journal_key, entry_body(1, ""))
    response = writer.post(
        "entries",
        {
            "seq": 1,
            "ciphertext": b64u(sealed.ciphertext),
            "commitment": sealed.commitment,
            "attachments": [theirs["id"]],
        },
    )
    assert response.status_code == 422 and "attachments" in response.json()["fields"]
    assert Entry.objects.count() == 0 and LogLeaf.objects.count() == 0


def test_a_way_in_is_added_and_removed_but_never_the_last(writer):
    recovery = Secret.random()
    added = writer.post(
        "accesses", {"lookup": recovery.lookup, "wrapped_key": recovery.wrap(writer.journal_key)}
    )
    assert added.status_code == 201
    with_recovery = Writer(client=writer.client, secret=recovery)
    assert with_recovery.post("open").status_code == 200
    # The old passphrase goes: the request names it, and it is removed.
    removed = writer.client.delete(f"{API}/accesses/current", headers=writer.secret.header)
    assert removed.status_code == 204
    assert writer.post("open").status_code == 404
    last = writer.client.delete(f"{API}/accesses/current", headers=recovery.header)
    assert last.status_code == 409
    assert with_recovery.post("open").status_code == 200


def test_a_way_in_that_opens_a_journal_already_is_refused(writer):
    other = Writer().create()
    response = writer.post(
        "accesses", {"lookup": other.secret.lookup, "wrapped_key": other.secret.wrap(writer.journal_key)}
    )
    assert response.status_code == 409
    assert Access.objects.count() == 2


def test_proofs_lead_each_token_to_a_signed_tree_head(writer, authority_dir):
    writer.write()
    before = writer.client.get(f"{API}/proofs", headers=writer.secret.header).json()
    assert before["tree_head"] is None and before["proofs"] == [] and before["pending"] == [0]
    Writer().create().write()  # someone else's entry between ours
    writer.write()
    _publish()
    writer.write()  # after the head: pending
    answer = writer.client.get(f"{API}/proofs", headers=writer.secret.header).json()
    head = answer["tree_head"]
    assert head["tree_size"] == 3 and answer["pending"] == [3]
    log_certificate = x509.load_pem_x509_certificate(answer["certificates"]["log"].encode())
    assert log.head_signature_is_valid(
        {**head, "signature": from_b64u(head["signature"])}, log_certificate.public_key()
    )
    for proof in answer["proofs"]:
        leaf = merkle.leaf_hash(bytes(LogLeaf.objects.get(index=proof["leaf_index"]).token))
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        assert merkle.verify_inclusion(
            leaf, proof["leaf_index"], head["tree_size"], path, bytes.fromhex(head["sha256_root_hash"])
        )
    assert [p["leaf_index"] for p in answer["proofs"]] == [0, 2]
    for name in ("ca", "tsa", "log"):
        assert answer["certificates"][name].startswith("-----BEGIN CERTIFICATE-----")


def test_deleting_a_journal_deletes_its_rows_and_files_and_keeps_the_public_log(
    writer, attachments_dir, django_capture_on_commit_callbacks
):
    kept = Writer().create()
    kept.write(attachments=[kept.upload(b"someone else's")])
    writer.write(attachments=[writer.upload(secrets.token_bytes(5000))])
    writer.upload(b"loose")
    assert len(list(attachments_dir.iterdir())) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = writer.client.delete(f"{API}/journals/current", headers=writer.secret.header)
    assert response.status_code == 204
    assert Journal.objects.count() == 1 and Access.objects.count() == 1
    assert Entry.objects.count() == 1 and Attachment.objects.count() == 1
    assert [p.name for p in attachments_dir.iterdir()] == [Attachment.objects.get().pk]
    assert LogLeaf.objects.count() == 2  # the tokens stay: they hold only commitments
    assert writer.post("open").status_code == 404
    assert kept.post("open").status_code == 200


def test_the_published_heads_are_listed_newest_first_and_each_verifies(writer):
    writer.write()
    first = _publish()
    writer.write()
    writer.write()
    second = _publish()
    answer = writer.client.get(f"{API}/log/heads").json()
    heads = answer["heads"]
    assert answer["next"] is None
    assert [h["tree_size"] for h in heads] == [3, 1]
    assert [h["sha256_root_hash"] for h in heads] == [
        bytes(second.root_hash).hex(),
        bytes(first.root_hash).hex(),
    ]
    leaves = [bytes(leaf.leaf_hash) for leaf in LogLeaf.objects.order_by("index")]
    assert heads[0]["sha256_root_hash"] == merkle.tree_hash(leaves).hex()
    assert heads[1]["sha256_root_hash"] == merkle.tree_hash(leaves[:1]).hex()


def _heads_at_sizes(writer, sizes):
    """A head published at each size, and a day-later head of the same size where a size repeats."""
    now = timezone.now()
    for size in sizes:
        while LogLeaf.objects.count() < size:
            writer.write()
        now += DAY
        log.publish_head(now=now, at_least_every=DAY)


def test_the_heads_come_a_page_at_a_time_newest_first_each_once(writer, monkeypatch):
    monkeypatch.setattr("ustoo.journal.api.HEADS_PER_PAGE", 2)
    _heads_at_sizes(writer, [1, 2, 2, 3, 5])
    pages, before = [], None
    while True:
        answer = writer.client.get(f"{API}/log/heads", {"before": before} if before else {})
        assert answer.status_code == 200
        pages.append([(h["tree_size"], h["timestamp"]) for h in answer.json()["heads"]])
        before = answer.json()["next"]
        if before is None:
            break
    assert [len(page) for page in pages] == [2, 2, 1]
    shown = [head for page in pages for head in page]
    expected = list(
        TreeHead.objects.order_by("-tree_size", "-timestamp").values_list("tree_size", "timestamp")
    )
    assert shown == expected and [size for size, _ in shown] == [5, 3, 2, 2, 1]


def test_a_page_token_stays_good_while_newer_heads_are_published(writer, monkeypatch):
    monkeypatch.setattr("ustoo.journal.api.HEADS_PER_PAGE", 2)
    _heads_at_sizes(writer, [1, 2, 3])
    first = writer.client.get(f"{API}/log/heads").json()
    writer.write()
    log.publish_head(now=timezone.now() + 10 * DAY, at_least_every=DAY)
    older = writer.client.get(f"{API}/log/heads", {"before": first["next"]}).json()
    assert [h["tree_size"] for h in older["heads"]] == [1] and older["next"] is None


def test_the_newest_page_holds_at_most_a_hundred_heads(writer):
    _heads_at_sizes(writer, [1] * 101)
    answer = writer.client.get(f"{API}/log/heads").json()
    assert len(answer["heads"]) == 100 and answer["next"]
    rest = writer.client.get(f"{API}/log/heads", {"before": answer["next"]}).json()
    assert len(rest["heads"]) == 1 and rest["next"] is None


@pytest.mark.parametrize(("token", "status"), [("99999", 400), ("abc", 422), ("0", 422), ("", 422)])
def test_a_page_token_that_is_not_ours_is_refused_naming_it(writer, token, status):
    writer.write()
    _publish()
    answer = writer.client.get(f"{API}/log/heads", {"before": token})
    assert answer.status_code == status
    assert "before" in answer.json()["fields"]


def test_a_consistency_proof_links_two_heads(writer):
    for _ in range(3):
        writer.write()
    old = _publish()
    for _ in range(4):
        writer.write()
    new = _publish()
    response = writer.client.get(f"{API}/log/consistency", {"first": 3, "second": 7})
    proof = [bytes.fromhex(h) for h in response.json()["proof"]]
    assert merkle.verify_consistency(3, 7, bytes(old.root_hash), bytes(new.root_hash), proof)
    beyond = writer.client.get(f"{API}/log/consistency", {"first": 3, "second": 8})
    assert beyond.status_code == 422 and "second" in beyond.json()["fields"]
    backwards = writer.client.get(f"{API}/log/consistency", {"first": 5, "second": 3})
    assert backwards.status_code == 422 and "first" in backwards.json()["fields"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("post", "open", None),
        ("post", "entries", {"seq": 1, "ciphertext": "AAAA", "commitment": "0" * 64}),
        ("get", "proofs", None),
        ("post", "accesses", {"lookup": "A" * 43, "wrapped_key": "A" * 80}),
        ("delete", "journals/current", None),
        ("get", f"attachments/{'a' * 32}", None),
    ],
)
def test_an_unknown_journal_and_a_wrong_passphrase_get_byte_identical_answers(client, method, path, body):
    codename = "apple banana cherry date elder fig grape"
    Writer(secret=Secret.from_master(master_from_codename(codename, "right"))).create()
    wrong = Secret.from_master(master_from_codename(codename, "wrong"))
    unknown = Secret.from_master(master_from_codename("kiwi lemon mango nut olive pear quince", "right"))
    answers = []
    for secret in (wrong, unknown):
        kwargs = {"headers": secret.header}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        response = getattr(client, method)(f"{API}/{path}", **kwargs)
        answers.append((response.status_code, response.content, sorted(response.headers.items())))
    assert answers[0][0] == 404
    assert answers[0] == answers[1]


def test_the_server_never_holds_a_plaintext_canary(writer):
    """The browser sends ciphertext and commitments only: nothing the person typed reaches a row."""
    canary = "canary-" + secrets.token_hex(8)
    writer.write(f"He said {canary} at the door.", where=canary)
    rows = [bytes(e.ciphertext) + bytes(e.commitment) for e in Entry.objects.all()]
    rows += [bytes(leaf.token) for leaf in LogLeaf.objects.all()]
    assert all(canary.encode() not in row for row in rows)
    assert hashlib.sha256(writer.written[0].committed).hexdigest() == writer.written[0].commitment
    assert TreeHead.objects.count() == 0
