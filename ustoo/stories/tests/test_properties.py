"""Property-based tests: whatever arrives, the forms and the API answer clearly and never break."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ustoo.conftest import counted_total
from ustoo.core.hashtags import MAX_HASHTAG_LENGTH, extract_hashtags
from ustoo.stories.forms import CountMeForm, ShareStoryForm, wants_to_share_a_story
from ustoo.stories.models import ContentWarning, Harm, Setting, Statement

pytestmark = pytest.mark.django_db

FIELD_NAMES = [
    "mode",
    "title",
    "text",
    "content_warnings",
    "cw_note",
    "visibility",
    "setting",
    "relation",
    "age_at_time",
    "year",
    "country",
    "harms",
    "language",
    "replies_enabled",
]
# Text of any kind: every Unicode category, lone surrogates included (a JSON body can carry them),
# and, since str.isdigit() and int() disagree about them, digits of every sort: decimal digits of
# every script ("٢٠١٧", "２０１７"), superscripts and circled numbers ("²", "①"), Roman numerals ("Ⅻ").
any_text = st.text(st.characters(exclude_categories=[]), max_size=80)
numeric_text = st.text(st.characters(categories=["Nd", "No", "Nl"]), min_size=1, max_size=6)
number_like = st.one_of(
    numeric_text,
    st.builds("".join, st.lists(st.sampled_from("0123456789²³¹⁰⁴⁵٠١٢٣٤٥６７８９①⑨Ⅻ -+.,e"), max_size=8)),
    st.builds("{}{}".format, st.integers(1800, 2100), st.sampled_from(["²", "⁰", "٣", "", " "])),
)
field_text = st.one_of(any_text, number_like)
scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=60),
    any_text,
    number_like,
)
json_value = st.recursive(
    scalar,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=8,
)
hypothesis_settings = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@hypothesis_settings
@given(
    st.dictionaries(
        st.sampled_from(FIELD_NAMES),
        st.one_of(field_text, st.lists(field_text, max_size=3)),
    )
)
def test_the_form_either_accepts_with_valid_values_or_names_fields(data):
    # The view's choice: a story typed is a story shared.
    form = (ShareStoryForm if wants_to_share_a_story(data) else CountMeForm)(data)
    if form.is_valid():
        cleaned = form.cleaned_data
        assert cleaned["setting"] in {"", *Setting.values}
        assert set(cleaned["harms"]) <= set(Harm.values)
        assert cleaned["year"] in (None, "ongoing") or 1900 <= cleaned["year"] <= 2100
        if isinstance(form, ShareStoryForm):
            assert cleaned["text"] and cleaned["content_warnings"]
            assert set(cleaned["content_warnings"]) <= set(ContentWarning.values)
    else:
        assert set(form.errors) <= set(FIELD_NAMES) | {"__all__"}


@hypothesis_settings
@given(story=st.dictionaries(st.sampled_from(FIELD_NAMES[1:]), json_value, max_size=8))
def test_the_api_answers_201_or_a_4xx_naming_fields(client, story):
    before = Statement.objects.count()
    response = client.post(
        "/api/v1/statements", data=json.dumps({"story": story}), content_type="application/json"
    )
    assert response.status_code in (201, 400, 422), response.content
    body = response.json()
    if response.status_code == 201:
        assert Statement.objects.count() == before + 1
        assert len(body["receipt"].split()) == 7
    else:
        assert body["error"] and body["fields"]
        assert Statement.objects.count() == before
    assert counted_total() == Statement.objects.count()


@hypothesis_settings
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_cause_a_server_error(client, raw):
    before = Statement.objects.count()
    response = client.post("/api/v1/statements", data=raw, content_type="application/json")
    assert response.status_code < 500
    if response.status_code != 201:
        assert Statement.objects.count() == before


@hypothesis_settings
@given(text=st.text(min_size=1, max_size=300))
def test_any_text_shared_is_stored_exactly_or_refused(client, text):
    response = client.post("/speak/", {"mode": "story", "text": text, "content_warnings": ["other"]})
    assert response.status_code == 200
    if "receipt" in response.context:
        stored = Statement.objects.latest("pk").story.text
        assert stored == text.strip().replace("\r\n", "\n") or stored == text.strip()


@hypothesis_settings
@given(year=st.one_of(number_like, any_text))
def test_any_year_is_a_year_or_a_named_error(year):
    form = CountMeForm({"year": year})
    if form.is_valid():
        value = form.cleaned_data["year"]
        assert value is None or value == "ongoing" or isinstance(value, int)
    else:
        assert set(form.errors) == {"year"}


@hypothesis_settings
@given(year=number_like)
def test_any_year_on_the_page_is_accepted_or_shown_again(client, year):
    before = Statement.objects.count()
    response = client.post("/speak/", {"mode": "count", "year": year})
    assert response.status_code == 200
    if "receipt" not in response.context:
        assert "year" in response.context["form"].errors
        assert Statement.objects.count() == before


@hypothesis_settings
@given(year=st.one_of(number_like, st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_any_year_in_the_api_is_accepted_or_named(client, year):
    story = {"text": "It happened.", "content_warnings": ["other"], "year": year}
    response = client.post(
        "/api/v1/statements", data=json.dumps({"story": story}), content_type="application/json"
    )
    assert response.status_code in (201, 400, 422), response.content
    if response.status_code != 201:
        assert any(name.endswith("year") for name in response.json()["fields"])


@hypothesis_settings
@given(text=any_text)
def test_hashtags_found_in_any_text_fit_their_column(text):
    for tag in extract_hashtags(text):
        assert 0 < len(tag) <= MAX_HASHTAG_LENGTH
        assert not tag.isdigit()
