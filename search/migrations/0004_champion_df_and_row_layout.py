"""Champion lists learn how many entries hold their term (`df`), and the lists keep a row for
the whole index (the empty term): the engine estimates a query's matches from them instead of
asking the planner. The ids are stored packed (`champions.encode`), which Python reads a
hundred times faster than a bigint[]. Entries' rows stay whole up to a page (ddl.TOAST_TARGET;
rows written before keep their layout until rewritten). Lists built before are emptied, and the
next ingest, reindex or synth builds them again (searches rank every match until then)."""

from django.db import migrations

from search.ddl import CHAMPION_TABLE, TABLE, TOAST_TARGET


def add_df(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {CHAMPION_TABLE} ADD COLUMN IF NOT EXISTS df integer NOT NULL DEFAULT 0"
    )
    schema_editor.execute(f"DELETE FROM {CHAMPION_TABLE}")
    schema_editor.execute(f"ALTER TABLE {CHAMPION_TABLE} ALTER COLUMN ids TYPE bytea USING ''")
    schema_editor.execute(TOAST_TARGET)


def drop_df(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE {TABLE} RESET (toast_tuple_target)")
    schema_editor.execute(f"DELETE FROM {CHAMPION_TABLE}")
    schema_editor.execute(f"ALTER TABLE {CHAMPION_TABLE} DROP COLUMN IF EXISTS df")
    schema_editor.execute(
        f"ALTER TABLE {CHAMPION_TABLE} ALTER COLUMN ids TYPE bigint[] USING '{{}}'::bigint[]"
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_kind_choices_from_registry")]

    operations = [migrations.RunPython(add_df, drop_df, elidable=False)]
