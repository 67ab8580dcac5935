"""Full-text search over stories: FTS5 on SQLite, a GIN index on PostgreSQL.

SQLite: a regular FTS5 table kept in step by triggers, with `secure-delete` on, so deleting or
editing a story removes its old words from the index at once instead of leaving tombstones.
PostgreSQL: an expression index matching the query in stories/wall.py."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE stories_story_fts USING fts5(title, text, tokenize='unicode61 remove_diacritics 2')",
    "INSERT INTO stories_story_fts(stories_story_fts, rank) VALUES('secure-delete', 1)",
    """CREATE TRIGGER stories_story_fts_insert AFTER INSERT ON stories_story BEGIN
         INSERT INTO stories_story_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER stories_story_fts_delete AFTER DELETE ON stories_story BEGIN
         DELETE FROM stories_story_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER stories_story_fts_update AFTER UPDATE OF title, text ON stories_story BEGIN
         UPDATE stories_story_fts SET title = new.title, text = new.text WHERE rowid = old.id;
       END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS stories_story_fts_update",
    "DROP TRIGGER IF EXISTS stories_story_fts_delete",
    "DROP TRIGGER IF EXISTS stories_story_fts_insert",
    "DROP TABLE IF EXISTS stories_story_fts",
]
POSTGRES_FORWARD = [
    "CREATE INDEX stories_story_search_idx ON stories_story "
    "USING GIN (to_tsvector('simple', stories_story.title || ' ' || stories_story.text))",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS stories_story_search_idx"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


def create_tally_slots(apps, schema_editor):
    StatementTally = apps.get_model("stories", "StatementTally")
    StatementTally.objects.bulk_create(
        [StatementTally(slot=slot, count=0) for slot in range(16)], ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("stories", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        ),
        migrations.RunPython(create_tally_slots, migrations.RunPython.noop),
    ]
