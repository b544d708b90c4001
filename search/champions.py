"""Champion lists on PostgreSQL: how a common term is ranked without ranking every match.

ts_rank_cd costs microseconds per row, so `ORDER BY rank LIMIT 20` over the 20k–80k entries a
common term matches in a 100k corpus takes hundreds of milliseconds. For every lexeme found in
more than WINDOW entries we store the CHAMPIONS entries it ranks highest on its own (the
single-term ts_rank_cd, computed from the lexeme's positions and weights). A query whose matches
exceed WINDOW ranks only the union of its terms' champions plus everything changed since the
lists were built, which is exact for one-term queries and the textbook approximation for more
(Manning, Raghavan & Schütze, Introduction to Information Retrieval, §7.1.3). When that union
holds too few matches for the page asked for, the engine falls back to ranking every match.

Each list also keeps a sample of its lexeme's entries: the SAMPLE whose ids hash lowest. The
samples of a query's words, met, say how many entries hold them all (a bottom-k sketch cut at a
shared threshold), which the words' frequencies multiplied cannot when words go together.
"""

from __future__ import annotations

import heapq
import logging
import math
import sys
import time
from array import array
from collections import Counter

from django.db import connection
from django.utils import timezone

from .ddl import CHAMPION_TABLE, TABLE

log = logging.getLogger(__name__)

WINDOW = 500  # at most this many matches: count and rank them all, exactly
RANKED = 100  # above WINDOW: candidates ranked for a page (and the facets counted over them)
CHAMPIONS = 1000  # entries kept per common lexeme
# ts_rank_cd weights {D, C, B, A} and normalisation: 1 divides by log(1 + document length).
WEIGHTS = (0.1, 0.2, 0.4, 1.0)
NORMALIZATION = 1
# Beside its champions, a common lexeme keeps a sample of its entries: the SAMPLE of them whose
# ids hash lowest (`sample_hash`). Every lexeme's sample is cut from the same order of entries,
# so samples can be met like the lists they stand for: how many entries of a sample hold every
# word of a query tells how many entries of the index do (engine._sampled_matches).
SAMPLE = 2048

# An entry's impact for one lexeme: its occurrences weighted by column (title A, body B,
# structured fields C), divided by log(1 + the entry's length in positions), times the entry's
# boost. `impact()` below is the same sum, in the same order, for bulk loads that build the lists
# from the tokens they write (search/synth.py); a test holds the two to the same lists.
_BUILD = f"""
INSERT INTO {CHAMPION_TABLE} (term, ids, built_at, df, sample)
SELECT lexeme,
    substring(string_agg(int8send(id), ''::bytea ORDER BY impact DESC, id) FROM 1 FOR 8 * %(champions)s),
    %(now)s, count(*),
    substring(string_agg(int8send(id), ''::bytea ORDER BY hash, id) FROM 1 FOR 8 * %(sample)s)
FROM (
    SELECT e.id, u.lexeme, (e.id %% 2147483648) * 2654435761 %% 4294967296 AS hash,
        (%(a)s * cardinality(array_positions(u.weights, 'A'))
         + %(b)s * cardinality(array_positions(u.weights, 'B'))
         + %(c)s * cardinality(array_positions(u.weights, 'C'))
         + %(d)s * cardinality(array_positions(u.weights, 'D')))
        / ln(1 + doc.length) * e.boost AS impact
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
# The row of the empty term (never a lexeme): how many entries the lists were built over.
TOTAL = ""
_TOTAL = f"""
INSERT INTO {CHAMPION_TABLE} (term, ids, built_at, df)
SELECT %(total)s, ''::bytea, %(now)s, count(*) FROM {TABLE}
"""


_ID_BITS = (1 << 63) - 1

# How long this process uses the champion lists it has read without reading them again, and how
# many of their ids it keeps (about 36 bytes each as Python ints).
KEPT_SECONDS = 30.0
KEPT_IDS = 500_000


class KeptLists:
    """The champion lists this process has read, of one build, so that a search of words it has
    met needs no round trip for them (0.3 ms, and the statement's own ~0.3, of a 7 ms search).

    Lists are only ever used with the `built_at` of the build they come from, and a ranking
    takes every entry changed since then as a candidate as well (engine.candidates): with lists
    of an older build a search finds what it finds with the current one, it only ranks more
    candidates. So a process keeps what it read for KEPT_SECONDS after it last saw the build in
    the database, and another process's rebuild costs at most that long of larger candidate
    sets here. A rebuild or a bulk load in this process forgets them at once (`forget`)."""

    def __init__(self) -> None:
        self.forget()

    def forget(self) -> None:
        self.build: tuple | None = None  # (database, built_at, entries)
        self.seen = 0.0  # time.monotonic() when the database last showed this build
        self.lists: dict[str, tuple[int, list[int], int]] = {}  # term -> (df, ids, depth read)
        self.absent: set[str] = set()  # terms without a list in this build
        self.samples: dict[str, list[int]] = {}  # term -> its sample (terms with a list)
        self.ids = 0

    def _fresh(self, database: str, built_at=None) -> tuple | None:
        """The build kept, when it is of this database (and built at `built_at`, when given)
        and was last seen there at most KEPT_SECONDS ago."""
        build = self.build
        if build is None or build[0] != database or built_at not in (None, build[1]):
            return None
        return build if time.monotonic() - self.seen <= KEPT_SECONDS else None

    def get(self, database: str, terms: list[str], depth: int):
        """(lists, df, entries, built_at) as read from the database for these terms and depth
        (complete lists whole, the others' first `depth` ids), or None when not all are kept."""
        if (build := self._fresh(database)) is None:
            return None
        lists, df = {}, {}
        for term in terms:
            if term in self.absent:
                continue
            kept = self.lists.get(term)
            if kept is None:
                return None
            n, ids, read = kept
            if n >= CHAMPIONS:
                if read < depth and len(ids) >= read:  # not read that deep, and there is more
                    return None
                ids = ids[:depth]
            lists[term], df[term] = ids, n
        return lists, df, build[2], build[1]

    def put(self, database: str, terms, depth: int, lists, df, entries: int, built_at) -> None:
        """What the database returned for these terms and depth (`built_at` None: no lists)."""
        if built_at is None:
            self.forget()
            return
        build = (database, built_at, entries)
        if build != self.build or self.ids > KEPT_IDS:
            self.forget()
            self.build = build
        self.seen = time.monotonic()
        for term in terms:
            if term not in lists:
                self.absent.add(term)
                continue
            old = self.lists.get(term)
            if old is None or old[2] < depth:
                self.ids += len(lists[term]) - (len(old[1]) if old else 0)
                self.lists[term] = (df[term], lists[term], depth)

    def get_samples(self, database: str, built_at, terms) -> dict[str, list[int]] | None:
        """The samples of these terms' lists in that build, when all are kept."""
        if self._fresh(database, built_at) is None:
            return None
        if any(term not in self.samples for term in terms):
            return None
        return {term: self.samples[term] for term in terms}

    def put_samples(self, database: str, built_at, samples: dict[str, list[int]]) -> None:
        """Samples read from the database for lists of the build kept (else not kept)."""
        if self.build is None or self.build[:2] != (database, built_at):
            return
        for term, sample in samples.items():
            if term not in self.samples:
                self.ids += len(sample)
                self.samples[term] = sample


kept = KeptLists()


def encode(ids: list[int]) -> bytes:
    """A list as stored: each id as 8 bytes, big-endian (PostgreSQL's int8send), which Python
    reads back in microseconds where a bigint[] of a thousand ids took a millisecond to parse."""
    values = array("q", ids)
    if sys.byteorder == "little":
        values.byteswap()
    return values.tobytes()


def decode(stored: bytes) -> list[int]:
    values = array("q")
    values.frombytes(stored)
    if sys.byteorder == "little":
        values.byteswap()
    return values.tolist()


def sample_hash(pk: int) -> int:
    """Where an entry stands in the order samples are cut from (_BUILD's `hash`): Knuth's
    multiplicative hash of its id, which spreads consecutive ids (one document's entries) evenly
    over 0 .. 2**32 - 1."""
    return (pk % 2147483648) * 2654435761 % 4294967296


def sample_rate(sample: list[int], df: int) -> tuple[int, float]:
    """The highest hash a lexeme's `sample` (ids in `sample_hash` order) holds every entry up
    to, and what share of all entries' hashes that is (1.0: the sample is every entry)."""
    if len(sample) >= df:
        return 4294967295, 1.0
    cut = sample_hash(sample[-1])
    return cut, (cut + 1) / 4294967296


class Sample(list):
    """A lexeme's sample as stored (ids in `sample_hash` order), with the set of its ids made
    once (the process keeps samples: searches meet them as sets, engine._sampled_matches)."""

    __slots__ = ("_ids",)
    _ids: frozenset[int]

    @property
    def ids(self) -> frozenset[int]:
        try:
            return self._ids
        except AttributeError:
            self._ids = frozenset(self)
            return self._ids


def impact(title: int, body: int, fields: int, length: int, boost: float) -> float:
    """_BUILD's impact of a lexeme occurring `title`, `body` and `fields` times in an entry of
    `length` tokens (an entry's tokens are its positions, as long as no lexeme occurs more than
    256 times: tsvector's limit)."""
    d, c, b, a = WEIGHTS
    return (a * title + b * body + c * fields + d * 0) / math.log(1 + length) * boost


class Collector:
    """Champion lists built in Python from the token columns of every entry, for bulk loads
    that have the tokens at hand: the same lists as rebuild_champions, without a pass of the
    database over every lexeme of every entry (minutes at a million entries)."""

    def __init__(self) -> None:
        self.heaps: dict[str, list[tuple[float, int]]] = {}
        self.floors: dict[str, float] = {}  # a full list's lowest impact
        # Entries as one int each, ordered as (hash, id): hash * 2**63 + id.
        self.samples: dict[str, list[int]] = {}
        self.ceilings: dict[str, int] = {}  # a pruned sample's highest
        self.df: dict[str, int] = {}
        self.last = 0

    def add(self, pk: int, title: list[str], body: list[str], fields: list[str], boost: float):
        """An entry's tokens; entries must come in ascending id order (ties go to the lower)."""
        if pk <= self.last:
            raise ValueError("entries must be added in ascending id order")
        self.last = pk
        length = len(title) + len(body) + len(fields)
        if not length:
            return
        in_title, in_body, in_fields = Counter(title), Counter(body), Counter(fields)
        d, c, b, a = WEIGHTS
        norm = math.log(1 + length)
        df, floors, heaps = self.df, self.floors, self.heaps
        place = (sample_hash(pk) << 63) + pk
        ceilings, samples = self.ceilings, self.samples
        for lexeme in in_title.keys() | in_body.keys() | in_fields.keys():
            df[lexeme] = df.get(lexeme, 0) + 1
            # A sample takes every entry below its ceiling and, at half as many again as it
            # keeps, drops the highest: a sort now and then, not a heap step per entry.
            if place < ceilings.get(lexeme, place + 1):
                held = samples.get(lexeme)
                if held is None:
                    held = samples[lexeme] = []
                held.append(place)
                if len(held) >= SAMPLE + SAMPLE // 2:
                    held.sort()
                    del held[SAMPLE:]
                    ceilings[lexeme] = held[-1]
            # impact(), inline: a million entries hold a hundred million lexemes.
            value = (
                (
                    a * in_title.get(lexeme, 0)
                    + b * in_body.get(lexeme, 0)
                    + c * in_fields.get(lexeme, 0)
                    + d * 0
                )
                / norm
                * boost
            )
            # Below a full list's lowest, or equal to it with a higher id: not a champion.
            if value <= floors.get(lexeme, -1.0):
                continue
            heap = heaps.get(lexeme)
            if heap is None:
                heap = heaps[lexeme] = []
            if len(heap) < CHAMPIONS:
                heapq.heappush(heap, (value, -pk))
            else:
                heapq.heapreplace(heap, (value, -pk))
            if len(heap) >= CHAMPIONS:
                floors[lexeme] = heap[0][0]

    def lists(self) -> dict[str, list[int]]:
        return {
            lexeme: [-pk for _, pk in sorted(heap, reverse=True)]
            for lexeme, heap in self.heaps.items()
            if self.df[lexeme] > WINDOW
        }

    def sample(self, lexeme: str) -> list[int]:
        """The lexeme's sample as _BUILD stores it: ids in `sample_hash` order."""
        return [key & _ID_BITS for key in sorted(self.samples[lexeme])[:SAMPLE]]

    def write(self) -> int:
        """Replace the stored lists with these; returns how many lexemes have one."""
        lists = self.lists()
        now = timezone.now()
        kept.forget()
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {CHAMPION_TABLE}")
            with cursor.cursor.copy(
                f"COPY {CHAMPION_TABLE} (term, ids, built_at, df, sample) FROM STDIN"
            ) as copy:
                for lexeme, ids in lists.items():
                    sample = encode(self.sample(lexeme))
                    copy.write_row((lexeme, encode(ids), now, self.df[lexeme], sample))
            # The whole index, not only the entries added: the count the lists were built over.
            cursor.execute(_TOTAL, {"total": TOTAL, "now": now})
        return len(lists)


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
            kept.forget()
            cursor.execute(f"DELETE FROM {CHAMPION_TABLE}")
            return 0
        if not force:
            cursor.execute(
                f"SELECT NOT EXISTS (SELECT 1 FROM {TABLE} WHERE updated_at > "
                f"(SELECT max(built_at) FROM {CHAMPION_TABLE}))"
                f" AND EXISTS (SELECT 1 FROM {CHAMPION_TABLE})"
            )
            if cursor.fetchone()[0]:
                cursor.execute(f"SELECT count(*) FROM {CHAMPION_TABLE} WHERE term <> %s", [TOTAL])
                return cursor.fetchone()[0]
        started = time.perf_counter()
        now = timezone.now()
        kept.forget()
        cursor.execute(f"DELETE FROM {CHAMPION_TABLE}")
        d, c, b, a = WEIGHTS
        cursor.execute(
            _BUILD,
            {
                "champions": CHAMPIONS,
                "sample": SAMPLE,
                "window": WINDOW,
                "now": now,
                **{"a": a, "b": b, "c": c, "d": d},
            },
        )
        built = cursor.rowcount
        cursor.execute(_TOTAL, {"total": TOTAL, "now": now})
    log.info("champion lists: %d lexemes in %.1f s", built, time.perf_counter() - started)
    return built
