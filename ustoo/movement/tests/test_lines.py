"""Line formats (v1.1, twarc2): traps stored as the parsers read them, the same by worker processes as by
one process, whatever the batch size."""

import gzip

import orjson
import pytest

from ustoo.movement import importer
from ustoo.movement.importer import Importer
from ustoo.movement.tests.conftest import FIXTURES

COLUMNS = "id, key, created_at, author, lang, lang_detected, text, hashtags, kind, ref_id, label"


def _stored(connection, dataset):
    return connection.execute(
        f"SELECT {COLUMNS} FROM posts WHERE dataset = ? ORDER BY key",  # noqa: S608 - constant columns
        [dataset],
    ).fetchall()


def _one_process_and_workers(connection, path, monkeypatch, **options):
    """Import `path` in this process, and again over two worker processes (byte ranges of 2 KiB, so that a
    small file is many ranges and lines cross their boundaries): the same rows, counts and malformed lines."""
    outcomes = [Importer(connection, dataset="one", keep_text=True, **options).import_file(path)]
    with monkeypatch.context() as patched:
        patched.setattr(importer, "PARALLEL_MIN_BYTES", 1)
        patched.setattr(importer, "CHUNK_BYTES", 2048)
        two = Importer(connection, dataset="two", keep_text=True, workers=2, **options)
        outcomes.append(two.import_file(path))
    one, two = outcomes
    assert (one.posts_read, one.inserted, one.duplicates, one.malformed) == (
        two.posts_read,
        two.inserted,
        two.duplicates,
        two.malformed,
    )
    assert one.malformed_examples == two.malformed_examples
    assert _stored(connection, "one") == _stored(connection, "two")
    malformed = "SELECT line, reason FROM malformed WHERE dataset = ? ORDER BY line"
    assert (
        connection.execute(malformed, ["one"]).fetchall() == connection.execute(malformed, ["two"]).fetchall()
    )
    return one


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


def test_v1_traps(connection, tmp_path, monkeypatch):
    path = tmp_path / "traps.v1.jsonl"
    lines = [orjson.dumps(record) for record in V1_TRAPS]
    lines[4:4] = [b"", b"   ", b'{"id_str": "77", "created_at": ', "caf\xe9 #MeToo".encode("latin-1")]
    path.write_bytes(b"\n".join(lines))  # and no newline after the last line
    outcome = _one_process_and_workers(connection, path, monkeypatch, fmt="v1", classify=True)
    assert outcome.malformed >= 5
    tags = dict(connection.execute("SELECT id, hashtags FROM posts WHERE dataset = 'one'").fetchall())
    assert tags["902"] == ["moiaussi", "balancetonporc"]  # normalised, each once
    assert tags["905"] == ["yotambién", "metoo"]  # a long tweet's own, NFKC-folded
    assert tags["916"] == []  # no entities: no hashtags


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


def test_twarc2_traps(connection, tmp_path, monkeypatch):
    path = tmp_path / "traps.twarc2.jsonl"
    lines = [orjson.dumps(record) for record in TWARC2_TRAPS]
    lines.insert(3, b'{"data": [')
    path.write_bytes(b"\n".join(lines) + b"\n")
    outcome = _one_process_and_workers(connection, path, monkeypatch, fmt="twarc2", classify=True)
    assert outcome.malformed >= 3
    # pages of nothing but `meta` or `errors` are empty pages, not malformed
    empty = [
        number for number, line in enumerate(lines, start=1) if line.startswith((b'{"meta"', b'{"errors"'))
    ]
    assert len(empty) == 3
    assert not set(empty) & {line for line, _reason in outcome.malformed_examples}
    stored = connection.execute("SELECT hashtags FROM posts WHERE dataset = 'one' AND id = '718'").fetchall()
    assert stored == [([],)]


@pytest.mark.parametrize("name", ["twarc2.jsonl", "twarc2_flat.jsonl", "v1.jsonl"])
def test_fixtures_by_workers(connection, name, monkeypatch):
    _one_process_and_workers(connection, FIXTURES / name, monkeypatch, classify=True)


def test_small_batches_store_what_large_ones_store(connection, tmp_path):
    from bench.movement_data import write_twarc2, write_v1

    for fmt, write in (("v1", write_v1), ("twarc2", write_twarc2)):
        path = tmp_path / f"generated.{fmt}.jsonl"
        write(path, 1500)
        for dataset, batch_size in (("large", 20_000), ("small", 97)):
            Importer(connection, dataset=dataset, keep_text=True, batch_size=batch_size).import_file(path)
        assert _stored(connection, "large") == _stored(connection, "small")
        connection.execute("DELETE FROM posts; DELETE FROM files; DELETE FROM malformed")


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
def test_worker_processes_store_what_one_process_stores(connection, tmp_path, monkeypatch, fmt):
    path = _generated_with_traps(tmp_path, fmt, f"generated.{fmt}.jsonl")
    outcome = _one_process_and_workers(connection, path, monkeypatch, fmt=fmt, classify=True)
    assert outcome.malformed == 6 and outcome.posts_read >= 1500


def test_a_compressed_file_stores_what_the_plain_file_stores(connection, tmp_path):
    path = _generated_with_traps(tmp_path, "twarc2", "generated.twarc2.jsonl")
    compressed = path.with_suffix(".jsonl.gz")
    compressed.write_bytes(gzip.compress(path.read_bytes()))
    plain = Importer(connection, dataset="one", keep_text=True).import_file(path)
    packed = Importer(connection, dataset="two", keep_text=True).import_file(compressed)
    assert (plain.posts_read, plain.malformed, plain.malformed_examples) == (
        packed.posts_read,
        packed.malformed,
        packed.malformed_examples,
    )
    assert _stored(connection, "one") == _stored(connection, "two")
