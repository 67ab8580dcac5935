"""The append-only log of time-stamp tokens and its signed tree heads (RFC 6962 §2.1 and §3.5).

Every token issued is appended, in the same transaction as the entry it stamps, at the next leaf
index. The hashes of perfect subtrees are stored when a head is published, so a root, an audit path
or a consistency proof is read from a handful of stored hashes. Proofs are given against published
heads only: a leaf issued after the newest head is "pending" until the next one."""

import datetime
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from ustoo.journal import authority, merkle, timestamps
from ustoo.journal.models import LogLeaf, LogNode, LogSize, TreeHead

# How many child hashes are read at once while the stored subtrees catch up with the log.
_BATCH = 8192


def issue_token(*, commitment: bytes, nonce: int | None = None) -> tuple[LogLeaf, timestamps.Issued]:
    """Sign a token for `commitment` and append it to the log. Call inside the transaction that stores
    what the token is for: if that fails, the token and its leaf index are never used."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a token is issued inside the transaction that keeps it")
    counter, _ = LogSize.objects.select_for_update().get_or_create(pk=1)
    index = counter.size
    issued = timestamps.issue(authority.current(), commitment=commitment, serial=index + 1, nonce=nonce)
    leaf = LogLeaf(index=index, token=issued.token, leaf_hash=merkle.leaf_hash(issued.token))
    leaf.save()
    LogSize.objects.filter(pk=1).update(size=index + 1)
    return leaf, issued


# The TreeHeadSignature of RFC 6962 §3.5: version v1 (0), signature_type tree_hash (1), the timestamp
# and the tree size as uint64, then the 32-byte root.
_TREE_HEAD = struct.Struct(">BBQQ32s")


def tree_head_bytes(*, tree_size: int, timestamp: int, root_hash: bytes) -> bytes:
    return _TREE_HEAD.pack(0, 1, timestamp, tree_size, root_hash)


def head_signature_is_valid(head: dict, public_key: ec.EllipticCurvePublicKey) -> bool:
    """`head` as the API gives it: {tree_size, timestamp, sha256_root_hash (hex), signature (bytes)}."""
    signed = tree_head_bytes(
        tree_size=head["tree_size"],
        timestamp=head["timestamp"],
        root_hash=bytes.fromhex(head["sha256_root_hash"]),
    )
    try:
        public_key.verify(head["signature"], signed, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True)
class Published:
    head: TreeHead | None
    grown: bool


def publish_head(*, now: datetime.datetime | None = None, at_least_every: datetime.timedelta) -> Published:
    """Sign a tree head of the whole log as it is, when it grew since the last head or the last is
    older than `at_least_every` (so a head a day says the log is still kept, even when nothing was
    written). Nothing for an empty log."""
    now = now or timezone.now()
    size = LogSize.objects.filter(pk=1).values_list("size", flat=True).first() or 0
    last = TreeHead.objects.first()
    if size == 0 or (last and last.tree_size == size and _ms(now) - last.timestamp < _ms_of(at_least_every)):
        return Published(head=None, grown=False)
    _store_subtrees(size)
    root = _range_hash(0, size, _hashes_for([(0, size)]))
    timestamp = _ms(now)
    signature = authority.current().log_key.sign(
        tree_head_bytes(tree_size=size, timestamp=timestamp, root_hash=root), ec.ECDSA(hashes.SHA256())
    )
    head = TreeHead(tree_size=size, timestamp=timestamp, root_hash=root, signature=signature)
    head.save()
    return Published(head=head, grown=last is None or last.tree_size != size)


def latest_head() -> TreeHead | None:
    return TreeHead.objects.first()


def published_heads():
    """Every head ever published, newest first."""
    return TreeHead.objects.all()


@dataclass(frozen=True)
class HeadsPage:
    heads: list[TreeHead]
    next_after: TreeHead | None  # the last head shown, when older ones follow


def heads_page(*, size: int, after: TreeHead | None = None) -> HeadsPage:
    """The published heads newest first, `size` at a time, from the one after `after` (a keyset: heads
    are never deleted, so a page token stays good however many heads are published meanwhile)."""
    heads = TreeHead.objects.order_by("-tree_size", "-timestamp", "-pk")
    if after is not None:
        heads = heads.filter(
            Q(tree_size__lt=after.tree_size)
            | Q(tree_size=after.tree_size, timestamp__lt=after.timestamp)
            | Q(tree_size=after.tree_size, timestamp=after.timestamp, pk__lt=after.pk)
        )
    # One more than shown, to know whether an older page exists.
    found = list(heads[: size + 1])
    page = found[:size]
    return HeadsPage(heads=page, next_after=page[-1] if len(found) > size else None)


def audit_paths(indexes: list[int], tree_size: int) -> dict[int, list[bytes]]:
    """The audit path of each leaf index (< tree_size) in the tree of `tree_size` leaves."""
    ranges = {index: merkle.inclusion_ranges(index, tree_size) for index in indexes}
    hashes = _hashes_for([part for path in ranges.values() for part in path])
    return {index: [_range_hash(*part, hashes) for part in path] for index, path in ranges.items()}


def consistency_proof(first: int, second: int) -> list[bytes]:
    """RFC 6962's PROOF(first, D[second]); both sizes at most that of the newest published head."""
    ranges = merkle.consistency_ranges(first, second)
    hashes = _hashes_for(ranges)
    return [_range_hash(*part, hashes) for part in ranges]


def _range_hash(start: int, end: int, hashes: dict[merkle.Node, bytes]) -> bytes:
    return merkle.fold_parts([hashes[part] for part in merkle.range_parts(start, end)])


def _hashes_for(ranges: list[merkle.Range]) -> dict[merkle.Node, bytes]:
    """The stored hashes of the perfect subtrees that make `ranges`, read level by level."""
    wanted: dict[int, set[int]] = {}
    for start, end in ranges:
        for level, index in merkle.range_parts(start, end):
            wanted.setdefault(level, set()).add(index)
    found: dict[merkle.Node, bytes] = {}
    for level, indexes in wanted.items():
        if level == 0:
            rows = LogLeaf.objects.filter(index__in=indexes).values_list("index", "leaf_hash")
        else:
            rows = LogNode.objects.filter(level=level, index__in=indexes).values_list("index", "hash")
        found.update(((level, index), bytes(value)) for index, value in rows)
    return found


def _store_subtrees(size: int) -> None:
    """Store every perfect subtree of the first `size` leaves not stored yet, lowest level first."""
    level = 1
    while size >> level:
        wanted = size >> level
        for first in range(_stored(level), wanted, _BATCH):
            last = min(wanted, first + _BATCH)
            children = _children(level - 1, 2 * first, 2 * last)
            # Two publishers at once (cron beside `make run`'s loop) store the same hashes: the second
            # one's are the same bytes, and are left out.
            LogNode.objects.bulk_create(
                [
                    LogNode(level=level, index=i, hash=merkle.node_hash(children[2 * i], children[2 * i + 1]))
                    for i in range(first, last)
                ],
                ignore_conflicts=True,
            )
        level += 1


def _stored(level: int) -> int:
    highest = LogNode.objects.filter(level=level).aggregate(highest=Max("index"))["highest"]
    return 0 if highest is None else highest + 1


def _children(level: int, first: int, last: int) -> dict[int, bytes]:
    if level == 0:
        rows = LogLeaf.objects.filter(index__gte=first, index__lt=last).values_list("index", "leaf_hash")
    else:
        rows = LogNode.objects.filter(level=level, index__gte=first, index__lt=last).values_list(
            "index", "hash"
        )
    return {index: bytes(value) for index, value in rows}


def _ms(moment: datetime.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _ms_of(duration: datetime.timedelta) -> int:
    return int(duration.total_seconds() * 1000)
