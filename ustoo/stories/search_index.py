"""Keep SQLite's full-text index of stories in step with the stories table.

Triggers do the work inside each write. They are (re)created after every `migrate`, because SQLite
alters a table by rebuilding it, and a rebuilt table has lost its triggers: defining them once in
a migration would silently stop indexing after the next change to the Story model."""

from django.db import connections

TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS stories_story_fts_insert AFTER INSERT ON stories_story BEGIN
         INSERT INTO stories_story_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
       END""",
    """CREATE TRIGGER IF NOT EXISTS stories_story_fts_delete AFTER DELETE ON stories_story BEGIN
         DELETE FROM stories_story_fts WHERE rowid = old.id;
       END""",
    """CREATE TRIGGER IF NOT EXISTS stories_story_fts_update
         AFTER UPDATE OF title, text ON stories_story BEGIN
         UPDATE stories_story_fts SET title = new.title, text = new.text WHERE rowid = old.id;
       END""",
]


def ensure_search_triggers(using: str = "default", **kwargs) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        if "stories_story" not in tables or "stories_story_fts" not in tables:
            return
        for statement in TRIGGERS:
            cursor.execute(statement)
        # Rows written while the triggers were missing (during a rebuild nothing changes, but be sure).
        cursor.execute(
            "INSERT INTO stories_story_fts(rowid, title, text) SELECT id, title, text FROM stories_story "
            "WHERE id NOT IN (SELECT rowid FROM stories_story_fts)"
        )
