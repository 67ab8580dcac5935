"""Counting defects found by recounting with pandas, DuckDB and twarc2: each one a post or a tag
that a researcher's own recount would find and the importer did not, or the other way round."""

import orjson
import pytest

from ustoo.movement.formats.common import tags_in_text
from ustoo.movement.tests.conftest import FIXTURES, posts


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        # `#` inside a link is the page's fragment, not a tag
        ("Help lines: example.org/help/#hotlines #MeToo", ["metoo"]),
        ("https://example.org/a/#b and www.example.org/#c", []),
        # an HTML entity that survived (Reddit escapes twice): not a tag "x200b"
        ("&#x200B;\n\n#MeToo", ["metoo"]),
        ("&#8203; &amp;#x200B; #MeToo", ["metoo"]),
        # a tag right after an emoji written with a variation selector (U+FE0F) or a joiner
        ("🙋\u200d♀\ufe0f#metoo", ["metoo"]),
        ("❤\ufe0f#YoTambién", ["yotambién"]),
        # NFKC must not glue the trade mark sign onto the tag (™ -> TM)
        ("#MeToo™ is a movement", ["metoo"]),
        # what was right stays right
        ("#ＭｅＴｏｏ ＃BalanceTonPorc", ["metoo", "balancetonporc"]),
        ("page#x and word#tag", []),
    ],
)
def test_hashtags_taken_from_text(text, tags):
    assert list(tags_in_text(text)) == tags


def test_reddit_bodies_are_unescaped(connection, run_import, tmp_path):
    comment = {
        "id": "c1",
        "author": "someone",
        "body": "&amp;#x200B;\n\nMe &amp; my sister. #MeToo &gt; silence",
        "created_utc": 1508097600,
        "subreddit": "TwoXChromosomes",
        "parent_id": "t3_s1",
    }
    path = tmp_path / "RC_2017-10"
    path.write_bytes(orjson.dumps(comment) + b"\n")
    run_import(path, keep_text=True)
    stored = posts(connection)["t1_c1"]
    assert stored["hashtags"] == ["metoo"]
    assert stored["text"] == "\u200b\n\nMe & my sister. #MeToo > silence"


def test_bluesky_record_tags_count(connection, run_import, tmp_path):
    """`record.tags`: tags the poster added that are not in the text."""
    event = {
        "did": "did:plc:dddd",
        "time_us": 1731920400000000,
        "kind": "commit",
        "commit": {
            "operation": "create",
            "collection": "app.bsky.feed.post",
            "rkey": "3ktags",
            "record": {
                "text": "It took me years to say it #MeToo",
                "createdAt": "2024-11-18T09:00:00.000Z",
                "langs": ["en"],
                "tags": ["NousToutes", "#MeToo"],
            },
        },
    }
    path = tmp_path / "jetstream.jsonl"
    path.write_bytes(orjson.dumps(event) + b"\n")
    run_import(path, fmt="bluesky")
    stored = posts(connection)["at://did:plc:dddd/app.bsky.feed.post/3ktags"]
    assert stored["hashtags"] == ["metoo", "noustoutes"]


@pytest.mark.parametrize(
    "text", ["🙋\u200d♀\ufe0f #metoo", "[removed]", "lol ok", "#MeToo https://t.co/abc", "ab"]
)
def test_no_language_is_detected_below_the_confidence_floor(text):
    from ustoo.movement.langdetect import detect_language, detect_languages

    assert detect_language(text) is None
    assert detect_languages([text]) == [None]


def test_a_reddit_placeholder_is_reported_undetermined(connection, run_import, tmp_path):
    from ustoo.movement.report import Selection, build_report

    lines = [
        {"id": "c1", "author": "a", "body": "[removed]", "created_utc": 1508097600, "parent_id": "t3_s"},
        {"id": "c2", "author": "b", "body": "🙋\u200d♀\ufe0f #metoo", "created_utc": 1508097601,
         "parent_id": "t3_s"},
        {"id": "c3", "author": "c", "body": "It happened to me at work and nobody believed me. #MeToo",
         "created_utc": 1508097602, "parent_id": "t3_s"},
    ]  # fmt: skip
    path = tmp_path / "RC_2017-10"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    run_import(path)
    report = build_report(connection, Selection(dataset="test"))
    assert report["by_language"] == {"und": 2, "en": 1}
    assert report["languages_detected"] == 1


def test_a_truncated_mastodon_array_keeps_its_complete_statuses(connection, run_import, tmp_path):
    statuses = orjson.loads((FIXTURES / "statuses.json").read_bytes())
    third = {**statuses[0], "id": "113", "uri": "https://social.example/users/ines/statuses/113"}
    text = orjson.dumps([*statuses, third])
    cut = tmp_path / "statuses.json"
    cut.write_bytes(text[: text.index(b'"113"') + 40])  # the download stopped inside the third status
    [outcome] = run_import(cut, fmt="mastodon")
    assert (outcome.posts_read, outcome.malformed) == (2, 1)
    assert outcome.unit == "item"
    assert [number for number, _reason in outcome.malformed_examples] == [3]
    assert "cut off" in outcome.malformed_examples[0][1]
    assert set(posts(connection)) == {statuses[0]["uri"], statuses[1]["uri"]}


def test_an_import_does_not_depend_on_duckdbs_default_connection(connection, run_import, tmp_path):
    import duckdb

    # Another part of the process (a test, a notebook, a library) left a result half-read on DuckDB's
    # process-wide connection: the import must still hash its texts.
    half_read = duckdb.execute("SELECT * FROM range(3)")
    half_read.fetchone()
    comment = {"id": "c1", "author": "a", "body": "#MeToo", "created_utc": 1508097600, "parent_id": "t3_s"}
    path = tmp_path / "RC_2017-10"
    path.write_bytes(orjson.dumps(comment) + b"\n")
    run_import(path)
    assert connection.execute("SELECT count(*) FROM posts WHERE text_hash IS NOT NULL").fetchone() == (1,)
    half_read.fetchall()
