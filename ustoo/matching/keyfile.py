"""The counselors' private key file (COUNSELORS.md §2): the X25519 key as PKCS#8, encrypted under the
counselor's passphrase, in PEM (`-----BEGIN ENCRYPTED PRIVATE KEY-----`).

The encryption is PBES2 (RFC 8018) with scrypt (RFC 7914 §7) and AES-256-CBC, as `openssl pkcs8 -topk8
-v2 aes-256-cbc -scrypt` writes it (OpenSSL 3.0's command line reads the format but caps scrypt at 32 MiB,
below the cost here); `cryptography`'s own `load_pem_private_key` reads it back. We
assemble it here because `cryptography` writes encrypted PKCS#8 only with PBKDF2 at 2048 iterations (its
`BestAvailableEncryption`; `encryption_builder()` is for OpenSSH and PKCS#12, neither of which holds an
X25519 key): far too cheap to guess against for a file whose copy on a USB stick is the threat. scrypt
and AES come from `cryptography`, the DER from `asn1crypto` (as in journal/timestamps.py); reading is
all `cryptography`'s.

Files written before passphrases (JSON, `"format": "ustoo-matching-counselor-key"`) are still read, as
unprotected, for `ustoo matching protect-key` and for `open --allow-unprotected-key`."""

import base64
import json
import os
import secrets
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import core, keys, pem
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import padding, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ustoo.matching import hpke

# NIST SP 800-63B (rev. 4) asks at least 15 characters of a password that is the only factor.
MIN_PASSPHRASE_CHARS = 15
# OWASP's scrypt setting (128 MiB, about a second here): each guess at a copied file costs as much.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
SCRYPT_OID = "1.3.6.1.4.1.11591.4.11"
PEM_LABEL = "ENCRYPTED PRIVATE KEY"
LEGACY_FORMAT = "ustoo-matching-counselor-key"


class KeyFileError(Exception):
    """Something the counselor must fix (a wrong passphrase, a file that is not a key); exit status 2."""


class ScryptParams(core.Sequence):
    """RFC 7914 §7: scrypt-params (asn1crypto knows PBKDF2 only)."""

    _fields = [
        ("salt", core.OctetString),
        ("cost_parameter", core.Integer),
        ("block_size", core.Integer),
        ("parallelization_parameter", core.Integer),
        ("key_length", core.Integer, {"optional": True}),
    ]


def _passphrase_bytes(passphrase: str) -> bytes:
    # The same passphrase typed on another system may come composed otherwise (é, e + ◌́).
    return unicodedata.normalize("NFC", passphrase).encode()


def check_new_passphrase(passphrase: str) -> None:
    length = len(unicodedata.normalize("NFC", passphrase))
    if length < MIN_PASSPHRASE_CHARS:
        raise KeyFileError(
            f"The passphrase must have at least {MIN_PASSPHRASE_CHARS} characters (it has "
            f"{length}): four or five unrelated words are easy to type and hard to guess. "
            "Nothing was written."
        )


def encrypt(private_key: bytes, passphrase: str) -> bytes:
    """The PEM of `private_key` (32 raw bytes) as PKCS#8 under PBES2(scrypt, AES-256-CBC)."""
    check_new_passphrase(passphrase)
    salt, iv = secrets.token_bytes(16), secrets.token_bytes(16)
    key = Scrypt(salt=salt, length=32, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P).derive(
        _passphrase_bytes(passphrase)
    )
    plain = X25519PrivateKey.from_private_bytes(private_key).private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES256(key), modes.CBC(iv)).encryptor()
    encrypted = encryptor.update(padder.update(plain) + padder.finalize()) + encryptor.finalize()
    info = keys.EncryptedPrivateKeyInfo(
        {
            "encryption_algorithm": {
                "algorithm": "pbes2",
                "parameters": {
                    "key_derivation_func": {
                        "algorithm": SCRYPT_OID,
                        "parameters": ScryptParams(
                            {
                                "salt": salt,
                                "cost_parameter": SCRYPT_N,
                                "block_size": SCRYPT_R,
                                "parallelization_parameter": SCRYPT_P,
                                "key_length": 32,
                            }
                        ),
                    },
                    "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
                },
            },
            "encrypted_data": encrypted,
        }
    )
    return pem.armor(PEM_LABEL, info.dump())


def write_new(path: Path, private_key: bytes, passphrase: str) -> None:
    """Write a new key file, mode 0600, never over an existing file."""
    data = encrypt(private_key, passphrase)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"{path} exists already: a key is never overwritten. Choose another file."
        ) from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)


@dataclass
class KeyFile:
    path: Path
    data: bytes

    @classmethod
    def read(cls, path: Path) -> "KeyFile":
        try:
            if stat.S_IMODE(path.stat().st_mode) & 0o077:
                raise KeyFileError(f"{path} can be read by other users of this machine: chmod 600 it first.")
            return cls(path, path.read_bytes())
        except OSError as error:
            raise KeyFileError(f"Cannot read {path}: {error.strerror}.") from None

    @property
    def protected(self) -> bool:
        try:
            return pem.detect(self.data) and pem.unarmor(self.data)[0] == PEM_LABEL
        except ValueError:  # armour without a body: not a key file, which reading it will say
            return False

    def unlock(self, passphrase: str) -> bytes:
        """The raw private key; a wrong passphrase is refused."""
        try:
            key = serialization.load_pem_private_key(self.data, _passphrase_bytes(passphrase))
        except (ValueError, UnsupportedAlgorithm):
            # A wrong passphrase and a damaged file look alike to CBC: almost always the passphrase.
            raise KeyFileError(
                f"This passphrase does not open {self.path} (or the file is damaged). Nothing was opened."
            ) from None
        return self._raw(key)

    def unprotected_key(self) -> bytes:
        """The raw private key of a file without a passphrase: the JSON of earlier versions, or PKCS#8."""
        try:
            if pem.detect(self.data):
                return self._raw(serialization.load_pem_private_key(self.data, None))
            document = json.loads(self.data)
            if document.get("format") != LEGACY_FORMAT:
                raise ValueError("not a key file")
            text = document["private_key"]
            private = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
            if len(private) != hpke.KEY_BYTES:
                raise ValueError("wrong length")
        except (ValueError, KeyError, TypeError, AttributeError, UnsupportedAlgorithm) as error:
            raise KeyFileError(f"{self.path} is not a counselors' key file ({error}).") from None
        return private

    def _raw(self, key) -> bytes:
        if not isinstance(key, X25519PrivateKey):
            raise KeyFileError(f"{self.path} holds another kind of key, not the counselors' (X25519).")
        return key.private_bytes_raw()


def protect_in_place(path: Path, passphrase: str) -> bytes:
    """Encrypt an unprotected key file under `passphrase`, replacing it: the new file is written beside
    it (mode 0600), read back, then renamed over it, so that a crash leaves one whole file or the other.
    Returns the public key."""
    key_file = KeyFile.read(path)
    if key_file.protected:
        raise KeyFileError(f"{path} is protected by a passphrase already. Nothing was changed.")
    private = key_file.unprotected_key()
    data = encrypt(private, passphrase)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    try:
        with os.fdopen(descriptor, "wb") as file:  # mkstemp makes it 0600
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        if KeyFile.read(Path(temporary)).unlock(passphrase) != private:  # as written on the disk
            raise KeyFileError("The protected key did not read back as the same key. Nothing was changed.")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)
    return hpke.public_key_of(private)
