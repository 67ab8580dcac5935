"""RFC 3161 tokens: what the TSA signs verifies with `openssl ts -verify` (Debian's openssl, as a person
checking a bundle would run it) and with rfc3161-client, a verifier written apart from the issuing code;
a changed imprint, a changed signature or another authority's certificate fails both."""

import datetime
import hashlib
import os
import re
import stat
import subprocess
from pathlib import Path

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from ustoo.journal import authority, timestamps

COMMITTED = b"\x07" * 32 + b'{"seq":1,"text":"It happened at the meeting."}'
COMMITMENT = hashlib.sha256(COMMITTED).digest()


@pytest.fixture
def tsa(authority_dir) -> authority.Authority:
    return authority.load(authority_dir)


@pytest.fixture
def other_tsa(tmp_path) -> authority.Authority:
    """Another deployment's authority: its tokens are not this one's."""
    return authority.load(tmp_path / "other-authority")


def _files(folder: Path, tsa: authority.Authority, response: bytes, data: bytes = COMMITTED) -> Path:
    (folder / "ca.pem").write_text(tsa.pem("ca"))
    (folder / "tsa.pem").write_text(tsa.pem("tsa"))
    (folder / "token.tsr").write_bytes(response)
    (folder / "data").write_bytes(data)
    return folder


def openssl_verifies(folder: Path, *extra: str) -> bool:
    ran = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-data",
            "data",
            "-in",
            "token.tsr",
            "-CAfile",
            "ca.pem",
            "-untrusted",
            "tsa.pem",
            *extra,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    return ran.returncode == 0 and "Verification: OK" in ran.stdout


def library_verifies(response: bytes, tsa: authority.Authority, digest: bytes = COMMITMENT) -> bool:
    try:
        timestamps.verify(response, digest=digest, ca=tsa.ca, tsa=tsa.tsa)
    except ValueError:
        return False
    return True


def test_a_token_verifies_with_openssl_and_with_an_independent_verifier(tsa, tmp_path):
    issued = timestamps.issue(tsa, commitment=COMMITMENT, serial=42, nonce=0x1234567890ABCDEF)
    response = timestamps.response(issued.token)
    assert openssl_verifies(_files(tmp_path, tsa, response))
    checked = timestamps.verify(response, digest=COMMITMENT, ca=tsa.ca, tsa=tsa.tsa)
    assert checked.serial == 42 and checked.imprint == COMMITMENT and checked.time == issued.time
    assert abs(issued.time - datetime.datetime.now(tz=datetime.UTC)) < datetime.timedelta(minutes=1)


def test_the_token_says_what_rfc_3161_asks(tsa):
    issued = timestamps.issue(tsa, commitment=COMMITMENT, serial=7, nonce=99)
    response = tsp.TimeStampResp.load(timestamps.response(issued.token), strict=True)
    assert response["status"]["status"].native == "granted"
    signed = response["time_stamp_token"]["content"]
    assert signed["version"].native == "v3"
    info = signed["encap_content_info"]["content"].parsed
    assert info["version"].native == "v1"
    assert info["policy"].dotted == tsa.policy and tsa.policy.startswith("2.25.")
    assert info["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert info["message_imprint"]["hashed_message"].native == COMMITMENT
    assert info["serial_number"].native == 7 and info["nonce"].native == 99
    assert info["gen_time"].native == issued.time
    (signer,) = signed["signer_infos"]
    assert signer["signature_algorithm"]["algorithm"].native == "sha256_ecdsa"
    attributes = {a["type"].native: a["values"][0] for a in signer["signed_attrs"]}
    assert set(attributes) == {"content_type", "message_digest", "signing_certificate_v2"}
    (cert_id,) = attributes["signing_certificate_v2"]["certs"]
    assert cert_id["cert_hash"].native == hashlib.sha256(_der(tsa.tsa)).digest()


def _der(certificate: x509.Certificate) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return certificate.public_bytes(Encoding.DER)


def test_a_token_is_exactly_what_asn1crypto_encodes_field_by_field(tsa):
    """Tokens are spliced from parts made once; re-encoding every field with asn1crypto (DER, sets
    sorted) gives the same bytes."""
    for nonce in (None, 1, 2**127):
        token = timestamps.issue(tsa, commitment=COMMITMENT, serial=2**40, nonce=nonce).token
        assert cms.ContentInfo.load(token, strict=True).dump(force=True) == token
        assert timestamps.token_of(timestamps.response(token)) == token


def test_the_tsa_certificate_names_time_stamping_as_critical_and_the_keys_are_private(tsa, authority_dir):
    usage = tsa.tsa.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]
    assert tsa.tsa.issuer == tsa.ca.subject and tsa.log.issuer == tsa.ca.subject
    tsa.tsa.verify_directly_issued_by(tsa.ca)
    assert tsa.ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert tsa.tsa_key.curve.name == "secp256r1" and tsa.log_key.curve.name == "secp256r1"
    for name in ("ca.key", "tsa.key", "log.key", "ca.pem", "tsa.pem", "log.pem", "policy.oid"):
        assert stat.S_IMODE(os.stat(authority_dir / name).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(authority_dir).st_mode) == 0o700


def test_the_authority_is_made_once_and_kept(tmp_path):
    first = authority.load(tmp_path / "made")
    authority.load.cache_clear()
    again = authority.load(tmp_path / "made")
    assert again.ca == first.ca and again.tsa == first.tsa and again.policy == first.policy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["made"]  # no draft left behind


def test_a_token_for_other_bytes_fails_both_verifiers(tsa, tmp_path):
    response = timestamps.response(timestamps.issue(tsa, commitment=COMMITMENT, serial=1).token)
    other = COMMITTED.replace(b"meeting", b"meetinG")
    assert not openssl_verifies(_files(tmp_path, tsa, response, data=other))
    assert not library_verifies(response, tsa, digest=hashlib.sha256(other).digest())


def test_a_changed_imprint_fails_both_verifiers(tsa, tmp_path):
    """The imprint inside the signed TSTInfo changed to other data's hash: the signature no longer holds."""
    response = timestamps.response(timestamps.issue(tsa, commitment=COMMITMENT, serial=1).token)
    other = COMMITTED + b" "
    changed = response.replace(COMMITMENT, hashlib.sha256(other).digest())
    assert changed != response
    assert not openssl_verifies(_files(tmp_path, tsa, changed, data=other))
    assert not library_verifies(changed, tsa, digest=hashlib.sha256(other).digest())


def test_a_changed_time_fails_both_verifiers(tsa, tmp_path):
    issued = timestamps.issue(tsa, commitment=COMMITMENT, serial=1)
    response = timestamps.response(issued.token)
    gen_time = re.search(rb"\x18[\x0f-\x13]" + str(issued.time.year).encode(), response)
    earlier = str(issued.time.year - 1).encode()
    changed = response[: gen_time.start() + 2] + earlier + response[gen_time.start() + 6 :]
    assert changed != response
    assert not openssl_verifies(_files(tmp_path, tsa, changed))
    assert not library_verifies(changed, tsa)


def test_a_changed_signature_fails_both_verifiers(tsa, tmp_path):
    response = timestamps.response(timestamps.issue(tsa, commitment=COMMITMENT, serial=1).token)
    (signer,) = tsp.TimeStampResp.load(response)["time_stamp_token"]["content"]["signer_infos"]
    signature = signer["signature"].native
    flipped = signature[:-1] + bytes([signature[-1] ^ 0x01])
    changed = response.replace(signature, flipped)
    assert changed != response
    assert not openssl_verifies(_files(tmp_path, tsa, changed))
    assert not library_verifies(changed, tsa)


def test_another_authoritys_token_fails_both_verifiers(tsa, other_tsa, tmp_path):
    """Signed by a TSA this deployment's CA never certified, and checked against this deployment's CA."""
    response = timestamps.response(timestamps.issue(other_tsa, commitment=COMMITMENT, serial=1).token)
    folder = _files(tmp_path, tsa, response)
    assert not openssl_verifies(folder)
    (folder / "tsa.pem").write_text(other_tsa.pem("tsa"))  # its own certificate, still not from our CA
    assert not openssl_verifies(folder)
    assert not library_verifies(response, tsa)
    with pytest.raises(ValueError):
        timestamps.verify(response, digest=COMMITMENT, ca=tsa.ca, tsa=other_tsa.tsa)
