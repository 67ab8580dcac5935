"""PostgreSQL: rebuild the stories' GIN index on the expression Django's SearchVector writes.

stories/wall.matching now searches with SearchVector/SearchQuery; the index of migration 0002 was on
a hand-written expression that differs from it (no COALESCE, no ::regconfig), so PostgreSQL would no
longer use it. SQLite keeps its FTS5 table: nothing to do there."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = GinIndex(SearchVector("title", "text", config="simple"), name="stories_story_search")


def use_django_expression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS stories_story_search_idx")
        schema_editor.add_index(apps.get_model("stories", "Story"), INDEX)


def use_hand_written_expression(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("stories", "Story"), INDEX)
        schema_editor.execute(
            "CREATE INDEX stories_story_search_idx ON stories_story "
            "USING GIN (to_tsvector('simple', stories_story.title || ' ' || stories_story.text))"
        )


class Migration(migrations.Migration):
    dependencies = [("stories", "0008_statement_total_from_the_magnitude")]

    operations = [migrations.RunPython(use_django_expression, use_hand_written_expression)]
