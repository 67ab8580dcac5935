"""Import behaviour: compression, idempotence, resuming, malformed records, and the real 2019 CSV."""

import csv
import gzip
import html
import re
import shutil
from collections import Counter

import orjson
import pytest
import zstandard

from ustoo.movement.importer import Importer
from ustoo.movement.tests.conftest import FIXTURES, REAL_CSV, posts

REAL_COLUMNS = "text=Text,created_at=Created_at,lang=Lang,id=Id"


def test_gzip_is_read_transparently(connection, run_import, tmp_path):
    packed = tmp_path / "page.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "twarc2.jsonl").read_bytes()))
    [outcome] = run_import(packed)
    assert outcome.format == "twarc2"
    assert list(posts(connection)) == ["1001", "1002", "1003", "1004"]


def test_reddit_zst_with_a_2_gib_window(connection, run_import, tmp_path):
    comments = [
        {"id": "c1", "author": "someone", "body": "Me too. #MeToo", "created_utc": 1508097600,
         "subreddit": "TwoXChromosomes", "parent_id": "t3_s1", "link_id": "t3_s1"},
        {"id": "c2", "author": "[deleted]", "body": "[removed]", "created_utc": "1508101200",
         "subreddit": "TwoXChromosomes", "parent_id": "t1_c1", "link_id": "t3_s1"},
    ]  # fmt: skip
    text = b"".join(orjson.dumps(item) + b"\n" for item in comments)
    # Pushshift compresses with --long=31; a reader with zstd's default window limit refuses such a frame.
    params = zstandard.ZstdCompressionParameters.from_level(3, window_log=31)
    path = tmp_path / "RC_2017-10.zst"
    path.write_bytes(zstandard.ZstdCompressor(compression_params=params).compress(text))
    submissions = tmp_path / "RS_2017-10.zst"
    submissions.write_bytes(zstandard.ZstdCompressor().compress(orjson.dumps(
        {"id": "s1", "author": "op", "title": "#MeToo thread", "selftext": "Share if you want.",
         "created_utc": 1508094000, "subreddit": "TwoXChromosomes"}
    ) + b"\n"))  # fmt: skip
    outcomes = run_import(path, submissions)
    assert [outcome.format for outcome in outcomes] == ["reddit", "reddit"]
    stored = posts(connection)
    assert stored["t1_c1"]["kind"] == "reply" and stored["t1_c1"]["hashtags"] == ["metoo"]
    assert stored["t1_c2"]["author"] is None  # a deleted account is nobody, not a person called [deleted]
    assert stored["t3_s1"]["kind"] == "original" and stored["t3_s1"]["hashtags"] == ["metoo"]
    assert stored["t1_c1"]["lang_detected"] is not None  # Reddit gives no language


def test_malformed_lines_are_reported_with_their_numbers_and_do_not_stop_the_import(connection, run_import):
    [outcome] = run_import(FIXTURES / "twarc2.jsonl")
    assert outcome.malformed == 2
    assert [line for line, _reason in outcome.malformed_examples] == [3, 4]
    stored = connection.execute("SELECT line, reason FROM malformed ORDER BY line").fetchall()
    assert [line for line, _reason in stored] == [3, 4]
    assert "id" in stored[0][1] and "JSON" in stored[1][1]
    assert len(posts(connection)) == 4


def test_reimporting_the_same_file_adds_nothing(connection, run_import, tmp_path):
    first = run_import(FIXTURES / "twarc2.jsonl")[0]
    again = run_import(FIXTURES / "twarc2.jsonl")[0]
    copy = tmp_path / "renamed.jsonl"
    shutil.copy(FIXTURES / "twarc2.jsonl", copy)
    renamed = run_import(copy)[0]
    assert first.inserted == 4
    assert again.status == renamed.status == "already imported"
    assert connection.execute("SELECT count(*) FROM posts").fetchone()[0] == 4
    # Another file holding the same posts: read, and skipped as duplicates.
    overlapping = tmp_path / "overlap.jsonl"
    overlapping.write_bytes((FIXTURES / "twarc2.jsonl").read_bytes() + b"\n")
    outcome = run_import(overlapping)[0]
    assert (outcome.inserted, outcome.duplicates) == (0, 5)


def _v1_lines(count: int) -> bytes:
    return b"".join(
        orjson.dumps({
            "id_str": str(5000 + n), "created_at": f"Sun Oct 15 {n % 24:02d}:00:00 +0000 2017",
            "text": f"post {n} #MeToo", "lang": "en", "user": {"id_str": str(n % 7)},
            "entities": {"hashtags": [{"text": "MeToo"}]},
        }) + b"\n"
        for n in range(count)
    )  # fmt: skip


class Interrupted(Exception):
    pass


@pytest.mark.parametrize("kind", ["lines", "csv"])
def test_an_interrupted_import_resumes_where_it_stopped(connection, tmp_path, kind):
    if kind == "lines":
        path = tmp_path / "stream.jsonl"
        path.write_bytes(_v1_lines(95))
    else:
        path = tmp_path / "export.csv"
        rows = [f"post {n} #MeToo,10/15/2017 {n % 24:02d}:00,{7000 + n}" for n in range(95)]
        path.write_text("text,created_at,id\n" + "\n".join(rows) + "\n")

    def stop_after_two_batches(outcome):
        if outcome.posts_read >= 20:
            raise Interrupted

    first = Importer(
        connection, dataset="test", classify=False, batch_size=10, after_commit=stop_after_two_batches
    )
    with pytest.raises(Interrupted):
        first.import_file(path)
    assert connection.execute("SELECT count(*) FROM posts").fetchone()[0] == 20  # nothing committed is lost
    resumed = Importer(connection, dataset="test", classify=False, batch_size=10).import_file(path)
    assert resumed.status == "resumed"
    assert (resumed.posts_read, resumed.inserted, resumed.duplicates) == (75, 75, 0)  # nothing read twice
    assert connection.execute("SELECT count(DISTINCT id), count(*) FROM posts").fetchone() == (95, 95)
    assert Importer(connection, dataset="test", classify=False).import_file(path).status == "already imported"


def test_parallel_workers_store_what_one_process_stores(connection, tmp_path, monkeypatch):
    from ustoo.movement import importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(importer, "CHUNK_BYTES", 4096)
    path = tmp_path / "stream.jsonl"
    path.write_bytes(_v1_lines(200) + b"{not json\n" + _v1_lines(3))
    parallel = Importer(connection, dataset="two", classify=False, workers=2).import_file(path)
    single = Importer(connection, dataset="one", classify=False, workers=1).import_file(path)
    assert (parallel.posts_read, parallel.inserted, parallel.duplicates) == (203, 200, 3)
    assert [line for line, _ in parallel.malformed_examples] == [201]
    assert [line for line, _ in single.malformed_examples] == [201]
    query = "SELECT id, created_at, author, hashtags, kind FROM posts WHERE dataset = ? ORDER BY id"
    assert connection.execute(query, ["two"]).fetchall() == connection.execute(query, ["one"]).fetchall()


def _independent_csv_counts():
    """The real file read with nothing but the csv module: rows, distinct rows, and #metoo rows per day."""
    with REAL_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    distinct = {tuple(row) for row in rows}
    metoo = re.compile(r"(?<![\w#])#metoo(?![\w])", re.IGNORECASE)
    per_day = Counter()
    with_metoo = 0
    retweets = 0
    for text, _id, _length, created, *_rest in distinct:
        month, day, rest = created.split("/")
        per_day[f"{rest[:4]}-{month}-{day}"] += 1
        with_metoo += bool(metoo.search(html.unescape(text)))
        retweets += text.startswith(" @") and ":" in text.split(" ", 2)[1]
    return len(rows), len(distinct), per_day, with_metoo, retweets


def test_the_real_2019_csv_imports_and_its_counts_match_an_independent_reading(connection, run_import):
    from ustoo.movement.report import Selection, build_report

    [outcome] = run_import(REAL_CSV, dataset="real", columns=REAL_COLUMNS)
    rows, distinct, per_day, with_metoo, retweets = _independent_csv_counts()
    assert outcome.malformed == 0
    assert (outcome.posts_read, outcome.inserted, outcome.duplicates) == (rows, distinct, rows - distinct)
    assert outcome.content_keyed == rows  # every id in the file is 1.18…E+18
    report = build_report(connection, Selection(dataset="real"))
    assert report["totals"]["posts"] == distinct
    assert report["totals"]["retweets"] == retweets
    assert report["per_day"] == dict(sorted(per_day.items()))
    assert report["by_hashtag"]["metoo"]["posts"] == with_metoo
    assert report["deduplication"]["by_content_key"] == distinct
    assert "lossy" in report["deduplication"]["note"]
