"""The two engines behind `search.search`: PostgreSQL (stored tsvector, GIN, ts_rank_cd)
and SQLite (FTS5, bm25). Both match the same tokens with the same boolean logic, so they find the
same entries; each ranks with its own function (title above body above structured fields).

A search is one ranking statement (plus, on PostgreSQL, one for the planner's estimate and the
champion lists): it counts the matches, ranks them with each one's type and facet keys for the
facets, and reads the entries of the page shown. Up to WINDOW matches, both engines count and
rank every match. Above it, SQLite still does (FTS5 is fast at the sizes SQLite serves), while
PostgreSQL, where each match costs a recheck and a ts_rank_cd over its stored vector, ranks the
champion candidates (champions.py): exactly when a required word's list is complete (it holds
every entry with the word), else the best of the lists, with an estimated count (the planner's,
or the GIN index's own when the planner thinks a query small); facets then cover the ranked rows.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from django.db import connection

from .champions import CHAMPIONS, NORMALIZATION, RANKED, WEIGHTS, WINDOW
from .ddl import CHAMPION_TABLE, FTS_TABLE, TABLE, VECTOR_INDEX
from .query import Term
from .registry import order_case

log = logging.getLogger(__name__)

# What the ranking of champion candidates reads: the WHERE clause and the selected row.
_CANDIDATE_COLUMNS = "id, object_id, kind, facet_keys, boost, search_vector, plain, document_id"
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
    # Groups of entity tokens: every match carries at least one token of each group.
    any_tokens: list[list[str]] = field(default_factory=list)


@dataclass
class Row:
    id: int  # the SearchEntry's
    object_id: int
    score: float
    kind: str
    facet_keys: str
    # (title, body, url, extra) for the rows of the page asked for, read in the same query.
    entry: tuple | None = None


@dataclass
class Ranked:
    count: int
    rows: list[Row]  # best first; all matches when count <= WINDOW, else the best of them
    count_exact: bool = True  # False: above WINDOW matches PostgreSQL reports an estimate
    strategy: str = "exact"  # how the rows were ranked: exact, champions, all (diagnostics)


def run(
    positive: list[Term],
    negative: list[Term],
    mode: str,
    filters: Filters,
    needed: int,
    offset: int | None = None,
) -> Ranked:
    """Match and rank; `needed` is offset + limit (rows the caller must be able to show). With
    `offset`, the rows from there to `needed` carry their entry (Row.entry)."""
    engine = _Postgres() if connection.vendor == "postgresql" else _SQLite()
    page = (offset, needed) if offset is not None else (0, 0)
    return engine.run(positive, negative, mode, filters, needed, page)


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
        required = [self.quote(t) for t in filters.tokens]
        required += [
            self.any_tokens([self.quote(t) for t in group]) for group in filters.any_tokens
        ]
        if required:
            self.add(*self._matches_flat(self.all_tokens(required)))
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

    def scoring(self, positive: list[Term], rank_expr: str | None) -> tuple[str, list]:
        """The select list of a ranking, `score, typed, closeness`, over an entry `e`."""
        raise NotImplementedError

    def paged(self, inner: str, params: list, page: tuple[int, int], limit: int, ctes: str = ""):
        """Rank the rows `inner` selects (id, object_id, score, kind, facet_keys, typed,
        closeness), count them, and read the entries of the page's rows, in one statement.

        Order: what holds a typed word, then the closest related words, then the score, then
        the kinds' listing order."""
        order = f"r0.typed DESC, r0.closeness DESC, r0.score DESC, {order_case('r0.kind')}, r0.id"
        sql = (
            f"WITH {ctes}r0 AS ({inner}),"
            f" r AS (SELECT r0.*, row_number() OVER (ORDER BY {order}) AS n,"
            f" count(*) OVER () AS total FROM r0)"
            f" SELECT r.id, r.object_id, r.score, r.kind, r.facet_keys, r.total,"
            f" p.title, p.body, p.url, p.extra"
            # Only the page's rows look their entry up (the others join on NULL, which no
            # index entry matches): a join filter would read every ranked row's entry first.
            f" FROM r LEFT JOIN {TABLE} p ON p.id = CASE WHEN r.n > %s AND r.n <= %s THEN r.id END"
            f" ORDER BY r.n LIMIT %s"
        )
        return sql, [*params, page[0], page[1], limit]

    def fetch(self, sql: str, params: list) -> tuple[int, list[Row]]:
        """(how many rows the ranking had, the rows returned)."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return self.read(cursor.fetchall())

    @staticmethod
    def read(records) -> tuple[int, list[Row]]:
        rows, total = [], 0
        for pk, object_id, score, kind, keys, n, title, body, url, extra in records:
            total = n
            entry = None
            if url is not None:
                entry = (title, body, url, json.loads(extra) if isinstance(extra, str) else extra)
            rows.append(Row(pk, object_id, float(score or 0.0), kind, keys, entry))
        return total, rows


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

    def scoring(self, positive: list[Term], rank_expr: str | None) -> tuple[str, list]:
        if rank_expr is None:  # substring-only: listed in type order, nothing to rank
            return "0.0 AS score, 0 AS typed, 0 AS closeness", []
        weights = "{" + ",".join(str(w) for w in WEIGHTS) + "}"
        rank = (
            f"ts_rank_cd('{weights}'::float4[], e.search_vector, "
            f"to_tsquery('simple', %s), {NORMALIZATION})"
        )
        if not any(term.related for term in positive):
            return f"{rank} * e.boost AS score, 0 AS typed, 0 AS closeness", [rank_expr]
        typed = self.typed_expr(positive)
        closeness, closeness_params = self.closeness(positive)
        if typed:
            return (
                f"({rank} + {RELATED_WEIGHT} * {rank}) * e.boost AS score,"
                f" (e.search_vector @@ to_tsquery('simple', %s))::int AS typed,"
                f" {closeness} AS closeness",
                [typed, rank_expr, typed, *closeness_params],
            )
        return (
            f"{RELATED_WEIGHT} * {rank} * e.boost AS score, 0 AS typed, {closeness} AS closeness",
            [rank_expr, *closeness_params],
        )

    def run(self, positive, negative, mode, filters, needed, page) -> Ranked:
        rank_expr = self.build(positive, negative, mode, filters)
        where, params = self.where_sql(), self.params
        scores, score_params = self.scoring(positive, rank_expr)
        select = f"SELECT e.id, e.object_id, {scores}, e.kind, e.facet_keys"
        size = max(RANKED, needed)
        rank_all = self.paged(
            f"{select} FROM {TABLE} e WHERE {where}", [*score_params, *params], page, size
        )
        # First round trip: the champion lists of the query's terms (primary-key reads) and the
        # planner's estimate of its matches.
        terms = sorted({token for term in positive for token in term.tokens})
        estimate, lists, built_at = self.estimate_and_champions(where, params, terms)
        if built_at is not None and mode == "all":
            complete = _complete_candidates(positive, lists)
            if complete is not None:
                # Some required word occurs in fewer than CHAMPIONS entries, all of them in its
                # list: every match is among them (or changed since the lists were built), so
                # ranking those is the exact count and the exact ranking, without the GIN index.
                total, rows = self.fetch(
                    *self.candidates(select, where, params, score_params, complete, built_at)(
                        page, max(WINDOW, needed)
                    )
                )
                return Ranked(total, rows, strategy="complete")
        rare = built_at is None or (mode == "all" and _has_rare_term(positive, lists))
        if not rare and estimate <= WINDOW and self.index_only(mode, negative, filters, positive):
            # The planner underestimates AND-ed common words (138 for the 3,213 entries holding
            # 孵化器 and 众创空间): ask the GIN index how many entries it has for the query, which
            # is far cheaper than reading WINDOW + 1 of them to find out they are too many.
            counted = self.index_count(where, params)
            if counted is not None and counted > WINDOW:
                estimate = counted
        if rare or estimate <= WINDOW:
            # Every GIN answer for a tsquery is rechecked, microseconds each: read at most
            # WINDOW + 1 matches (the planner underestimates AND-ed terms, rarely the reverse).
            inner = (
                f"{select} FROM (SELECT {_CANDIDATE_COLUMNS} FROM {TABLE} e WHERE {where}"
                f" LIMIT %s) e"
            )
            total, rows = self.fetch(
                *self.paged(inner, [*score_params, *params, WINDOW + 1], page, WINDOW + 1)
            )
            if total <= WINDOW:
                return Ranked(total, rows[:WINDOW])
        count = max(WINDOW + 1, estimate)
        if rank_expr is None:
            _, rows = self.fetch(*rank_all)
            return Ranked(count, rows, count_exact=False, strategy="listed")
        # Rank the champions of the query's terms, and whatever changed since they were built;
        # look deeper into the lists before giving up and ranking every match.
        rows = []
        for depth in (max(RANKED, 2 * needed), CHAMPIONS):
            if built_at is None:
                break
            # Several terms share the budget: the lists overlap, and each is in rank order.
            share = max(2 * needed, depth // max(len(lists), 1))
            candidates = sorted({pk for ids in lists.values() for pk in ids[:share]})
            _, rows = self.fetch(
                *self.candidates(select, where, params, score_params, candidates, built_at)(
                    page, size
                )
            )
            if len(rows) >= needed:
                return Ranked(count, rows, count_exact=False, strategy=f"champions@{depth}")
            if depth >= CHAMPIONS:
                break
        log.info("champion candidates too few (%d of %d needed): ranking all", len(rows), needed)
        _, rows = self.fetch(*rank_all)
        return Ranked(count, rows, count_exact=False, strategy="all")

    def candidates(self, select, where, params, score_params, ids, built_at):
        """The ranking of these entries and of every entry changed since `built_at` that
        meet the query (a function of the page and the limit).

        The ids are passed as literals so the planner sees a few hundred rows, not a subquery
        whose size it cannot estimate (it would then hash-join every match). They are read
        first, in a MATERIALIZED CTE, and only then tested against the query: the planner
        underestimates AND-ed terms (87 rows for the 5,153 matches of 数字化改造补助) and would
        otherwise take the GIN index and recheck and filter every match of the query."""
        ctes = (
            f"c AS MATERIALIZED (SELECT {_CANDIDATE_COLUMNS} FROM {TABLE}"
            f" WHERE id = ANY(%s) OR updated_at > %s), "
        )

        def ranking(page, limit):
            return self.paged(
                f"{select} FROM c e WHERE {where}",
                [sorted(ids), built_at, *score_params, *params],
                page,
                limit,
                ctes,
            )

        return ranking

    @staticmethod
    def index_only(mode, negative, filters, positive) -> bool:
        """Whether the GIN index alone decides which entries match: every word required, none
        excluded, no substring and no filter read from the row."""
        return (
            mode == "all"
            and not negative
            and filters.kinds is None
            and filters.document_id is None
            and all(term.matchable and not term.substring for term in positive)
        )

    def index_count(self, where: str, params: list) -> int | None:
        """How many entries the GIN index holds for the query (rows since updated or deleted
        and not yet vacuumed included: an estimate, a close one), from the bitmap it builds
        before the first row is read; None when the plan does not build one."""
        with connection.cursor() as cursor:
            # A plan that reads rows first (a sequential scan stops at the first match) would
            # count nothing: only the bitmap is allowed, for this statement only.
            cursor.execute(
                "SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off;"
                f" EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) SELECT 1 FROM {TABLE} e"
                f" WHERE {where} LIMIT 1; RESET enable_seqscan; RESET enable_indexscan",
                params,
            )
            plan = None
            while True:  # the results of SET, SET, EXPLAIN, RESET, RESET
                if cursor.description is not None and plan is None:
                    plan = cursor.fetchone()[0]
                if not cursor.nextset():
                    break
        if plan is None:
            return None
        if isinstance(plan, str):
            plan = json.loads(plan)
        scans = []
        nodes = [plan[0]["Plan"]]
        while nodes:
            node = nodes.pop()
            if (
                node.get("Node Type") == "Bitmap Index Scan"
                and node.get("Index Name") == VECTOR_INDEX
            ):
                scans.append(node)
            nodes.extend(node.get("Plans", []))
        return int(scans[0]["Actual Rows"]) if len(scans) == 1 else None

    def estimate_and_champions(
        self, where: str, params: list, terms: list[str]
    ) -> tuple[int, dict[str, list[int]], object]:
        """The planner's estimate of the matches (tsvector statistics hold the frequencies of
        the most common lexemes), the champion lists of these lexemes and when the lists were
        built (None: never), in one round trip."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} e WHERE {where};"
                f" SELECT term, ids, built_at FROM {CHAMPION_TABLE} WHERE term = ANY(%s)"
                # Every list is built by one statement with one timestamp (champions.py):
                # any row's is the build's, and reading one spares a scan of the table.
                f" UNION ALL (SELECT NULL, NULL, built_at FROM {CHAMPION_TABLE} LIMIT 1)",
                [*params, terms],
            )
            plan = cursor.fetchone()[0]
            cursor.nextset()
            rows = cursor.fetchall()
        if isinstance(plan, str):
            plan = json.loads(plan)
        built = rows[-1][2] if rows and rows[-1][0] is None else None
        lists = {term: ids for term, ids, _ in rows if term is not None}
        return int(plan[0]["Plan"]["Plan Rows"]), lists, built


def _complete_candidates(positive: list[Term], lists: dict[str, list[int]]) -> set[int] | None:
    """Entries that hold every match of the query, as of the champion lists' build, when one
    of its required terms has complete lists: each of its alternatives (typed or related)
    holds a token found in fewer than CHAMPIONS entries, whose list then names them all. The
    smallest such set, or None."""
    best: set[int] | None = None
    for term in positive:
        alternatives = term.alternatives + term.related
        if not alternatives or term.negated:
            continue
        found: set[int] = set()
        for alternative in alternatives:
            complete = [lists[t] for t in alternative if 0 < len(lists.get(t, ())) < CHAMPIONS]
            if not complete:
                break
            smallest: list[int] = min(complete, key=len)
            found.update(smallest)
        else:
            if best is None or len(found) < len(best):
                best = found
    # Related words can make a union of several lists: past CHAMPIONS entries, the champions
    # (the best of each list) are cheaper than an exact ranking of them all.
    return best if best is not None and len(best) <= CHAMPIONS else None


def _has_rare_term(positive: list[Term], lists: dict[str, list[int]]) -> bool:
    """Whether a required term is rare: each of its alternatives holds a token without a
    champion list (found in at most WINDOW entries when the lists were built)."""
    return any(
        all(any(t not in lists for t in alternative) for alternative in alternatives)
        for term in positive
        if (alternatives := term.alternatives + term.related)
    )


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

    def run(self, positive, negative, mode, filters, needed, page) -> Ranked:
        rank_expr = self.build(positive, negative, mode, filters)
        where, params = self.where_sql(), self.params
        from_sql, from_params = f"{TABLE} e", []
        scores = "0.0 AS score, 0 AS typed, 0 AS closeness"
        score_params: list = []
        if rank_expr is not None:
            weights = ", ".join(str(w) for w in BM25_WEIGHTS)
            # bm25() is only defined inside the FTS query, so it is ranked there and joined.
            ranked = (
                f" LEFT JOIN (SELECT rowid AS id, -bm25({FTS_TABLE}, {weights}) AS rank"
                f" FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"
            )
            from_sql += f"{ranked} m ON m.id = e.id"
            from_params = [rank_expr]
            scores = "coalesce(m.rank, 0.0) * e.boost AS score, 0 AS typed, 0 AS closeness"
            if any(term.related for term in positive):
                # As on PostgreSQL: the words typed, then the closest related words, then rank.
                closeness, score_params = self.closeness(positive)
                scores = (
                    f"{RELATED_WEIGHT} * coalesce(m.rank, 0.0) * e.boost AS score,"
                    f" 0 AS typed, {closeness} AS closeness"
                )
                if typed := self.typed_expr(positive):
                    from_sql += f"{ranked} t ON t.id = e.id"
                    from_params.append(typed)
                    scores = (
                        f"(coalesce(t.rank, 0.0) + {RELATED_WEIGHT} * coalesce(m.rank, 0.0))"
                        f" * e.boost AS score, (t.id IS NOT NULL) AS typed, {closeness} AS closeness"
                    )
        # FTS5 counts and ranks every match at the sizes SQLite serves: the count is exact.
        inner = f"SELECT e.id, e.object_id, {scores}, e.kind, e.facet_keys FROM {from_sql} WHERE {where}"
        total, rows = self.fetch(
            *self.paged(inner, [*score_params, *from_params, *params], page, max(WINDOW, needed))
        )
        return Ranked(total, rows)
