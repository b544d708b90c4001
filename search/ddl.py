"""The full-text index DDL, per database: the model cannot declare it (SQLite has no tsvector and
PostgreSQL no FTS5), so vendor-conditional migrations run these, the way Wagtail does.

On SQLite, Django rebuilds a table to alter it, which drops its triggers: a later migration that
alters portal_searchentry must call `create_sqlite_fts` again.
"""

from __future__ import annotations

TABLE = "portal_searchentry"
FTS_TABLE = "portal_searchentry_fts"
CHAMPION_TABLE = "portal_searchchampion"
VECTOR_INDEX = f"{TABLE}_vector_gin"

# An entry's row stays whole up to a page (entries are a few KB): with the default target of
# 2 KB, PostgreSQL moved every column it could out of the row, the short ones a search reads
# for each candidate (facet_keys, title, url) included, each then a TOAST lookup of a few
# microseconds. Applies to rows written from then on.
TOAST_TARGET = f"ALTER TABLE {TABLE} SET (toast_tuple_target = 8160)"

# Title above body above structured fields (bureaus, tiers, themes as entity tokens).
POSTGRES_CREATE = [
    f"""
    ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title_tokens), 'A')
        || setweight(to_tsvector('simple'::regconfig, body_tokens), 'B')
        || setweight(to_tsvector('simple'::regconfig, keyword_tokens), 'C')
    ) STORED
    """,
    # Keep the vector in the row: every match is rechecked and ranked against it, and a
    # vector moved to the TOAST table costs several extra page reads each time. The texts
    # (stored columns the vector is generated from) are compressed and moved out first.
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN",
    TOAST_TARGET,
    f"CREATE INDEX {VECTOR_INDEX} ON {TABLE} USING gin (search_vector)",
    # Ten times the default: the planner's estimate of a common term's matches stands in for
    # an exact count above engine.WINDOW, and comes from these lexeme frequencies.
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STATISTICS 1000",
    # Champion lists (Manning et al., Introduction to Information Retrieval, 7.1.3): for each
    # lexeme matching many entries, the ids of the entries it ranks highest, and in how many
    # entries it occurs (`df`; the row of the empty term holds the number of entries). See
    # engine.py and champions.py.
    f"""
    CREATE TABLE {CHAMPION_TABLE} (
        term text PRIMARY KEY,
        ids bytea NOT NULL,  -- champions.encode: 8 bytes an id, best first
        built_at timestamptz NOT NULL,
        df integer NOT NULL DEFAULT 0,
        sample bytea NOT NULL DEFAULT ''  -- champions.SAMPLE ids, in champions.sample_hash order
    )
    """,
]
POSTGRES_DROP = [
    f"DROP TABLE IF EXISTS {CHAMPION_TABLE}",
    f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]

_COLUMNS = "title_tokens, body_tokens, keyword_tokens"
_NEW = "new.title_tokens, new.body_tokens, new.keyword_tokens"
_OLD = "old.title_tokens, old.body_tokens, old.keyword_tokens"
SQLITE_CREATE = [
    # An external-content table: the tokens live once, in portal_searchentry. unicode61 splits
    # the space-joined tokens exactly where the segmenter put spaces; diacritics are kept
    # because PostgreSQL's 'simple' configuration keeps them too.
    f"""
    CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(
        {_COLUMNS}, content='{TABLE}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    f"""
    CREATE TRIGGER {TABLE}_fts_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END
    """,
    f"""
    CREATE TRIGGER {TABLE}_fts_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
    END
    """,
    f"""
    CREATE TRIGGER {TABLE}_fts_update AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {_COLUMNS}) VALUES ('delete', old.id, {_OLD});
        INSERT INTO {FTS_TABLE}(rowid, {_COLUMNS}) VALUES (new.id, {_NEW});
    END
    """,
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_insert",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_delete",
    f"DROP TRIGGER IF EXISTS {TABLE}_fts_update",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def create_fulltext(schema_editor) -> None:
    statements = {"postgresql": POSTGRES_CREATE, "sqlite": SQLITE_CREATE}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


def drop_fulltext(schema_editor) -> None:
    statements = {"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}.get(
        schema_editor.connection.vendor, []
    )
    for sql in statements:
        schema_editor.execute(sql)


def create_sqlite_fts(schema_editor) -> None:
    """Re-create the SQLite FTS table and triggers after Django rebuilt portal_searchentry."""
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(sql)


# Bulk loads (the synthetic corpus) build the GIN index once after the rows are in.


def vector_index() -> str:
    return f"CREATE INDEX IF NOT EXISTS {VECTOR_INDEX} ON {TABLE} USING gin (search_vector)"


def has_vector_index() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [VECTOR_INDEX])
        return bool(cursor.fetchone()[0])


def drop_vector_index(cursor) -> None:
    cursor.execute(f"DROP INDEX IF EXISTS {VECTOR_INDEX}")
