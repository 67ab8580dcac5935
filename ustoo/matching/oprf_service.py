"""The OPRF service (PROTOCOL.md §7): a separate process with its own key, which the web app calls.

It is a plain WSGI application served by gunicorn, with no Django and no database, so that it can run
under another user or on another machine than the site, holding a key the site never reads. It keeps its
own budget of evaluations per hour (a diskcache counter in its own directory, shared by its workers), so
that whoever drives the web app cannot evaluate faster than that either. It logs no request."""

import base64
import binascii
import json
import os
import stat
import time
from pathlib import Path

import diskcache

from ustoo.matching import oprf

KEY_FILE = "oprf.key"
MAX_BATCH = 5
MAX_BODY = 4096


class KeyFileError(RuntimeError):
    """The key file is missing, unreadable, or readable by others."""


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64u(text: str) -> bytes:
    if not isinstance(text, str) or "=" in text:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_or_create_key(directory: Path) -> oprf.KeyPair:
    """The service's key pair, from `directory`/oprf.key (hex of the secret scalar), made on first use.
    The directory is 0700 and the file 0600; a key file others can read is refused, not used."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = directory / KEY_FILE
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(oprf.scalar_bytes(oprf.KeyPair.generate().secret).hex() + "\n")
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        raise KeyFileError(
            f"{path} can be read by others: chmod 600 it (and think whether to make a new key)."
        )
    try:
        return oprf.KeyPair.from_secret_bytes(bytes.fromhex(path.read_text().strip()))
    except ValueError as error:
        raise KeyFileError(f"{path} does not hold an OPRF key: {error}") from None


class Budget:
    """At most `per_hour` evaluations in each clock hour, counted across the service's processes."""

    def __init__(self, directory: Path, per_hour: int) -> None:
        self.counts = diskcache.Cache(str(directory / "budget"))
        self.per_hour = per_hour

    def spend(self, count: int) -> int | None:
        """None when `count` evaluations fit, else the seconds until the next hour (nothing spent)."""
        now = time.time()
        hour = int(now // 3600)
        key = f"evaluations:{hour}"
        self.counts.add(key, 0, expire=7200)
        if self.counts.incr(key, count) > self.per_hour:
            self.counts.decr(key, count)
            return int((hour + 1) * 3600 - now) + 1
        return None


def _answer(start_response, status: str, body: dict, headers: list | None = None) -> list[bytes]:
    data = json.dumps(body).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(data))), *(headers or [])],
    )
    return [data]


def make_app(key: oprf.KeyPair, budget: Budget):
    public = {"suite": oprf.SUITE, "mode": oprf.MODE, "public_key": b64u(key.public)}

    def app(environ, start_response):
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "")
        if path == "/public-key" and method in ("GET", "HEAD"):
            return _answer(start_response, "200 OK", public)
        if path != "/evaluate":
            return _answer(start_response, "404 Not Found", {"error": "nothing here"})
        if method != "POST":
            return _answer(
                start_response, "405 Method Not Allowed", {"error": "POST only"}, [("Allow", "POST")]
            )
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if not 0 < length <= MAX_BODY:
                raise ValueError("body size")
            blinded = [from_b64u(item) for item in json.loads(environ["wsgi.input"].read(length))["blinded"]]
            if not 1 <= len(blinded) <= MAX_BATCH:
                raise ValueError("batch size")
            blinded = [oprf.element(item) for item in blinded]
        except (ValueError, KeyError, TypeError, binascii.Error):
            return _answer(start_response, "400 Bad Request", {"error": "send 1 to 5 ristretto255 elements"})
        if (wait := budget.spend(len(blinded))) is not None:
            return _answer(
                start_response,
                "429 Too Many Requests",
                {"error": "over budget"},
                [("Retry-After", str(wait))],
            )
        evaluated, proof = oprf.evaluate(key, blinded)
        return _answer(
            start_response, "200 OK", {"evaluated": [b64u(e) for e in evaluated], "proof": b64u(proof)}
        )

    return app


def serve(*, bind: str, directory: Path, workers: int, per_hour: int) -> None:
    """Run the service under gunicorn until stopped. The key is made (if need be) before the workers
    start, so two workers never race to make two."""
    from gunicorn.app.base import BaseApplication

    key = load_or_create_key(directory)

    class Service(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", [bind])
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", None)  # no access log: nothing about who asked
            self.cfg.set("errorlog", "-")
            self.cfg.set("proc_name", "ustoo-oprf")

        def load(self):
            return make_app(key, Budget(directory, per_hour))

    Service().run()
