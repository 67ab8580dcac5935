"""The Merkle tree against the published RFC 6962 test vectors, and proofs of every shape against the
RFC's definitions.

The vectors are Certificate Transparency's: the eight leaf inputs, the root of each tree size and the
node hashes are those of transparency-dev/merkle, testonly/constants.go (LeafInputs, RootHashes,
NodeHashes), and the proofs those of its testdata/inclusion/{1,2,3,4}/happy-path.json and
testdata/consistency/{1,2,3,4}/happy-path.json (the same vectors as google/certificate-transparency's
merkle tree tests). Bytes there are base64; here they are written in hex."""

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ustoo.journal import merkle

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (level, index) -> hash, from NodeHashes: every perfect subtree of the eight leaves.
NODES = {
    (0, 0): "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    (0, 1): "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
    (0, 2): "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
    (0, 3): "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
    (0, 4): "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    (0, 5): "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
    (0, 6): "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
    (0, 7): "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    (1, 0): "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    (1, 1): "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
    (1, 2): "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
    (1, 3): "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    (2, 0): "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    (2, 1): "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    (3, 0): "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}
INCLUSION = [  # (leaf index, tree size, audit path)
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
LEAVES = [merkle.leaf_hash(data) for data in LEAF_INPUTS]


def _hash_of(start: int, end: int) -> bytes:
    """A range's hash from the published node hashes, as the log computes it from its stored nodes."""
    return merkle.fold_parts([bytes.fromhex(NODES[part]) for part in merkle.range_parts(start, end)])


def test_leaf_and_node_hashes_are_the_published_ones():
    for (level, index), expected in NODES.items():
        size = 1 << level
        assert merkle.tree_hash(LEAVES[index * size : (index + 1) * size]).hex() == expected


@pytest.mark.parametrize("size", range(9))
def test_the_root_of_each_size_is_the_published_one(size):
    assert merkle.tree_hash(LEAVES[:size]).hex() == ROOTS[size]
    if size:
        assert _hash_of(0, size).hex() == ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), INCLUSION)
def test_inclusion_proofs_are_the_published_ones_and_verify(index, size, path):
    made = [_hash_of(*part) for part in merkle.inclusion_ranges(index, size)]
    assert [h.hex() for h in made] == path
    assert merkle.verify_inclusion(LEAVES[index], index, size, made, bytes.fromhex(ROOTS[size]))


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_proofs_are_the_published_ones_and_verify(first, second, proof):
    made = [_hash_of(*part) for part in merkle.consistency_ranges(first, second)]
    assert [h.hex() for h in made] == proof
    roots = bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
    assert merkle.verify_consistency(first, second, *roots, made)


def _flip(proof: list[bytes], which: int) -> list[bytes]:
    changed = bytearray(proof[which])
    changed[4] ^= 0x10
    return [*proof[:which], bytes(changed), *proof[which + 1 :]]


@pytest.mark.parametrize(("index", "size", "path"), [v for v in INCLUSION if v[2]])
def test_a_changed_inclusion_proof_does_not_verify(index, size, path):
    proof = [bytes.fromhex(h) for h in path]
    root = bytes.fromhex(ROOTS[size])
    wrong = [
        (LEAVES[index], index, size, _flip(proof, 0), root),
        (LEAVES[index], index, size, _flip(proof, len(proof) - 1), root),
        (LEAVES[index], index, size, proof[:-1], root),  # truncated
        (LEAVES[index], index, size, [*proof, proof[0]], root),  # trailing garbage
        (LEAVES[index], index, size, [root, *proof], root),  # preceding garbage
        (LEAVES[(index + 1) % 8], index, size, proof, root),  # another leaf
        (LEAVES[index], index ^ 1, size, proof, root),  # another index
        (LEAVES[index], index, size * 2, proof, root),  # another size
        (LEAVES[index], index, size, proof, bytes.fromhex(ROOTS[size - 1])),  # another root
        (LEAVES[index], size, size, proof, root),  # an index outside the tree
    ]
    for case in wrong:
        assert not merkle.verify_inclusion(*case)


@pytest.mark.parametrize(("first", "second", "proof"), [v for v in CONSISTENCY if v[2]])
def test_a_changed_consistency_proof_does_not_verify(first, second, proof):
    hashes = [bytes.fromhex(h) for h in proof]
    r1, r2 = bytes.fromhex(ROOTS[first]), bytes.fromhex(ROOTS[second])
    wrong = [
        (first, second, r1, r2, _flip(hashes, 0)),
        (first, second, r1, r2, _flip(hashes, len(hashes) - 1)),
        (first, second, r1, r2, hashes[:-1]),
        (first, second, r1, r2, [*hashes, hashes[0]]),
        (first, second, r1, r2, []),
        (first, second, r2, r1, hashes),  # swapped roots
        (first, second, r1, bytes.fromhex(ROOTS[second - 1]), hashes),
        (first + 1, second, r1, r2, hashes),
        (first, second * 2, r1, r2, hashes),
        (first, second // 2, r1, r2, hashes),
        (second + 1, second, r1, r2, hashes),
        (0, second, r1, r2, hashes),
    ]
    for case in wrong:
        assert not merkle.verify_consistency(*case)


def _random_leaves(count: int) -> list[bytes]:
    return [hashlib.sha256(i.to_bytes(8, "big")).digest() for i in range(count)]


def _range_hash(leaves: list[bytes], start: int, end: int) -> bytes:
    return merkle.tree_hash(leaves[start:end])


@given(st.integers(1, 300).flatmap(lambda size: st.tuples(st.just(size), st.integers(0, size - 1))))
def test_every_inclusion_proof_verifies_against_the_rfc_root(size_and_index):
    size, index = size_and_index
    leaves = _random_leaves(size)
    path = [_range_hash(leaves, *part) for part in merkle.inclusion_ranges(index, size)]
    assert merkle.verify_inclusion(leaves[index], index, size, path, merkle.tree_hash(leaves))
    # and the stored parts of every range fold to the range's own hash
    for start, end in merkle.inclusion_ranges(index, size):
        parts = merkle.range_parts(start, end)
        hashes = [_range_hash(leaves, i << level, (i + 1) << level) for level, i in parts]
        assert merkle.fold_parts(hashes) == _range_hash(leaves, start, end)


@given(st.integers(1, 300).flatmap(lambda second: st.tuples(st.integers(1, second), st.just(second))))
def test_every_consistency_proof_verifies_against_the_rfc_roots(sizes):
    first, second = sizes
    leaves = _random_leaves(second)
    proof = [_range_hash(leaves, *part) for part in merkle.consistency_ranges(first, second)]
    assert merkle.verify_consistency(
        first, second, merkle.tree_hash(leaves[:first]), merkle.tree_hash(leaves), proof
    )
    if first < second:  # a tree that is not a prefix
        other = [*leaves[: first - 1], hashlib.sha256(b"other").digest(), *leaves[first:]]
        assert not merkle.verify_consistency(
            first, second, merkle.tree_hash(other[:first]), merkle.tree_hash(leaves), proof
        )
