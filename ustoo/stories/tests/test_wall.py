"""The wall: newest first, filters, search, keyset pages, content warnings and reader preferences."""

import pytest

from ustoo.conftest import make_story
from ustoo.stories.models import Story

pytestmark = pytest.mark.django_db


def ids_on(response) -> list[int]:
    return [story.pk for story in response.context["stories"]]


def test_newest_first_and_no_live_total(stranger):
    """The wall shows no count of its own: the magnitude publishes one total, once a day, so no page
    can contradict it or give away the moment someone spoke."""
    first = make_story(text="first").story
    second = make_story(text="second").story
    stranger.post("/speak/", {"mode": "count"})
    response = stranger.get("/")
    assert ids_on(response) == [second.pk, first.pk]
    assert "total" not in response.context
    assert b'href="/magnitude/"' in response.content
    assert b"total-statements" not in response.content


def test_story_text_is_collapsed_behind_its_warning(stranger):
    make_story(text="Behind the warning", warnings=("sexual_assault",))
    page = stranger.get("/").content.decode()
    summary = page.index("Content warning:")
    assert page.index("Sexual assault", summary) < page.index("Behind the warning")
    assert '<details class="content-warning"\n' in page or '<details class="content-warning"' in page
    assert '<details class="content-warning" open' not in page


def test_members_only_stories_need_an_account(stranger, supporter):
    members = make_story(text="for members", visibility="members").story
    assert members.pk not in ids_on(stranger.get("/"))
    assert stranger.get(f"/stories/{members.pk}/").status_code == 404
    assert members.pk in ids_on(supporter.get("/"))
    assert supporter.get(f"/stories/{members.pk}/").status_code == 200


def test_moderators_only_stories_are_never_shown(supporter):
    hidden = make_story(text="never shown", visibility="moderators").story
    assert hidden.pk not in ids_on(supporter.get("/"))
    assert supporter.get(f"/stories/{hidden.pk}/").status_code == 404


def test_filters_by_hashtag_and_language(stranger):
    work = make_story(text="At the office #MeToo", setting="workplace", language="en").story
    street = make_story(text="Dans la rue #BalanceTonPorc", setting="street", language="fr").story
    assert ids_on(stranger.get("/", {"hashtag": "#BALANCETONPORC"})) == [street.pk]
    assert ids_on(stranger.get("/", {"language": "fr"})) == [street.pk]
    assert ids_on(stranger.get("/", {"hashtag": "metoo", "language": "fr"})) == []
    assert ids_on(stranger.get("/", {"hashtag": "metoo"})) == [work.pk]


def test_no_filter_or_page_puts_a_detail_next_to_a_story(stranger):
    """Details are promised to be published as totals only: where it happened is neither shown with
    a story nor usable to pick stories (a filter would tell it just as well)."""
    work = make_story(text="At the office #MeToo", setting="workplace", relation="superior").story
    make_story(text="Dans la rue #BalanceTonPorc", setting="street")
    assert len(ids_on(stranger.get("/", {"setting": "workplace"}))) == 2
    for page in (stranger.get("/"), stranger.get(f"/stories/{work.pk}/")):
        html = page.content.decode()
        assert "Workplace" not in html and "Street" not in html and "superior" not in html.casefold()
    listed = stranger.get("/api/v1/stories").json()["stories"]
    assert all(
        set(story) & {"setting", "relation", "age_at_time", "country", "harms"} == set() for story in listed
    )
    promise = stranger.get("/speak/").content.decode()
    assert "never shown with a story" in promise


def test_arabic_and_chinese_hashtags(stranger):
    arabic = make_story(text="حدث لي أيضا #أنا_كمان", language="ar").story
    chinese = make_story(text="我也是 #米兔", language="zh").story
    assert ids_on(stranger.get("/", {"hashtag": "أنا_كمان"})) == [arabic.pk]
    assert ids_on(stranger.get("/", {"hashtag": "米兔"})) == [chinese.pk]
    page = stranger.get(f"/stories/{arabic.pk}/").content.decode()
    assert 'dir="auto"' in page and 'lang="ar"' in page


def test_full_text_search(stranger):
    match = make_story(text="The elevator at the conference hotel").story
    make_story(text="Something else entirely")
    assert ids_on(stranger.get("/", {"q": "elevator"})) == [match.pk]
    assert ids_on(stranger.get("/", {"q": "conference elevator"})) == [match.pk]
    assert ids_on(stranger.get("/", {"q": "submarine"})) == []


def test_search_reads_the_text_index_not_every_story(db):
    """PostgreSQL's plan goes through the GIN index (only if the query's expression is the index's
    own); SQLite's through the FTS5 table."""
    from django.db import connection

    from ustoo.stories.models import Story
    from ustoo.stories.wall import matching

    make_story(text="The elevator at the conference hotel")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is small enough to scan
    plan = matching(Story.objects.all(), "elevator hotel").explain()
    index = {"postgresql": "stories_story_search", "sqlite": "stories_story_fts VIRTUAL TABLE"}
    assert index[connection.vendor] in plan


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "*", "elev*", "a:b", "NEAR(", "'; DROP TABLE", "\\"])
def test_search_syntax_is_never_an_error(stranger, query):
    make_story(text="The elevator")
    assert stranger.get("/", {"q": query}).status_code == 200


def test_keyset_pages_cover_everything_once(stranger, settings):
    settings.WALL_PAGE_SIZE = 4
    created = [make_story(text=f"story {n}").story.pk for n in range(10)]
    seen, url = [], "/"
    while url:
        response = stranger.get(url)
        seen.extend(ids_on(response))
        url = f"/?{response.context['next_query']}" if response.context["next_query"] else None
    assert seen == sorted(created, reverse=True)


def test_htmx_older_page_is_a_fragment(stranger, settings):
    settings.WALL_PAGE_SIZE = 1
    make_story(text="older")
    make_story(text="newer")
    first = stranger.get("/")
    fragment = stranger.get(f"/?{first.context['next_query']}", headers={"HX-Request": "true"})
    assert b"older" in fragment.content
    assert b"<html" not in fragment.content


def test_garbage_filters_are_ignored_not_errors(stranger):
    make_story()
    for params in ({"before": "%%%"}, {"setting": "moon"}, {"language": "xx"}, {"hashtag": "#" * 300}):
        assert stranger.get("/", params).status_code == 200


def test_reader_can_expand_or_hide_categories_for_the_session(stranger):
    assault = make_story(text="assault story", warnings=("sexual_assault",)).story
    harassment = make_story(text="harassment story", warnings=("harassment",)).story
    response = stranger.post("/reading/", {"expand": ["harassment"], "hide": ["sexual_assault"]})
    assert response.status_code == 302
    page = stranger.get("/")
    assert ids_on(page) == [harassment.pk]
    assert b'<details class="content-warning" open' in page.content.replace(b"\n           ", b" ")
    assert assault.pk in [s.pk for s in Story.objects.all()]


def test_preferences_cannot_both_expand_and_hide(stranger):
    response = stranger.post("/reading/", {"expand": ["harassment"], "hide": ["harassment"]})
    assert response.status_code == 400


def test_member_preferences_are_kept_with_the_account(supporter, supporter_member):
    supporter.post("/reading/", {"hide": ["self_harm"]})
    supporter_member.refresh_from_db()
    assert supporter_member.cw_hide == ["self_harm"]


def test_hidden_categories_still_fill_a_page(stranger, settings):
    settings.WALL_PAGE_SIZE = 2
    shown = [make_story(text=f"shown {n}").story.pk for n in range(2)]
    for n in range(5):
        make_story(text=f"hidden {n}", warnings=("self_harm",))
    stranger.post("/reading/", {"hide": ["self_harm"]})
    assert ids_on(stranger.get("/")) == sorted(shown, reverse=True)


def test_hiding_a_warning_costs_no_more_queries_however_many_stories_it_hides(stranger):
    """Hidden warnings are left out in the database's one query: a page that skips 2 stories and
    one that skips 200 ask the same number of questions."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def many_stories(count: int, warnings: tuple[str, ...]) -> None:
        for number in range(count):
            make_story(text=f"A story behind a warning, number {number}.", warnings=warnings)

    stranger.post("/reading/", {"hide": ["harassment"]})

    def queries_for_the_wall() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert stranger.get("/").status_code == 200
        return len(captured)

    many_stories(2, warnings=("harassment",))
    kept = make_story(text="kept", warnings=("other",)).story
    few = queries_for_the_wall()
    many_stories(200, warnings=("harassment",))
    assert queries_for_the_wall() == few
    response = stranger.get("/")
    assert ids_on(response) == [kept.pk]
