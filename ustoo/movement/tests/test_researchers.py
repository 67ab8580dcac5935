"""What researchers did by hand after the report: their own tags, every tag, variants by spelling and by
language, authors, concentration, repeated texts, a post-level export, and saying when text was kept."""

import io

import orjson
import pytest
from django.core.management import call_command

from ustoo.movement import render
from ustoo.movement.report import Selection, build_report, own_hashtags

# (text, author): counted by hand below
POSTS = [
    ("Yo también. #YoTambién", "a"),
    ("Yo también #YoTambién #yotambien #MeToo", "b"),  # both spellings: one post for the merged variant
    ("Moi aussi #MoiAussi #BalanceTonPorc", "c"),  # two French variants: one post for French
    ("#BalanceTonPorc le procès commence", "c"),
    ("Buy followers now #MeToo #Spam", "d"),
    ("Buy followers now #MeToo #Spam", "d"),
    ("Buy followers now #MeToo #Spam", "d"),
    ("Buy followers now #MeToo #Spam", "d"),
    ("Buy followers now #MeToo #Spam", "d"),
    ("We stand with survivors #MeToo #TimesUp", "e"),
]


@pytest.fixture
def report_of(connection, run_import, tmp_path):
    lines = [
        {
            "id_str": str(800 + n),
            "created_at": f"Tue Oct 15 {10 + n}:00:00 +0000 2019"
            if n < 6
            else f"Wed Oct 16 0{n}:00:00 +0000 2019",
            "text": text,
            "entities": {"hashtags": [{"text": word[1:]} for word in text.split() if word.startswith("#")]},
            "lang": "und",
            "user": {"id_str": author},
        }
        for n, (text, author) in enumerate(POSTS)
    ]
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    run_import(path, keep_text=True)

    def report(**options):
        return build_report(connection, Selection(dataset="test", **options))

    return report


def test_your_own_hashtags_from_the_command_line_and_a_file(tmp_path):
    listed = tmp_path / "tags.txt"
    listed.write_text("# my tags\n#Spam, TimesUp\n\nnewtag #MeToo\n", encoding="utf-8")
    assert own_hashtags("#Spam, timesup  #Ｓｐａｍ") == ("spam", "timesup")
    assert own_hashtags(None, listed) == ("spam", "timesup", "newtag", "metoo")


def test_own_tags_top_tags_spellings_and_languages_each_count_a_post_once(report_of):
    report = report_of(hashtags=("spam", "timesup", "nowhere"))
    assert report["own_hashtags"] == {
        "spam": {"posts": 5, "originals": 5, "authors": 1},
        "timesup": {"posts": 1, "originals": 1, "authors": 1},
        "nowhere": {"posts": 0, "originals": 0, "authors": 0},
    }
    assert report["top_hashtags"][:3] == [["metoo", 7], ["spam", 5], ["balancetonporc", 2]]
    merged = report["by_variant_spellings_merged"]
    assert merged["YoTambien"]["posts"] == 2  # not 3: the post carrying both spellings counts once
    assert merged["YoTambien"]["spellings"] == ["YoTambien", "YoTambién"]
    assert report["by_hashtag"]["yotambién"]["posts"] + report["by_hashtag"]["yotambien"]["posts"] == 3
    assert report["by_language_family"]["fr"]["posts"] == 2  # not 3
    assert report["by_language_family"]["es"] == {
        "posts": 2,
        "originals": 2,
        "authors": 2,
        "variants": ["Cuentalo", "Cuéntalo", "NiUnaMenos", "YoTambien", "YoTambién"],
    }


def test_authors_per_day_concentration_and_repeated_texts(report_of):
    report = report_of()
    assert report["authors_per_day"] == {"2019-10-15": 4, "2019-10-16": 2}
    assert report["by_hashtag"]["metoo"]["authors"] == 3
    assert report["author_concentration"] == {
        "authors": 5,
        "top_1_percent_authors": 1,
        "their_posts": 5,
        "share_of_posts": 0.5,
    }
    assert report["repeated_texts"] == {"at_least": 5, "accounts": 1, "posts": 5, "most_by_one_account": 5}
    table = render.as_table(report)
    assert "Concentration: the 1 accounts that posted most (1% of 5) posted 5 posts, 50.0%" in table
    assert "Repeated texts: 1 accounts posted one original text 5 times or more (5 posts" in table


def test_every_format_says_when_text_was_kept_and_the_table_shows_hours(report_of):
    report = report_of()
    assert report["text_kept"]["posts"] == 10
    table = render.as_table(report)
    assert table.startswith("TEXT KEPT: The text of 10 of these posts was kept at import (--keep-text)")
    assert "Per hour (posts, UTC):" in table and "15 October 2019, 10:00–11:00" in table
    html = render.as_html(report)
    assert "The text of 10 posts was kept at import (--keep-text)" in html
    # the HTML report carries the definitions the JSON has
    for name in ("experience_share", "text_kept", "author_concentration"):
        assert f"<code>{name}</code>" in html


def test_a_dataset_without_text_says_so(connection, run_import):
    from ustoo.movement.tests.conftest import FIXTURES

    run_import(FIXTURES / "twarc2.jsonl")
    report = build_report(connection, Selection(dataset="test"))
    assert report["text_kept"]["posts"] == 0
    assert "No post's text was kept" in render.as_table(report)


def test_the_parquet_export_has_the_documented_columns(report_of, connection, tmp_path):
    import pyarrow.parquet as pq

    from ustoo.movement.tests.conftest import FIXTURES

    report_of()
    key = connection.execute("SELECT key FROM posts WHERE text LIKE 'We stand%'").fetchone()[0]
    connection.execute("INSERT INTO labels VALUES ('test', 'twitter', ?, 'support', 'random', now())", [key])
    connection.close()
    out = io.StringIO()
    call_command(
        "movement", "export", "--dataset", "test", "--output", str(tmp_path / "p.parquet"), stdout=out
    )
    assert "10 posts written" in out.getvalue()
    table = pq.read_table(tmp_path / "p.parquet")
    documented = (FIXTURES.parents[1] / "DATA.md").read_text(encoding="utf-8")
    for name in table.column_names:
        assert f"| `{name}` |" in documented
    assert table.num_rows == 10
    rows = table.to_pylist()
    assert [row["label_by_hand"] for row in rows].count("support") == 1
    assert all(len(row["author"]) == 24 for row in rows)  # hashes, never the account ids
    assert len({row["text_hash"] for row in rows if row["text"].startswith("Buy")}) == 1
    assert rows[0]["hashtags"] == ["yotambién"]
