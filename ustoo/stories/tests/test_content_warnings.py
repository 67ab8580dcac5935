"""A story's content warnings, its own words included, show wherever the story appears."""

import pytest

from ustoo.conftest import make_story
from ustoo.stories.models import Story

pytestmark = pytest.mark.django_db

NOTE = "mentions a hospital and a long night"


@pytest.fixture
def story_with_a_note() -> Story:
    spoken = make_story(text="It was at the clinic. #MeToo", warnings=("sexual_assault",))
    Story.objects.filter(pk=spoken.story.pk).update(cw_note=NOTE)
    spoken.story.refresh_from_db()
    spoken.story.receipt = spoken.receipt
    return spoken.story


def test_the_note_shows_on_the_wall_and_the_story_page_before_the_text(stranger, story_with_a_note):
    for path in ["/", story_with_a_note.get_absolute_url(), "/?q=clinic", "/?hashtag=metoo"]:
        page = stranger.get(path).content.decode()
        summary = page.index("<summary", page.index(f'id="story-{story_with_a_note.pk}"'))
        assert NOTE in page[summary : page.index("</summary>", summary)], path
        assert "Sexual assault" in page[summary : page.index("</summary>", summary)], path


def test_the_note_shows_on_the_authors_page(survivor, story_with_a_note):
    survivor.post("/receipt/", {"receipt": story_with_a_note.receipt})
    page = survivor.get(f"/mine/{story_with_a_note.statement.pk}/").content.decode()
    assert NOTE in page


def test_the_note_is_in_the_api(client, story_with_a_note):
    assert client.get(f"/api/v1/stories/{story_with_a_note.pk}").json()["cw_note"] == NOTE
    listed = client.get("/api/v1/stories").json()["stories"]
    assert [item["cw_note"] for item in listed] == [NOTE]


def test_the_note_typed_when_speaking_is_kept(survivor):
    survivor.post(
        "/speak/",
        {"mode": "story", "text": "It happened.", "content_warnings": ["other"], "cw_note": NOTE},
    )
    assert Story.objects.get().cw_note == NOTE
