"""Hashtags: what counts as one, their normal form, their length, and the movement's variants."""

import csv

import pytest

from ustoo.core.hashtags import (
    MAX_HASHTAG_LENGTH,
    VARIANTS_FILE,
    extract_hashtags,
    normalise_hashtag,
    variant_of,
)
from ustoo.stories.forms import WallFilterForm


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#MeToo and #metoo and #METOO", ["metoo"]),
        ("#ＭｅＴｏｏ", ["metoo"]),  # full-width letters: NFKC
        ("＃BalanceTonPorc", ["balancetonporc"]),  # full-width number sign
        ("#YoTambién, #QuellaVoltaChe.", ["yotambién", "quellavoltache"]),
        ("#Straße", ["strasse"]),  # case folding, not lower()
        ("see https://example.org/page#x and page#x", []),  # glued to a word: a fragment, not a tag
        ("#1 of 3, #2017", []),  # digits only: a number
        ("#MeToo2017 #2017MeToo", ["metoo2017", "2017metoo"]),
        ("# alone, ##", []),
        ("#أنا_كمان #米兔", ["أنا_كمان", "米兔"]),
    ],
)
def test_extract_hashtags(text, tags):
    assert extract_hashtags(text) == tags


def test_a_tag_is_measured_after_normalisation():
    """ "ß" folds to "ss": a tag of 100 "ß" is 200 characters once normalised, too long to store."""
    assert extract_hashtags("#" + "ß" * MAX_HASHTAG_LENGTH) == []
    assert extract_hashtags("#" + "ß" * (MAX_HASHTAG_LENGTH // 2)) == ["ss" * (MAX_HASHTAG_LENGTH // 2)]
    assert extract_hashtags("#" + "a" * MAX_HASHTAG_LENGTH) == ["a" * MAX_HASHTAG_LENGTH]
    assert extract_hashtags("#" + "a" * (MAX_HASHTAG_LENGTH + 1)) == []
    # NFKC can lengthen a tag too ("ﬃ" is one character, "ffi" three).
    assert extract_hashtags("#" + "ﬃ" * 40) == []


@pytest.mark.django_db
def test_a_story_with_an_overlong_folded_tag_is_stored(client):
    """On PostgreSQL the tag column is varchar(100): a 200-character tag used to be a 500."""
    from ustoo.stories.models import Story

    text = "It happened. #" + "ß" * 100 + " #MeToo"
    response = client.post("/speak/", {"mode": "story", "text": text, "content_warnings": ["other"]})
    assert response.status_code == 200
    story = Story.objects.get()
    assert list(story.hashtag_rows.values_list("tag", flat=True)) == ["metoo"]


def test_normalise_hashtag():
    assert normalise_hashtag("#ＭｅＴｏｏ") == "metoo"
    assert normalise_hashtag("＃BalanceTonPorc") == "balancetonporc"
    assert normalise_hashtag("MeToo") == "metoo"


def test_wall_filter_refuses_a_tag_too_long_once_normalised():
    form = WallFilterForm({"hashtag": "ß" * MAX_HASHTAG_LENGTH})
    assert not form.is_valid()
    assert "hashtag" in form.errors
    assert WallFilterForm({"hashtag": "#ＭｅＴｏｏ"}).is_valid()


REQUIRED_VARIANTS = {
    "MeToo": "en",
    "BalanceTonPorc": "fr",
    "YoTambién": "es",
    "QuellaVoltaChe": "it",
    "أنا_كمان": "ar",
    "MeTooIndia": "en",
    "米兔": "zh",
    "MosqueMeToo": "en",
}


def test_the_variants_file_lists_the_movements_variants_with_their_languages():
    with VARIANTS_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    listed = {row["hashtag"]: row["language"] for row in rows}
    for hashtag, language in REQUIRED_VARIANTS.items():
        assert listed.get(hashtag) == language, hashtag
        assert variant_of(f"#{hashtag}").language == language
    # Every row names a language (ISO 639-1) and is listed once, whatever its spelling.
    assert all(len(row["language"]) == 2 and row["language"].isalpha() for row in rows)
    assert len({normalise_hashtag(row["hashtag"]) for row in rows}) == len(rows)
