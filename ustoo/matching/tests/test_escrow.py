"""End to end on the server: entries made as the browser makes them (tests/client.py), through the API
and the OPRF service process, opened by the counselor tool."""

import pytest

from ustoo.matching import counselor_tool, hpke, services
from ustoo.matching.models import Entry, Share
from ustoo.matching.tests.client import Typed
from ustoo.matching.tests.conftest import COUNSELOR_PRIVATE


def export_of_everything() -> dict:
    """An export of every share, lone ones included, as a server that held nothing back would give:
    what the counselor tool must still refuse to open."""
    export = services.export_for(None)
    shares = Share.objects.select_related("entry")
    export["shares"] = [
        {
            "entry": s.entry.reference,
            "index": s.index,
            "sealed": services.b64u(bytes(s.sealed)),
            "key": s.entry.counselor_key,
        }
        for s in shares
    ]
    export["entries"] = [
        {"reference": e.reference, "ciphertext": services.b64u(bytes(e.ciphertext))}
        for e in Entry.objects.all()
    ]
    return export


def test_two_spellings_of_one_phone_from_two_survivors_make_one_match(
    survivor_a, survivor_b, counselor_member
):
    first = survivor_a.enter([Typed("phone", "06 12 34 56 78", "FR")], who="A manager", what="First account")
    second = survivor_b.enter(
        [Typed("phone", "+33 6 12-34-56-78", "GB"), Typed("email", "boss@example.org")],
        who="My manager",
        what="Second account",
        on_match="contact_at_three",
    )
    assert first.status_code == second.status_code == 201

    assert services.match_count() == 1
    opened = counselor_tool.open_export(services.export_for(counselor_member), COUNSELOR_PRIVATE)
    assert len(opened.matches) == 1
    match = opened.matches[0]
    assert match.people == 2
    assert sorted(r.record["what"] for r in match.records) == ["First account", "Second account"]
    assert {r.record["on_match"] for r in match.records} == {"contact", "contact_at_three"}
    assert "phone:+33612345678" in counselor_tool.describe(opened)


def test_two_spellings_of_one_handle_make_one_match(survivor_a, survivor_b, counselor_member):
    survivor_a.enter([Typed("instagram", "https://www.instagram.com/The.Coach/")])
    survivor_b.enter([Typed("instagram", "@the.coach")])
    opened = counselor_tool.open_export(services.export_for(counselor_member), COUNSELOR_PRIVATE)
    assert [m.people for m in opened.matches] == [2]


def test_the_same_survivor_twice_makes_no_match(survivor_a, counselor_member):
    survivor_a.enter([Typed("x", "@someone")])
    survivor_a.enter([Typed("x", "https://twitter.com/Someone")])
    assert Share.objects.count() == 2
    assert services.match_count() == 0
    assert services.export_for(counselor_member)["shares"] == []
    # Even given both shares, the counselor tool finds one point, not a line.
    opened = counselor_tool.open_export(export_of_everything(), COUNSELOR_PRIVATE)
    assert opened.matches == []
    assert opened.shut == 1


def test_a_lone_entry_cannot_be_opened(survivor_a, survivor_b, counselor_member):
    survivor_a.enter([Typed("email", "first.person@example.org")], what="Lone")
    survivor_b.enter([Typed("email", "second.person@example.org")], what="Also lone")
    opened = counselor_tool.open_export(export_of_everything(), COUNSELOR_PRIVATE)
    assert opened.matches == []
    assert opened.shut == 2
    assert "Lone" not in counselor_tool.describe(opened)


def test_a_wrong_key_is_refused_clearly(survivor_a, survivor_b, counselor_member):
    survivor_a.enter([Typed("telegram", "@someone_bad")])
    survivor_b.enter([Typed("telegram", "https://t.me/someone_bad")])
    wrong_private, _public = hpke.generate_key_pair()
    with pytest.raises(counselor_tool.ToolError, match="not the counselors' key"):
        counselor_tool.open_export(services.export_for(counselor_member), wrong_private)


def test_only_the_matched_identifier_is_exported(survivor_a, survivor_b, counselor_member):
    survivor_a.enter([Typed("phone", "+44 7700 900123"), Typed("email", "only.mine@example.org")])
    survivor_b.enter([Typed("phone", "07700 900123", "GB")])
    export = services.export_for(counselor_member)
    assert len(export["shares"]) == 2
    assert len({share["index"] for share in export["shares"]}) == 1
    assert len(export["entries"]) == 2


def test_a_third_survivor_joins_the_same_match(survivor_a, survivor_b, counselor_member, matching_site):
    from ustoo.conftest import logged_in_client
    from ustoo.matching.tests.client import SurvivorBrowser
    from ustoo.matching.tests.conftest import make_survivor

    survivor_c = SurvivorBrowser(logged_in_client(make_survivor("survivor_c")))
    for browser in (survivor_a, survivor_b, survivor_c):
        browser.enter([Typed("tiktok", "@dancer.01")])
    opened = counselor_tool.open_export(services.export_for(counselor_member), COUNSELOR_PRIVATE)
    assert [m.people for m in opened.matches] == [3]
    assert len(opened.matches[0].records) == 3
