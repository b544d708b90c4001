"""The two engines behind `search.search`: PostgreSQL (stored tsvector, GIN, ts_rank_cd)
and SQLite (FTS5, bm25). Both match the same tokens with the same boolean logic, so they find the
same entries; each ranks with its own function (title above body above structured fields).

A search is one ranking statement (plus, on PostgreSQL, one that reads the champion lists of
its words): it counts the matches, ranks them with each one's type and facet keys for the
facets, and reads the entries of the page shown. Up to WINDOW matches, both engines count and
rank every match. Above it, SQLite still does (FTS5 is fast at the sizes SQLite serves), while
PostgreSQL, where each match costs a recheck and a ts_rank_cd over its stored vector, ranks the
champion candidates (champions.py): exactly when a required word's list is complete (it holds
every entry with the word), else the best of the lists, with an estimated count (from the words'
frequencies, which the lists store, or for several words from their samples, met; the planner's
when a filter the index cannot decide is involved; the GIN index's own when the words seem rare
together and the samples cannot tell); facets then cover the ranked rows. Ranking every match
of several words, ts_rank picks the best and ts_rank_cd orders them.
"""

from __future__ import annotations

import json
import logging
import math
from bisect import bisect_right
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from django.db import connection

from .champions import (
    CHAMPIONS,
    NORMALIZATION,
    RANKED,
    TOTAL,
    WEIGHTS,
    WINDOW,
    Sample,
    decode,
    kept,
    sample_hash,
    sample_rate,
)
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
# Ranking every match of several words: ts_rank picks this many times the rows needed for the
# ts_rank_cd ranking (at 100k provisions the best 10 are then those of a ts_rank_cd ranking of
# them all for 62 of 63 queries, 0.99 of them on average; at 2x, 58 and 0.86).
PRESELECT = 5
# When the first look into the lists finds too few matches and there are at most this many
# divided by the query's words (the GIN index's count, or the words' frequencies): rank them all
# (ts_rank picks, some microseconds a match and word) rather than look a thousand deep into
# every list, which may still find too few (AND-ed words that go together only below the
# lists' heads: 高新技术企业 数量 at 1M provisions).
RANK_ALL_BELOW = 10_000
# How far (in standard deviations of a count of sampled entries) the samples' count of a
# query's matches must stand from what WINDOW matches would give for the engine to rely on it
# rather than ask the GIN index (_sampled_count).
SAMPLE_MARGIN = 2.0


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
        closeness), count them, and read the entries of the page's rows, in one statement
        (order: `_order`)."""
        sql = f"WITH {ctes}r0 AS ({inner}), r AS ({_best('n', 'r0')})"
        return sql + _PAGE, [*params, limit, page[0], page[1], limit]

    def reranked(self, inner, params, page, limit, ctes, exact: tuple[str, list], depth: int):
        """`paged` for `inner` rows scored by a cheap function (ts_rank, a few microseconds a
        row where ts_rank_cd over a query of several words costs up to twenty): the best
        `depth` of them get the `exact` score (ts_rank_cd over the entry `v`, read again by
        primary key: the vectors are not carried through the sort, which would spill to disk
        past a few thousand rows) and come first, in its order; the others keep theirs (they
        only count towards the facets)."""
        exact_sql, exact_params = exact
        sql = (
            f"WITH {ctes}r0 AS ({inner}), r1 AS ({_best('n0', 'r0')}),"
            # Of the rows returned, the best `depth` are scored again, the others stay as they
            # are (they only count towards the facets).
            f" r2 AS (SELECT e.id, e.object_id, e.kind, e.facet_keys, e.typed, e.closeness,"
            f" e.total, e.n0 <= %s AS top, CASE WHEN e.n0 <= %s"
            f" THEN (SELECT {exact_sql} FROM {TABLE} v WHERE v.id = e.id) ELSE e.score END"
            f" AS score FROM r1 e),"
            f" r AS (SELECT r2.*, row_number() OVER (ORDER BY r2.top DESC, {_order('r2')}) AS n"
            f" FROM r2)"
        )
        return sql + _PAGE, [
            *params,
            max(limit, depth),
            depth,
            depth,
            *exact_params,
            page[0],
            page[1],
            limit,
        ]

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


def _order(alias: str) -> str:
    """A ranking's order: what holds a typed word, then the closest related words, then the
    score, then the kinds' listing order."""
    return (
        f"{alias}.typed DESC, {alias}.closeness DESC, {alias}.score DESC,"
        f" {order_case(alias + '.kind')}, {alias}.id"
    )


def _best(number: str, rows: str) -> str:
    """The best of `rows` (as many as a parameter says), numbered in `_order` as `number`, with
    how many `rows` there are as `total`: a top-N sort, not a sort of them all, and one count."""
    return (
        f"SELECT t.*, row_number() OVER (ORDER BY {_order('t')}) AS {number},"
        f" (SELECT count(*) FROM {rows}) AS total"
        f" FROM (SELECT * FROM {rows} ORDER BY {_order(rows)} LIMIT %s) t"
    )


# The end of a ranking statement: the ranked rows `r` (with `n` and `total`), the page's with
# their entry. Only the page's rows look their entry up (the others join on NULL, which no index
# entry matches): a join filter would read every ranked row's entry first.
_PAGE = (
    " SELECT r.id, r.object_id, r.score, r.kind, r.facet_keys, r.total,"
    " p.title, p.body, p.url, p.extra"
    f" FROM r LEFT JOIN {TABLE} p ON p.id = CASE WHEN r.n > %s AND r.n <= %s THEN r.id END"
    " WHERE r.n <= %s ORDER BY r.n"
)


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

    def score(
        self, positive: list[Term], rank_expr: str, function: str = "ts_rank_cd", entry="e"
    ) -> tuple[str, list]:
        """An entry's score (the row `entry`): its rank for the words typed plus a share of its
        rank for the whole query when related words were added (`function`: ts_rank_cd, or the
        cheaper ts_rank that preselects what ts_rank_cd then orders, see `reranked`).

        That share is always ts_rank's: it only orders entries alike in what they hold of the
        typed words and in how close their related words are (`_order`), and ts_rank_cd over
        the whole query, an OR of every related word, costs 7.5 microseconds a row where ts_rank
        costs 2.2 (half of a champion ranking of 出口). Without a typed word, the whole query's
        rank is the score, by `function`."""
        weights = "{" + ",".join(str(w) for w in WEIGHTS) + "}"

        def rank(name: str) -> str:
            return (
                f"{name}('{weights}'::float4[], {entry}.search_vector, "
                f"to_tsquery('simple', %s), {NORMALIZATION})"
            )

        boost = f"{entry}.boost"
        if not any(term.related for term in positive):
            return f"{rank(function)} * {boost}", [rank_expr]
        if typed := self.typed_expr(positive):
            share = f"{RELATED_WEIGHT} * {rank('ts_rank')}"
            return f"({rank(function)} + {share}) * {boost}", [typed, rank_expr]
        return f"{RELATED_WEIGHT} * {rank(function)} * {boost}", [rank_expr]

    def scoring(
        self, positive: list[Term], rank_expr: str | None, function: str = "ts_rank_cd"
    ) -> tuple[str, list]:
        if rank_expr is None:  # substring-only: listed in type order, nothing to rank
            return "0.0 AS score, 0 AS typed, 0 AS closeness", []
        score, params = self.score(positive, rank_expr, function)
        if not any(term.related for term in positive):
            return f"{score} AS score, 0 AS typed, 0 AS closeness", params
        closeness, closeness_params = self.closeness(positive)
        if typed := self.typed_expr(positive):
            return (
                f"{score} AS score, (e.search_vector @@ to_tsquery('simple', %s))::int AS typed,"
                f" {closeness} AS closeness",
                [*params, typed, *closeness_params],
            )
        return f"{score} AS score, 0 AS typed, {closeness} AS closeness", [
            *params,
            *closeness_params,
        ]

    def run(self, positive, negative, mode, filters, needed, page) -> Ranked:
        rank_expr = self.build(positive, negative, mode, filters)
        where, params = self.where_sql(), self.params
        size = max(RANKED, needed)
        # First round trip: the champion lists of the query's terms (primary-key reads), with
        # how many entries hold each term. Where the index alone decides the matches, the
        # terms' frequencies give the estimate, as the planner would (independent words); else
        # the planner's estimate comes in the same round trip.
        terms = sorted({token for term in positive for token in term.tokens})
        substrings = any(term.substring for term in positive + negative)
        index_only = self.index_only(mode, negative, filters, positive)
        by_terms = index_only and not (filters.tokens or filters.any_tokens)
        # Long lists are read only as far as the first ranking looks (complete ones whole).
        first_depth = max(RANKED, 2 * needed)
        several = by_terms and len(terms) > 1  # matches counted from the words' samples
        planned, lists, df, entries, built_at = self.champions(
            terms, None if by_terms else (where, params), first_depth, sampled=several
        )

        def rank_candidates(ids, size: int, at_least: int = 0) -> tuple[int, list[Row]]:
            """The ranking of these entries and of those changed since the lists were built."""
            ctes, pre = self.candidates(ids, built_at, substrings)
            return self.fetch(
                *self.ranking(
                    positive, rank_expr, "c", where, params, page, size, needed, ctes, pre,
                    at_least=at_least,
                )
            )  # fmt: skip

        if built_at is not None and mode == "all":
            complete = _complete_candidates(positive, lists, df)
            if complete is not None:
                # Some required word occurs in fewer than CHAMPIONS entries, all of them in its
                # list: every match is among them (or changed since the lists were built), so
                # ranking those is the exact count and the exact ranking, without the GIN index.
                total, rows = rank_candidates(complete, max(WINDOW, needed))
                return Ranked(total, rows, strategy="complete")
        rare = built_at is None or (mode == "all" and _has_rare_term(positive, lists))
        estimate = planned if planned is not None else -1  # -1: not known yet
        indexed = None  # the GIN index's count of the matches, when it was asked
        # Frequencies multiplied underestimate AND-ed words that go together (138 for the 3,213
        # entries holding 孵化器 and 众创空间): where the index alone decides the matches of
        # several words, their samples count them (a word's frequency is its exact count).
        sampled = None
        if not rare and estimate < 0 and several:
            sampled = _sampled_count(positive, self.samples(list(df), built_at), df)
        if not rare and estimate < 0:
            by_frequency = sampled[0] if sampled else _estimate(positive, df, entries)
            if by_frequency is None:
                by_frequency = self.planner_estimate(where, params)
            estimate = by_frequency
        if not rare and estimate <= WINDOW and index_only:
            # Unless the samples are sure the matches are fewer than WINDOW, ask the GIN index
            # how many entries it has for the query: far cheaper than reading WINDOW + 1 of
            # them to find out they are too many.
            if sampled is not None and sampled[1]:
                counted: int | None = sampled[0]
            else:
                counted = self.index_count(where, params)
            if counted is not None and counted > WINDOW:
                estimate = indexed = counted
        if rare or estimate <= WINDOW:
            # Every GIN answer for a tsquery is rechecked, microseconds each: read at most
            # WINDOW + 1 matches (the planner underestimates AND-ed terms, rarely the reverse).
            total, rows = self.fetch(
                *self.first_matches(positive, rank_expr, where, params, page, needed, WINDOW + 1)
            )
            if total <= WINDOW:
                return Ranked(total, rows[:WINDOW])
            if estimate < 0:  # a rare word has become common since the lists were built
                estimate = self.planner_estimate(where, params)
        count = max(WINDOW + 1, estimate)
        rank_all = (positive, rank_expr, TABLE, where, params, page, size, needed, "", (), True)
        if rank_expr is None:
            _, rows = self.fetch(*self.ranking(*rank_all))
            return Ranked(count, rows, count_exact=False, strategy="listed")
        # Rank the champions of the query's terms, and whatever changed since they were built;
        # when they hold too few matches, rank every match if they are few enough, else look
        # deeper into the lists before giving up and ranking every match.
        few = indexed if indexed is not None else estimate
        # Each word of the query costs every match a little more (@@ and ts_rank).
        bound = RANK_ALL_BELOW // max(len(terms), 1)
        rows = []
        for depth in (first_depth, CHAMPIONS):
            if built_at is None or (depth == CHAMPIONS and depth <= first_depth):
                break
            if depth > first_depth:
                lists = self.deepened(terms, lists, df, depth)
                # Looking deeper: the heads again, and every entry the whole lists show to hold
                # each term (words that rarely lead together, 租房 and 补贴, meet there).
                share = max(2 * needed, first_depth // max(len(lists), 1))
                heads = {pk for ids in lists.values() for pk in ids[:share]}
                candidates = sorted(heads.union(_known_matches(positive, lists)[:depth]))
            else:
                # Several terms share the budget: the lists overlap, each is in rank order.
                share = max(2 * needed, depth // max(len(lists), 1))
                candidates = sorted({pk for ids in lists.values() for pk in ids[:share]})
            # When the words' frequencies say the candidates hold too few matches to fill the
            # page (AND-ed common words that rarely lead together), they are only counted; or,
            # when the samples counted the matches and they are few enough to rank them all,
            # not even read (at a million provisions, every look so predicted fails; with a
            # filter, whose matches may be the lists' heads, or frequencies multiplied, some
            # succeed).
            futile = depth == first_depth and _expected_matches(lists, df, few, share) < needed
            if not (futile and few <= bound and sampled is not None):
                _, rows = rank_candidates(candidates, size, at_least=needed if futile else 0)
                if len(rows) >= needed:
                    return Ranked(count, rows, count_exact=False, strategy=f"champions@{depth}")
            if depth == first_depth and few <= bound:
                # Few enough to rank them all: no dearer than looking deeper, which may still
                # find too few; unless the whole lists show enough entries holding every term
                # for the deeper look to fill the page (related words that rarely lead together,
                # 租房 and 补贴: ranking their thousand matches took three looks' time). At most
                # bound + 1 are read, in case the estimate was low; when they are not more, their
                # count is exact.
                if first_depth < CHAMPIONS:
                    lists = self.deepened(terms, lists, df, CHAMPIONS)
                    if len(_known_matches(positive, lists)) >= needed:
                        continue
                total, rows = self.fetch(
                    *self.first_matches(
                        positive, rank_expr, where, params, page, needed, bound + 1, size
                    )
                )
                if total <= bound:
                    return Ranked(total, rows, strategy="all")
        log.info("champion candidates too few (%d of %d needed): ranking all", len(rows), needed)
        _, rows = self.fetch(*self.ranking(*rank_all))
        return Ranked(count, rows, count_exact=False, strategy="all")

    def first_matches(
        self, positive, rank_expr, where, params, page, needed, read, size=None
    ) -> tuple[str, list]:
        """The ranking of the first `read` matches the index gives (PostgreSQL reads them in a
        subquery it inlines: nothing is copied), returning all of them, or with `size` its
        best `size` picked as when ranking every match (`ranking`'s preselect)."""
        return self.ranking(
            positive,
            rank_expr,
            "bounded",
            "TRUE",
            [],
            page,
            read if size is None else size,
            needed,
            f"bounded AS (SELECT {_CANDIDATE_COLUMNS} FROM {TABLE} e WHERE {where} LIMIT %s), ",
            [*params, read],
            preselect=size is not None,
        )

    def ranking(
        self,
        positive,
        rank_expr,
        source,
        where,
        params,
        page,
        size,
        needed,
        ctes="",
        pre=(),
        preselect=False,
        at_least=0,
    ) -> tuple[str, list]:
        """The ranking of the rows of `source` (a table or CTE, with `pre` the parameters of
        `ctes`) that meet the query, by ts_rank_cd. With `preselect` (every match, thousands of
        rows at a million provisions) and several words, ts_rank picks the best PRESELECT x
        `needed` and ts_rank_cd (proximity, up to twenty microseconds a row) orders only those;
        the champion candidates and the at most WINDOW matches of a small query all get it.

        With `at_least`, nothing is ranked (no row returned) unless that many rows of `source`
        meet the query: candidates that cannot fill the page are counted, not ranked (a match
        test is a microsecond, ts_rank_cd several)."""
        if at_least:
            ctes += f"g AS (SELECT count(*) AS n FROM {source} e WHERE {where}), "
            pre = [*pre, *params]
            where, params = f"({where}) AND (SELECT n FROM g) >= %s", [*params, at_least]

        def scored(function: str) -> tuple[str, list]:
            """The rows of `source` meeting the query, scored by `function`, and parameters."""
            scores, score_params = self.scoring(positive, rank_expr, function)
            return (
                f"SELECT e.id, e.object_id, {scores}, e.kind, e.facet_keys FROM {source} e"
                f" WHERE {where}",
                [*pre, *score_params, *params],
            )

        several = len({t for term in positive for t in term.tokens}) > 1
        if preselect and rank_expr is not None and several:
            return self.reranked(
                *scored("ts_rank"),
                page,
                size,
                ctes,
                self.score(positive, rank_expr, entry="v"),
                PRESELECT * needed,
            )
        return self.paged(*scored("ts_rank_cd"), page, size, ctes)

    @staticmethod
    def candidates(ids, built_at, substrings: bool) -> tuple[str, list]:
        """A CTE `c` of these entries and of every entry changed since `built_at`, with its
        parameters; a ranking then selects from it those that meet the query.

        The ids are passed as literals so the planner sees a few hundred rows, not a subquery
        whose size it cannot estimate (it would then hash-join every match). They are read
        first, in a MATERIALIZED CTE, and only then tested against the query: the planner
        underestimates AND-ed terms (87 rows for the 5,153 matches of 数字化改造补助) and would
        otherwise take the GIN index and recheck and filter every match of the query. The
        text (`plain`) is copied only for queries that look for substrings in it."""
        columns = _CANDIDATE_COLUMNS if substrings else _CANDIDATE_COLUMNS.replace(" plain,", "")
        ctes = (
            f"c AS MATERIALIZED (SELECT {columns} FROM {TABLE}"
            f" WHERE id = ANY(%s::bigint[]) OR updated_at > %s), "
        )
        # As one string: psycopg takes a millisecond to adapt a list of a thousand ints.
        return ctes, ["{" + ",".join(map(str, sorted(ids))) + "}", built_at]

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

    def planner_estimate(self, where: str, params: list) -> int:
        """The planner's estimate of the matches (tsvector statistics hold the frequencies of
        the most common lexemes, and it knows the other conditions' selectivity)."""
        with connection.cursor() as cursor:
            cursor.execute(_explain(where), params)
            return _plan_rows(cursor.fetchone()[0])

    def deepened(self, terms, lists, df, depth) -> dict[str, list[int]]:
        """These lists as read `depth` deep (complete ones whole): themselves when they already
        are, else read again (kept by this process, or one round trip)."""
        if all(len(ids) >= min(df[t], depth) for t, ids in lists.items()):
            return lists
        return self.champions(terms, None, depth)[1]

    def samples(self, terms: list[str], built_at) -> dict[str, list[int]]:
        """The samples of these terms' lists, of the build of `built_at` (terms without one, or
        a build since: left out): one round trip, or none when this process keeps them."""
        database = _database()
        if built_at is None or not terms:
            return {}
        if (at_hand := kept.get_samples(database, built_at, terms)) is not None:
            return at_hand
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT term, sample FROM {CHAMPION_TABLE} WHERE term = ANY(%s) AND built_at = %s",
                [terms, built_at],
            )
            samples: dict[str, list[int]] = {
                term: Sample(decode(sample)) for term, sample in cursor.fetchall()
            }
        kept.put_samples(database, built_at, samples)
        return samples

    def champions(
        self, terms: list[str], planned: tuple[str, list] | None, depth: int, sampled=False
    ) -> tuple[int | None, dict[str, list[int]], dict[str, int], int, object]:
        """The planner's estimate of the query `planned` (where, params), when one is given;
        the champion lists of these lexemes (complete lists whole, the others' first `depth`
        ids), how many entries hold each, how many entries the lists were built over and when
        (None: never): one round trip, or none when this process has these lists at hand
        (champions.KeptLists) and no estimate is asked. With `sampled`, the lists' samples
        come in the same round trip, for `samples` to find at hand."""
        database = _database()
        if planned is None and (at_hand := kept.get(database, terms, depth)) is not None:
            return None, *at_hand
        estimate = None
        with connection.cursor() as cursor:
            lists_sql = (
                f"SELECT term, CASE WHEN df < {CHAMPIONS} THEN ids"
                f" ELSE substring(ids FROM 1 FOR %s) END, built_at, df,"
                f" CASE WHEN %s THEN sample END"
                f" FROM {CHAMPION_TABLE} WHERE term = ANY(%s)"
            )
            lists_params: list = [8 * depth, sampled, [*terms, TOTAL]]
            if planned is None:
                cursor.execute(lists_sql, lists_params)
            else:
                where, params = planned
                cursor.execute(f"{_explain(where)}; {lists_sql}", [*params, *lists_params])
                estimate = _plan_rows(cursor.fetchone()[0])
                cursor.nextset()
            rows = cursor.fetchall()
        lists, df, entries, built = {}, {}, 0, None
        samples: dict[str, list[int]] = {}
        for term, ids, built_at, n, sample in rows:
            if term == TOTAL:
                entries, built = n, built_at
            else:
                lists[term], df[term] = decode(ids), n
                if sample is not None:
                    samples[term] = Sample(decode(sample))
        kept.put(database, terms, depth, lists, df, entries, built)
        kept.put_samples(database, built, samples)
        return estimate, lists, df, entries, built


def _database() -> str:
    """The database the kept lists and samples belong to (champions.KeptLists)."""
    settings = connection.settings_dict
    return f"{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"


def _sampled_matches(
    positive: list[Term], samples: dict[str, list[int]], df: dict[str, int]
) -> tuple[int, float, bool] | None:
    """How many entries of the words' samples hold every term (each term: all the words of one
    of its alternatives, typed or related), the share of all entries the samples stand for,
    and whether alternatives were left out for a word without a sample (rare when the lists
    were built: at most WINDOW entries more each). None when a term has no alternative with
    samples (or the lists were built before samples were)."""
    known = _known_alternatives(positive, {t for t, sample in samples.items() if sample})
    if not all(known):
        return None
    tokens = {t for alternatives in known for alt in alternatives for t in alt}
    partial = sum(map(len, known)) < sum(len(t.alternatives + t.related) for t in positive)
    # Each sample holds its word's entries up to its own place in the hash order: met, they
    # are cut at the lowest of those places, where all of them are whole.
    cut, share = min(sample_rate(samples[t], df[t]) for t in tokens)
    whole = {t: _as_set(samples[t]) for t in tokens}
    below: dict[str, Collection[int]] = {}
    for t in tokens:
        end = bisect_right(samples[t], cut, key=sample_hash)
        below[t] = whole[t] if end == len(samples[t]) else samples[t][:end]
    return len(_holding_every_term(known, below, whole)), share, partial


def _sampled_count(
    positive: list[Term], samples: dict[str, list[int]], df: dict[str, int]
) -> tuple[int, bool] | None:
    """The matches the samples count, scaled to the whole index, and whether they are sure on
    which side of WINDOW the matches are (SAMPLE_MARGIN standard deviations of the sampled
    count, taken as a Poisson count; whole samples are sure; without the alternatives of rare
    words, only that there are more); None without samples."""
    met = _sampled_matches(positive, samples, df)
    if met is None:
        return None
    held, share, partial = met
    at_window = WINDOW * share  # what the samples would hold of WINDOW matches
    more = held - SAMPLE_MARGIN * math.sqrt(held) > at_window
    fewer = held + SAMPLE_MARGIN * math.sqrt(held + 1) + SAMPLE_MARGIN < at_window
    sure = more or (not partial and (share == 1.0 or fewer))
    return round(held / share), sure


def _as_set(sample: list[int]) -> Collection[int]:
    """A sample's ids as a set: made once for the samples this process keeps."""
    return sample.ids if isinstance(sample, Sample) else frozenset(sample)


def _known_alternatives(positive: list[Term], words) -> list[list[tuple[str, ...]]]:
    """Each term's alternatives (typed or related) all of whose words are among `words`."""
    return [
        [alt for alt in term.alternatives + term.related if alt and all(t in words for t in alt)]
        for term in positive
    ]


def _holding_every_term(
    known: list[list[tuple[str, ...]]],
    below: Mapping[str, Collection[int]],
    whole: Mapping[str, Collection[int]],
) -> set[int]:
    """The entries holding every term, each term one of its `known` alternatives: all of its
    words. `whole` holds each word's entries as known (its list, its sample), `below` those of
    them the count is made over (all of them, or a sample's below a shared cut). The term with
    the fewest is read first; every other term only keeps those of them it holds (a set meets
    another at the cost of the smaller)."""
    if not known or not all(known):
        return set()
    driver, *others = sorted(
        known, key=lambda alts: sum(min(len(below[t]) for t in a) for a in alts)
    )
    held: set[int] = set()
    for alternative in driver:
        first, *rest = sorted(alternative, key=lambda t: len(below[t]))
        if rest:
            held.update(set(below[first]).intersection(*(whole[t] for t in rest)))
        else:
            held.update(below[first])
    for alternatives in others:
        if not held:
            break
        held = set().union(*(held.intersection(*(whole[t] for t in alt)) for alt in alternatives))
    return held


def _explain(where: str) -> str:
    """The statement whose plan holds the planner's estimate of the matches."""
    return f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} e WHERE {where}"


def _plan_rows(plan) -> int:
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def _estimate(positive: list[Term], df: dict[str, int], entries: int) -> int | None:
    """How many entries hold every term, from each lexeme's share of the entries (independent
    words, as the planner assumes; a lexeme without a list counts as half of WINDOW entries,
    the most it can have had when the lists were built). None without the lists' figures."""
    if not entries:
        return None
    share = 1.0
    for term in positive:
        missing = 1.0  # the share of entries holding none of the term's alternatives
        for alternative in term.alternatives + term.related:
            held = 1.0
            for token in alternative:
                held *= df.get(token, WINDOW / 2) / entries
            missing *= 1.0 - held
        share *= 1.0 - missing
    return round(share * entries)


def _expected_matches(
    lists: dict[str, list[int]], df: dict[str, int], matches: int, share: int
) -> float:
    """How many matches the first `share` entries of each list should hold, if the query's
    `matches` were spread over each word's entries alike (independent words): `share` times
    the share of the word's entries that match."""
    return sum(
        min(share, len(ids)) * min(1.0, matches / df[term]) if df.get(term) else share
        for term, ids in lists.items()
    )


def _known_matches(positive: list[Term], lists: dict[str, list[int]]) -> list[int]:
    """Entries the lists show to hold every term (in the lists of all the words of one of its
    alternatives, for each term), best first: by their best place in any list."""
    known = _holding_every_term(_known_alternatives(positive, lists), lists, lists)
    if not known:
        return []
    place: dict[int, int] = {}
    for ids in lists.values():
        for i, pk in enumerate(ids):
            if pk in known and place.get(pk, i + 1) > i:
                place[pk] = i
    return sorted(place, key=lambda pk: (place[pk], pk))


def _complete_candidates(
    positive: list[Term], lists: dict[str, list[int]], df: dict[str, int]
) -> set[int] | None:
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
            complete = [lists[t] for t in alternative if 0 < df.get(t, 0) < CHAMPIONS]
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
