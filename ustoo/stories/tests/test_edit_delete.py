"""The author edits or deletes by receipt or account; deletion leaves no text behind."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client

from ustoo.conftest import PASSPHRASE, counted_total, magnitude_counters, make_story
from ustoo.stories import services
from ustoo.stories.models import Solidarity, Statement, Story, StoryHashtag
from ustoo.stories.services import Details, StoryDraft

WRITERS = 6
TAGS = ("#MeToo", "#BalanceTonPorc", "#QuellaVoltaChe")

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
    # Each page shows back what was typed; everything else must be the same bytes.
    typed = re.compile(rb'(name="csrfmiddlewaretoken"|name="receipt"[^>]*?) value="[^"]*"')
    bodies = {typed.sub(rb"\1", answer.content) for answer in answers}
    assert not any(wrong.encode() in body for body in bodies)
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
    assert counted_total() == 1
    assert search_ids(stranger, "canarygamma") == []
    assert fts_rows_containing("canarygamma") == 0
    # The receipt no longer opens anything.
    assert unlock(stranger, spoken.receipt).status_code == 400


def test_delete_and_leave_the_total(survivor):
    spoken = make_story(text="canarydelta")
    unlock(survivor, spoken.receipt)
    survivor.post(f"/mine/{spoken.statement.pk}/delete/", {"keep_in_total": "no"})
    assert not Statement.objects.exists()
    assert counted_total() == 0
    assert fts_rows_containing("canarydelta") == 0


def test_count_only_statement_can_be_withdrawn_with_its_receipt(survivor):
    response = survivor.post("/speak/", {"mode": "count"})
    receipt = response.context["receipt"]
    other = survivor.__class__()
    unlock(other, receipt)
    statement = Statement.objects.get()
    other.post(f"/mine/{statement.pk}/delete/", {"keep_in_total": "no"})
    assert counted_total() == 0


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
            expected = {"stories_story_search"}
        names = {row[0] for row in cursor.fetchall()}
    assert expected <= names


# --- A rejected story edited goes back to review -----------------------------------------------------


def test_a_trusted_member_cannot_republish_a_rejected_story_by_saving_it(author, author_member, moderator):
    spoken = make_story(member=author_member, anonymous=False, text="first words", publish=False)
    story = Story.objects.get()
    assert story.status == "published"  # a trusted member publishes at once
    moderator.post(
        f"/moderate/stories/{story.pk}/decide/",
        {"version": story.version, "action": "reject", "code": "other"},
    )
    assert Story.objects.get().status == "rejected"
    response = author.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {"text": "first words", "content_warnings": ["harassment"], "visibility": "public"},
    )
    assert response.status_code == 302
    story = Story.objects.get()
    assert story.status == "pending" and story.published_at is None and story.rejected_at is None
    assert [item.pk for item in moderator.get("/moderate/").context["page"]] == [story.pk]
    assert search_ids(author, "first") == []


# --- Counters move once, whatever copy the caller holds ---------------------------------------------


def assert_counters_match_a_rebuild() -> None:
    kept = magnitude_counters()
    total = counted_total()
    call_command("rebuild_magnitude", verbosity=0)
    assert magnitude_counters() == kept
    assert total == Statement.objects.counted().count()


def test_deleting_the_same_statement_from_two_copies_counts_it_out_once():
    make_story(text="stays #MeToo", setting="school")
    spoken = make_story(text="goes #MeToo", setting="workplace", country="FR")
    first, second = (Statement.objects.get(pk=spoken.statement.pk) for _ in range(2))
    services.delete_statement(statement=first, keep_in_total=False)
    services.delete_statement(statement=second, keep_in_total=False)
    assert counted_total() == 1
    assert_counters_match_a_rebuild()


@pytest.mark.parametrize("keep_in_total", [True, False])
def test_withdrawing_then_deleting_from_an_older_copy_counts_it_out_once(keep_in_total):
    make_story(text="stays")
    spoken = make_story(text="goes #MeToo", setting="workplace")
    stale = Statement.objects.get(pk=spoken.statement.pk)
    services.withdraw_from_total(statement=spoken.statement)
    assert counted_total() == 1
    services.delete_statement(statement=stale, keep_in_total=keep_in_total)
    assert counted_total() == 1
    assert not Story.objects.filter(pk=spoken.story.pk).exists()
    assert_counters_match_a_rebuild()


def test_an_edit_from_an_older_copy_leaves_the_total_as_it_was():
    spoken = make_story(text="#MeToo at school", setting="school", country="FR")
    stale = Story.objects.select_related("statement").get(pk=spoken.story.pk)
    services.edit_story(
        story=spoken.story,
        draft=StoryDraft(text="#BalanceTonPorc at work", content_warnings=["harassment"]),
        details=Details(setting="workplace", country="BE"),
    )
    services.edit_story(
        story=stale,  # still says school, FR, #MeToo
        draft=StoryDraft(text="#QuellaVoltaChe on the street", content_warnings=["harassment"]),
        details=Details(setting="street", country="IT"),
    )
    assert counted_total() == 1
    assert Story.objects.get(pk=spoken.story.pk).text == "#QuellaVoltaChe on the street"
    assert_counters_match_a_rebuild()


def test_deleting_an_account_takes_its_statements_off_the_total_and_counters(author, author_member):
    make_story(text="someone else's #MeToo", setting="street")
    author.post(
        "/speak/",
        {"mode": "story", "text": "by name #MeToo", "content_warnings": ["other"], "setting": "workplace"},
    )
    author.post("/speak/", {"mode": "count", "anonymous": "on", "country": "FR"})
    assert counted_total() == 3
    response = author.post("/account/delete/", {"passphrase": PASSPHRASE})
    assert response.status_code == 302
    assert counted_total() == 1
    assert_counters_match_a_rebuild()


def _delete(statement_id: int, barrier: threading.Barrier) -> None:
    try:
        statement = Statement.objects.get(pk=statement_id)
        barrier.wait()
        services.delete_statement(statement=statement, keep_in_total=False)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_deletions_of_one_statement_count_it_out_once():
    make_story(text="stays #MeToo")
    spoken = make_story(text="goes #MeToo", setting="workplace")
    barrier = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(_delete, [spoken.statement.pk] * WRITERS, [barrier] * WRITERS))
    assert counted_total() == 1
    assert_counters_match_a_rebuild()


def _edit(story_id: int, n: int, barrier: threading.Barrier) -> None:
    try:
        story = Story.objects.get(pk=story_id)
        barrier.wait()
        services.edit_story(
            story=story,
            draft=StoryDraft(text=f"{TAGS[n % 3]} edit {n}", content_warnings=["other"]),
            details=Details(setting=["workplace", "school", "street", "online"][n % 4]),
        )
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_edits_of_one_story_leave_counters_a_rebuild_agrees_with():
    spoken = make_story(text="#MeToo first", setting="home")
    barrier = threading.Barrier(WRITERS)
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        list(pool.map(_edit, [spoken.story.pk] * WRITERS, range(WRITERS), [barrier] * WRITERS))
    assert counted_total() == 1
    assert_counters_match_a_rebuild()


# --- Editing says what happens, and shows what moderators said only about its own version --------


def _field_names(html: str) -> list[str]:
    names = re.findall(r'\bname="([a-z_]+)"', html)
    ignored = {
        "csrfmiddlewaretoken",
        "once",
        "website",
        "language",
        "next",
        "guard",
        "pow_challenge",
        "pow_nonce",
    }
    return list(dict.fromkeys(name for name in names if name not in ignored))


def test_editing_a_published_story_says_first_that_it_leaves_the_wall(survivor):
    spoken = make_story(text="It was at the depot.")
    unlock(survivor, spoken.receipt)
    page = survivor.get(f"/mine/{spoken.statement.pk}/edit/").content.decode()
    assert 'id="edit-goes-to-review"' in page
    assert "leaves the wall until a moderator has read the new version" in page


def test_a_trusted_member_is_told_their_edit_is_published_at_once(author, author_member):
    spoken = make_story(text="It was at the depot.", member=author_member, anonymous=False)
    page = author.get(f"/mine/{spoken.statement.pk}/edit/").content.decode()
    assert 'id="edit-published-at-once"' in page and 'id="edit-goes-to-review"' not in page


def test_the_edit_form_asks_in_the_order_of_the_share_form(survivor):
    spoken = make_story(text="It was at the depot.")
    unlock(survivor, spoken.receipt)
    edit = survivor.get(f"/mine/{spoken.statement.pk}/edit/").content.decode()
    share = survivor.get("/speak/story/").content.decode()
    main = lambda html: html[html.index("<main") : html.index("</main>")]  # noqa: E731
    assert _field_names(main(edit)) == _field_names(main(share))


def test_a_new_version_does_not_show_the_last_ones_rejection(survivor):
    spoken = make_story(text="It was at the depot.", publish=False)
    Story.objects.filter(pk=spoken.story.pk).update(
        status="rejected", moderation_code="identifying", moderation_message="Please remove the name."
    )
    unlock(survivor, spoken.receipt)
    assert "Please remove the name." in survivor.get(f"/mine/{spoken.statement.pk}/").content.decode()
    survivor.post(
        f"/mine/{spoken.statement.pk}/edit/",
        {"text": "It was at the depot, without names.", "content_warnings": ["harassment"]},
    )
    story = Story.objects.get()
    assert story.status == "pending" and story.moderation_message == "" and story.moderation_code == ""
    page = survivor.get(f"/mine/{spoken.statement.pk}/").content.decode()
    assert "Please remove the name." not in page and 'id="moderation-outcome"' not in page


# --- A receipt opened on a device can be closed again ---------------------------------------------


def test_every_page_opened_with_a_receipt_offers_to_forget_it(survivor):
    spoken = make_story(text="It was at the depot.")
    unlock(survivor, spoken.receipt)
    pk = spoken.statement.pk
    for path in (f"/mine/{pk}/", f"/mine/{pk}/edit/", f"/mine/{pk}/delete/"):
        assert 'id="forget-receipt"' in survivor.get(path).content.decode(), path
    receipt_page = Client().post("/speak/", {"once": "a-fresh-form"})
    assert 'id="forget-receipt"' in receipt_page.content.decode()


def test_forgetting_the_receipt_closes_what_it_opened(survivor):
    spoken = make_story(text="It was at the depot.")
    unlock(survivor, spoken.receipt)
    pk = spoken.statement.pk
    response = survivor.post("/receipt/forget/")
    assert response.status_code == 302
    assert "no longer has your receipt open" in survivor.get(response["Location"]).content.decode()
    assert survivor.get(f"/mine/{pk}/").status_code == 404
    assert "data-forget-url" not in survivor.get("/").content.decode()


def test_the_quick_exit_can_close_the_receipt_quietly(survivor, stranger):
    spoken = make_story(text="It was at the depot.")
    unlock(survivor, spoken.receipt)
    page = survivor.get("/").content.decode()
    assert 'data-forget-url="/receipt/forget/"' in page and "data-forget-token=" in page
    assert "data-forget-url" not in stranger.get("/").content.decode()
    response = survivor.post("/receipt/forget/", {"quiet": "1"})
    assert response.status_code == 204
    assert survivor.get(f"/mine/{spoken.statement.pk}/").status_code == 404
    assert "no longer has your receipt open" not in survivor.get("/").content.decode()


def test_a_member_who_forgets_a_receipt_stays_logged_in(supporter):
    spoken = make_story(text="It was at the depot.")
    unlock(supporter, spoken.receipt)
    supporter.post("/receipt/forget/")
    assert supporter.get(f"/mine/{spoken.statement.pk}/").status_code == 404
    assert supporter.get("/account/").status_code == 200
