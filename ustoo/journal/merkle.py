"""The Merkle tree of RFC 6962 §2.1 (the hashing Certificate Transparency uses), as pure functions.

The tree over n leaves is the RFC's: a leaf hashes as SHA-256(0x00 || data), an inner node as
SHA-256(0x01 || left || right), and the left subtree of n leaves holds the largest power of two
smaller than n. Proofs are computed as lists of *ranges* [start, end) of leaves whose subtree hashes
make the proof, so that the log (ustoo/journal/log.py) can fetch the hashes it has stored for them in
one go instead of recomputing the tree; `range_parts` says which stored perfect subtrees a range is
made of. Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 (the same algorithms as RFC 6962,
written as loops). No library fitted: the maintained ones keep the tree in their own storage."""

import hashlib
from collections.abc import Sequence

Range = tuple[int, int]
Node = tuple[int, int]  # (level, index): the perfect subtree of leaves [index·2^level, (index+1)·2^level)


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size ≥ 2): the left subtree's size."""
    return 1 << ((size - 1).bit_length() - 1)


def tree_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH(D[n]) from the leaves' hashes, straight from the RFC's definition (for tests and small trees)."""
    if not leaf_hashes:
        return hashlib.sha256(b"").digest()
    if len(leaf_hashes) == 1:
        return leaf_hashes[0]
    k = _split(len(leaf_hashes))
    return node_hash(tree_hash(leaf_hashes[:k]), tree_hash(leaf_hashes[k:]))


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """PATH(index, D[size]) of RFC 6962 §2.1.1, as the ranges whose hashes make the audit path,
    from the leaf's sibling up to the root's other child."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    path.reverse()
    return path


def consistency_ranges(first: int, second: int) -> list[Range]:
    """PROOF(first, D[second]) of RFC 6962 §2.1.2, as ranges, in the RFC's order."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from {first} to {second}")
    proof: list[Range] = []
    start, end, whole = 0, second, True
    m = first
    while m != end - start:
        k = _split(end - start)
        if m <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            m -= k
            start += k
            whole = False
    if not whole:
        proof.append((start, end))
    proof.reverse()
    return proof


def range_parts(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make the range [start, end), largest first. Every range a proof
    names starts at a multiple of its left part's size, so the parts are aligned nodes."""
    parts = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start % (1 << level):
            raise ValueError(f"[{start}, {end}) is not a subtree of an RFC 6962 tree")
        parts.append((level, start >> level))
        start += 1 << level
    return parts


def fold_parts(hashes: Sequence[bytes]) -> bytes:
    """The hash of a range from its parts' hashes (largest first): MTH(D[k:n]) = H(part, MTH(rest))."""
    result = hashes[-1]
    for part in reversed(hashes[:-1]):
        result = node_hash(part, result)
    return result


def verify_inclusion(leaf: bytes, index: int, size: int, path: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: is the leaf hash `leaf` at `index` in the tree of `size` whose hash is `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, result = index, size - 1, leaf
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            result = node_hash(result, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and result == root


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: is the tree of `first` leaves a prefix of the tree of `second` leaves?"""
    if not 0 < first <= second:
        return False
    if first == second:
        return not proof and first_root == second_root
    if not proof:
        return False
    path = list(proof)
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new tree
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == first_root and sr == second_root and sn == 0
