"""The web app's side of the OPRF service: it relays blinded elements and checks the proof before
answering, so a misconfigured service (another key) is caught here too, not only in the browser."""

import http.client
import json
import socket

from django.conf import settings
from django.core.cache import cache

from ustoo.matching import oprf
from ustoo.matching.oprf_service import b64u, from_b64u

TIMEOUT_SECONDS = 10
PUBLIC_KEY_CACHE_SECONDS = 300


class ServiceUnavailable(RuntimeError):
    """The service does not answer, answers an error, or proves nothing with its published key."""


class ServiceOverBudget(RuntimeError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("the OPRF service's budget is spent")
        self.retry_after = retry_after


class _UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=TIMEOUT_SECONDS)
        self.socket_path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(TIMEOUT_SECONDS)
        self.sock.connect(self.socket_path)


def _request(method: str, path: str, body: dict | None = None) -> tuple[int, dict, dict]:
    url = settings.MATCHING_OPRF_URL
    if url.startswith("unix:"):
        connection: http.client.HTTPConnection = _UnixConnection(url.removeprefix("unix:"))
    else:
        host = url.removeprefix("http://").rstrip("/")
        connection = http.client.HTTPConnection(host, timeout=TIMEOUT_SECONDS)
    try:
        data = json.dumps(body).encode() if body is not None else None
        connection.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), json.loads(response.read() or b"{}")
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise ServiceUnavailable(f"the OPRF service did not answer: {type(error).__name__}") from None
    finally:
        connection.close()


def public_key() -> bytes:
    """The service's public key, asked again every few minutes (a new key is picked up)."""
    cached = cache.get("matching:oprf-public-key")
    if cached is None:
        status, _headers, body = _request("GET", "/public-key")
        if status != 200 or body.get("suite") != oprf.SUITE or body.get("mode") != oprf.MODE:
            raise ServiceUnavailable("the OPRF service gave no public key")
        cached = body["public_key"]
        cache.set("matching:oprf-public-key", cached, PUBLIC_KEY_CACHE_SECONDS)
    return from_b64u(cached)


def evaluate(blinded: list[bytes]) -> tuple[list[bytes], bytes]:
    key = public_key()
    status, headers, body = _request("POST", "/evaluate", {"blinded": [b64u(b) for b in blinded]})
    if status == 429:
        raise ServiceOverBudget(int(headers.get("Retry-After", "3600")))
    if status != 200:
        raise ServiceUnavailable(f"the OPRF service answered {status}")
    try:
        evaluated, proof = [from_b64u(e) for e in body["evaluated"]], from_b64u(body["proof"])
        oprf.verify(key, blinded, evaluated, proof)
    except (KeyError, TypeError, ValueError) as error:  # InvalidProof is a ValueError
        cache.delete("matching:oprf-public-key")
        raise ServiceUnavailable("the OPRF service's answer does not verify") from error
    return evaluated, proof
