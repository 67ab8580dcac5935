"""RFC 3161 time-stamp tokens: made here with asn1crypto and cryptography, checked by rfc3161-client.

A token (RFC 3161 §2.4.2) is a CMS SignedData (RFC 5652) whose content is a TSTInfo: the commitment the
browser sent as its message imprint (SHA-256), a serial number, the time, the deployment's policy and
the nonce if one was given. It is signed by the TSA's P-256 key over the signed attributes
contentType, messageDigest and signingCertificateV2 (RFC 5816: the SHA-256 of the TSA certificate, so
a verifier knows which certificate signed), and carries the TSA certificate, so that verifiers that
look for it in the token (rfc3161-client does) find it.

The serial number is the token's leaf index in the log plus one (unique, and it says where to look);
the time is to the millisecond, in UTC."""

import datetime
import hashlib
from dataclasses import dataclass
from functools import cache

from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

from ustoo.journal.authority import Authority

# A granted PKIStatusInfo, as DER: SEQUENCE { INTEGER 0 }.
_GRANTED = bytes.fromhex("3003020100")


@dataclass(frozen=True)
class Issued:
    token: bytes  # the TimeStampToken: a ContentInfo, DER (what the log's leaf is about)
    time: datetime.datetime


@dataclass(frozen=True)
class _Template:
    """The DER of every part of a token that is the same in all of them, made once per process with
    asn1crypto. Building a whole token with asn1crypto costs about 10 ms (it re-encodes the TSA
    certificate each time); a token spliced from these parts costs a hundredth of that, and is the
    same bytes (tests/test_timestamps.py re-encodes tokens with asn1crypto and compares)."""

    tst_head: bytes  # version and policy
    imprint_algorithm: bytes  # SHA-256's AlgorithmIdentifier
    tst_tail: bytes  # the TSA's name ([0] EXPLICIT GeneralName)
    content_type: bytes  # the contentType attribute (id-ct-TSTInfo)
    signing_certificate: bytes  # the signingCertificateV2 attribute
    signed_data_head: bytes  # version 3, the digest algorithms
    certificates: bytes  # [0] IMPLICIT the TSA certificate
    signer_head: bytes  # version 1, the signer's issuer and serial number, the digest algorithm
    signature_algorithm: bytes


@cache
def _template(authority: Authority) -> _Template:
    tsa_der = authority.tsa.public_bytes(serialization.Encoding.DER)
    tsa = asn1_x509.Certificate.load(tsa_der)
    sha256 = algos.DigestAlgorithm({"algorithm": "sha256"})
    tst_info = tsp.TSTInfo(
        {
            "version": "v1",
            "policy": authority.policy,
            "message_imprint": {"hash_algorithm": sha256, "hashed_message": bytes(32)},
            "serial_number": 1,
            "gen_time": datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC),
            "tsa": asn1_x509.GeneralName(name="directory_name", value=tsa.subject),
        }
    )
    issuer_serial = {"issuer": tsa.issuer, "serial_number": tsa.serial_number}
    signing_certificate = cms.CMSAttribute(
        {
            "type": "signing_certificate_v2",
            "values": [
                {
                    "certs": [
                        {
                            # hash_algorithm left out: SHA-256 is its DEFAULT, which DER omits.
                            "cert_hash": hashlib.sha256(tsa_der).digest(),
                            "issuer_serial": {
                                "issuer": [asn1_x509.GeneralName(name="directory_name", value=tsa.issuer)],
                                "serial_number": tsa.serial_number,
                            },
                        }
                    ]
                }
            ],
        }
    )
    signed_data = cms.SignedData(
        {
            "version": "v3",  # RFC 5652 §5.1: the content is not id-data
            "digest_algorithms": [sha256],
            "encap_content_info": {"content_type": "tst_info"},
            "certificates": [tsa],
            "signer_infos": [],
        }
    )
    sid = cms.SignerIdentifier(name="issuer_and_serial_number", value=issuer_serial)
    return _Template(
        tst_head=tst_info["version"].dump() + tst_info["policy"].dump(),
        imprint_algorithm=sha256.dump(),
        tst_tail=tst_info["tsa"].dump(),
        content_type=cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}).dump(),
        signing_certificate=signing_certificate.dump(),
        signed_data_head=signed_data["version"].dump() + signed_data["digest_algorithms"].dump(),
        certificates=signed_data["certificates"].dump(),
        signer_head=cms.CMSVersion(1).dump() + sid.dump() + sha256.dump(),
        signature_algorithm=algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}).dump(),
    )


_SEQUENCE, _SET, _OCTETS, _EXPLICIT_0 = 0x30, 0x31, 0x04, 0xA0
_IMPLICIT_0_SET = 0xA0  # signedAttrs: [0] IMPLICIT SET OF, constructed
_MESSAGE_DIGEST = core.ObjectIdentifier("1.2.840.113549.1.9.4").dump()
_TST_INFO = core.ObjectIdentifier("1.2.840.113549.1.9.16.1.4").dump()
_SIGNED_DATA = core.ObjectIdentifier("1.2.840.113549.1.7.2").dump()


def issue(authority: Authority, *, commitment: bytes, serial: int, nonce: int | None = None) -> Issued:
    """A token for the SHA-256 `commitment`, signed now. `serial` must be unique (the log's leaf index
    plus one)."""
    parts = _template(authority)
    now = datetime.datetime.now(tz=datetime.UTC)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    imprint = _tlv(_SEQUENCE, parts.imprint_algorithm + core.OctetString(commitment).dump())
    tst_info = _tlv(
        _SEQUENCE,
        parts.tst_head
        + imprint
        + core.Integer(serial).dump()
        + core.GeneralizedTime(now).dump()
        + (core.Integer(nonce).dump() if nonce is not None else b"")
        + parts.tst_tail,
    )
    message_digest = _tlv(
        _SEQUENCE, _MESSAGE_DIGEST + _tlv(_SET, core.OctetString(hashlib.sha256(tst_info).digest()).dump())
    )
    # DER orders a SET OF by the encodings of its members (X.690 §11.6).
    attributes = b"".join(sorted([parts.content_type, message_digest, parts.signing_certificate]))
    # RFC 5652 §5.4: the signature is over the attributes encoded as a SET OF, not as their [0].
    signature = authority.tsa_key.sign(_tlv(_SET, attributes), ec.ECDSA(hashes.SHA256()))
    signer_info = _tlv(
        _SEQUENCE,
        parts.signer_head
        + _tlv(_IMPLICIT_0_SET, attributes)
        + parts.signature_algorithm
        + core.OctetString(signature).dump(),
    )
    encapsulated = _tlv(_SEQUENCE, _TST_INFO + _tlv(_EXPLICIT_0, _tlv(_OCTETS, tst_info)))
    signed_data = _tlv(
        _SEQUENCE, parts.signed_data_head + encapsulated + parts.certificates + _tlv(_SET, signer_info)
    )
    return Issued(token=_tlv(_SEQUENCE, _SIGNED_DATA + _tlv(_EXPLICIT_0, signed_data)), time=now)


def _tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _der_length(len(content)) + content


def response(token: bytes) -> bytes:
    """The TimeStampResp (RFC 3161 §2.4.2) that grants `token`: what `openssl ts` and clients read."""
    body = _GRANTED + token
    return b"\x30" + _der_length(len(body)) + body


def token_of(response_der: bytes) -> bytes:
    """The TimeStampToken inside a TimeStampResp, byte for byte (the log's leaf is about these bytes)."""
    parsed = tsp.TimeStampResp.load(response_der, strict=True)
    if parsed["status"]["status"].native != "granted" or not parsed["time_stamp_token"]:
        raise ValueError("the response grants no token")
    return parsed["time_stamp_token"].dump()


def gen_time(token: bytes) -> datetime.datetime:
    """The time a token says it was made (its TSTInfo's genTime)."""
    signed = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"]
    return signed.parsed["gen_time"].native


def iso_utc(moment: datetime.datetime) -> str:
    """ISO 8601 in UTC to the millisecond, as the API gives a token's time: 2026-12-05T13:03:07.123Z."""
    return moment.astimezone(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    octets = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(octets)]) + octets


@dataclass(frozen=True)
class Checked:
    time: datetime.datetime
    serial: int
    imprint: bytes


def verify(response_der: bytes, *, digest: bytes, ca: x509.Certificate, tsa: x509.Certificate) -> Checked:
    """Check a TimeStampResp with rfc3161-client, a verifier written apart from the code above: the CMS
    signature, the chain from the TSA certificate to the CA, the critical time-stamping EKU, that the
    token names `tsa` as its signer, and that its imprint is the SHA-256 `digest`. Raises ValueError
    saying what is wrong."""
    try:
        decoded = decode_timestamp_response(response_der)
        verifier = VerifierBuilder().tsa_certificate(tsa).add_root_certificate(ca).build()
        verifier.verify(decoded, digest)
    except (VerificationError, ValueError) as error:
        raise ValueError(str(error) or type(error).__name__) from None
    info = decoded.tst_info
    if info.message_imprint.hash_algorithm.dotted_string != "2.16.840.1.101.3.4.2.1":
        raise ValueError("the token's imprint is not a SHA-256 hash")
    # The time as the token says it, to the millisecond (rfc3161-client keeps whole seconds).
    return Checked(
        time=gen_time(token_of(response_der)), serial=info.serial_number, imprint=info.message_imprint.message
    )
