"""The browser's side of PROTOCOL.md, in Python: what the survivor's page does to make an entry. The
server's tests make entries through it, and it writes tests/vectors/entries.json, which the JavaScript
client must reproduce byte for byte (same fixed randomness, same bytes out)."""

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ustoo.matching import escrow, hpke, identifiers, oprf, sharing


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Typed:
    kind: str
    text: str
    region: str = ""


@dataclass
class Fixed:
    """Randomness fixed for golden vectors; each list is used in order, one item per identifier."""

    blinds: list[int]
    record_key: bytes
    record_nonce: bytes
    wrap_nonces: list[bytes]
    hpke_ikm_e: list[bytes]


@dataclass
class Trace:
    """Every intermediate value, for the golden vectors."""

    inputs: list[bytes] = field(default_factory=list)
    blinded: list[bytes] = field(default_factory=list)
    evaluated: list[bytes] = field(default_factory=list)
    proof: bytes = b""
    outputs: list[bytes] = field(default_factory=list)
    lines: list[escrow.Line] = field(default_factory=list)
    points: list[sharing.Point] = field(default_factory=list)
    shares: list[bytes] = field(default_factory=list)
    sealed: list[bytes] = field(default_factory=list)
    ciphertext: bytes = b""


def record(identifiers_typed: list[Typed], inputs: list[bytes], **fields) -> dict:
    """A record as the page writes it (PROTOCOL.md §4), with defaults for what a test leaves out."""
    return {
        "contact": fields.pop("contact", {"how": "email", "value": "survivor@example.org"}),
        "identifiers": [
            {"input": given.decode(), "typed": typed.text}
            for typed, given in zip(identifiers_typed, inputs, strict=True)
        ],
        "journal": None,
        "on_match": fields.pop("on_match", "contact"),
        "v": 1,
        "what": fields.pop("what", ""),
        "when": fields.pop("when", ""),
        "where": fields.pop("where", ""),
        "who": fields.pop("who", ""),
        "written": fields.pop("written", "2026-12-01"),
    }


def make_entry(
    params: dict,
    typed: list[Typed],
    evaluate: Callable[[list[bytes]], tuple[list[bytes], bytes]],
    *,
    fixed: Fixed | None = None,
    **fields,
) -> tuple[dict, Trace]:
    """The body of `POST entries`, and the trace of how it was made. `evaluate` sends the blinded
    elements (to the API, or to a key directly for vectors) and returns (evaluated, proof)."""
    trace = Trace()
    canonical: dict[bytes, Typed] = {}
    for item in typed:  # identifiers that canonicalise alike are one identifier
        canonical.setdefault(identifiers.oprf_input(item.kind, item.text, item.region), item)
    trace.inputs = list(canonical)
    blinds = []
    for i, message in enumerate(trace.inputs):
        r, blinded = oprf.blind(message, scalar=fixed.blinds[i] if fixed else None)
        blinds.append(r)
        trace.blinded.append(blinded)
    trace.evaluated, trace.proof = evaluate(trace.blinded)
    oprf.verify(from_b64u(params["oprf"]["public_key"]), trace.blinded, trace.evaluated, trace.proof)
    trace.outputs = [
        oprf.finalize(m, r, e) for m, r, e in zip(trace.inputs, blinds, trace.evaluated, strict=True)
    ]

    record_key = fixed.record_key if fixed else secrets.token_bytes(32)
    body = record(list(canonical.values()), trace.inputs, **fields)
    trace.ciphertext = escrow.encrypt_record(body, record_key, nonce=fixed.record_nonce if fixed else None)

    owner = from_b64u(params["owner"])
    counselor_key = from_b64u(params["counselor_key"]["public_key"])
    for i, output in enumerate(trace.outputs):
        line = escrow.Line.from_output(output)
        point = sharing.point_on_line(line.a0, line.a1, escrow.owner_x(owner, line.index))
        wrapped = escrow.wrap_record_key(
            line.a0, line.index, record_key, nonce=fixed.wrap_nonces[i] if fixed else None
        )
        share = escrow.Share(point, wrapped).to_bytes()
        sealed = hpke.seal(
            counselor_key, share, line.index, ephemeral_ikm=fixed.hpke_ikm_e[i] if fixed else None
        )
        trace.lines.append(line)
        trace.points.append(point)
        trace.shares.append(share)
        trace.sealed.append(sealed)
    entry = {
        "ciphertext": b64u(trace.ciphertext),
        "counselor_key": params["counselor_key"]["fingerprint"],
        "shares": [
            {"index": b64u(line.index), "sealed": b64u(sealed)}
            for line, sealed in zip(trace.lines, trace.sealed, strict=True)
        ],
    }
    return entry, trace


class SurvivorBrowser:
    """A survivor's browser on the site: the page's calls to /api/v1/matching/, through a test client."""

    def __init__(self, client) -> None:
        self.client = client

    def params(self) -> dict:
        response = self.client.get("/api/v1/matching/params")
        assert response.status_code == 200, response.content
        return response.json()

    def post(self, path: str, body: dict):
        return self.client.post(f"/api/v1/matching/{path}", body, content_type="application/json")

    def evaluate(self, blinded: list[bytes]) -> tuple[list[bytes], bytes]:
        response = self.post("evaluate", {"blinded": [b64u(b) for b in blinded]})
        assert response.status_code == 200, response.content
        answer = response.json()
        return [from_b64u(e) for e in answer["evaluated"]], from_b64u(answer["proof"])

    def enter(self, typed: list[Typed], **fields):
        """Make an entry as the page would; returns the answer to `POST entries`."""
        body, _trace = make_entry(self.params(), typed, self.evaluate, **fields)
        return self.post("entries", body)

    def entries(self) -> list[dict]:
        return self.client.get("/api/v1/matching/entries").json()["entries"]

    def withdraw(self, reference: str):
        return self.client.delete(
            f"/api/v1/matching/entries/{reference}", "{}", content_type="application/json"
        )
