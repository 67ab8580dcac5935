"""RFC 9497's verifiable OPRF, suite ristretto255-SHA512 (VOPRF mode), on libsodium's ristretto255.

The group operations are libsodium's (through rbcl, which bundles it); this module is the protocol glue,
written from the RFC and checked against its Appendix A vectors (tests/test_oprf_vectors.py). Scalars
are Python integers mod ℓ between group operations and 32 bytes little-endian on the wire, as the RFC
encodes them. The server evaluates and proves (`evaluate`); `blind` and `finalize` are the client's
side, used by the counselor-free test client and the benchmarks (the browser has its own)."""

import hashlib
import secrets
from dataclasses import dataclass

import rbcl

ORDER = 2**252 + 27742317777372353535851937790883648493
SUITE = "ristretto255-SHA512"
MODE = "VOPRF"
CONTEXT = b"OPRFV1-\x01-" + SUITE.encode()
ELEMENT_BYTES = 32
SCALAR_BYTES = 32
IDENTITY = bytes(ELEMENT_BYTES)


class InvalidElement(ValueError):
    """Bytes that are not the canonical encoding of a non-identity ristretto255 element."""


class InvalidProof(ValueError):
    """The server's proof does not show that it used the key it published."""


def _i2osp(value: int, length: int) -> bytes:
    return value.to_bytes(length, "big")


def _expand_message_xmd(message: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 §5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128)."""
    ell = -(-length // 64)
    dst_prime = dst + _i2osp(len(dst), 1)
    b0 = hashlib.sha512(bytes(128) + message + _i2osp(length, 2) + b"\x00" + dst_prime).digest()
    blocks = [hashlib.sha512(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(a ^ b for a, b in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + _i2osp(i, 1) + dst_prime).digest())
    return b"".join(blocks)[:length]


def hash_to_group(message: bytes) -> bytes:
    # RFC 9496's one-way map of 64 uniform bytes, which libsodium's from_hash is.
    uniform = _expand_message_xmd(message, b"HashToGroup-" + CONTEXT, 64)
    return rbcl.crypto_core_ristretto255_from_hash(uniform)


def hash_to_scalar(message: bytes, dst: bytes | None = None) -> int:
    uniform = _expand_message_xmd(message, dst or b"HashToScalar-" + CONTEXT, 64)
    return int.from_bytes(uniform, "little") % ORDER


def scalar_bytes(scalar: int) -> bytes:
    return (scalar % ORDER).to_bytes(SCALAR_BYTES, "little")


def scalar_from_bytes(data: bytes) -> int:
    if len(data) != SCALAR_BYTES or (value := int.from_bytes(data, "little")) >= ORDER:
        raise ValueError("not a canonical scalar")
    return value


def element(data: bytes) -> bytes:
    """DeserializeElement: canonical, in the group, and not the identity (RFC 9497 §2.1)."""
    if (
        not isinstance(data, bytes)
        or len(data) != ELEMENT_BYTES
        or data == IDENTITY
        or not rbcl.crypto_core_ristretto255_is_valid_point(data)
    ):
        raise InvalidElement("not a ristretto255 element")
    return data


def _mul(scalar: int, point: bytes) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255(scalar_bytes(scalar), point)


def _mul_base(scalar: int) -> bytes:
    return rbcl.crypto_scalarmult_ristretto255_base(scalar_bytes(scalar))


def _add(p: bytes, q: bytes) -> bytes:
    return rbcl.crypto_core_ristretto255_add(p, q)


def random_scalar() -> int:
    """A uniform non-zero scalar (64 random bytes reduced: no bias worth the name)."""
    while not (scalar := int.from_bytes(secrets.token_bytes(64), "little") % ORDER):
        pass
    return scalar


@dataclass(frozen=True)
class KeyPair:
    secret: int
    public: bytes

    @classmethod
    def generate(cls) -> "KeyPair":
        secret = random_scalar()
        return cls(secret, _mul_base(secret))

    @classmethod
    def derive(cls, seed: bytes, info: bytes) -> "KeyPair":
        """DeriveKeyPair (RFC 9497 §3.2.1)."""
        derive_input = seed + _i2osp(len(info), 2) + info
        for counter in range(256):
            secret = hash_to_scalar(derive_input + _i2osp(counter, 1), b"DeriveKeyPair" + CONTEXT)
            if secret:
                return cls(secret, _mul_base(secret))
        raise ValueError("DeriveKeyPair found no key")

    @classmethod
    def from_secret_bytes(cls, data: bytes) -> "KeyPair":
        secret = scalar_from_bytes(data)
        if not secret:
            raise ValueError("the zero scalar is not a key")
        return cls(secret, _mul_base(secret))


def _composites_seed(public_key: bytes) -> bytes:
    seed_dst = b"Seed-" + CONTEXT
    return hashlib.sha512(
        _i2osp(len(public_key), 2) + public_key + _i2osp(len(seed_dst), 2) + seed_dst
    ).digest()


def _composite_weights(public_key: bytes, blinded: list[bytes], evaluated: list[bytes]) -> list[int]:
    seed = _composites_seed(public_key)
    return [
        hash_to_scalar(
            _i2osp(len(seed), 2)
            + seed
            + _i2osp(i, 2)
            + _i2osp(len(c), 2)
            + c
            + _i2osp(len(d), 2)
            + d
            + b"Composite"
        )
        for i, (c, d) in enumerate(zip(blinded, evaluated, strict=True))
    ]


def _weighted_sum(weights: list[int], points: list[bytes]) -> bytes:
    total = _mul(weights[0], points[0])
    for weight, point in zip(weights[1:], points[1:], strict=True):
        total = _add(total, _mul(weight, point))
    return total


def _challenge(public_key: bytes, m: bytes, z: bytes, t2: bytes, t3: bytes) -> int:
    transcript = b"".join(_i2osp(len(part), 2) + part for part in (public_key, m, z, t2, t3))
    return hash_to_scalar(transcript + b"Challenge")


def evaluate(
    key: KeyPair, blinded: list[bytes], *, proof_scalar: int | None = None
) -> tuple[list[bytes], bytes]:
    """BlindEvaluate for a batch, with one proof (GenerateProof with ComputeCompositesFast).
    `proof_scalar` is the RFC's `r`, given only by the test vectors."""
    blinded = [element(b) for b in blinded]
    evaluated = [_mul(key.secret, b) for b in blinded]
    m = _weighted_sum(_composite_weights(key.public, blinded, evaluated), blinded)
    z = _mul(key.secret, m)
    r = proof_scalar if proof_scalar is not None else random_scalar()
    t2, t3 = _mul_base(r), _mul(r, m)
    c = _challenge(key.public, m, z, t2, t3)
    s = (r - c * key.secret) % ORDER
    return evaluated, scalar_bytes(c) + scalar_bytes(s)


def verify(public_key: bytes, blinded: list[bytes], evaluated: list[bytes], proof: bytes) -> None:
    """VerifyProof (with ComputeComposites, the verifier's side); raises InvalidProof."""
    if len(proof) != 2 * SCALAR_BYTES or len(blinded) != len(evaluated) or not blinded:
        raise InvalidProof("malformed proof")
    try:
        evaluated = [element(d) for d in evaluated]
        c, s = scalar_from_bytes(proof[:32]), scalar_from_bytes(proof[32:])
        weights = _composite_weights(public_key, blinded, evaluated)
        m, z = _weighted_sum(weights, blinded), _weighted_sum(weights, evaluated)
        t2 = _add(_mul_base(s), _mul(c, public_key))
        t3 = _add(_mul(s, m), _mul(c, z))
    except (ValueError, RuntimeError) as error:
        raise InvalidProof("the proof does not verify") from error
    if _challenge(public_key, m, z, t2, t3) != c:
        raise InvalidProof("the proof does not verify")


def blind(message: bytes, *, scalar: int | None = None) -> tuple[int, bytes]:
    """Blind (client): the blind and the blinded element."""
    r = scalar if scalar is not None else random_scalar()
    return r, _mul(r, hash_to_group(message))


def finalize(message: bytes, blind_scalar: int, evaluated: bytes) -> bytes:
    """Finalize (client), after `verify`: the 64-byte output."""
    unblinded = _mul(pow(blind_scalar, -1, ORDER), element(evaluated))
    return hashlib.sha512(
        _i2osp(len(message), 2) + message + _i2osp(len(unblinded), 2) + unblinded + b"Finalize"
    ).digest()


def evaluate_unblinded(key: KeyPair, message: bytes) -> bytes:
    """Evaluate (RFC 9497 §3.3.1): the output the client would get, computed with the key. For the
    benchmark's generated entries and the tests only; the service never sees an input."""
    issued = _mul(key.secret, hash_to_group(message))
    return hashlib.sha512(
        _i2osp(len(message), 2) + message + _i2osp(len(issued), 2) + issued + b"Finalize"
    ).digest()
