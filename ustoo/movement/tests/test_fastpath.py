"""The DuckDB fast path (v1.1, twarc2) stores what the Python parsers store, line for line, traps included;
and the batch language detector and the compiled classifier give what py3langid and scikit-learn give."""

import random

import orjson
import pytest

from ustoo.movement.importer import Importer
from ustoo.movement.tests.conftest import FIXTURES

COLUMNS = "id, key, created_at, author, lang, lang_detected, text, hashtags, kind, ref_id, label"


def _stored(connection, dataset):
    return connection.execute(
        f"SELECT {COLUMNS} FROM posts WHERE dataset = ? ORDER BY key",  # noqa: S608 - constant columns
        [dataset],
    ).fetchall()


def _both_ways(connection, path, **options):
    outcomes = []
    for dataset, fast in (("fast", True), ("python", False)):
        importer = Importer(connection, dataset=dataset, keep_text=True, fast=fast, **options)
        outcomes.append(importer.import_file(path))
    fast, slow = outcomes
    assert (fast.posts_read, fast.inserted, fast.duplicates, fast.malformed) == (
        slow.posts_read,
        slow.inserted,
        slow.duplicates,
        slow.malformed,
    )
    assert fast.malformed_examples == slow.malformed_examples
    assert _stored(connection, "fast") == _stored(connection, "python")
    malformed = "SELECT line, reason FROM malformed WHERE dataset = ? ORDER BY line"
    assert (
        connection.execute(malformed, ["fast"]).fetchall()
        == connection.execute(malformed, ["python"]).fetchall()
    )
    return fast


def _v1(n: int, **fields) -> dict:
    tweet = {
        "id_str": str(900 + n),
        "created_at": f"Mon Oct 16 {n % 24:02d}:00:00 +0000 2017",
        "text": f"it happened to me too {n} #MeToo",
        "lang": "en",
        "user": {"id_str": str(n % 5)},
        "entities": {"hashtags": [{"text": "MeToo"}]},
    }
    tweet.update(fields)
    return tweet


V1_TRAPS = [
    _v1(1),
    _v1(
        2,
        lang="und",
        text="Moi aussi, cela m'est arrivé au travail. #MoiAussi #BalanceTonPorc",
        entities={"hashtags": [{"text": "MoiAussi"}, {"text": "BalanceTonPorc"}, {"text": "moiaussi"}]},
    ),
    _v1(3, retweeted_status=_v1(1)),
    _v1(4, retweeted_status={}),  # falsy: not a retweet in Python
    _v1(
        5,
        extended_tweet={
            "full_text": "long text #YoTambién #ＭｅＴｏｏ",
            "entities": {"hashtags": [{"text": "YoTambién"}, {"text": "ＭｅＴｏｏ"}]},
        },
    ),
    _v1(6, extended_tweet={"display_text_range": [0, 3]}),  # truthy, without text or entities
    _v1(7, in_reply_to_status_id_str="901"),
    _v1(8, is_quote_status=True, quoted_status_id_str="901"),
    _v1(9, is_quote_status="yes", quoted_status_id_str="901"),
    _v1(10, created_at="Mon Oct 16 10:00:00 +0200 2017"),
    _v1(11, created_at="yesterday"),
    _v1(12, id_str=""),
    _v1(13, entities={"hashtags": [{"indices": [0, 5]}]}),  # a tag without its text: malformed
    _v1(14, user=None, lang=None, text="", entities=None),
    _v1(15, full_text="the full text #MeTooIndia", entities={"hashtags": [{"text": "MeTooIndia"}]}),
    {key: value for key, value in _v1(16).items() if key != "entities"},  # no entities: no hashtags
    {"delete": {"status": {"id_str": "1"}}},
    {"limit": {"track": 3}},
    [1, 2],
    "a string",
    _v1(1),  # a duplicate
]


def test_v1_traps_fast_and_python_agree(connection, tmp_path):
    path = tmp_path / "traps.v1.jsonl"
    lines = [orjson.dumps(record) for record in V1_TRAPS]
    lines[4:4] = [b"", b"   ", b'{"id_str": "77", "created_at": ', "caf\xe9 #MeToo".encode("latin-1")]
    path.write_bytes(b"\n".join(lines))  # and no newline after the last line
    outcome = _both_ways(connection, path, fmt="v1", classify=True)
    assert outcome.malformed >= 5


def _v2(n: int, **fields) -> dict:
    tweet = {
        "id": str(700 + n),
        "created_at": f"2017-10-16T{n % 24:02d}:00:00.000Z",
        "text": f"me too {n} #MeToo",
        "author_id": str(n % 4),
        "lang": "en",
        "entities": {"hashtags": [{"tag": "MeToo"}]},
    }
    tweet.update(fields)
    return tweet


def _page(*tweets, includes=None) -> dict:
    return {
        "data": list(tweets),
        "includes": {"tweets": includes or []},
        "meta": {"result_count": len(tweets)},
    }


TWARC2_TRAPS = [
    _page(
        _v2(1),
        _v2(
            2,
            referenced_tweets=[{"type": "retweeted", "id": "701"}],
            text="RT @a: me too #Me…",
            entities={"hashtags": [{"tag": "Me"}]},
        ),
        includes=[_v2(1)],
    ),
    _page(_v2(3, referenced_tweets=[{"type": "quoted", "id": "1"}, {"type": "replied_to", "id": "2"}])),
    _page(_v2(4, referenced_tweets=[{"type": "retweeted", "id": "999"}])),  # original not included
    _page(
        _v2(
            5,
            note_tweet={
                "text": "a long note #TimesUp #MeToo",
                "entities": {"hashtags": [{"tag": "TimesUp"}, {"tag": "MeToo"}]},
            },
        )
    ),
    _page(_v2(6, note_tweet={"text": "note without entities"})),
    _page(_v2(7, entities=None, text="no entities, tags in the text #QuellaVoltaChe")),
    _page(
        _v2(8, referenced_tweets=[{"type": "retweeted", "id": "709"}]),
        includes=[_v2(9, entities=None, text="original without entities #米兔")],
    ),
    _page(_v2(10, created_at="2017-10-16T10:00:00+02:00"), _v2(11, created_at="2017-10-16 10:00")),
    _page(_v2(12), _v2(13, id=None)),  # one bad tweet: the whole page is malformed
    _page(),
    _page(
        _v2(
            14,
            lang="und",
            text="Yo también, me pasó en el trabajo hace años. #YoTambién",
            entities={"hashtags": [{"tag": "YoTambién"}]},
            referenced_tweets=[{"type": "other", "id": "3"}],
        )
    ),
    {"data": _v2(15)},  # a single-tweet lookup
    _v2(16),  # flattened
    {"meta": {}},
    _page(_v2(17, referenced_tweets=[None])),
    _page(_v2(18, entities={"urls": []})),  # entities without hashtags: none
    {"meta": {"result_count": 0}},  # an empty page: not malformed
    {"errors": [{"title": "Not Found Error", "resource_id": "1"}]},  # tweets gone since: not malformed
    _page(_v2(1)),  # a duplicate
]


def test_twarc2_traps_fast_and_python_agree(connection, tmp_path):
    path = tmp_path / "traps.twarc2.jsonl"
    lines = [orjson.dumps(record) for record in TWARC2_TRAPS]
    lines.insert(3, b'{"data": [')
    path.write_bytes(b"\n".join(lines) + b"\n")
    outcome = _both_ways(connection, path, fmt="twarc2", classify=True)
    assert outcome.malformed >= 3
    # pages of nothing but `meta` or `errors` are empty pages, not malformed
    empty = [
        number for number, line in enumerate(lines, start=1) if line.startswith((b'{"meta"', b'{"errors"'))
    ]
    assert len(empty) == 3
    assert not set(empty) & {line for line, _reason in outcome.malformed_examples}
    stored = connection.execute("SELECT hashtags FROM posts WHERE dataset = 'fast' AND id = '718'").fetchall()
    assert stored == [([],)]


@pytest.mark.parametrize("name", ["twarc2.jsonl", "twarc2_flat.jsonl", "v1.jsonl"])
def test_fixtures_fast_and_python_agree(connection, name):
    _both_ways(connection, FIXTURES / name, classify=True)


@pytest.mark.parametrize("workers", [1, 2])
def test_small_batches_and_generated_data_agree(connection, tmp_path, workers):
    from bench.movement_data import write_twarc2, write_v1

    for fmt, write in (("v1", write_v1), ("twarc2", write_twarc2)):
        path = tmp_path / f"generated.{fmt}.jsonl"
        write(path, 1500)
        _both_ways(connection, path, fmt=fmt, classify=True, batch_size=97, workers=workers)
        connection.execute("DELETE FROM posts; DELETE FROM files; DELETE FROM malformed")


def test_batch_language_detection_agrees_with_py3langid():
    import pyarrow as pa

    from ustoo.movement.classify import load_labelled
    from ustoo.movement.langdetect import detect_language, detect_language_array, detect_languages

    rng = random.Random(5)
    texts = [row["text"] for row in load_labelled()]
    texts += ["", "ab", "  abc ", "HELLO WORLD", "米兔 我也是", "أنا كمان", "😀😀😀", "x" * 3000, None]
    # what str.strip() strips and Arrow's own whitespace trimming might not; case and normalisation
    texts += [
        "\x1c\x1d abc \x1f",
        "\x85\xa0abc\u3000",
        "\tHI THERE\n",
        "ÉCOLE ET MAISON",
        "123 456",
        "e\u0301te",
    ]
    texts += [" ".join(rng.choice(texts[:200]).split()[::-1]) for _ in range(200)]
    expected = [detect_language(text) if text else None for text in texts]
    assert detect_languages(texts) == expected
    assert detect_language_array(pa.array(texts, pa.string())).to_pylist() == expected
    assert detect_language_array(pa.array(["", None, "ab"], pa.string())).to_pylist() == [None, None, None]


def test_compiled_classifier_agrees_with_scikit_learn():
    from ustoo.movement.classify import label_array, load_labelled, predict, predict_sklearn

    texts = [row["text"] for row in load_labelled()]
    rng = random.Random(6)
    texts += [
        "",
        "a",
        "Me too. @someone https://t.co/x #MeToo",
        "ÇA M’EST ARRIVÉ",
        "米兔 #米兔",
        "RT @u: me too",
    ]
    texts += [" ".join(rng.sample(text.split(), len(text.split()))) for text in texts[:300]]
    assert predict(texts) == predict_sklearn(texts)
    # Texts with no word the model knows get no label, wherever they stand in a batch (last, they crashed it)
    unknown = ["zzzz", "我也是 #米兔", "", "qqqq wwww"]
    for batch in (["me too", "zzzz"], ["me too #MeToo", "我也是 #米兔"], unknown, [*texts[:50], *unknown]):
        labels = predict(batch)
        assert labels == predict_sklearn(batch)
        assert labels[-1] is None and None not in labels[: -len(unknown) if batch[-1] == "qqqq wwww" else -1]
    assert predict(["me too", "zzzz"]) == ["experience", None]
    # what the importer stores: the same labels as an Arrow array, null for none
    assert label_array(texts).to_pylist() == predict(texts)


def test_deduplication_narrowed_by_numeric_keys_misses_nothing(connection):
    import pyarrow as pa

    from ustoo.movement import store
    from ustoo.movement.batches import enrich

    def batch(keys):
        parsed = pa.table(
            {
                "id": keys,
                "key": keys,
                "created_at": pa.array([0] * len(keys), pa.timestamp("us")),
                "author": [None] * len(keys),
                "lang": ["en"] * len(keys),
                "text": ["x"] * len(keys),
                "hashtags": [["metoo"]] * len(keys),
                "kind": ["retweet"] * len(keys),
                "ref_id": [None] * len(keys),
            }
        )
        table = enrich(parsed, dataset="d", platform="twitter", keep_text=False, classify=False)
        return store.insert_posts(connection, table)

    assert batch([str(n) for n in range(100, 200)]) == 100
    assert batch([str(n) for n in range(150, 250)]) == 50  # numeric: narrowed to 150..249
    assert batch(["c:abc", "199", "300"]) == 2  # mixed: not narrowed, 199 still found
    assert batch(["007", "7", "300"]) == 2  # same number, different keys: both new but 300
    assert batch(["400", "401", "400", "c:x", "c:x"]) == 3  # duplicates within a batch go in once
    assert batch(["402"]) == 1
    assert connection.execute("SELECT count(*), count(key_order) FROM posts").fetchone() == (158, 156)


def _generated_with_traps(tmp_path, fmt: str, name: str):
    """Generated posts, with an empty line, a line that is not JSON and one that is not UTF-8 among them,
    and no newline at the end."""
    from bench.movement_data import write_twarc2, write_v1

    path = tmp_path / name
    (write_v1 if fmt == "v1" else write_twarc2)(path, 1500)
    lines = path.read_bytes().splitlines()
    for position in (len(lines) // 3, len(lines) // 2, len(lines) - 2):
        lines[position:position] = [b"", b'{"not": "closed', "caf\xe9 #MeToo".encode("latin-1")]
    path.write_bytes(b"\n".join(lines))
    return path


@pytest.mark.parametrize("fmt", ["v1", "twarc2"])
@pytest.mark.parametrize("compressed", [False, True])
def test_worker_processes_store_what_the_python_parser_stores(
    connection, tmp_path, monkeypatch, fmt, compressed
):
    """Many chunks over two worker processes (a plain file's byte ranges, a compressed file's chunks handed
    over), lines longer than a chunk included: the same rows and the same malformed line numbers."""
    import gzip

    from ustoo.movement import fastpath, importer

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(fastpath, "CHUNK_BYTES", 64 << 10)  # twarc2 pages are longer: buffers must grow
    path = _generated_with_traps(tmp_path, fmt, f"generated.{fmt}.jsonl")
    if compressed:
        path = path.with_suffix(".jsonl.gz")
        path.write_bytes(gzip.compress(path.with_suffix("").read_bytes()))
    outcome = _both_ways(connection, path, fmt=fmt, classify=True, workers=2)
    assert outcome.malformed == 6 and outcome.posts_read >= 1500


def test_chunks_are_whole_lines_at_their_offsets_whatever_their_length(tmp_path):
    from ustoo.movement import fastpath

    lines = [b"x" * length for length in (0, 5, 300, 70, 1000, 3, 64, 65, 2500, 10)]
    path = tmp_path / "lines.txt"
    path.write_bytes(b"\n".join(lines))  # no newline at the end
    for chunk_bytes in (64, 100, 4096):
        seen, position = [], 0
        for end, chunk in fastpath.chunks(path, 0, chunk_bytes):
            data = bytes(chunk)
            assert end == position + len(data)
            position = end
            offsets = fastpath.line_offsets(chunk.obj, len(chunk))
            seen += [data[offsets[i] : offsets[i + 1]].rstrip(b"\n") for i in range(offsets.size - 1)]
        assert seen == lines
        assert position == path.stat().st_size
        resumed = b"".join(bytes(chunk) for _end, chunk in fastpath.chunks(path, 6, chunk_bytes))
        assert resumed == path.read_bytes()[6:]


def test_line_offsets_agree_for_short_and_long_lines():
    from ustoo.movement import fastpath

    for data in (b"a\nbb\n\nccc\n" * 5000, (b"y" * 5000 + b"\n") * 300 + b"tail", b"", b"\n"):
        expected = [0]
        for position, byte in enumerate(data):
            if byte == 10:
                expected.append(position + 1)
        if expected[-1] != len(data) or len(expected) == 1:
            expected.append(len(data))
        buffer = bytearray(data) + bytearray(b"\n\n\n")  # bytes past the chunk do not count
        assert fastpath.line_offsets(buffer, len(data)).tolist() == expected


def test_a_slice_too_big_for_the_parsers_memory_is_read_by_the_python_parser(
    connection, tmp_path, monkeypatch
):
    from ustoo.movement import fastpath

    monkeypatch.setattr(fastpath, "PARSER_MEMORY", "2MB")  # DuckDB runs out of memory on any slice
    path = _generated_with_traps(tmp_path, "twarc2", "generated.twarc2.jsonl")
    outcome = _both_ways(connection, path, fmt="twarc2", classify=True)
    assert outcome.malformed == 6 and outcome.posts_read >= 1500
