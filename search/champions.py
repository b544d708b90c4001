"""Champion lists on PostgreSQL: how a common term is ranked without ranking every match.

ts_rank_cd costs microseconds per row, so `ORDER BY rank LIMIT 20` over the 20k–80k entries a
common term matches in a 100k corpus takes hundreds of milliseconds. For every lexeme found in
more than WINDOW entries we store the CHAMPIONS entries it ranks highest on its own (the
single-term ts_rank_cd, computed from the lexeme's positions and weights). A query whose matches
exceed WINDOW ranks only the union of its terms' champions plus everything changed since the
lists were built, which is exact for one-term queries and the textbook approximation for more
(Manning, Raghavan & Schütze, Introduction to Information Retrieval, §7.1.3). When that union
holds too few matches for the page asked for, the engine falls back to ranking every match.
"""

from __future__ import annotations

import logging
import time

from django.db import connection
from django.utils import timezone

from .ddl import CHAMPION_TABLE, TABLE

log = logging.getLogger(__name__)

WINDOW = 500  # at most this many matches: count and rank them all, exactly
RANKED = 200  # above WINDOW: candidates ranked for a page (and the facets counted over them)
CHAMPIONS = 1000  # entries kept per common lexeme
# ts_rank_cd weights {D, C, B, A} and normalisation: 1 divides by log(1 + document length).
WEIGHTS = (0.1, 0.2, 0.4, 1.0)
NORMALIZATION = 1

_BUILD = f"""
INSERT INTO {CHAMPION_TABLE} (term, ids, built_at)
SELECT lexeme, (array_agg(id ORDER BY impact DESC, id))[1:%(champions)s], %(now)s
FROM (
    SELECT e.id, u.lexeme,
        (SELECT sum(CASE w WHEN 'A' THEN %(a)s WHEN 'B' THEN %(b)s WHEN 'C' THEN %(c)s
                     ELSE %(d)s END)
         FROM unnest(u.weights) AS w) / ln(1 + doc.length) * e.boost AS impact
    FROM {TABLE} e
    CROSS JOIN LATERAL (
        SELECT sum(coalesce(array_length(p.positions, 1), 1)) AS length
        FROM unnest(e.search_vector) AS p
    ) doc
    CROSS JOIN LATERAL unnest(e.search_vector) AS u
) scored
GROUP BY lexeme
HAVING count(*) > %(window)s
"""


def rebuild_champions(*, force: bool = False) -> int:
    """Recompute the champion lists; returns how many lexemes have one.

    Skipped when no entry changed since the last build (unless `force`), and the table is
    simply emptied while the whole index is smaller than WINDOW.
    """
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}")
        if cursor.fetchone()[0] <= WINDOW:
            cursor.execute(f"DELETE FROM {CHAMPION_TABLE}")
            return 0
        if not force:
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE} WHERE updated_at > "
                f"(SELECT max(built_at) FROM {CHAMPION_TABLE}))"
                f" AND EXISTS (SELECT 1 FROM {CHAMPION_TABLE})"
            )
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {CHAMPION_TABLE}")
                return cursor.fetchone()[0]
        started = time.perf_counter()
        now = timezone.now()
        cursor.execute(f"DELETE FROM {CHAMPION_TABLE}")
        d, c, b, a = WEIGHTS
        cursor.execute(
            _BUILD,
            {"champions": CHAMPIONS, "window": WINDOW, "now": now, "a": a, "b": b, "c": c, "d": d},
        )
        built = cursor.rowcount
    log.info("champion lists: %d lexemes in %.1f s", built, time.perf_counter() - started)
    return built
