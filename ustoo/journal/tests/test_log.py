"""The log: tokens appended at consecutive leaf indexes however many are issued at once, tree heads
signed over the RFC 6962 root of the stored subtrees, proofs against them, and rows that never change."""

import datetime
import itertools
import secrets
import threading

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.management import call_command
from django.db import connection, transaction

from ustoo.core.audit import AppendOnlyError
from ustoo.journal import authority, log, merkle
from ustoo.journal.models import LogLeaf, LogNode, TreeHead
from ustoo.journal.tests.protocol import Writer

DAY = datetime.timedelta(days=1)


def _issue(count: int) -> None:
    for _ in range(count):
        with transaction.atomic():
            log.issue_token(commitment=secrets.token_bytes(32))


def _leaves() -> list[bytes]:
    return [bytes(leaf.leaf_hash) for leaf in LogLeaf.objects.order_by("index")]


@pytest.mark.django_db
def test_each_head_signs_the_rfc_6962_root_of_every_token_so_far(authority_dir):
    deployment = authority.load(authority_dir)
    sizes = []
    for grow in (1, 1, 2, 3, 9, 17, 31):
        _issue(grow)
        head = log.publish_head(at_least_every=DAY).head
        leaves = _leaves()
        assert head.tree_size == len(leaves)
        assert bytes(head.root_hash) == merkle.tree_hash(leaves)
        signed = log.tree_head_bytes(
            tree_size=head.tree_size, timestamp=head.timestamp, root_hash=bytes(head.root_hash)
        )
        assert len(signed) == 50 and signed[:2] == b"\x00\x01"
        deployment.log.public_key().verify(bytes(head.signature), signed, ec.ECDSA(hashes.SHA256()))
        sizes.append(head.tree_size)
    # Every perfect subtree is stored once, and every proof against every head verifies.
    total = sizes[-1]
    assert LogNode.objects.count() == sum(total >> level for level in range(1, total.bit_length()))
    for head in TreeHead.objects.all():
        paths = log.audit_paths(list(range(head.tree_size)), head.tree_size)
        for index, path in paths.items():
            assert merkle.verify_inclusion(
                _leaves()[index], index, head.tree_size, path, bytes(head.root_hash)
            ), (index, head.tree_size)
    heads = list(TreeHead.objects.order_by("tree_size"))
    for old, new in itertools.pairwise(heads):
        proof = log.consistency_proof(old.tree_size, new.tree_size)
        assert merkle.verify_consistency(
            old.tree_size, new.tree_size, bytes(old.root_hash), bytes(new.root_hash), proof
        )


@pytest.mark.django_db
def test_a_head_is_published_when_the_log_grew_or_a_day_after_the_last():
    assert log.publish_head(at_least_every=DAY).head is None  # an empty log
    _issue(2)
    first = log.publish_head(at_least_every=DAY)
    assert first.head is not None and first.grown
    assert log.publish_head(at_least_every=DAY).head is None
    later = datetime.datetime.fromtimestamp(first.head.timestamp / 1000, tz=datetime.UTC) + DAY
    again = log.publish_head(now=later, at_least_every=DAY)
    assert again.head.tree_size == 2 and not again.grown
    assert TreeHead.objects.count() == 2


@pytest.mark.django_db
def test_the_log_never_changes_or_loses_a_row():
    _issue(2)
    log.publish_head(at_least_every=DAY)
    leaf = LogLeaf.objects.first()
    for refused in (
        lambda: LogLeaf.objects.update(token=b""),
        lambda: LogLeaf.objects.all().delete(),
        leaf.delete,
        leaf.save,
        lambda: TreeHead.objects.all().delete(),
        TreeHead.objects.first().save,
        lambda: LogNode.objects.update(hash=b""),
    ):
        with pytest.raises(AppendOnlyError):
            refused()
    assert LogLeaf.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_token_is_issued_only_inside_the_transaction_that_keeps_it():
    with pytest.raises(RuntimeError):
        log.issue_token(commitment=bytes(32))
    assert LogLeaf.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_entries_written_at_once_get_consecutive_leaves_and_serials():
    writers = [Writer().create() for _ in range(6)]
    failures = []

    def write(writer: Writer) -> None:
        try:
            for _ in range(4):
                writer.write()
        except Exception as error:  # reported below, with the thread's error
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    from asn1crypto import cms

    indexes = list(LogLeaf.objects.order_by("index").values_list("index", flat=True))
    assert indexes == list(range(24))
    for leaf in LogLeaf.objects.all():
        info = cms.ContentInfo.load(bytes(leaf.token))["content"]["encap_content_info"]["content"].parsed
        assert info["serial_number"].native == leaf.index + 1


@pytest.mark.django_db
def test_the_command_publishes_a_head(capsys):
    _issue(3)
    call_command("journal", "publish-head")
    assert "tree head of 3 tokens" in capsys.readouterr().out
    call_command("journal", "publish-head")
    assert "nothing published" in capsys.readouterr().out
    assert TreeHead.objects.get().tree_size == 3
