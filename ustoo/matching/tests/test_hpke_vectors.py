"""RFC 9180 Appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, Base): the suite the
browser seals shares with, checked through the module the counselor tool opens them with."""

import json
from pathlib import Path

import pytest

from ustoo.matching import hpke

VECTOR = json.loads((Path(__file__).parent / "vectors" / "rfc9180-a1-base.json").read_text())
h = bytes.fromhex


def test_the_suite_is_the_vectors_suite():
    assert (VECTOR["kem_id"], VECTOR["kdf_id"], VECTOR["aead_id"]) == (hpke.KEM_ID, hpke.KDF_ID, hpke.AEAD_ID)


def test_derive_key_pairs():
    assert hpke.derive_key_pair(h(VECTOR["ikmR"])) == (h(VECTOR["skRm"]), h(VECTOR["pkRm"]))
    assert hpke.derive_key_pair(h(VECTOR["ikmE"])) == (h(VECTOR["skEm"]), h(VECTOR["pkEm"]))
    assert hpke.public_key_of(h(VECTOR["skRm"])) == h(VECTOR["pkRm"])


def test_encryptions_and_exports():
    recipient = hpke.SUITE.kem.deserialize_public_key(h(VECTOR["pkRm"]))
    ephemeral = hpke.SUITE.kem.derive_key_pair(h(VECTOR["ikmE"]))
    enc, sender = hpke.SUITE.create_sender_context(recipient, h(VECTOR["info"]), eks=ephemeral)
    assert enc.hex() == VECTOR["enc"]
    receiver = hpke.SUITE.create_recipient_context(
        enc, hpke.SUITE.kem.deserialize_private_key(h(VECTOR["skRm"])), h(VECTOR["info"])
    )
    sequence = 0
    for encryption in VECTOR["encryptions"]:
        while sequence < encryption["seq"]:  # the vectors skip some sequence numbers
            receiver.open(sender.seal(b""))
            sequence += 1
        assert sender.seal(h(encryption["pt"]), h(encryption["aad"])).hex() == encryption["ct"]
        assert receiver.open(h(encryption["ct"]), h(encryption["aad"])) == h(encryption["pt"])
        sequence += 1
    for exported in VECTOR["exports"]:
        value = sender.export(h(exported["exporter_context"]), exported["L"])
        assert value.hex() == exported["exported_value"]


def test_seal_then_open_with_the_escrow_info():
    private, public = hpke.derive_key_pair(h(VECTOR["ikmR"]))
    sealed = hpke.seal(public, b"share", b"index", ephemeral_ikm=h(VECTOR["ikmE"]))
    assert sealed[:32].hex() == VECTOR["enc"]
    assert hpke.open_sealed(private, sealed, b"index") == b"share"


def test_another_key_or_index_cannot_open():
    private, public = hpke.generate_key_pair()
    sealed = hpke.seal(public, b"share", b"index")
    with pytest.raises(hpke.CannotOpen):
        hpke.open_sealed(hpke.generate_key_pair()[0], sealed, b"index")
    with pytest.raises(hpke.CannotOpen):
        hpke.open_sealed(private, sealed, b"another index")
