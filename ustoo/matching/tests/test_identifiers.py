"""Canonical identifiers, from the golden file the browser's tests read too."""

import json
from pathlib import Path

import pytest

from ustoo.matching import identifiers

CASES = json.loads((Path(__file__).parent / "vectors" / "identifiers.json").read_text())["cases"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['kind']}:{c['text']!r}")
def test_golden_case(case):
    if case.get("error"):
        with pytest.raises(identifiers.NotAnIdentifier):
            identifiers.oprf_input(case["kind"], case["text"], case.get("region", ""))
    else:
        given = identifiers.oprf_input(case["kind"], case["text"], case.get("region", ""))
        assert given.decode() == case["input"]


def test_every_kind_has_a_golden_case():
    assert {case["kind"] for case in CASES} == set(identifiers.KINDS)


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [
        ("phone", [("06 12 34 56 78", "FR"), ("+33612345678", "US"), ("+33 (0)6-12-34-56-78", "DE")]),
        ("email", [("Jo.Hn+x@gmail.com", ""), ("john@googlemail.com", ""), (" JOHN@GMAIL.COM ", "")]),
        ("instagram", [("@The.Name", ""), ("https://instagram.com/the.name/", ""), ("the.name", "")]),
    ],
)
def test_spellings_of_one_identifier_are_one_input(kind, spellings):
    assert len({identifiers.oprf_input(kind, text, region) for text, region in spellings}) == 1
