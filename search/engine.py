"""The two engines behind `search.search`: PostgreSQL (stored tsvector, GIN, ts_rank_cd)
and SQLite (FTS5, bm25). Both match the same tokens with the same boolean logic, so they find the
same entries; each ranks with its own function (title above body above structured fields).

A search runs as: count the matches; rank them, fetching each one's type and facet keys; the
caller counts the facets and loads the page shown. Up to WINDOW matches, both engines count and
rank every match. Above it, SQLite still does (FTS5 is fast at the sizes SQLite serves), while
PostgreSQL, where each match costs a recheck and a ts_rank_cd over its stored vector, reports the
planner's estimate as the count and ranks only the champion candidates (champions.py); facets
then cover the RANKED best matches.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.db import connection

from .champions import CHAMPIONS, NORMALIZATION, RANKED, WEIGHTS, WINDOW
from .ddl import CHAMPION_TABLE, FTS_TABLE, TABLE
from .query import Term
from .registry import order_case

log = logging.getLogger(__name__)

# What the ranking of champion candidates reads: the WHERE clause and the selected row.
_CANDIDATE_COLUMNS = "id, object_id, kind, facet_keys, boost, search_vector, plain, document_id"
# Above this many times WINDOW, the planner's estimate alone decides that a query is large.
SURE_LARGE = 4
# bm25 column weights on SQLite: title, body, structured fields, in the same ratio as PostgreSQL's.
BM25_WEIGHTS = (5.0, 2.0, 1.0)
# When related words were added to a query, an entry's rank is its rank for the words as typed
# plus this share of its rank for the whole query: what holds the typed word comes first.
RELATED_WEIGHT = 0.25


@dataclass
class Filters:
    kinds: list[str] | None = None
    document_id: int | None = None
    tokens: list[str] = field(default_factory=list)  # entity tokens every match must carry


@dataclass
class Row:
    id: int  # the SearchEntry's
    object_id: int
    score: float
    kind: str
    facet_keys: str


@dataclass
class Ranked:
    count: int
    rows: list[Row]  # best first; all matches when count <= WINDOW, else the best of them
    count_exact: bool = True  # False: above WINDOW matches PostgreSQL reports an estimate
    strategy: str = "exact"  # how the rows were ranked: exact, champions, all (diagnostics)


def run(
    positive: list[Term], negative: list[Term], mode: str, filters: Filters, needed: int
) -> Ranked:
    """Match and rank; `needed` is offset + limit (rows the caller must be able to show)."""
    engine = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    return engine.run(positive, negative, mode, filters, needed)


def exists(positive: list[Term], negative: list[Term], mode: str) -> bool:
    """Whether anything matches (one query, nothing ranked)."""
    engine = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    engine.build(positive, negative, mode, Filters())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM {TABLE} e WHERE {engine.where_sql()} LIMIT 1", engine.params)
        return cursor.fetchone() is not None


def _like(term: Term) -> str:
    # Substrings are letters and digits only (query.py), so nothing needs escaping.
    return f"%{term.substring}%"


class _Engine:
    def __init__(self) -> None:
        self.where: list[str] = []
        self.params: list = []

    def add(self, sql: str, *params) -> None:
        self.where.append(sql)
        self.params.extend(params)

    # Subclasses: token expressions and the match condition for a token expression.
    def token_expr(self, term: Term, *, typed_only: bool = False) -> str:
        """Any of the term's alternatives (each needs all of its tokens); with `typed_only`,
        without the related words'."""
        alternatives = term.alternatives if typed_only else term.alternatives + term.related
        return self.any_tokens(
            [self.all_tokens([self.quote(t) for t in alt]) for alt in alternatives]
        )

    def all_tokens(self, exprs: list[str]) -> str:
        raise NotImplementedError

    def any_tokens(self, exprs: list[str]) -> str:
        raise NotImplementedError

    def matches(self, expr: str) -> tuple[str, list]:
        raise NotImplementedError

    def term_condition(self, term: Term) -> tuple[str, list]:
        parts, params = [], []
        if term.matchable:
            sql, p = self.matches(self.token_expr(term))
            parts.append(sql)
            params += p
        if term.substring:
            parts.append("e.plain LIKE %s")
            params.append(_like(term))
        return "(" + " AND ".join(parts) + ")", params

    def build(self, positive: list[Term], negative: list[Term], mode: str, filters: Filters):
        if mode == "all":
            exprs = [self.token_expr(t) for t in positive if t.matchable]
            if exprs:
                self.add(*self._matches_flat(self.all_tokens(exprs)))
            for term in positive:
                if term.substring:
                    self.add("e.plain LIKE %s", _like(term))
        else:
            conditions = [self.term_condition(t) for t in positive]
            self.add(
                "(" + " OR ".join(sql for sql, _ in conditions) + ")",
                *[p for _, params in conditions for p in params],
            )
        for term in negative:
            sql, params = self.term_condition(term)
            self.add(f"NOT {sql}", *params)
        if filters.kinds:
            self.add(f"e.kind IN ({', '.join(['%s'] * len(filters.kinds))})", *filters.kinds)
        if filters.document_id is not None:
            self.add("e.document_id = %s", filters.document_id)
        if filters.tokens:
            self.add(*self._matches_flat(self.all_tokens([self.quote(t) for t in filters.tokens])))
        # What the rank is computed against: the positive token expressions.
        rank_exprs = [self.token_expr(t) for t in positive if t.matchable]
        if not rank_exprs:
            return None
        return (self.all_tokens if mode == "all" else self.any_tokens)(rank_exprs)

    def closeness(self, positive: list[Term]) -> tuple[str, list]:
        """How close the related words an entry holds are to what was typed: each related word
        counts 1, 1/2, 1/3 … in the order listed (招工: 招聘, then 用工, then the broad 人才).
        Ranking functions would let an entry saying 人才 sixteen times outrank the one about
        招聘, the word meant."""
        parts, params = [], []
        for term in positive:
            for i, alternative in enumerate(term.related):
                sql, p = self.matches(self.all_tokens([self.quote(t) for t in alternative]))
                parts.append(f"(CASE WHEN {sql} THEN {1 / (i + 1):.4f} ELSE 0 END)")
                params += p
        return " + ".join(parts) or "0", params

    def typed_expr(self, positive: list[Term]) -> str | None:
        """When related words were added: any of the words as typed, ranked first (None when
        nothing was added, or nothing typed is an index token)."""
        if not any(t.related for t in positive):
            return None
        exprs = [self.token_expr(t, typed_only=True) for t in positive if t.alternatives]
        return self.any_tokens(exprs) if exprs else None

    def _matches_flat(self, expr: str) -> tuple:
        sql, params = self.matches(expr)
        return (sql, *params)

    def where_sql(self) -> str:
        return " AND ".join(self.where) if self.where else "TRUE"

    @staticmethod
    def quote(token: str) -> str:
        raise NotImplementedError

    def fetch(self, sql: str, params: list) -> list[Row]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [
                Row(pk, object_id, float(score or 0.0), kind, keys)
                for pk, object_id, score, kind, keys, *_ in cursor.fetchall()
            ]

    def count(self, from_sql: str, params: list) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {from_sql} WHERE {self.where_sql()}", params)
            return cursor.fetchone()[0]


class _Postgres(_Engine):
    @staticmethod
    def quote(token: str) -> str:
        return f"'{token}'"

    def all_tokens(self, exprs: list[str]) -> str:
        return " & ".join(f"({e})" for e in exprs)

    def any_tokens(self, exprs: list[str]) -> str:
        return " | ".join(f"({e})" for e in exprs)

    def matches(self, expr: str) -> tuple[str, list]:
        return "e.search_vector @@ to_tsquery('simple', %s)", [expr]

    def run(self, positive, negative, mode, filters, needed) -> Ranked:
        rank_expr = self.build(positive, negative, mode, filters)
        where, params = self.where_sql(), self.params
        # Counting rechecks every match against its tsvector (GIN answers for tsquery are
        # always rechecked), microseconds each: count exactly only up to WINDOW, and not at all
        # when the planner expects far more (it underestimates AND-ed terms, rarely the reverse;
        # a table smaller than that is always counted).
        estimate = self.estimate(where, params)
        if estimate > SURE_LARGE * WINDOW:
            count = WINDOW + 1
        else:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} e WHERE {where} LIMIT %s) m",
                    [*params, WINDOW + 1],
                )
                count = cursor.fetchone()[0]
        if count == 0:
            return Ranked(0, [])
        typed_sql = ""
        if rank_expr is None:
            score_sql, score_params = "0.0", []
            order = f"{order_case()}, e.id"
        else:
            weights = "{" + ",".join(str(w) for w in WEIGHTS) + "}"
            rank = (
                f"ts_rank_cd('{weights}'::float4[], e.search_vector, "
                f"to_tsquery('simple', %s), {NORMALIZATION})"
            )
            score_sql, score_params = f"{rank} * e.boost", [rank_expr]
            order = f"score DESC, {order_case()}, e.id"
            if any(term.related for term in positive):
                typed = self.typed_expr(positive)
                score_sql = f"{RELATED_WEIGHT} * {rank} * e.boost"
                if typed:
                    score_sql = f"({rank} + {RELATED_WEIGHT} * {rank}) * e.boost"
                score_params = [typed, rank_expr] if typed else [rank_expr]
                # What holds a word as typed comes first, then what holds the closest related
                # words (closeness), then the rank.
                closeness, closeness_params = self.closeness(positive)
                typed_sql = f", {closeness} AS closeness"
                score_params += closeness_params
                order = f"closeness DESC, {order}"
                if typed:
                    typed_sql += ", e.search_vector @@ to_tsquery('simple', %s) AS typed"
                    score_params.append(typed)
                    order = f"typed DESC, {order}"
        select = f"SELECT e.id, e.object_id, {score_sql} AS score, e.kind, e.facet_keys{typed_sql}"
        rank_all = f"{select} FROM {TABLE} e WHERE {where} ORDER BY {order} LIMIT %s"
        if count <= WINDOW:
            rows = self.fetch(rank_all, [*score_params, *params, max(WINDOW, needed)])
            return Ranked(count, rows)
        count = max(count, estimate)
        size = max(RANKED, needed)
        if rank_expr is None:  # substring-only: listed in type order, nothing to rank
            rows = self.fetch(rank_all, [*params, size])
            return Ranked(count, rows, count_exact=False, strategy="listed")
        # Rank the champions of the query's terms, and whatever changed since they were built;
        # look deeper into the lists before giving up and ranking every match. The candidate
        # ids are passed as literals so the planner sees a few hundred rows, not a subquery
        # whose size it cannot estimate (it would then hash-join every match). They are read
        # first, in a MATERIALIZED CTE, and only then tested against the query: the planner
        # underestimates AND-ed terms (87 rows for 5,153 matches of 数字化改造补助) and would
        # otherwise take the GIN index and recheck and filter every match of the query.
        terms = sorted({token for term in positive for token in term.tokens})
        lists, built_at = self.champions(terms)
        rows: list[Row] = []
        for depth in (max(RANKED, 2 * needed), CHAMPIONS):
            if built_at is None:
                break
            # Several terms share the budget: the lists overlap, and each is in rank order.
            share = max(2 * needed, depth // max(len(lists), 1))
            candidates = sorted({pk for ids in lists for pk in ids[:share]})
            rows = self.fetch(
                f"WITH e AS MATERIALIZED (SELECT {_CANDIDATE_COLUMNS} FROM {TABLE}"
                f" WHERE id = ANY(%s) OR updated_at > %s)"
                f" {select} FROM e WHERE {where} ORDER BY {order} LIMIT %s",
                [candidates, built_at, *score_params, *params, size],
            )
            if len(rows) >= needed:
                return Ranked(count, rows, count_exact=False, strategy=f"champions@{depth}")
            if depth >= CHAMPIONS:
                break
        log.info("champion candidates too few (%d of %d needed): ranking all", len(rows), needed)
        rows = self.fetch(rank_all, [*score_params, *params, size])
        return Ranked(count, rows, count_exact=False, strategy="all")

    def champions(self, terms: list[str]) -> tuple[list[list[int]], object]:
        """The champion lists of these lexemes, and when the lists were built (None: never)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ids, built_at FROM {CHAMPION_TABLE} WHERE term = ANY(%s)"
                # Every list is built by one statement with one timestamp (champions.py):
                # any row's is the build's, and reading one spares a scan of the table.
                f" UNION ALL (SELECT NULL, built_at FROM {CHAMPION_TABLE} LIMIT 1)",
                [terms],
            )
            rows = cursor.fetchall()
        built = rows[-1][1] if rows and rows[-1][0] is None else None
        return [ids for ids, _ in rows if ids is not None], built

    def estimate(self, where: str, params: list) -> int:
        """The planner's estimate of the matches (tsvector statistics hold the frequencies of
        the most common lexemes), for result sets too large to count on every search."""
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} e WHERE {where}", params)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        return int(plan[0]["Plan"]["Plan Rows"])


class _SQLite(_Engine):
    @staticmethod
    def quote(token: str) -> str:
        return f'"{token}"'

    def all_tokens(self, exprs: list[str]) -> str:
        return " AND ".join(f"({e})" for e in exprs)

    def any_tokens(self, exprs: list[str]) -> str:
        return " OR ".join(f"({e})" for e in exprs)

    def matches(self, expr: str) -> tuple[str, list]:
        return f"e.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)", [expr]

    def run(self, positive, negative, mode, filters, needed) -> Ranked:
        rank_expr = self.build(positive, negative, mode, filters)
        where, params = self.where_sql(), self.params
        columns, column_params = "", []
        if rank_expr is None:
            from_sql, from_params = f"{TABLE} e", []
            score_sql, order = "0.0", f"{order_case()}, e.id"
        else:
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            # bm25() is only defined inside the FTS query, so it is ranked there and joined.
            from_sql = (
                f"{TABLE} e LEFT JOIN (SELECT rowid AS id, -bm25({FTS_TABLE}, {weights}) AS rank"
                f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) m ON m.id = e.id"
            )
            from_params = [rank_expr]
            score_sql = "coalesce(m.rank, 0.0) * e.boost"
            if typed := self.typed_expr(positive):
                from_sql += (
                    f" LEFT JOIN (SELECT rowid AS id, -bm25({FTS_TABLE}, {weights}) AS rank"
                    f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s) t ON t.id = e.id"
                )
                from_params.append(typed)
                score_sql = (
                    f"(coalesce(t.rank, 0.0) + {RELATED_WEIGHT} * coalesce(m.rank, 0.0)) * e.boost"
                )
            order = f"score DESC, {order_case()}, e.id"
            if any(term.related for term in positive):
                # As on PostgreSQL: the words typed, then the closest related words, then rank.
                closeness, column_params = self.closeness(positive)
                columns = f", {closeness} AS closeness"
                order = f"closeness DESC, {order}"
            if typed:
                order = f"t.id IS NULL, {order}"
        # The WHERE clause matches on its own; the ranking join is only needed for the order.
        count = self.count(f"{TABLE} e", params)
        if count == 0:
            return Ranked(0, [])
        size = max(WINDOW, needed)
        rows = self.fetch(
            f"SELECT e.id, e.object_id, {score_sql} AS score, e.kind, e.facet_keys{columns}"
            f" FROM {from_sql} WHERE {where} ORDER BY {order} LIMIT %s",
            [*column_params, *from_params, *params, size],
        )
        return Ranked(count, rows)
