"""`ustoo journal verify BUNDLE.zip`: check an evidence bundle offline, as PROTOCOL.md's last section
says. Every check prints one line, OK or FAIL with what is wrong; nothing is fetched from anywhere.

What a pass proves: each entry's committed bytes are the ones its time-stamp token was signed for, at
the token's time, by the time-stamping certificate of the CA in the bundle; the entries follow one
another (sequence numbers and the hash chain); each attachment is the file the entry names; each token
is a leaf of the log under a tree head signed by the log's certificate. Whose CA it is, is for the
reader to compare: the fingerprints printed here with those the site publishes on its /journal/log/
page (or pass that CA with --ca)."""

import hashlib
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization

from ustoo.journal import log, merkle, timestamps

OK, FAIL, PENDING, NOTE = "OK", "FAIL", "PENDING", "NOTE"
# Larger members are not read: a bundle is a person's journal, not a way to fill this machine's memory.
MAX_MEMBER_BYTES = 1024 * 1024 * 1024


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, status: str, text: str) -> None:
        self.lines.append((status, text))

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(status != FAIL for status, _text in self.lines)

    def failures(self) -> list[str]:
        return [text for status, text in self.lines if status == FAIL]


class _Missing(Exception):
    pass


class _Bundle:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())

    def read(self, name: str) -> bytes:
        if name not in self.names:
            raise _Missing(name)
        if self.archive.getinfo(name).file_size > MAX_MEMBER_BYTES:
            raise _Missing(f"{name} (larger than {MAX_MEMBER_BYTES} bytes)")
        return self.archive.read(name)

    def sha256(self, name: str) -> str:
        if name not in self.names:
            raise _Missing(name)
        digest = hashlib.sha256()
        with self.archive.open(name) as member:
            while chunk := member.read(1024 * 1024):
                digest.update(chunk)
        return digest.hexdigest()


def verify_bundle(path: Path, *, ca: x509.Certificate | None = None, use_openssl: bool = True) -> Report:
    report = Report()
    try:
        with zipfile.ZipFile(path) as archive:
            _verify(_Bundle(archive), report, pinned_ca=ca)
            if use_openssl:
                _verify_with_openssl(_Bundle(archive), report)
    except (zipfile.BadZipFile, OSError) as error:
        report.add(FAIL, f"{path} is not a readable zip file ({error})")
    return report


def _verify(bundle: _Bundle, report: Report, *, pinned_ca: x509.Certificate | None) -> None:
    try:
        manifest = json.loads(bundle.read("journal.json"))
        entries = sorted(manifest["entries"], key=lambda e: e["seq"])
        if manifest.get("v") != 1:
            report.add(FAIL, f"journal.json: version {manifest.get('v')!r}, this checks version 1")
    except _Missing as missing:
        report.add(FAIL, f"missing file: {missing}")
        return
    except (ValueError, KeyError, TypeError) as error:
        report.add(FAIL, f"journal.json is not a bundle's manifest ({error})")
        return
    certificates = _certificates(bundle, report, pinned_ca)
    head = _tree_head(bundle, report, certificates)
    proofs = _proofs(bundle, report) if head else {}
    previous = None
    for entry in entries:
        try:
            previous = _verify_entry(bundle, report, entry, previous, certificates, head, proofs)
        except _Missing as missing:
            report.add(FAIL, f"entry {entry.get('seq')}: missing file {missing}")
            previous = None
        except (KeyError, TypeError, ValueError) as error:
            report.add(FAIL, f"entry {entry.get('seq')}: journal.json does not describe it ({error})")
            previous = None
    if not entries:
        report.add(NOTE, "the bundle holds no entry")


@dataclass(frozen=True)
class _Certificates:
    ca: x509.Certificate | None
    tsa: x509.Certificate | None
    log: x509.Certificate | None


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex(":")


def _certificates(bundle: _Bundle, report: Report, pinned: x509.Certificate | None) -> _Certificates:
    loaded = {}
    for name in ("ca", "tsa", "log"):
        try:
            loaded[name] = x509.load_pem_x509_certificate(bundle.read(f"tsa/{name}.pem"))
        except _Missing as missing:
            report.add(FAIL, f"missing file: {missing}")
            loaded[name] = None
        except ValueError as error:
            report.add(FAIL, f"tsa/{name}.pem is not a certificate ({error})")
            loaded[name] = None
    ca = loaded["ca"]
    if ca is not None:
        report.add(NOTE, f"the bundle's CA: {ca.subject.rfc4514_string()}, SHA-256 {_fingerprint(ca)}")
        if pinned is not None and ca != pinned:
            report.add(FAIL, "the bundle's CA is not the one given with --ca")
        elif pinned is not None:
            report.add(OK, "the bundle's CA is the one given with --ca")
        for name in ("tsa", "log"):
            certificate = loaded[name]
            if certificate is None:
                continue
            try:
                certificate.verify_directly_issued_by(ca)
                report.add(OK, f"the {name} certificate is issued by the CA")
            except (ValueError, TypeError, InvalidSignature):
                report.add(FAIL, f"the {name} certificate is not issued by the bundle's CA")
                loaded[name] = None
    return _Certificates(**loaded)


def _tree_head(bundle: _Bundle, report: Report, certificates: _Certificates) -> dict | None:
    try:
        head = json.loads(bundle.read("log/tree-head.json"))
    except _Missing as missing:
        report.add(FAIL, f"missing file: {missing}")
        return None
    except ValueError as error:
        report.add(FAIL, f"log/tree-head.json is not JSON ({error})")
        return None
    if head is None:
        report.add(NOTE, "no tree head was published before the export: every entry is pending")
        return None
    try:
        parsed = {
            "tree_size": int(head["tree_size"]),
            "timestamp": int(head["timestamp"]),
            "sha256_root_hash": bytes.fromhex(head["sha256_root_hash"]).hex(),
            "signature": _b64u(head["signature"]),
        }
        if len(bytes.fromhex(parsed["sha256_root_hash"])) != 32:
            raise ValueError("the root hash is not 32 bytes")
    except (KeyError, TypeError, ValueError) as error:
        report.add(FAIL, f"log/tree-head.json is not a signed tree head ({error})")
        return None
    if certificates.log is None:
        report.add(FAIL, "the tree head's signature cannot be checked without the log's certificate")
        return None
    if not log.head_signature_is_valid(parsed, certificates.log.public_key()):
        report.add(FAIL, "the tree head's signature does not verify with the log's certificate")
        return None
    report.add(OK, f"the tree head of {parsed['tree_size']} leaves is signed by the log's certificate")
    return parsed


def _proofs(bundle: _Bundle, report: Report) -> dict[int, list[bytes]]:
    try:
        raw = json.loads(bundle.read("log/proofs.json"))
        return {int(index): [bytes.fromhex(h) for h in path] for index, path in raw.items()}
    except _Missing as missing:
        report.add(FAIL, f"missing file: {missing}")
    except (ValueError, TypeError, AttributeError) as error:
        report.add(FAIL, f"log/proofs.json is not a list of proofs ({error})")
    return {}


def _b64u(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class _Previous:
    seq: int
    commitment: str
    leaf_index: int
    time: object


def _verify_entry(bundle, report, entry, previous, certificates, head, proofs) -> _Previous | None:
    seq = int(entry["seq"])
    name = f"entry {seq}"
    commitment = str(entry["commitment"])
    committed = bundle.read(entry["committed"])
    if hashlib.sha256(committed).hexdigest() == commitment:
        report.add(OK, f"{name}: its committed bytes hash to its commitment {commitment[:16]}…")
    else:
        report.add(FAIL, f"{name}: {entry['committed']} does not hash to its commitment (changed bytes)")

    body = _body(committed)
    if body is None:
        report.add(FAIL, f"{name}: {entry['committed']} holds no entry (salt, then a JSON object)")
    else:
        _check_chain(report, name, seq, body, previous)
        readable = str(PurePosixPath(entry["committed"]).with_suffix(".json"))
        if bundle.read(readable) != committed[32:]:
            report.add(FAIL, f"{name}: {readable} is not the committed entry")
        _check_attachments(bundle, report, name, entry, body)

    checked = None
    token_response = bundle.read(entry["token"])
    if certificates.ca is None or certificates.tsa is None:
        report.add(FAIL, f"{name}: its token cannot be checked without the CA and TSA certificates")
    else:
        try:
            checked = timestamps.verify(
                token_response, digest=bytes.fromhex(commitment), ca=certificates.ca, tsa=certificates.tsa
            )
            report.add(OK, f"{name}: time-stamped {checked.time.isoformat()} by the TSA certificate")
        except ValueError as error:
            report.add(FAIL, f"{name}: its token does not verify ({error})")

    leaf_index = int(entry["leaf_index"])
    if checked is not None and checked.serial != leaf_index + 1:
        report.add(
            FAIL, f"{name}: its token's serial number {checked.serial} is not that of leaf {leaf_index}"
        )
    _check_inclusion(report, name, token_response, leaf_index, head, proofs)
    if previous is not None and leaf_index <= previous.leaf_index:
        report.add(FAIL, f"{name}: its token entered the log before entry {previous.seq}'s")
    if previous is not None and checked is not None and previous.time and checked.time < previous.time:
        report.add(FAIL, f"{name}: its token is older than entry {previous.seq}'s")
    return _Previous(seq, commitment, leaf_index, checked.time if checked else None)


def _body(committed: bytes) -> dict | None:
    if len(committed) <= 32:
        return None
    try:
        body = json.loads(committed[32:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return body if isinstance(body, dict) else None


def _check_chain(report: Report, name: str, seq: int, body: dict, previous: _Previous | None) -> None:
    expected_prev = (
        "" if seq == 1 else (previous.commitment if previous and previous.seq == seq - 1 else None)
    )
    if body.get("seq") != seq:
        report.add(FAIL, f"{name}: the entry inside says it is number {body.get('seq')!r}")
    elif expected_prev is None:
        report.add(FAIL, f"{name}: entry {seq - 1} is missing, so the chain is broken")
    elif body.get("prev") != expected_prev:
        report.add(FAIL, f"{name}: it does not name entry {seq - 1}'s commitment (the chain is broken)")
    else:
        report.add(OK, f"{name}: follows entry {seq - 1}" if seq > 1 else f"{name}: is the first")


def _check_attachments(bundle: _Bundle, report: Report, name: str, entry: dict, body: dict) -> None:
    named = {a.get("id"): a for a in body.get("attachments") or [] if isinstance(a, dict)}
    listed = {a["id"]: a for a in entry.get("attachments") or []}
    for attachment_id in sorted(set(named) - set(listed)):
        report.add(FAIL, f"{name}: attachment {attachment_id} is named by the entry but not in the bundle")
    for attachment_id, attachment in listed.items():
        inside = named.get(attachment_id)
        if inside is None:
            report.add(FAIL, f"{name}: attachment {attachment['file']} is not one the entry names")
            continue
        if bundle.sha256(attachment["file"]) != inside.get("sha256"):
            report.add(
                FAIL, f"{name}: {attachment['file']} is not the file the entry names (its SHA-256 differs)"
            )
        else:
            report.add(OK, f"{name}: {attachment['file']} is the file the entry names")


def _check_inclusion(report, name, token_response, leaf_index, head, proofs) -> None:
    if head is None:
        report.add(PENDING, f"{name}: no signed tree head to check its place in the log against")
        return
    if leaf_index >= head["tree_size"]:
        report.add(
            PENDING, f"{name}: issued after the tree head; export again after the next one to prove it"
        )
        return
    path = proofs.get(leaf_index)
    if path is None:
        report.add(FAIL, f"{name}: no proof that leaf {leaf_index} is in the tree head")
        return
    try:
        leaf = merkle.leaf_hash(timestamps.token_of(token_response))
    except ValueError:
        report.add(FAIL, f"{name}: its token file holds no token")
        return
    root = bytes.fromhex(head["sha256_root_hash"])
    if merkle.verify_inclusion(leaf, leaf_index, head["tree_size"], path, root):
        report.add(OK, f"{name}: its token is leaf {leaf_index} of the signed tree head")
    else:
        report.add(FAIL, f"{name}: the proof does not put its token at leaf {leaf_index} of the tree head")


def _verify_with_openssl(bundle: _Bundle, report: Report) -> None:
    """The same token checks with `openssl ts -verify`, and the tree head's with `openssl dgst`, when
    openssl is installed: a second, independent opinion."""
    openssl = shutil.which("openssl")
    if openssl is None:
        report.add(NOTE, "openssl is not installed: its checks were not run")
        return
    try:
        manifest = json.loads(bundle.read("journal.json"))
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(scratch)
            for name in ("ca", "tsa", "log"):
                (folder / f"{name}.pem").write_bytes(bundle.read(f"tsa/{name}.pem"))
            for entry in sorted(manifest["entries"], key=lambda e: e["seq"]):
                (folder / "data").write_bytes(bundle.read(entry["committed"]))
                (folder / "token.tsr").write_bytes(bundle.read(entry["token"]))
                ran = _run(
                    [
                        openssl,
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
                    ],
                    folder,
                )
                status = OK if ran.returncode == 0 and "Verification: OK" in ran.stdout else FAIL
                report.add(status, f"openssl ts -verify, entry {entry['seq']}: {_last_line(ran)}")
            _openssl_tree_head(bundle, report, openssl, folder)
    except (_Missing, KeyError, TypeError, ValueError, OSError) as error:
        report.add(NOTE, f"openssl's checks stopped: {error}")


def _openssl_tree_head(bundle: _Bundle, report: Report, openssl: str, folder: Path) -> None:
    head = json.loads(bundle.read("log/tree-head.json"))
    if head is None:
        return
    (folder / "head.bin").write_bytes(
        log.tree_head_bytes(
            tree_size=int(head["tree_size"]),
            timestamp=int(head["timestamp"]),
            root_hash=bytes.fromhex(head["sha256_root_hash"]),
        )
    )
    (folder / "head.sig").write_bytes(_b64u(head["signature"]))
    public_key = x509.load_pem_x509_certificate((folder / "log.pem").read_bytes()).public_key()
    (folder / "log-key.pem").write_bytes(
        public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    ran = _run(
        [openssl, "dgst", "-sha256", "-verify", "log-key.pem", "-signature", "head.sig", "head.bin"], folder
    )
    status = OK if ran.returncode == 0 else FAIL
    report.add(status, f"openssl dgst -verify, the tree head's signature: {_last_line(ran)}")


def _run(command: list[str], folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=60, check=False)  # noqa: S603


def _last_line(ran: subprocess.CompletedProcess) -> str:
    lines = [line for line in (ran.stdout + "\n" + ran.stderr).splitlines() if line.strip()]
    wanted = [line for line in lines if "Verif" in line or "error" in line.lower()]
    return (wanted or lines or ["(no output)"])[0].strip()
