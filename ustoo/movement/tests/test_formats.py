"""Golden tests: each format's fixture, read by hand, against what the importer stored."""

import csv
import gzip
from datetime import UTC, datetime

import orjson
import pytest

from ustoo.movement.formats import byte_literals, csvexport, detect
from ustoo.movement.formats.bluesky import facet_tags
from ustoo.movement.tests.conftest import FIXTURES, posts


def utc(*parts: int) -> datetime:
    """The store keeps naive UTC times."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def test_twarc2_pages_with_includes_and_a_truncated_retweet(connection, run_import):
    [outcome] = run_import(FIXTURES / "twarc2.jsonl")
    assert outcome.format == "twarc2"
    stored = posts(connection)
    assert list(stored) == ["1001", "1002", "1003", "1004"]
    assert stored["1001"]["kind"] == "original"
    assert stored["1001"]["hashtags"] == ["metoo", "timesup"]
    assert stored["1001"]["created_at"] == utc(2017, 10, 15, 20, 0)
    # The retweet's own text ends in "#Me…": it carries the original's hashtags from includes.
    assert stored["1002"]["kind"] == "retweet"
    assert stored["1002"]["ref_id"] == "1001"
    assert stored["1002"]["hashtags"] == ["metoo", "timesup"]
    assert stored["1003"]["kind"] == "reply"
    assert stored["1004"]["kind"] == "quote"
    assert stored["1004"]["lang"] == "fr"
    # "und" from the platform on a tag and an emoji: nothing to detect a language in, so none is guessed.
    assert stored["1003"]["lang"] == "und"
    assert stored["1003"]["lang_detected"] is None
    # Authors are keyed hashes: same account, same hash; never the id or the handle.
    assert stored["1001"]["author"] == stored["1004"]["author"] != stored["1002"]["author"]
    assert all(row["author"] not in ("11", "alice") and len(row["author"]) == 24 for row in stored.values())
    assert all(row["text"] is None for row in stored.values())  # no --keep-text


def test_flattened_twarc2(connection, run_import):
    [outcome] = run_import(FIXTURES / "twarc2_flat.jsonl")
    assert outcome.format == "twarc2"
    stored = posts(connection)
    assert stored["2001"]["kind"] == "retweet"
    assert stored["2001"]["hashtags"] == ["metoo", "whyididntreport"]
    assert stored["2002"]["hashtags"] == ["moiaussi"]


def test_v1_extended_tweets_dates_and_id_str(connection, run_import):
    [outcome] = run_import(FIXTURES / "v1.jsonl", keep_text=True)
    assert outcome.format == "v1"
    assert outcome.malformed == 0  # the delete notice is not a tweet, and not malformed
    stored = posts(connection)
    # Every `id` in the file is 920000000000000000: the ids as a JavaScript number (a double) rounds them.
    # Only `id_str` tells the three tweets apart.
    assert list(stored) == ["920000000000000001", "920000000000000003", "920000000000000002"]
    first = stored["920000000000000001"]
    assert first["hashtags"] == ["metoo", "yotambién"]
    assert first["text"].endswith("#MeToo #YoTambién")
    assert first["created_at"] == utc(2017, 10, 15, 20, 0)
    retweet = stored["920000000000000002"]
    assert (retweet["kind"], retweet["ref_id"]) == ("retweet", "920000000000000001")
    assert retweet["hashtags"] == ["metoo", "yotambién"]
    assert retweet["created_at"] == utc(2017, 10, 16, 8, 15, 30)
    reply = stored["920000000000000003"]
    assert reply["kind"] == "reply"
    assert reply["created_at"] == utc(2017, 10, 16, 7, 0)  # +0200 -> UTC


def test_archive_prefix_and_string_numbers(connection, run_import):
    [outcome] = run_import(FIXTURES / "archive" / "tweets.js")
    assert outcome.format == "archive"
    stored = posts(connection)
    assert [row["kind"] for row in stored.values()] == ["original", "retweet", "reply"]
    assert stored["930000000000000001"]["hashtags"] == ["metoo"]
    assert stored["930000000000000002"]["hashtags"] == ["metoo", "timesup"]
    assert stored["930000000000000003"]["ref_id"] == "930000000000000009"
    # The owner comes from account.js: one author for the whole archive.
    assert len({row["author"] for row in stored.values()}) == 1
    assert stored["930000000000000001"]["author"] is not None


def test_bluesky_byte_offsets_and_reposts(connection, run_import):
    [outcome] = run_import(FIXTURES / "jetstream.jsonl")
    assert outcome.format == "bluesky"
    stored = posts(connection)
    post = stored["at://did:plc:aaaa/app.bsky.feed.post/3kpost1"]
    assert post["hashtags"] == ["metoo"]
    assert post["lang"] == "en"
    reply = stored["at://did:plc:cccc/app.bsky.feed.post/3kpost2"]
    assert (reply["kind"], reply["hashtags"]) == ("reply", ["noustoutes"])
    repost = stored["at://did:plc:bbbb/app.bsky.feed.repost/3krepost1"]
    # A repost carries nothing; it gets the original's hashtags once both are stored.
    assert (repost["kind"], repost["hashtags"]) == ("retweet", ["metoo"])
    assert len(stored) == 3  # the like, the delete and the identity event are not posts


def test_bluesky_facets_are_sliced_by_bytes_not_characters():
    text = "💜 Très #MeToo"  # 💜 is 4 bytes and è 2: the tag starts at byte 11, character 7
    facets = [
        {"index": {"byteStart": 11, "byteEnd": 17}, "features": [{"$type": "app.bsky.richtext.facet#tag"}]}
    ]
    assert facet_tags(text, facets) == ["metoo"]


def test_mastodon_statuses_html_and_boosts(connection, run_import):
    [outcome] = run_import(FIXTURES / "statuses.json", keep_text=True)
    assert outcome.format == "mastodon"
    stored = posts(connection)
    status = stored["https://social.example/users/ines/statuses/111"]
    assert status["text"] == "Yo también. Tenía 16 años & nadie me creyó.\n\n#YoTambien"
    assert status["hashtags"] == ["yotambien"]
    boost = stored["https://other.example/users/juan/statuses/5/activity"]
    assert (boost["kind"], boost["hashtags"]) == ("retweet", ["yotambien"])
    assert boost["ref_id"] == "https://social.example/users/ines/statuses/111"


def test_mastodon_outbox(connection, run_import):
    [outcome] = run_import(FIXTURES / "outbox.json")
    assert outcome.format == "mastodon"
    assert outcome.malformed == 1  # the third activity's object is a string, not a Note
    stored = posts(connection)
    note = stored["https://social.example/users/kim/statuses/1"]
    assert (note["kind"], note["lang"], note["hashtags"]) == ("original", "fr", ["noustoutes"])
    announce = stored["https://social.example/users/kim/statuses/2/activity"]
    assert (announce["kind"], announce["ref_id"]) == (
        "retweet",
        "https://social.example/users/ines/statuses/111",
    )


def test_csv_with_a_column_mapping(connection, run_import):
    mapping = "text=Tweet Text,created_at=When,lang=Language,id=Tweet ID"
    [outcome] = run_import(FIXTURES / "mapped.csv", columns=mapping)
    assert outcome.format == "csv"
    # Read by hand: 7 rows; row 4 repeats row 1 (kept: --dedupe none is the default for lossy ids); line 7 has
    # a field too many and line 8 no date.
    assert (outcome.posts_read, outcome.inserted, outcome.duplicates, outcome.repeated_rows) == (5, 5, 0, 1)
    assert [line for line, _reason in outcome.malformed_examples] == [7, 8]
    stored = posts(connection)
    assert len(stored) == 5
    assert stored["920000000000000777"]["hashtags"] == ["balancetonporc"]  # an intact id is kept
    lossy = [row for row in stored.values() if row["id"] is None]
    assert len(lossy) == 4 and all(row["key"].startswith("c:") for row in lossy)
    assert sum(row["key"].endswith("#2") for row in lossy) == 1  # the second of two identical rows
    kinds = sorted(row["kind"] for row in lossy)
    assert kinds == ["original", "original", "original", "retweet"]  # " @someone: ": a retweet, RT stripped
    assert {row["created_at"] for row in lossy} == {
        utc(2017, 10, 15, 20, 0),
        utc(2017, 10, 15, 21, 10),
        utc(2017, 10, 16, 0, 5),
    }


def test_format_detection():
    assert detect(FIXTURES / "twarc2.jsonl") == "twarc2"
    assert detect(FIXTURES / "twarc2_flat.jsonl") == "twarc2"
    assert detect(FIXTURES / "v1.jsonl") == "v1"
    assert detect(FIXTURES / "archive" / "tweets.js") == "archive"
    assert detect(FIXTURES / "jetstream.jsonl") == "bluesky"
    assert detect(FIXTURES / "statuses.json") == "mastodon"
    assert detect(FIXTURES / "outbox.json") == "mastodon"
    assert detect(FIXTURES / "mapped.csv") == "csv"


@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_a_twarc2_page_longer_than_the_first_read_is_still_recognised(tmp_path, suffix):
    # A real page of 100 posts with its includes is over a megabyte, far more than the bytes read to
    # recognise a document format.
    page = {
        "data": [{"id": str(n), "text": "#MeToo " + "x" * 2000, "author_id": "1"} for n in range(100)],
        "includes": {"users": [{"id": "1", "username": "someone"}]},
        "meta": {"result_count": 100},
    }
    line = orjson.dumps(page) + b"\n"
    assert len(line) > 1 << 17
    path = tmp_path / f"search.jsonl{suffix}"
    path.write_bytes(gzip.compress(line * 2) if suffix else line * 2)
    assert detect(path) == "twarc2"


@pytest.mark.parametrize(
    ("literal", "decoded"),
    [
        (r"b'RT @a: caf\xc3\xa9 \xe2\x80\xa6'", ("RT @a: café …", True)),  # intact: b'...' and its escapes
        (r"b" + '"@b It\'s #MeToo\\n"', ("@b It's #MeToo\n", True)),
        # The 2019 CSV's damage: \xe2 -> 2, \xa6 -> 6, \xa0 -> 0, \xf0 -> \0, the opening `b'` cut off
        (r"isn2\x80\x99t #MeToo2\x80\x99s day. The burd2\x806'", ("isn’t #MeToo’s day. The burd…", False)),
        (r"the Age of\xc20#MeToo'", ("the Age of\xa0#MeToo", False)),
        (r"Birthday\0\x9f\x8e\x82 to", ("Birthday🎂 to", False)),
        (r"painful 2d\x90f\xb8\x8f There", ("painful ⭐️ There", False)),  # \xad -> d before an escape
        (r"#c\x95\x84c\x9d\xb4c6\x88c\x9b\x90 #IZONE", ("#아이즈원 #IZONE", False)),
        # cut at 140 characters: a sequence and an escape left unfinished are dropped
        (r"bravo \0\x9f\x91\x8f\0\x9f\x8f\xb", ("bravo 👏", False)),
        (r"bravo \0\x9f\x91\x8f\0\x9f\x8f\x", ("bravo 👏", False)),
        ("plain text, 2 cafe bead 10 dd", ("plain text, 2 cafe bead 10 dd", False)),  # no escape, no change
        (r"a \\x41 backslash", (r"a \x41 backslash", False)),
    ],
)
def test_bytes_literal_texts_are_decoded(literal, decoded):
    assert byte_literals.decode(literal) == decoded


def test_bytes_literal_columns_are_recognised(real_csv):
    with real_csv.open(encoding="utf-8", newline="") as handle:
        texts = [row[0] for row in csv.reader(handle)][1:]
    assert byte_literals.looks_like_byte_literals(texts)
    with (FIXTURES / "mapped.csv").open(encoding="utf-8", newline="") as handle:
        assert not byte_literals.looks_like_byte_literals([row[0] for row in csv.reader(handle)][1:])
    assert not byte_literals.looks_like_byte_literals(['He said "no"', "Ok", 'She said "yes"', "It's ok"])


def test_csv_kinds_from_what_the_text_kept(connection, run_import, tmp_path):
    path = tmp_path / "collected.csv"
    path.write_text(
        "Text,Created_at,Retweet_count\n"
        + "\n".join([
            r"TaranaBurke: Two years of #MeToo2\x80\x99s work2\x806',10/16/2019 20:00,801",  # RT @ cut off
            r"VIDEO: #MeToo leader launches a hashtag https://t.co/x',10/16/2019 20:01,0",  # a word, no RT
            r""" @hrw: As #MeToo turns 2\x806',10/16/2019 20:02,16""",  # RT cut off, its space left
            r"""b"@extratv I didn't know #metoo",10/16/2019 20:03,0""",  # a reply: a whole literal
            r"Today marks two years of #MeTooVoter2\x80\x94and more',10/16/2019 20:04,3",
        ])
        + "\n",
        encoding="utf-8",
    )  # fmt: skip
    [outcome] = run_import(path)
    assert outcome.malformed == 0
    stored = sorted(posts(connection).values(), key=lambda row: row["created_at"])
    assert [row["kind"] for row in stored] == ["retweet", "original", "retweet", "reply", "original"]
    assert [row["hashtags"] for row in stored] == [["metoo"], ["metoo"], ["metoo"], ["metoo"], ["metoovoter"]]


def test_csv_word_and_colon_is_an_original_outside_bytes_literals():
    assert csvexport.kind_of("Update: it happened #MeToo", retweet_count=5) == "original"
    assert csvexport.kind_of("Update: it happened", opening_cut=True, retweet_count=0) == "original"
    assert csvexport.kind_of("Update: it happened", opening_cut=True, retweet_count=2) == "retweet"
    assert csvexport.kind_of("@alice: thank you") == "reply"  # no space before: no RT was cut off
    assert csvexport.kind_of(" @alice: thank you") == "retweet"
