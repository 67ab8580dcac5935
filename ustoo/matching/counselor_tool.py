"""What `ustoo matching open` does on the counselor's own machine, offline (PROTOCOL.md §8): open the
sealed shares of indexes that have two or more, recover each line's secret where two distinct x exist,
and decrypt only those records. A lone entry, or one account's entry twice, stays shut: no code path
here reads a record without two distinct points on its line."""

import base64
from collections import defaultdict
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag

from ustoo.matching import escrow, hpke, sharing

EXPORT_FORMAT = "ustoo-matching-export"


class ToolError(Exception):
    """Something the counselor must fix (a wrong key, a file that is not an export); exit status 2."""


def _from_b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class OpenedRecord:
    reference: str
    record: dict


@dataclass
class Match:
    index: str
    people: int
    records: list[OpenedRecord]


@dataclass
class Opened:
    matches: list[Match] = field(default_factory=list)
    # Indexes left shut: one share, or the same account's point repeated.
    shut: int = 0
    # Indexes whose shares lie on no one line, or do not open: made otherwise than the protocol says.
    damaged: int = 0
    # Shares sealed to another key (an earlier or later one), not opened with this one.
    other_key: int = 0


def open_export(export: dict, private_key: bytes) -> Opened:
    if not isinstance(export, dict) or export.get("format") != EXPORT_FORMAT or export.get("v") != 1:
        raise ToolError("This file is not an export of the matching escrow (format v1).")
    mine = hpke.fingerprint(hpke.public_key_of(private_key))
    shares = export["shares"]
    sealed_to_me = [share for share in shares if share["key"] == mine]
    if shares and not sealed_to_me:
        theirs = (export.get("counselor_key") or {}).get("fingerprint", "?")
        raise ToolError(
            "This key is not the counselors' key this export was sealed to.\n"
            f"  the export's key:  {hpke.readable_fingerprint(theirs)}\n"
            f"  your key file's:   {hpke.readable_fingerprint(mine)}\n"
            "Nothing was opened."
        )
    opened = Opened(other_key=len(shares) - len(sealed_to_me))
    by_index: dict[str, list[dict]] = defaultdict(list)
    for share in sealed_to_me:
        by_index[share["index"]].append(share)
    ciphertexts = {entry["reference"]: entry["ciphertext"] for entry in export["entries"]}
    for index, group in by_index.items():
        if len(group) < 2:  # one point: nothing to open, by design
            opened.shut += 1
            continue
        outcome = _open_index(index, group, ciphertexts, private_key)
        if outcome is None:
            opened.shut += 1
        elif outcome == "damaged":
            opened.damaged += 1
        else:
            opened.matches.append(outcome)
    return opened


def _open_index(index: str, group: list[dict], ciphertexts: dict[str, str], private_key: bytes):
    index_bytes = _from_b64u(index)
    try:
        shares = [
            (
                item["entry"],
                escrow.Share.from_bytes(
                    hpke.open_sealed(private_key, _from_b64u(item["sealed"]), index_bytes)
                ),
            )
            for item in group
        ]
        secret = sharing.recover_secret([share.point for _reference, share in shares])
    except sharing.NotEnoughShares:
        return None
    except (hpke.CannotOpen, sharing.Inconsistent, ValueError):
        return "damaged"
    records: dict[str, OpenedRecord] = {}
    try:
        for reference, share in shares:
            if reference not in records:
                record_key = escrow.unwrap_record_key(secret, index_bytes, share.wrapped)
                record = escrow.decrypt_record(_from_b64u(ciphertexts[reference]), record_key)
                records[reference] = OpenedRecord(reference, record)
    except (InvalidTag, KeyError, ValueError):
        return "damaged"
    people = len({share.point.x for _reference, share in shares})
    return Match(index=index, people=people, records=list(records.values()))


ON_MATCH_WORDS = {
    "contact": "contact me",
    "contact_at_three": "contact me only once at least three people named this person",
    "do_not_contact": "count me, but do not contact me",
}


def describe(opened: Opened) -> str:
    """What the counselor reads: each match, how many people, and each record with its author's wishes."""
    lines = [
        f"{len(opened.matches)} match(es) opened; {opened.shut} index(es) left shut (a lone entry, or one "
        f"account twice); {opened.damaged} damaged; {opened.other_key} share(s) sealed to another key."
    ]
    for number, match in enumerate(opened.matches, 1):
        lines += ["", f"== Match {number}: {match.people} people named the same person"]
        for opened_record in match.records:
            record = opened_record.record
            contact = record.get("contact") or {}
            lines += [
                f"-- Entry {opened_record.reference}",
                f"   wishes on a match: {ON_MATCH_WORDS.get(record.get('on_match'), record.get('on_match'))}",
                f"   how to reach them: {contact.get('how', '')} {contact.get('value', '')}".rstrip(),
                "   named: " + ", ".join(i.get("input", "") for i in record.get("identifiers", [])),
                f"   who: {record.get('who', '')}",
                f"   when: {record.get('when', '')}",
                f"   where: {record.get('where', '')}",
                f"   what: {record.get('what', '')}",
                f"   written: {record.get('written', '')}",
            ]
    return "\n".join(lines)
