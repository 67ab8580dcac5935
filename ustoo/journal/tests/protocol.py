"""The browser's side of PROTOCOL.md, in Python, for the server's tests: secrets and keys, entries and
attachments encrypted and committed exactly as the contract says, a writer that drives the API through
Django's test client, and the evidence bundle the browser exports."""

import base64
import datetime
import hashlib
import io
import json
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass, field

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.test import Client

from ustoo.core import keys, receipts

API = "/api/v1/journal"
ARGON2 = {"m": 19456, "t": 2, "p": 1}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(ikm: bytes, info: str, salt: bytes = b"") -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info.encode()).derive(ikm)


def site_salt() -> bytes:
    return keys.derive("journal-site-salt")[:16]


def master_from_codename(codename: str, passphrase: str = "") -> bytes:
    secret = (
        receipts.normalise(codename).encode() + b"\x00" + unicodedata.normalize("NFKC", passphrase).encode()
    )
    return hash_secret_raw(
        secret,
        b"ustoo-journal-v1" + site_salt(),
        time_cost=ARGON2["t"],
        memory_cost=ARGON2["m"],
        parallelism=ARGON2["p"],
        hash_len=32,
        type=Type.ID,
        version=0x13,
    )


def master_from_recovery_key(recovery: bytes) -> bytes:
    return _hkdf(recovery, "ustoo journal v1 recovery", salt=b"ustoo-journal-v1" + site_salt())


@dataclass(frozen=True)
class Secret:
    """One way in: its lookup id (sent) and key-encryption key (never sent)."""

    lookup: str
    kek: bytes

    @classmethod
    def from_master(cls, master: bytes) -> "Secret":
        return cls(
            lookup=b64u(_hkdf(master, "ustoo journal v1 lookup")),
            kek=_hkdf(master, "ustoo journal v1 key-encryption"),
        )

    @classmethod
    def random(cls) -> "Secret":
        """A way in without the slow hash, for tests that are not about deriving it."""
        return cls.from_master(secrets.token_bytes(32))

    def wrap(self, journal_key: bytes) -> str:
        nonce = secrets.token_bytes(12)
        return b64u(nonce + AESGCM(self.kek).encrypt(nonce, journal_key, b"ustoo journal v1 wrapped key"))

    def unwrap(self, wrapped: str) -> bytes:
        data = from_b64u(wrapped)
        return AESGCM(self.kek).decrypt(data[:12], data[12:], b"ustoo journal v1 wrapped key")

    @property
    def header(self) -> dict[str, str]:
        return {"Authorization": f"Journal {self.lookup}"}


def _canonical_value(value) -> str:
    """RFC 8785 for what entries hold (objects, arrays, strings, integers, null, booleans)."""
    if isinstance(value, dict):
        items = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{_canonical_value(k)}:{_canonical_value(v)}" for k, v in items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_canonical_value(v) for v in value) + "]"
    if isinstance(value, float):
        raise TypeError("no floating-point numbers in an entry")
    return json.dumps(value, ensure_ascii=False)


def canonical_json(value) -> bytes:
    return _canonical_value(value).encode()


def entry_body(
    seq: int, prev: str, *, text: str = "", attachments: list[dict] | None = None, **fields
) -> dict:
    return {
        "amends": None,
        "attachments": attachments or [],
        "fields": fields,
        "kind": "incident",
        "prev": prev,
        "seq": seq,
        "text": text,
        "v": 1,
        "written": "2026-12-07T09:30+01:00",
    }


@dataclass(frozen=True)
class Sealed:
    seq: int
    body: bytes
    committed: bytes
    commitment: str
    ciphertext: bytes


def seal_entry(journal_key: bytes, body: dict) -> Sealed:
    body_bytes = canonical_json(body)
    committed = secrets.token_bytes(32) + body_bytes
    length = len(committed) + 4
    padded_size = 1024
    while padded_size < length:
        padded_size *= 2
    padded = len(committed).to_bytes(4, "big") + committed + bytes(padded_size - length)
    nonce = secrets.token_bytes(12)
    entry_key = _hkdf(journal_key, "ustoo journal v1 entry")
    ciphertext = nonce + AESGCM(entry_key).encrypt(nonce, padded, b"ustoo journal v1 entry")
    return Sealed(body["seq"], body_bytes, committed, hashlib.sha256(committed).hexdigest(), ciphertext)


def open_entry(journal_key: bytes, ciphertext: bytes) -> bytes:
    """The committed bytes inside an entry's ciphertext."""
    entry_key = _hkdf(journal_key, "ustoo journal v1 entry")
    padded = AESGCM(entry_key).decrypt(ciphertext[:12], ciphertext[12:], b"ustoo journal v1 entry")
    return padded[4 : 4 + int.from_bytes(padded[:4], "big")]


def seal_attachment(data: bytes) -> tuple[bytes, bytes]:
    """(key, ciphertext) of a file."""
    key = secrets.token_bytes(32)
    block = 64 * 1024
    padded_size = max(block, -(-(len(data) + 8) // block) * block)
    padded = len(data).to_bytes(8, "big") + data + bytes(padded_size - len(data) - 8)
    nonce = secrets.token_bytes(12)
    return key, nonce + AESGCM(key).encrypt(nonce, padded, b"ustoo journal v1 attachment")


@dataclass
class Writer:
    """A person's browser, keeping a journal through the API."""

    client: Client = field(default_factory=Client)
    secret: Secret = field(default_factory=Secret.random)
    journal_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    written: list[Sealed] = field(default_factory=list)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # id -> (name, original bytes)

    def post(self, path: str, body: dict | None = None, **headers):
        return self.client.post(
            f"{API}/{path}",
            data=json.dumps(body or {}),
            content_type="application/json",
            headers={**self.secret.header, **headers},
        )

    def create(self, *others: Secret) -> "Writer":
        accesses = [
            {"lookup": s.lookup, "wrapped_key": s.wrap(self.journal_key)} for s in (self.secret, *others)
        ]
        response = self.client.post(
            f"{API}/journals", data=json.dumps({"accesses": accesses}), content_type="application/json"
        )
        assert response.status_code == 201, response.content
        return self

    def upload(self, data: bytes, name: str = "photo.jpg") -> dict:
        key, ciphertext = seal_attachment(data)
        response = self.client.post(
            f"{API}/attachments",
            data=ciphertext,
            content_type="application/octet-stream",
            headers=self.secret.header,
        )
        assert response.status_code == 201, response.content
        attachment_id = response.json()["id"]
        self.files[attachment_id] = (name, data)
        return {
            "exif": {},
            "id": attachment_id,
            "key": b64u(key),
            "name": name,
            "redacted_of": None,
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "type": "image/jpeg",
        }

    def write(self, text: str = "It happened again.", attachments: list[dict] | None = None, **fields):
        seq = len(self.written) + 1
        prev = self.written[-1].commitment if self.written else ""
        sealed = seal_entry(
            self.journal_key, entry_body(seq, prev, text=text, attachments=attachments, **fields)
        )
        response = self.post(
            "entries",
            {
                "seq": seq,
                "ciphertext": b64u(sealed.ciphertext),
                "commitment": sealed.commitment,
                "attachments": [a["id"] for a in attachments or []],
            },
        )
        assert response.status_code == 201, response.content
        self.written.append(sealed)
        return response.json()

    def bundle(self) -> bytes:
        """The evidence bundle, as the browser makes it from `open` and `proofs` (PROTOCOL.md)."""
        opened = self.post("open").json()
        proofs = self.client.get(f"{API}/proofs", headers=self.secret.header).json()
        key = self.secret.unwrap(opened["wrapped_key"])
        out = io.BytesIO()
        manifest = []
        with zipfile.ZipFile(out, "w") as bundle:
            for entry in opened["entries"]:
                number = f"{entry['seq']:04d}"
                committed = open_entry(key, from_b64u(entry["ciphertext"]))
                body = json.loads(committed[32:])
                bundle.writestr(f"entries/{number}.committed", committed)
                bundle.writestr(f"entries/{number}.json", committed[32:])
                bundle.writestr(f"tokens/{number}.tsr", from_b64u(entry["token"]))
                files = []
                for n, attachment in enumerate(body["attachments"], 1):
                    path = f"attachments/{entry['seq']}-{n}-{attachment['name']}"
                    bundle.writestr(path, self.files[attachment["id"]][1])
                    files.append({"id": attachment["id"], "sha256": attachment["sha256"], "file": path})
                manifest.append(
                    {
                        "seq": entry["seq"],
                        "commitment": entry["commitment"],
                        "leaf_index": entry["leaf_index"],
                        "committed": f"entries/{number}.committed",
                        "token": f"tokens/{number}.tsr",
                        "attachments": files,
                    }
                )
            exported = datetime.datetime.now(tz=datetime.UTC).isoformat()
            bundle.writestr("journal.json", json.dumps({"v": 1, "exported": exported, "entries": manifest}))
            bundle.writestr("VERIFY.txt", "Check this bundle: ustoo journal verify BUNDLE.zip\n")
            bundle.writestr("log/tree-head.json", json.dumps(proofs["tree_head"]))
            bundle.writestr(
                "log/proofs.json",
                json.dumps({str(p["leaf_index"]): p["audit_path"] for p in proofs["proofs"]}),
            )
            for name in ("ca", "tsa", "log"):
                bundle.writestr(f"tsa/{name}.pem", proofs["certificates"][name])
        return out.getvalue()
