"""How the PostgreSQL engine reads its champion lists: packed ids, each term's frequency, only as
far as the first ranking looks; how it looks deeper, and when it ranks every match instead."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from search import champions, engine, parse, search
from search.models import SearchEntry

from .test_search_synth import small_lists

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's"),
]


def _stored(term):
    with connection.cursor() as cursor:
        cursor.execute("SELECT ids, df FROM portal_searchchampion WHERE term = %s", [term])
        ids, df = cursor.fetchone()
    return champions.decode(ids), df


def test_lists_are_stored_packed_with_how_many_entries_hold_the_word(monkeypatch):
    call_command("synth", provisions=150, seed=5)
    exact = search("企业", limit=10)
    assert exact.strategy == "exact" and exact.count > 100
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    ids, df = _stored("企业")
    assert df == exact.count and len(ids) == 100 == len(set(ids))
    assert champions.decode(champions.encode(ids)) == ids
    assert _stored("")[1] == SearchEntry.objects.count()  # the whole index, for the shares


def test_a_common_word_is_counted_from_its_frequency_without_asking_the_planner(monkeypatch):
    call_command("synth", provisions=150, seed=5)
    exact = search("企业", limit=10).count
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    with CaptureQueriesContext(connection) as queries:
        fast = search("企业", limit=10)
    assert fast.strategy.startswith("champions") and not fast.count_exact
    # Nothing changed since the build: the word's frequency is its count.
    assert fast.count == exact
    assert not [q for q in queries if "EXPLAIN" in q["sql"]]
    assert len(queries) == 2  # the lists, then the ranking with the page
    # A filter the index does not decide (the kind) needs the planner, in the same round trip.
    with CaptureQueriesContext(connection) as queries:
        measures = search("企业", types=["measure"], limit=10)
    assert measures.hits and all(h.type == "measure" for h in measures.hits)
    assert queries[0]["sql"].startswith("EXPLAIN") and "portal_searchchampion" in queries[0]["sql"]


def test_long_lists_are_read_only_as_far_as_the_first_ranking_looks(monkeypatch):
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    full, df = _stored("企业")
    _, lists, counts, entries, built = engine._Postgres().champions(["企业"], None, 20)
    assert lists["企业"] == full[:20] and counts["企业"] == df > 100
    assert entries == SearchEntry.objects.count() and built is not None
    # A list holding every entry of its word (complete) comes whole, however short the look.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT term FROM portal_searchchampion WHERE df BETWEEN 30 AND 99 ORDER BY df DESC"
        )
        complete = cursor.fetchone()[0]
    _, lists, counts, *_ = engine._Postgres().champions([complete], None, 20)
    assert len(lists[complete]) == counts[complete] > 20


def test_several_words_champions_are_ordered_by_ts_rank_cd(monkeypatch):
    """The page shows each hit's ts_rank_cd score, best first (proximity counts)."""
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    fast = search("企业 服务", limit=8)
    assert fast.strategy.startswith("champions") and len(fast.hits) == 8
    ids = [SearchEntry.objects.get(kind=h.type, object_id=h.id).pk for h in fast.hits]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, ts_rank_cd('{0.1,0.2,0.4,1.0}'::float4[], search_vector,"
            " to_tsquery('simple', '(企业) & (服务)'), 1) * boost"
            " FROM portal_searchentry WHERE id = ANY(%s)",
            [ids],
        )
        exact = dict(cursor.fetchall())
    assert [h.score for h in fast.hits] == [round(exact[pk], 6) for pk in ids]
    assert [h.score for h in fast.hits] == sorted((h.score for h in fast.hits), reverse=True)


def test_the_lists_name_the_entries_holding_every_term_best_placed_first():
    """Looking deeper for AND-ed words that rarely lead together: the entries the whole lists
    show to hold each term (any alternative, all of its words) are candidates, best first."""
    from search.query import Term

    rent = Term("租房", alternatives=(("租房",),), related=(("租金",), ("人才", "公寓")))
    grant = Term("补贴", alternatives=(("补贴",),), related=(("资助",),))
    lists = {
        "租房": [1, 2, 3],
        "租金": [4, 5],
        "人才": [6, 7, 8],
        "公寓": [8, 9],
        "补贴": [9, 5, 8],
        "资助": [3, 10],
    }
    # 3 (租房, 资助), 5 (租金, 补贴), 8 (人才 and 公寓, 补贴); not 9 (公寓 alone), not 6.
    # Best place first: 3 and 8 head a list (资助, 公寓), 5 is second in both of its.
    assert engine._known_matches([rent, grant], lists) == [3, 8, 5]
    # A word without a list (rare): its alternative names nobody, the others still do.
    del lists["公寓"]
    assert engine._known_matches([rent, grant], lists) == [3, 5]
    assert engine._known_matches([rent, Term("x", alternatives=(("无",),))], lists) == []


def test_too_few_champions_and_few_matches_rank_every_match_with_the_exact_count(monkeypatch):
    """AND-ed words that go together only below the lists' heads: when the first look finds
    too few matches for the page and there are at most RANK_ALL_BELOW of them, one bounded
    statement ranks them all, so the count is exact and the page the best of every match."""
    call_command("synth", provisions=150, seed=5)
    query = "企业 服务 发展"
    exact = search(query, limit=20, offset=40)  # the third page: more than the lists hold
    assert exact.strategy == "exact" and exact.count > 60
    small_lists(monkeypatch, champions_kept=25)  # lists far shorter than the words' entries
    champions.rebuild_champions(force=True)
    # The words' frequencies give the estimate (no samples to count with).
    monkeypatch.setattr(engine, "_sampled_count", lambda positive, samples, df: None)
    monkeypatch.setattr(engine, "_estimate", lambda positive, df, entries: 60)
    fast = search(query, limit=20, offset=40)
    assert fast.strategy == "all" and fast.count_exact and fast.count == exact.count
    assert len(fast.hits) == 20
    # ts_rank picked PRESELECT x the rows needed, ts_rank_cd ordered them: the page is the
    # exact ranking's (ties aside).
    assert [h.score for h in fast.hits] == [h.score for h in exact.hits]
    # More than RANK_ALL_BELOW (the estimate was low): the bounded read says so and the
    # engine looks deeper, then ranks every match; the count is then an estimate.
    monkeypatch.setattr(engine, "RANK_ALL_BELOW", 55)
    deeper = search(query, limit=20, offset=40)
    assert deeper.strategy in ("champions@25", "all") and not deeper.count_exact
    assert {(h.type, h.id) for h in deeper.hits} <= {
        (h.type, h.id) for h in search(query, limit=200).hits
    }


def test_related_words_add_a_ts_rank_share_to_the_typed_words_ts_rank_cd():
    """With related words added, an entry's score is ts_rank_cd for the words typed plus a
    quarter of ts_rank (not ts_rank_cd: an OR of every related word costs it three times as
    much) for the whole query, times the entry's boost."""
    from search import parse

    call_command("synth", provisions=150, seed=5)
    parsed = parse("出口")
    assert parsed.also_searched  # 出海, 海外 …
    result = search("出口", limit=10)
    assert len(result.hits) >= 3
    pg = engine._Postgres()
    whole = pg.build(parsed.positive, [], "all", engine.Filters())
    typed = pg.typed_expr(parsed.positive)
    ids = [SearchEntry.objects.get(kind=h.type, object_id=h.id).pk for h in result.hits]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, (ts_rank_cd('{0.1,0.2,0.4,1.0}'::float4[], search_vector,"
            " to_tsquery('simple', %s), 1) + 0.25 * ts_rank('{0.1,0.2,0.4,1.0}'::float4[],"
            " search_vector, to_tsquery('simple', %s), 1)) * boost"
            " FROM portal_searchentry WHERE id = ANY(%s)",
            [typed, whole, ids],
        )
        expected = dict(cursor.fetchall())
    assert [h.score for h in result.hits] == [round(expected[pk], 6) for pk in ids]


def test_the_matches_expected_in_the_lists_heads_follow_the_words_frequencies():
    lists = {"参与": list(range(100)), "标准": list(range(50)), "制定": list(range(100))}
    df = {"参与": 1000, "标准": 400, "制定": 20}
    # 200 matches: a tenth of 参与's entries, half of 标准's, all of 制定's.
    assert engine._expected_matches(lists, df, 200, 80) == 80 * 0.2 + 50 * 0.5 + 80 * 1.0
    assert engine._expected_matches(lists, df, 20, 100) == 100 * 0.02 + 50 * 0.05 + 100 * 1.0


def test_candidates_expected_to_hold_too_few_matches_are_counted_not_ranked(monkeypatch):
    """When the frequencies say the first look cannot fill the page, its statement ranks
    nothing unless the candidates hold enough matches: the same page either way. When the
    matches are few enough to rank them all, that look is skipped."""
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    ranked = search("企业", limit=10)
    assert ranked.strategy.startswith("champions")
    monkeypatch.setattr(engine, "_expected_matches", lambda *args: 0.0)
    with CaptureQueriesContext(connection) as queries:
        gated = search("企业", limit=10)
    assert [q for q in queries if "g AS (SELECT count(*) AS n FROM c e" in q["sql"]]
    # The candidates did hold enough: ranked as before.
    assert gated.strategy == ranked.strategy and gated.count == ranked.count
    assert [(h.id, h.score) for h in gated.hits] == [(h.id, h.score) for h in ranked.hits]
    # Too few (AND-ed words below the lists' heads) and, as the words' samples count them,
    # few enough to rank them all: no look into the lists, every match is ranked.
    small_lists(monkeypatch, champions_kept=25)
    champions.rebuild_champions(force=True)
    looks = []
    fetch = engine._Postgres.fetch

    def recording(self, sql, params):
        total, rows = fetch(self, sql, params)
        looks.append((sql, rows))
        return total, rows

    monkeypatch.setattr(engine._Postgres, "fetch", recording)
    every = search("企业 服务 发展", limit=20, offset=40)
    assert every.strategy == "all" and every.count_exact and len(every.hits) == 20
    assert len(looks) == 1 and "bounded AS" in looks[0][0]
    # Too many to rank them all at once, or counted from frequencies: the look is counted,
    # not ranked.
    for patch in (("RANK_ALL_BELOW", 30), ("_sampled_count", lambda *args: None)):
        with monkeypatch.context() as patched:
            patched.setattr(engine, *patch)
            looks.clear()
            again = search("企业 服务 发展", limit=20, offset=40)
        sql, rows = looks[0]
        assert "g AS (SELECT count(*)" in sql and rows == [], patch
        assert again.strategy in ("champions@25", "all") and len(again.hits) == 20


def test_a_process_reads_the_lists_of_words_it_has_met_once(monkeypatch):
    """The lists a search read serve the next searches of this process without a round trip,
    and the same page comes back; a rebuild here forgets them."""
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    first = search("企业 服务", limit=8)
    with CaptureQueriesContext(connection) as queries:
        again = search("企业 服务", limit=8)
    assert not [q for q in queries if "portal_searchchampion" in q["sql"]]
    assert len(queries) == 1  # the ranking with the page
    assert again.strategy == first.strategy and again.strategy.startswith("champions")
    assert [(h.id, h.score) for h in again.hits] == [(h.id, h.score) for h in first.hits]
    # Words met with others: 企业 alone is at hand too.
    with CaptureQueriesContext(connection) as queries:
        search("企业", limit=8)
    assert not [q for q in queries if "portal_searchchampion" in q["sql"]]
    # A longer look than the one read, a word not met, a rebuild: the lists are read.
    for words, limit in (("企业", 150), ("企业 发展", 8)):
        with CaptureQueriesContext(connection) as queries:
            search(words, limit=limit)
        assert [q for q in queries if "portal_searchchampion" in q["sql"]], words
    champions.rebuild_champions(force=True)
    with CaptureQueriesContext(connection) as queries:
        search("企业 服务", limit=8)
    assert [q for q in queries if "portal_searchchampion" in q["sql"]]


def test_lists_kept_from_an_older_build_still_find_what_changed_since(monkeypatch):
    """Kept lists are used with their own build's time: an entry changed since then is a
    candidate, so an edit is found at once by a process holding older lists."""
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    before = search("企业", limit=5)
    assert before.strategy.startswith("champions")
    # An entry far down the list, rewritten to be all about 企业.
    entry = (
        SearchEntry.objects.exclude(pk__in=_stored("企业")[0])
        .filter(body_tokens__contains="企业")
        .first()
    )
    SearchEntry.objects.filter(pk=entry.pk).update(
        title_tokens="企业 企业 企业",
        body_tokens="企业",
        keyword_tokens="",
        boost=10.0,
        updated_at=timezone.now(),
    )
    # Written by another process: this one's kept lists stay, and no statement reads lists.
    with CaptureQueriesContext(connection) as queries:
        after = search("企业", limit=5)
    assert not [q for q in queries if "portal_searchchampion" in q["sql"]]
    assert (after.hits[0].type, after.hits[0].id) == (entry.kind, entry.object_id)


def test_kept_lists_are_read_again_after_a_while(monkeypatch):
    call_command("synth", provisions=150, seed=5)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    search("企业", limit=5)
    monkeypatch.setattr(champions, "KEPT_SECONDS", -1.0)  # kept a moment too long
    with CaptureQueriesContext(connection) as queries:
        search("企业", limit=5)
    assert [q for q in queries if "portal_searchchampion" in q["sql"]]


def test_kept_lists_hold_one_build_and_a_bounded_number_of_ids(monkeypatch):
    """Lists of two builds are never mixed (a ranking uses one build's time for all of them),
    and past KEPT_IDS ids the process starts again rather than grow."""
    kept = champions.KeptLists()
    first, second = object(), object()  # two builds' times
    kept.put("db", ["a", "b"], 2, {"a": [1, 2]}, {"a": 5000}, 10, first)
    assert kept.get("db", ["a", "b"], 2) == ({"a": [1, 2]}, {"a": 5000}, 10, first)
    assert kept.get("db", ["a"], 3) is None  # read two deep only, and the list goes on
    assert kept.get("other", ["a"], 2) is None
    kept.put("db", ["c"], 2, {"c": [3]}, {"c": 5000}, 11, second)
    assert kept.get("db", ["a"], 2) is None and kept.get("db", ["c"], 2)[3] is second
    monkeypatch.setattr(champions, "KEPT_IDS", 3)
    kept.put("db", ["d"], 5, {"d": [4, 5, 6, 7]}, {"d": 5000}, 11, second)
    assert kept.get("db", ["c"], 2) is not None  # the bound is checked before adding
    kept.put("db", ["e"], 2, {"e": [8]}, {"e": 5000}, 11, second)
    assert kept.get("db", ["c"], 2) is None and kept.get("db", ["e"], 2) is not None
    kept.put("db", ["e"], 2, {}, {}, 0, None)  # the lists are gone from the database
    assert kept.get("db", ["e"], 2) is None


def test_the_lists_showing_enough_matches_are_looked_into_rather_than_every_match_ranked(
    monkeypatch,
):
    """When the first look finds too few matches and there are few enough to rank them all,
    the engine still looks deeper where the whole lists already name enough entries holding
    every term: that look fills the page for a fraction of ranking every match."""
    call_command("synth", provisions=150, seed=5)
    exact = search("企业 服务", limit=10)
    assert exact.strategy == "exact" and exact.count > 50
    small_lists(monkeypatch, champions_kept=60)
    champions.rebuild_champions(force=True)
    monkeypatch.setattr(engine, "_expected_matches", lambda *args: 0.0)  # first look futile
    lists = engine._Postgres().champions(["企业", "服务"], None, 60)[1]
    terms = parse("企业 服务").positive
    assert len(engine._known_matches(terms, lists)) >= 10
    deeper = search("企业 服务", limit=10)
    assert deeper.strategy == "champions@60" and not deeper.count_exact
    holding = {
        (e.kind, e.object_id)
        for e in SearchEntry.objects.all()
        if {"企业", "服务"} <= set(f"{e.title_tokens} {e.body_tokens} {e.keyword_tokens}".split())
    }
    assert len(deeper.hits) == 10 and {(h.type, h.id) for h in deeper.hits} <= holding
    # The lists name too few: every match is ranked, and counted.
    monkeypatch.setattr(engine, "_known_matches", lambda positive, lists: [])
    every = search("企业 服务", limit=10)
    assert every.strategy == "all" and every.count_exact and every.count == exact.count
    assert every.hits[0].score == exact.hits[0].score
    assert {(h.type, h.id) for h in every.hits} <= holding
