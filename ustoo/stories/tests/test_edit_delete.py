"""The author edits or deletes by receipt or account; deletion leaves no text behind."""

import re

import pytest
from django.db import connection

from ustoo.conftest import make_story
from ustoo.stories.models import Solidarity, Statement, StatementTally, Story, StoryHashtag

pytestmark = pytest.mark.django_db


def unlock(client, receipt):
    return client.post("/receipt/", {"receipt": receipt})


def search_ids(client, word):
    return [item["id"] for item in client.get("/api/v1/stories", {"q": word}).json()["stories"]]


def fts_rows_containing(word: str) -> int:
    """Rows of the SQLite FTS5 index's own shadow tables that still hold the word."""
    if connection.vendor != "sqlite":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM stories_story_fts WHERE stories_story_fts MATCH %s", [f'"{word}"']
        )
        matches = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM stories_story_fts_data WHERE instr(block, %s) > 0", [word.encode()]
        )
        blocks = cursor.fetchone()[0]
    return matches + blocks


def test_receipt_opens_the_statement_and_its_counts(survivor, stranger):
    spoken = make_story(text="The shop owner kept touching my arm.")
    stranger.post(f"/stories/{spoken.story.pk}/stand-with/", {"kind": "not_alone"})
    response = unlock(survivor, spoken.receipt)
    assert response.status_code == 302
    page = survivor.get(response["Location"])
    assert b"The shop owner" in page.content
    assert "You are not alone: <strong>1</strong>" in page.content.decode()


def test_receipt_is_forgiving_about_case_and_spacing(survivor):
    spoken = make_story()
    typed = "  " + spoken.receipt.upper().replace(" ", " - ") + " "
    assert unlock(survivor, typed).status_code == 302


def test_wrong_and_unknown_receipts_get_the_same_answer(survivor):
    spoken = make_story()
    words = spoken.receipt.split()
    wrong = " ".join([*words[:-1], "zebra" if words[-1] != "zebra" else "yodel"])
    unknown = "apple banana cherry delta eagle fable garden"
    answers = [unlock(survivor, receipt) for receipt in (wrong, unknown, "short")]
    assert {answer.status_code for answer in answers} == {400}
    bodies = {
        re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", answer.content)
        .replace(b"short", b"")
        .replace(wrong.encode(), b"")
        .replace(unknown.encode(), b"")
        for answer in answers
    }
    assert len(bodies) == 1


def test_a_receipt_does_not_open_someone_elses_statement(survivor):
    mine = make_story()
    theirs = make_story(text="someone else")
    unlock(survivor, mine.receipt)
    assert survivor.get(f"/mine/{mine.statement.pk}/").status_code == 200
    assert survivor.get(f"/mine/{theirs.statement.pk}/").status_code == 404
    assert survivor.post(f"/mine/{theirs.statement.pk}/delete/", {"keep_in_total": "no"}).status_code == 404
    assert Story.objects.filter(pk=theirs.story.pk).exists()


def test_edit_changes_text_hashtags_and_search(survivor):
    spoken = make_story(text="Original words about the #MeToo office party canaryalpha")
    unlock(survivor, spoken.receipt)
    response = survivor.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {
            "text": "New words #BalanceTonPorc canarybeta",
            "content_warnings": ["harassment"],
            "visibility": "public",
        },
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.text == "New words #BalanceTonPorc canarybeta"
    assert list(story.hashtag_rows.values_list("tag", flat=True)) == ["balancetonporc"]
    assert story.status == "pending"  # an edit from someone without an account is reviewed again
    story.publish()
    assert search_ids(survivor, "canarybeta") == [story.pk]
    assert search_ids(survivor, "canaryalpha") == []
    assert fts_rows_containing("canaryalpha") == 0


def test_bad_edit_keeps_the_stored_story_and_the_typed_text(survivor):
    spoken = make_story(text="What I first wrote")
    unlock(survivor, spoken.receipt)
    response = survivor.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {
            "text": "What I typed next",
            "content_warnings": [],
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert b"What I typed next" in response.content
    assert Story.objects.get().text == "What I first wrote"


def test_delete_and_stay_counted(survivor, stranger):
    spoken = make_story(text="canarygamma words #MeToo")
    stranger.post(f"/stories/{spoken.story.pk}/stand-with/", {"kind": "me_too"})
    unlock(survivor, spoken.receipt)
    response = survivor.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "yes"})
    assert response.status_code == 302
    assert not Story.objects.exists()
    assert not StoryHashtag.objects.exists()
    assert not Solidarity.objects.exists()
    statement = Statement.objects.get()
    assert statement.receipt_hash is None and statement.member_id is None
    assert StatementTally.total()[0] == 1
    assert search_ids(stranger, "canarygamma") == []
    assert fts_rows_containing("canarygamma") == 0
    # The receipt no longer opens anything.
    assert unlock(stranger, spoken.receipt).status_code == 400


def test_delete_and_leave_the_total(survivor):
    spoken = make_story(text="canarydelta")
    unlock(survivor, spoken.receipt)
    survivor.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "no"})
    assert not Statement.objects.exists()
    assert StatementTally.total()[0] == 0
    assert fts_rows_containing("canarydelta") == 0


def test_count_only_statement_can_be_withdrawn_with_its_receipt(survivor):
    response = survivor.post("/speak/", {"mode": "count"})
    receipt = response.context["receipt"]
    other = survivor.__class__()
    unlock(other, receipt)
    statement = Statement.objects.get()
    other.post(f"/mine/{statement.pk}/delete/", {"keep_in_total": "no"})
    assert StatementTally.total()[0] == 0


def test_member_edits_and_deletes_by_account(author, author_member, stranger):
    spoken = make_story(member=author_member, anonymous=False, text="by name")
    assert spoken.receipt is None
    assert author.get(f"/mine/{spoken.statement.pk}/edit/").status_code == 200
    assert stranger.get(f"/mine/{spoken.statement.pk}/edit/").status_code == 404
    author.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "no"})
    assert not Statement.objects.exists()


def test_the_search_index_survives_migrations():
    """SQLite rebuilds a table to alter it, dropping its triggers: they are recreated after migrate.
    PostgreSQL keeps its expression index through migrations."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'stories_story'"
            )
            expected = {"stories_story_fts_insert", "stories_story_fts_delete", "stories_story_fts_update"}
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'stories_story'")
            expected = {"stories_story_search_idx"}
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names
