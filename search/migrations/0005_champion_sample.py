"""Champion lists keep a sample of their lexeme's entries (champions.SAMPLE): the engine meets
the samples of a query's words to tell how many entries hold them all, where it asked the GIN
index before. Lists built before have an empty sample, which the engine does not use (it asks the
index, as before) until the next ingest, reindex or synth builds them again."""

from django.db import migrations

from search.ddl import CHAMPION_TABLE


def add_sample(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {CHAMPION_TABLE} ADD COLUMN IF NOT EXISTS sample bytea NOT NULL DEFAULT ''"
    )


def drop_sample(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {CHAMPION_TABLE} DROP COLUMN IF EXISTS sample")


class Migration(migrations.Migration):
    dependencies = [("search", "0004_champion_df_and_row_layout")]

    operations = [migrations.RunPython(add_sample, drop_sample, elidable=False)]
