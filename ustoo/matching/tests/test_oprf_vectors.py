"""RFC 9497 Appendix A.1.2 (ristretto255-SHA512, VOPRF mode), byte for byte, proofs included: the same
file the browser's tests read."""

import json
from pathlib import Path

import pytest

from ustoo.matching import oprf

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "rfc9497-ristretto255-sha512-voprf.json").read_text()
)
h = bytes.fromhex


def key() -> oprf.KeyPair:
    return oprf.KeyPair.derive(h(VECTORS["Seed"]), h(VECTORS["KeyInfo"]))


def test_derive_key_pair():
    derived = key()
    assert oprf.scalar_bytes(derived.secret).hex() == VECTORS["skSm"]
    assert derived.public.hex() == VECTORS["pkSm"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: f"batch of {len(v['Input'])}")
def test_blind_evaluate_prove_verify_finalize(vector):
    inputs = [h(i) for i in vector["Input"]]
    blinds = [oprf.scalar_from_bytes(h(b)) for b in vector["Blind"]]
    blinded = [oprf.blind(message, scalar=r)[1] for message, r in zip(inputs, blinds, strict=True)]
    assert [b.hex() for b in blinded] == vector["BlindedElement"]

    evaluated, proof = oprf.evaluate(
        key(), blinded, proof_scalar=oprf.scalar_from_bytes(h(vector["ProofRandomScalar"]))
    )
    assert [e.hex() for e in evaluated] == vector["EvaluationElement"]
    assert proof.hex() == vector["Proof"]

    oprf.verify(key().public, blinded, evaluated, proof)
    outputs = [oprf.finalize(m, r, e) for m, r, e in zip(inputs, blinds, evaluated, strict=True)]
    assert [o.hex() for o in outputs] == vector["Output"]
    assert [oprf.evaluate_unblinded(key(), m).hex() for m in inputs] == vector["Output"]


def test_a_proof_made_with_another_key_is_refused():
    vector = VECTORS["vectors"][0]
    blinded = [h(b) for b in vector["BlindedElement"]]
    other = oprf.KeyPair.generate()
    evaluated, proof = oprf.evaluate(other, blinded)
    with pytest.raises(oprf.InvalidProof):
        oprf.verify(key().public, blinded, evaluated, proof)


def test_a_changed_evaluation_is_refused():
    vector = VECTORS["vectors"][2]
    blinded = [h(b) for b in vector["BlindedElement"]]
    evaluated, proof = oprf.evaluate(key(), blinded)
    with pytest.raises(oprf.InvalidProof):
        oprf.verify(key().public, blinded, list(reversed(evaluated)), proof)


@pytest.mark.parametrize("data", [bytes(32), b"\xff" * 32, b"\x01" * 31, b"not bytes"])
def test_the_identity_and_non_elements_are_not_evaluated(data):
    with pytest.raises(oprf.InvalidElement):
        oprf.evaluate(key(), [data])
