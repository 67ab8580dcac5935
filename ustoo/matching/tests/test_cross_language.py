"""Entries made by the browser's code (frontend/escrow.js, under node) with fresh randomness, against the
Python OPRF evaluation, opened by the Python counselor tool: the JavaScript client and the Python side
agree beyond the golden vectors. The browser tests do the same again in Chromium, through the site."""

import json
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from ustoo.matching import counselor_tool, hpke, oprf
from ustoo.matching.tests.client import b64u, from_b64u

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "ustoo/matching/frontend/tests/seal_entry.mjs"
OPRF_KEY = oprf.KeyPair.generate()
COUNSELOR_PRIVATE, COUNSELOR_PUBLIC = hpke.generate_key_pair()
FINGERPRINT = hpke.fingerprint(COUNSELOR_PUBLIC)


@pytest.fixture(scope="module", autouse=True)
def _node():
    if shutil.which("node") is None or not (ROOT / "node_modules/@noble/curves").is_dir():
        pytest.fail("Needs node and the npm packages: run `make build` first.", pytrace=False)


def fields(**given) -> dict:
    return {
        "contact": {"how": "email", "value": given.pop("contact", "me@example.org")},
        "onMatch": given.pop("on_match", "contact"),
        "what": given.pop("what", ""),
        "when": "2025",
        "where": "",
        "who": given.pop("who", ""),
        "written": "2026-12-07",
    }


def node_entry(owner: bytes, identifiers: list[dict], *, key: oprf.KeyPair = OPRF_KEY, **record) -> dict:
    """Run the browser's steps in node, answering its blinded elements with `key`."""
    process = subprocess.Popen(
        ["node", str(SCRIPT)], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    request = {
        "owner": b64u(owner),
        "counselor_key": b64u(COUNSELOR_PUBLIC),
        "fingerprint": FINGERPRINT,
        "oprf_public_key": b64u(OPRF_KEY.public),
        "identifiers": identifiers,
        "fields": fields(**record),
    }
    process.stdin.write(json.dumps(request) + "\n")
    process.stdin.flush()
    blinded = [from_b64u(b) for b in json.loads(process.stdout.readline())["blinded"]]
    evaluated, proof = oprf.evaluate(key, blinded)
    process.stdin.write(json.dumps({"evaluated": [b64u(e) for e in evaluated], "proof": b64u(proof)}) + "\n")
    process.stdin.flush()
    answer = json.loads(process.stdout.readline())
    process.stdin.close()
    assert process.wait(timeout=30) == 0
    return answer


def export_of(bodies: dict[str, dict]) -> dict:
    """The counselor export the site would make of these entries (services.export_for's format),
    lone indexes included: the tool must leave those shut by itself."""
    return {
        "format": "ustoo-matching-export",
        "v": 1,
        "counselor_key": {"fingerprint": FINGERPRINT, "public_key": b64u(COUNSELOR_PUBLIC)},
        "entries": [{"reference": ref, "ciphertext": body["ciphertext"]} for ref, body in bodies.items()],
        "shares": [
            {"entry": ref, "index": share["index"], "sealed": share["sealed"], "key": body["counselor_key"]}
            for ref, body in bodies.items()
            for share in body["shares"]
        ],
    }


def test_entries_sealed_in_javascript_are_opened_by_the_python_counselor_tool():
    first, second = secrets.token_bytes(32), secrets.token_bytes(32)
    bodies = {
        "first": node_entry(
            first,
            [
                {"kind": "instagram", "text": "@The.Person"},
                {"kind": "phone", "text": "06 12 34 56 78", "region": "FR"},
            ],
            who="A colleague",
            what="« Ça suffit » — it happened twice.",
        )["body"],
        "second": node_entry(
            second,
            [{"kind": "instagram", "text": "https://www.instagram.com/the.person/"}],
            who="My manager",
            on_match="contact_at_three",
        )["body"],
        # The first survivor again, naming the same person another way: the same point, no new share.
        "again": node_entry(first, [{"kind": "instagram", "text": "the.person"}], who="Still him")["body"],
    }
    for body in bodies.values():
        assert body["counselor_key"] == FINGERPRINT
        assert all(len(from_b64u(share["sealed"])) == 172 for share in body["shares"])
    opened = counselor_tool.open_export(export_of(bodies), COUNSELOR_PRIVATE)
    assert len(opened.matches) == 1 and opened.damaged == 0
    match = opened.matches[0]
    assert match.people == 2  # three entries, two people: the first survivor's two points are one
    records = {r.reference: r.record for r in match.records}
    assert records["first"]["who"] == "A colleague"
    assert records["first"]["what"] == "« Ça suffit » — it happened twice."
    assert records["second"]["on_match"] == "contact_at_three"
    assert [i["input"] for i in records["first"]["identifiers"]] == [
        "instagram:the.person",
        "phone:+33612345678",
    ]
    assert opened.shut == 1  # the phone number, named once


def test_the_same_survivor_twice_and_a_lone_entry_stay_shut():
    owner = secrets.token_bytes(32)
    bodies = {
        "one": node_entry(owner, [{"kind": "x", "text": "@jack"}])["body"],
        "two": node_entry(owner, [{"kind": "x", "text": "https://twitter.com/Jack"}])["body"],
        "lone": node_entry(secrets.token_bytes(32), [{"kind": "email", "text": "someone@example.org"}])[
            "body"
        ],
    }
    opened = counselor_tool.open_export(export_of(bodies), COUNSELOR_PRIVATE)
    assert opened.matches == [] and opened.shut == 2 and opened.damaged == 0


def test_an_answer_made_with_another_key_is_refused_in_javascript():
    answer = node_entry(
        secrets.token_bytes(32), [{"kind": "x", "text": "@jack"}], key=oprf.KeyPair.generate()
    )
    assert answer == {"refused": "proof"}
