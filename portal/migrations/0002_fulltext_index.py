"""The full-text index: a generated tsvector + GIN index on PostgreSQL, FTS5 on SQLite."""

from django.db import migrations

from portal.search import ddl


def forwards(apps, schema_editor):
    ddl.create_fulltext(schema_editor)


def backwards(apps, schema_editor):
    ddl.drop_fulltext(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_search_entries")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
