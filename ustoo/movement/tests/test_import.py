"""Import behaviour: compression, idempotence, resuming, malformed records, and the real 2019 CSV."""

import csv
import gzip
import html
import io
import re
import shutil
import string
from collections import Counter

import orjson
import pytest
import zstandard

from ustoo.movement import store
from ustoo.movement.importer import Importer, ImportFailed
from ustoo.movement.tests.conftest import FIXTURES, posts

REAL_COLUMNS = "text=Text,created_at=Created_at,lang=Lang,id=Id"


def test_gzip_is_read_transparently(connection, run_import, tmp_path):
    packed = tmp_path / "page.jsonl.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "twarc2.jsonl").read_bytes()))
    [outcome] = run_import(packed)
    assert outcome.format == "twarc2"
    assert list(posts(connection)) == ["1001", "1002", "1003", "1004"]


def test_reddit_zst_with_a_2_gib_window(connection, run_import, tmp_path):
    comments = [
        {"id": "c1", "author": "someone", "body": "Me too. It was my first job and I told no one. #MeToo",
         "created_utc": 1508097600,
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


def _archive_tweets(count: int) -> bytes:
    entries = [
        {"tweet": {"id_str": str(8000 + n), "full_text": f"post {n} #MeToo", "lang": "en",
                   "created_at": f"Sun Oct 15 {n % 24:02d}:00:00 +0000 2017",
                   "entities": {"hashtags": [{"text": "MeToo", "indices": ["5", "11"]}]}}}
        for n in range(count)
    ]  # fmt: skip
    return b"window.YTD.tweets.part0 = " + orjson.dumps(entries, option=orjson.OPT_INDENT_2)


def _mastodon_statuses(count: int) -> bytes:
    return orjson.dumps([
        {"id": str(n), "uri": f"https://social.example/users/u{n % 3}/statuses/{n}", "language": "en",
         "created_at": f"2023-03-08T{n % 24:02d}:00:00.000Z",
         "account": {"uri": f"https://social.example/u{n % 3}"},
         "content": f"<p>post {n} #MeToo</p>", "tags": [{"name": "metoo"}]}
        for n in range(count)
    ])  # fmt: skip


@pytest.mark.parametrize("kind", ["lines", "csv", "archive", "mastodon", "parallel"])
def test_an_interrupted_import_resumes_where_it_stopped(connection, tmp_path, kind, monkeypatch):
    options = {}
    if kind in ("lines", "parallel"):
        path = tmp_path / "stream.jsonl"
        path.write_bytes(_v1_lines(95))
        if kind == "parallel":
            from ustoo.movement import importer

            monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
            monkeypatch.setattr(importer, "CHUNK_BYTES", 2048)
            options = {"workers": 2}
    elif kind == "csv":
        path = tmp_path / "export.csv"
        rows = [f"post {n} #MeToo,10/15/2017 {n % 24:02d}:00,{7000 + n}" for n in range(95)]
        path.write_text("text,created_at,id\n" + "\n".join(rows) + "\n")
    elif kind == "archive":
        path = tmp_path / "tweets.js"
        path.write_bytes(_archive_tweets(95))
    else:
        path = tmp_path / "statuses.json"
        path.write_bytes(_mastodon_statuses(95))

    def stop_after_two_batches(outcome):
        if outcome.posts_read >= 20:
            raise Interrupted

    first = Importer(
        connection,
        dataset="test",
        classify=False,
        batch_size=10,
        after_commit=stop_after_two_batches,
        **options,
    )
    with pytest.raises(Interrupted):
        first.import_file(path)
    committed = connection.execute("SELECT count(*) FROM posts").fetchone()[0]
    assert 20 <= committed < 95  # nothing committed is lost
    if kind != "parallel":  # there, commits end with the workers' byte ranges, not every 10 lines
        assert committed == 20
    resumed = Importer(connection, dataset="test", classify=False, batch_size=10, **options).import_file(path)
    assert resumed.status == "resumed"
    left = 95 - committed
    assert (resumed.posts_read, resumed.inserted, resumed.duplicates) == (left, left, 0)  # nothing read twice
    assert connection.execute("SELECT count(DISTINCT key), count(*) FROM posts").fetchone() == (95, 95)
    again = Importer(connection, dataset="test", classify=False, **options).import_file(path)
    assert again.status == "already imported"


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


def _independent_csv_counts(rows: list[list[str]]):
    """The real file's rows (read with nothing but the csv module) counted by string methods, by rules
    written apart from the importer's: kinds, #metoo posts and posts per day.

    Kinds, as the file shows them (read by hand in the audit): a text still opening `b'`/`b"` is a whole
    bytes literal; otherwise that opening was cut off, with a retweet's `RT @` (leaving `user: `, and the
    retweet count of the tweet repeated, at least 1) or its `RT` alone (leaving ` @user: `). A reply starts
    `@` once the opening is taken off, or, where the `@` was cut off with it, a name and then `@` (a reply to
    several accounts: `user @other …`). The rows opening `Word: ` with a retweet count of 0 (`VIDEO: ...`,
    `BREAKING: ...`) are originals."""
    handle_chars = set(string.ascii_letters + string.digits + "_")

    def is_handle(name: str) -> bool:
        return 1 <= len(name) <= 15 and set(name) <= handle_chars

    kinds = Counter()
    per_day = Counter()
    with_metoo = 0
    # Crude mojibake cleaning, unlike the importer's decoding: an escaped byte, with a hex digit glued to it
    # on either side (what is left of a damaged one), is a space; so are `\n` and `\0`.
    mojibake = re.compile(r"[0-9a-f]?(\\x[0-9a-f]{2})+[0-9a-f]?|\\n|\\0")
    metoo = re.compile(r"(?<![\w#])#metoo(?!\w)", re.IGNORECASE)
    for text, _id, _length, created, _source, _likes, retweet_count, _lang in rows:
        opened = text.startswith(("b'", 'b"'))
        body = text[2:] if opened else text
        name, colon, _rest = body.partition(": ")
        first, _space, after = body.partition(" ")
        rt_kept = body.startswith("RT @")
        rt_cut = body.startswith(" @") and colon and is_handle(name[2:])
        rt_and_at_cut = not opened and colon and is_handle(name) and retweet_count != "0"
        if rt_kept or rt_cut or rt_and_at_cut:
            kinds["retweet"] += 1
        elif body.lstrip().startswith("@") or (not opened and is_handle(first) and after.lstrip()[:1] == "@"):
            kinds["reply"] += 1
        else:
            kinds["original"] += 1
        month, day, rest = created.split("/")
        per_day[f"{rest[:4]}-{month}-{day}"] += 1
        with_metoo += bool(metoo.search(html.unescape(mojibake.sub(" ", text))))
    return kinds, per_day, with_metoo


def _real_rows(path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))[1:]


def test_the_real_2019_csv_imports_and_its_counts_match_an_independent_reading(
    connection, run_import, real_csv
):
    """Every row is a post: the file's ids are lossy, and 720 of its 721 rows identical to an earlier one
    are retweets of one tweet in the same minute by different accounts (a retweet count above 0)."""
    from ustoo.movement.report import Selection, build_report

    [outcome] = run_import(real_csv, dataset="real", columns=REAL_COLUMNS)
    rows = _real_rows(real_csv)
    kinds, per_day, with_metoo = _independent_csv_counts(rows)
    # The independent reading, checked against the figures the audit found by hand.
    assert len(rows) == 15_054
    assert kinds == {"retweet": 11_071, "reply": 218 + 474, "original": 3_291}
    assert outcome.malformed == 0
    assert (outcome.posts_read, outcome.inserted, outcome.duplicates) == (len(rows), len(rows), 0)
    assert outcome.content_keyed == len(rows)  # every id in the file is 1.18…E+18
    assert outcome.repeated_rows == 721
    report = build_report(connection, Selection(dataset="real"))
    totals = report["totals"]
    assert totals["posts"] == len(rows)
    assert totals["retweets"] == kinds["retweet"]
    assert totals["replies"] == kinds["reply"]
    assert set(report["lower_bounds"]) == {"replies", "quotes"}  # "at least", in every format
    from ustoo.movement import render

    assert "  replies                       692 (at least: " in render.as_table(report)
    assert ">at least 692<" in render.as_html(report)
    assert ["lower_bounds", "replies", "", report["lower_bounds"]["replies"], ""] in list(
        csv.reader(io.StringIO(render.as_csv(report)))
    )
    assert totals["originals"] == kinds["original"] + kinds["reply"]
    assert totals["authors"] is None  # the file names no author: not measured, not 0
    assert report["per_day"] == dict(sorted(per_day.items()))
    # Read as text, `#MeToo2\x80\x99s` was a tag `metoo2`: 7,317 distinct rows found #metoo before the
    # decoding. One post opens `🎙️#MeToo`: the emoji's variation selector (U+FE0F) does not glue the # to it.
    assert with_metoo == 8_029
    assert report["by_hashtag"]["metoo"]["posts"] == with_metoo
    dedup = report["deduplication"]
    assert dedup["by_content_key"] == len(rows)
    assert (dedup["lossy_id_rows"], dedup["repeated_rows_kept"]) == ("none", 721)
    assert (dedup["posts_with_dedupe_none"], dedup["posts_with_dedupe_content"]) == (15_054, 14_333)
    assert "posts would be 14,333" in dedup["note"]
    tags = {tag for (tag,) in connection.execute("SELECT DISTINCT unnest(hashtags) FROM posts").fetchall()}
    assert "metoovoter" in tags
    assert not {"metoo2", "metoovoter2", "metoo0"} & tags


def test_the_real_csvs_texts_are_decoded(connection, run_import, real_csv):
    run_import(real_csv, dataset="real", columns=REAL_COLUMNS, keep_text=True)
    texts = [text for (text,) in connection.execute("SELECT text FROM posts").fetchall()]
    assert not [text for text in texts if "\\x" in text or "\ufffd" in text]
    # line 2 of the file, `...Coerced sex isn2\x80\x99t consensual sex...The burd2\x806'`
    assert any(text.startswith(' @Rightsatbirth: "What he did') and "isn’t" in text for text in texts)
    assert sum(text.endswith("…") for text in texts) > 5000  # the broken ellipses of truncated texts


def test_one_odd_record_in_a_document_is_malformed_and_the_import_goes_on(connection, run_import, tmp_path):
    statuses = orjson.loads(_mastodon_statuses(3))
    statuses[1]["account"] = "x"  # a string where an object belongs
    mastodon = tmp_path / "statuses.json"
    mastodon.write_bytes(orjson.dumps(statuses))
    archive = tmp_path / "tweets.js"
    entries = orjson.loads(_archive_tweets(3).split(b"=", 1)[1])
    entries[0]["tweet"]["entities"]["hashtags"] = [{"text": None}]
    archive.write_bytes(b"window.YTD.tweets.part0 = " + orjson.dumps(entries))
    first, second = run_import(mastodon, archive)
    assert (first.status, first.posts_read, first.malformed, first.unit) == ("imported", 2, 1, "item")
    assert (second.status, second.posts_read, second.malformed, second.unit) == ("imported", 2, 1, "item")
    assert [number for number, _reason in first.malformed_examples] == [2]
    assert "account" in first.malformed_examples[0][1]
    assert [number for number, _reason in second.malformed_examples] == [1]
    assert connection.execute("SELECT DISTINCT status FROM files").fetchall() == [("done",)]
    stored = connection.execute("SELECT path, line, unit FROM malformed ORDER BY path").fetchall()
    assert stored == [(str(mastodon), 2, "item"), (str(archive), 1, "item")]


def test_csv_records_that_cannot_be_read_are_reported_and_the_rest_is_read(connection, run_import, tmp_path):
    path = tmp_path / "export.csv"
    lines = [
        "text,created_at,id",
        "first #MeToo,10/15/2017 20:00,1",  # line 2
        '"far too long ' + "x" * 200_000 + '",10/15/2017 20:01,2',  # line 3: over the csv module's limit
        "third #MeToo,10/15/2017 20:02,3",  # line 4
        '"an opened quote that never closes #MeToo,10/15/2017 20:03,4',  # line 5
        "fifth #MeToo,10/15/2017 20:04,5",  # line 6
        '"a quoted field',  # lines 7-8: a newline inside quotes, as it should be
        'on two lines #MeToo",10/15/2017 20:05,6',
        "last #MeToo,10/15/2017 20:06,7",  # line 9
    ]
    path.write_text("\n".join(lines) + "\n")
    [outcome] = run_import(path)
    assert [line for line, _reason in outcome.malformed_examples] == [3, 5]
    assert "field larger than field limit" in outcome.malformed_examples[0][1]
    assert "quote" in outcome.malformed_examples[1][1]
    assert sorted(posts(connection)) == ["1", "3", "5", "6", "7"]
    assert posts(connection)["6"]["hashtags"] == ["metoo"]


def test_a_quote_left_open_to_the_end_is_one_malformed_line(connection, run_import, tmp_path, monkeypatch):
    from ustoo.movement.formats import csvexport

    monkeypatch.setattr(csvexport, "MAX_RECORD_LINES", 5)
    path = tmp_path / "export.csv"
    rows = [f"post {n} #MeToo,10/15/2017 20:{n:02d},{n}" for n in range(12)]
    rows.insert(3, '"opened and left open,10/15/2017 20:59,99')  # line 5
    path.write_text("text,created_at,id\n" + "\n".join(rows) + "\n")
    [outcome] = run_import(path)
    assert [line for line, _reason in outcome.malformed_examples] == [5]
    assert "still open 5 lines" in outcome.malformed_examples[0][1]
    assert len(posts(connection)) == 12


def _two_line_v1(path):
    path.write_bytes(
        b"".join(
            orjson.dumps({
                "id_str": str(600 + n), "created_at": "Tue Oct 15 20:00:00 +0000 2019", "text": text,
                "lang": lang, "user": {"id_str": "1"},
            }) + b"\n"
            for n, (text, lang) in enumerate([("me too #MeToo", "en"), ("我也是 #米兔", "zh")])
        )
    )  # fmt: skip
    return path


def test_posts_with_no_word_the_classifier_knows_get_no_label(connection, tmp_path):
    """A batch whose last text had no known word crashed the classifier (and a resumed import, again)."""
    from ustoo.movement.report import Selection, build_report

    outcome = Importer(connection, dataset="test").import_file(_two_line_v1(tmp_path / "two.jsonl"))
    assert (outcome.status, outcome.inserted) == ("imported", 2)
    labels = dict(connection.execute("SELECT id, label FROM posts").fetchall())
    assert labels == {"600": "experience", "601": None}  # not `backlash` from the intercepts alone
    report = build_report(connection, Selection(dataset="test"))
    # The unlabelled original counts as one the classifier did not call experience.
    day = report["experience_share"]["per_day"]["2019-10-15"]
    assert (day["classified"], day["originals"]) == (0.5, 2)
    assert (report["labelled_originals"], report["unlabelled_originals"]) == (1, 1)


def _stored_state(connection):
    return [
        connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608 - constant names
        for table in ("posts", "files", "malformed")
    ]


def test_a_wrong_column_mapping_is_an_error_and_the_right_one_then_imports(connection, run_import):
    before = _stored_state(connection)
    with pytest.raises(ImportFailed) as failure:
        run_import(FIXTURES / "mapped.csv", columns="text=Txt,created_at=When")
    wrong = failure.value.outcome
    assert wrong.status == "failed"
    assert "'Txt', which is not in the header" in wrong.error and "--columns" in wrong.error
    assert _stored_state(connection) == before  # nothing stored, not even the malformed record
    [right] = run_import(FIXTURES / "mapped.csv", columns="text=Tweet Text,created_at=When,id=Tweet ID")
    assert (right.status, right.inserted) == ("imported", 5)


def test_a_wrong_format_is_an_error_and_auto_then_imports(connection, run_import):
    with pytest.raises(ImportFailed) as failure:
        run_import(FIXTURES / "twarc2.jsonl", fmt="v1")
    wrong = failure.value.outcome
    assert wrong.status == "failed" and "nothing could be read as v1" in wrong.error
    assert "line 1: missing id_str, created_at" in wrong.error
    assert _stored_state(connection) == [0, 0, 0]
    [right] = run_import(FIXTURES / "twarc2.jsonl")
    assert (right.status, right.format, right.inserted) == ("imported", "twarc2", 4)


def test_the_same_file_read_another_way_is_another_import(connection, run_import, tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("a,b,c\nI was 14 #MeToo,10/15/2017 20:00,Mon Oct 16 10:00:00 +0000 2017\n")
    [first] = run_import(path, columns="text=a,created_at=b")
    [again] = run_import(path, columns="created_at=b, text=a")  # the same mapping, written differently
    [other] = run_import(path, columns="text=a,created_at=c")
    assert (first.status, again.status, other.status) == ("imported", "already imported", "imported")


def test_the_command_reports_failed_files_and_imports_the_others(connection, tmp_path):
    from django.core.management import CommandError, call_command

    connection.close()
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 files could not be read"):
        call_command(
            "movement", "import", str(FIXTURES / "twarc2.jsonl"), str(FIXTURES / "v1.jsonl"),
            "--format", "v1", "--no-progress", stdout=out, stderr=err,
        )  # fmt: skip
    assert "nothing could be read as v1" in err.getvalue()
    assert "v1.jsonl [v1] imported: 3 posts read" in out.getvalue()


def test_malformed_items_of_a_json_document_are_called_items(connection, tmp_path):
    from django.core.management import call_command

    statuses = orjson.loads(_mastodon_statuses(3))
    statuses[1] = "not a status"
    path = tmp_path / "statuses.json"
    path.write_bytes(orjson.dumps(statuses))
    connection.close()
    out, err = io.StringIO(), io.StringIO()
    call_command("movement", "import", str(path), "--no-progress", stdout=out, stderr=err)
    assert f"{path} item 2: malformed: not a JSON object" in err.getvalue()
    out = io.StringIO()
    call_command("movement", "datasets", stdout=out)
    assert f"{path} item 2: not a JSON object" in out.getvalue()


@pytest.mark.parametrize("name", ["stream.jsonl.gz", "stream.jsonl.zst", "export.csv.gz"])
def test_the_progress_bar_counts_compressed_bytes_against_the_file_size(connection, tmp_path, capsys, name):
    if name.startswith("export"):
        rows = [f"post {n} #MeToo,10/15/2017 {n % 24:02d}:00,{7000 + n}" for n in range(3000)]
        raw = ("text,created_at,id\n" + "\n".join(rows) + "\n").encode()
    else:
        raw = _v1_lines(3000)
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw) if name.endswith(".gz") else zstandard.ZstdCompressor().compress(raw))
    Importer(connection, dataset="test", classify=False, batch_size=500, show_progress=True).import_file(path)
    bar = capsys.readouterr().err.split("\r")[-1]
    # With no total (the uncompressed size is unknown) tqdm shows no percentage and no ETA at all.
    assert "100%" in bar and "posts=3000" in bar


@pytest.mark.parametrize("workers", [1, 2])
def test_the_command_imports_with_worker_processes(connection, tmp_path, monkeypatch, workers):
    from django.core.management import call_command

    from ustoo.movement import importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(importer, "CHUNK_BYTES", 2048)
    path = tmp_path / "v1.jsonl"
    path.write_bytes(_v1_lines(60) + b"{not json\n")
    connection.close()
    out = io.StringIO()
    call_command("movement", "import", str(path), "--workers", str(workers), "--no-progress", stdout=out)
    with store.connect() as reopened:
        assert reopened.execute("SELECT count(DISTINCT key), count(*) FROM posts").fetchone() == (60, 60)
        assert reopened.execute("SELECT line FROM malformed").fetchall() == [(61,)]


def test_the_real_2019_csv_deduplicated_on_content(connection, run_import, real_csv):
    """--dedupe content: rows identical in every column count once; both figures are still reported."""
    from ustoo.movement.report import Selection, build_report

    [outcome] = run_import(real_csv, dataset="real", columns=REAL_COLUMNS, dedupe="content")
    distinct = {tuple(row) for row in _real_rows(real_csv)}
    assert len(distinct) == 14_333
    assert (outcome.posts_read, outcome.inserted, outcome.duplicates) == (15_054, 14_333, 721)
    assert outcome.content_key_duplicates == outcome.repeated_rows == 721
    report = build_report(connection, Selection(dataset="real"))
    assert report["totals"]["posts"] == 14_333
    kinds, _per_day, _with_metoo = _independent_csv_counts([list(row) for row in distinct])
    assert report["totals"]["retweets"] == kinds["retweet"] == 10_351
    dedup = report["deduplication"]
    assert (dedup["lossy_id_rows"], dedup["content_key_duplicates"]) == ("content", 721)
    assert (dedup["posts_with_dedupe_none"], dedup["posts_with_dedupe_content"]) == (15_054, 14_333)
    assert "up to 15,054" in dedup["note"]


def test_reading_the_same_rows_again_from_another_file_adds_nothing(connection, run_import, tmp_path):
    """Under --dedupe none a repeated row is keyed by its occurrence: an overlapping export adds only the
    rows (and repetitions) it has beyond the first file."""
    header = "Text,Id,Created_at,Retweet_count\n"
    row = " @someone: I was 15 #MeToo,1.1846E+18,10/16/2019 22:33,3\n"
    first = tmp_path / "first.csv"
    first.write_text(header + row * 2)
    second = tmp_path / "second.csv"
    second.write_text(header + row * 3 + "Another post #MeToo,1.1846E+18,10/16/2019 22:34,0\n")
    outcomes = run_import(first, second, columns="text=Text,id=Id,created_at=Created_at")
    assert [(o.posts_read, o.inserted, o.repeated_rows) for o in outcomes] == [(2, 2, 1), (4, 2, 2)]
