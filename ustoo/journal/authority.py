"""The deployment's time-stamping authority: a CA, the TSA key and certificate that sign time-stamp
tokens, and the log key and certificate that sign tree heads, all ECDSA P-256.

They live in settings.JOURNAL_AUTHORITY_DIR (in the data directory, like the secret key), each private
key readable by its owner only, made by `ustoo journal authority init` or on first use. Made all
together in a fresh directory that is then renamed into place: the site's server processes may all
need them at the same moment, and the first rename wins, so no process ever reads a half-written set
or signs with a key another one replaced.

One deployment, one authority, however many app servers each have their own directory: the database
records the first authority used (AuthorityRecord, the SHA-256 of its CA certificate), and a process
whose directory holds no keys, or other keys, refuses to sign (Unavailable, logged with what to do)
instead of making an authority of its own. Two servers that make one at the same moment on two disks:
the first recorded wins, and the other deletes the keys it made, which signed nothing.

The certificates never expire (notAfter 99991231235959Z, RFC 5280 §4.1.2.5 "no well-defined
expiration date"): a token is evidence years later, and `openssl ts -verify` checks that the chain is
valid at the time it runs. A new key is a new directory, not an expiry."""

import datetime
import logging
import os
import secrets
import shutil
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

logger = logging.getLogger("ustoo.journal")
NO_EXPIRY = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)
_FILES = ("ca.key", "ca.pem", "tsa.key", "tsa.pem", "log.key", "log.pem", "policy.oid")


@dataclass(frozen=True)
class Authority:
    ca: x509.Certificate
    tsa: x509.Certificate
    tsa_key: ec.EllipticCurvePrivateKey
    log: x509.Certificate
    log_key: ec.EllipticCurvePrivateKey
    # The TSA's policy under which every token is issued: an OID of its own (2.25, from a UUID, X.667).
    policy: str

    def pem(self, name: str) -> str:
        certificate = {"ca": self.ca, "tsa": self.tsa, "log": self.log}[name]
        return certificate.public_bytes(serialization.Encoding.PEM).decode()


class Unavailable(RuntimeError):
    """This process cannot sign: its authority directory lacks the deployment's keys."""


def current() -> Authority:
    """The deployment's authority, made the first time any process needs one. Checked against the
    database's record at every use (one read by primary key), so that a server never signs with keys
    that are not the deployment's, even after another server recorded its own a moment ago."""
    from ustoo.journal.models import AuthorityRecord

    directory = Path(settings.JOURNAL_AUTHORITY_DIR)
    record = AuthorityRecord.objects.first()
    if record is None:
        made_here = _make(directory) if not _complete(directory) else False
        found = load(directory)
        record, _ = AuthorityRecord.objects.get_or_create(pk=1, defaults={"ca_sha256": fingerprint(found.ca)})
        if record.ca_sha256 != fingerprint(found.ca) and made_here:
            # Another server recorded its authority first: the keys made here signed nothing.
            shutil.rmtree(directory, ignore_errors=True)
            load.cache_clear()
    if not _complete(directory):
        logger.error(
            "Journal: no time-stamping authority in %s, and the deployment's (CA SHA-256 %s) was made on "
            "another server: copy that server's authority directory here (docs/DEPLOY.md). Nothing is "
            "time-stamped until then.",
            directory,
            record.ca_sha256,
        )
        raise Unavailable(f"no authority in {directory}")
    found = load(directory)
    if fingerprint(found.ca) != record.ca_sha256:
        logger.error(
            "Journal: the time-stamping authority in %s (CA SHA-256 %s) is not the deployment's (CA SHA-256 "
            "%s): replace the directory with the deployment's (docs/DEPLOY.md). Nothing is time-stamped "
            "until then.",
            directory,
            fingerprint(found.ca),
            record.ca_sha256,
        )
        load.cache_clear()  # read the directory again next time: the operator may have replaced it
        raise Unavailable(f"another authority in {directory}")
    return found


def fingerprint(certificate: x509.Certificate) -> str:
    """The SHA-256 of a certificate's DER, in lowercase hex (/journal/log/ shows it with colons)."""
    return certificate.fingerprint(hashes.SHA256()).hex()


def _complete(directory: Path) -> bool:
    # policy.oid is written last into the draft, and the draft appears whole by its rename.
    return (directory / "policy.oid").exists()


@cache
def load(directory: Path) -> Authority:
    """Read (once per process: parsing keys costs more than signing with them) or make the authority
    in `directory`, whatever the database says (current() checks it)."""
    if not _complete(directory):
        _make(directory)
    read = lambda name: (directory / name).read_bytes()  # noqa: E731
    return Authority(
        ca=x509.load_pem_x509_certificate(read("ca.pem")),
        tsa=x509.load_pem_x509_certificate(read("tsa.pem")),
        tsa_key=serialization.load_pem_private_key(read("tsa.key"), password=None),
        log=x509.load_pem_x509_certificate(read("log.pem")),
        log_key=serialization.load_pem_private_key(read("log.key"), password=None),
        policy=read("policy.oid").decode().strip(),
    )


def _make(directory: Path) -> bool:
    """Make an authority in `directory`; True if it is this call's, False if another process's rename
    came first."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    draft = directory.parent / f".{directory.name}-{secrets.token_hex(8)}"
    draft.mkdir(mode=0o700)
    try:
        site = settings.SITE_NAME
        ca_key, tsa_key, log_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
        ca_name = _name(f"{site} journal CA")
        ca = (
            _builder(ca_name, ca_name, ca_key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_key_usage(cert_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        tsa = (
            _issued(ca, ca_key, _name(f"{site} journal time-stamping"), tsa_key)
            # RFC 3161 §2.3: the TSA's certificate names time-stamping, and only it, as critical.
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(ca_key, hashes.SHA256())
        )
        log = _issued(ca, ca_key, _name(f"{site} journal log"), log_key).sign(ca_key, hashes.SHA256())
        policy = f"2.25.{uuid.uuid4().int}"
        for name, data in (
            ("ca.key", _private_pem(ca_key)),
            ("tsa.key", _private_pem(tsa_key)),
            ("log.key", _private_pem(log_key)),
            ("ca.pem", ca.public_bytes(serialization.Encoding.PEM)),
            ("tsa.pem", tsa.public_bytes(serialization.Encoding.PEM)),
            ("log.pem", log.public_bytes(serialization.Encoding.PEM)),
            ("policy.oid", policy.encode()),
        ):
            _write_private(draft / name, data)
        try:
            draft.rename(directory)
        except OSError:
            if not _complete(directory):
                raise
            # Another process made them first: theirs are the deployment's.
            return False
        return True
    finally:
        if draft.exists():
            shutil.rmtree(draft)


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _private_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _builder(subject: x509.Name, issuer: x509.Name, public_key) -> x509.CertificateBuilder:
    # A minute back, so that a verifier whose clock is a little behind still finds it valid.
    now = datetime.datetime.now(tz=datetime.UTC) - datetime.timedelta(minutes=1)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now.replace(microsecond=0))
        .not_valid_after(NO_EXPIRY)
    )


def _issued(ca: x509.Certificate, ca_key, subject: x509.Name, key) -> x509.CertificateBuilder:
    ca_key_id = ca.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return (
        _builder(subject, ca.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_key_id), critical=False
        )
    )


def _key_usage(*, cert_sign: bool = False, digital_signature: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=digital_signature,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )
