"""tests/vectors/entries.json: whole entries made with fixed randomness (PROTOCOL.md, golden vectors).
The JavaScript client must produce the same bytes from the same inputs; here the Python client must,
and the counselor tool must open the match the two cases make. `USTOO_WRITE_VECTORS=1` rewrites the
file (only when the protocol changes, with a new version)."""

import json
import os
from pathlib import Path

from ustoo.matching import counselor_tool, escrow, hpke, oprf
from ustoo.matching.tests.client import Fixed, Typed, b64u, from_b64u, make_entry

PATH = Path(__file__).parent / "vectors" / "entries.json"
OPRF_SEED, OPRF_INFO = bytes([0xA3] * 32), b"test key"
COUNSELOR_IKM = bytes(range(32))


def h(n: int, size: int) -> bytes:
    return bytes([n]) * size


CASES = [
    {
        "owner": h(0x11, 32),
        "identifiers": [Typed("phone", "06 12 34 56 78", "FR"), Typed("email", "Jo.Hn+work@Gmail.com")],
        "record": {"who": "A manager", "what": "It happened twice.", "when": "2025", "where": "Office"},
        "fixed": Fixed(
            blinds=[oprf.hash_to_scalar(b"blind 1"), oprf.hash_to_scalar(b"blind 2")],
            record_key=h(0x21, 32),
            record_nonce=h(0x31, 12),
            wrap_nonces=[h(0x41, 12), h(0x42, 12)],
            hpke_ikm_e=[h(0x51, 32), h(0x52, 32)],
        ),
    },
    {
        "owner": h(0x12, 32),
        "identifiers": [Typed("phone", "+33 6 12-34-56-78", "GB")],
        "record": {"who": "My boss", "what": "Same here. «Ça suffit»", "on_match": "contact_at_three"},
        "fixed": Fixed(
            blinds=[oprf.hash_to_scalar(b"blind 3")],
            record_key=h(0x22, 32),
            record_nonce=h(0x32, 12),
            wrap_nonces=[h(0x43, 12)],
            hpke_ikm_e=[h(0x53, 32)],
        ),
    },
]


def build() -> dict:
    key = oprf.KeyPair.derive(OPRF_SEED, OPRF_INFO)
    _private, counselor_public = hpke.derive_key_pair(COUNSELOR_IKM)
    cases = []
    for number, case in enumerate(CASES):
        fixed = case["fixed"]
        params = {
            "owner": b64u(case["owner"]),
            "oprf": {"public_key": b64u(key.public)},
            "counselor_key": {
                "public_key": b64u(counselor_public),
                "fingerprint": hpke.fingerprint(counselor_public),
            },
        }
        proof_scalar = oprf.hash_to_scalar(b"proof %d" % number)
        body, trace = make_entry(
            params,
            case["identifiers"],
            lambda blinded, r=proof_scalar: oprf.evaluate(key, blinded, proof_scalar=r),
            fixed=fixed,
            **case["record"],
        )
        cases.append(
            {
                "owner": b64u(case["owner"]),
                "identifiers": [
                    {"kind": t.kind, **({"region": t.region} if t.kind == "phone" else {}), "text": t.text}
                    for t in case["identifiers"]
                ],
                "record_fields": case["record"],
                "blinds": [oprf.scalar_bytes(b).hex() for b in fixed.blinds],
                "proof_random_scalar": oprf.scalar_bytes(proof_scalar).hex(),
                "record_key": fixed.record_key.hex(),
                "record_nonce": fixed.record_nonce.hex(),
                "wrap_nonces": [n.hex() for n in fixed.wrap_nonces],
                "hpke_ikm_e": [n.hex() for n in fixed.hpke_ikm_e],
                "expect": {
                    "inputs": [i.decode() for i in trace.inputs],
                    "blinded": [b.hex() for b in trace.blinded],
                    "evaluated": [e.hex() for e in trace.evaluated],
                    "proof": trace.proof.hex(),
                    "outputs": [o.hex() for o in trace.outputs],
                    "indexes": [line.index.hex() for line in trace.lines],
                    "a0": [escrow.le32(line.a0).hex() for line in trace.lines],
                    "a1": [escrow.le32(line.a1).hex() for line in trace.lines],
                    "x": [escrow.le32(p.x).hex() for p in trace.points],
                    "y": [escrow.le32(p.y).hex() for p in trace.points],
                    "shares": [s.hex() for s in trace.shares],
                    "sealed": [s.hex() for s in trace.sealed],
                    "record_json": escrow.canonical_json(
                        escrow.decrypt_record(trace.ciphertext, fixed.record_key)
                    ).decode(),
                    "ciphertext": trace.ciphertext.hex(),
                    "body": body,
                },
            }
        )
    return {
        "about": "PROTOCOL.md, golden vectors: each case's fixed inputs give exactly these bytes (hex unless "
        "named b64u); `body` is what the browser posts to /api/v1/matching/entries.",
        "oprf_seed": OPRF_SEED.hex(),
        "oprf_key_info": OPRF_INFO.hex(),
        "oprf_public_key": key.public.hex(),
        "counselor_ikm": COUNSELOR_IKM.hex(),
        "counselor_public_key": counselor_public.hex(),
        "counselor_fingerprint": hpke.fingerprint(counselor_public),
        "cases": cases,
    }


def test_the_python_client_makes_the_golden_bytes():
    built = build()
    if os.environ.get("USTOO_WRITE_VECTORS"):
        PATH.write_text(json.dumps(built, indent=1, ensure_ascii=False) + "\n")
    assert json.loads(PATH.read_text()) == json.loads(json.dumps(built))


def test_the_counselor_tool_opens_the_golden_match():
    golden = json.loads(PATH.read_text())
    private, public = hpke.derive_key_pair(bytes.fromhex(golden["counselor_ikm"]))
    fingerprint = hpke.fingerprint(public)
    export = {
        "format": "ustoo-matching-export",
        "v": 1,
        "counselor_key": {"fingerprint": fingerprint, "public_key": b64u(public)},
        "entries": [],
        "shares": [],
    }
    for number, case in enumerate(golden["cases"]):
        reference = f"golden-{number}"
        export["entries"].append({"reference": reference, "ciphertext": case["expect"]["body"]["ciphertext"]})
        export["shares"] += [
            dict(share, entry=reference, key=fingerprint) for share in case["expect"]["body"]["shares"]
        ]
    opened = counselor_tool.open_export(export, private)
    assert [m.people for m in opened.matches] == [2]
    assert opened.shut == 1  # the e-mail address only the first case named
    assert sorted(r.record["who"] for r in opened.matches[0].records) == ["A manager", "My boss"]
    assert from_b64u(golden["cases"][0]["owner"]) != from_b64u(golden["cases"][1]["owner"])
