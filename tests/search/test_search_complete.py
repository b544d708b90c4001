"""Complete champion lists on PostgreSQL: a word found in more than WINDOW entries but fewer
than CHAMPIONS has every one of them in its list, so a query requiring it is counted and ranked
exactly from that list (no GIN scan), edits since the build included."""

import pytest
from django.core.management import call_command
from django.db import connection

from search import champions, search
from search.models import SearchEntry

from .test_search_synth import small_lists

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's"),
]


def test_a_word_whose_list_is_complete_gets_the_exact_count_and_ranking(monkeypatch):
    """A word in more than WINDOW entries but fewer than CHAMPIONS has all its entries in its
    list: the search ranks those (no GIN scan) and the count and order are exact."""
    call_command("synth", provisions=150, seed=5)
    exact = search("企业", limit=10)
    assert exact.count_exact and exact.strategy == "exact" and exact.count > 100
    exact_both = search("企业 服务", limit=10)
    assert exact_both.strategy == "exact" and exact_both.count > 50
    small_lists(monkeypatch, champions_kept=1000)
    assert champions.rebuild_champions(force=True) > 0
    fast = search("企业", limit=10)
    assert fast.strategy == "complete" and fast.count_exact
    assert fast.count == exact.count
    assert [(h.type, h.id) for h in fast.hits] == [(h.type, h.id) for h in exact.hits]
    # Facets count the best WINDOW matches (marked partial), never more than all of them.
    assert fast.facets_partial and sum(fast.facets["type"].values()) == 50
    for facet, counts in fast.facets.items():
        assert all(n <= exact.facets[facet][value] for value, n in counts.items())
    # With other words: still every match, by the complete list of 企业.
    both = search("企业 服务", limit=10)
    assert both.strategy == "complete" and both.count_exact
    assert both.count == exact_both.count
    assert [(h.type, h.id) for h in both.hits] == [(h.type, h.id) for h in exact_both.hits]


def test_an_edit_after_the_lists_counts_at_once_in_a_complete_list(monkeypatch, measure, alice):
    """Transactional: an entry that holds the word only since the lists were built is counted
    and ranked by the very next search."""
    from policies.services import measure_update

    call_command("synth", provisions=150, seed=6)
    small_lists(monkeypatch, champions_kept=1000)
    champions.rebuild_champions(force=True)
    before = search("企业", limit=5)
    assert before.strategy == "complete"
    m = measure(11)
    entry = SearchEntry.objects.get(kind="measure", object_id=m.pk)
    had = "企业" in f"{entry.title_tokens} {entry.body_tokens}".split()
    data = {"title": "企业" * 10, "body": "服务企业。"}
    measure_update(measure=m, user=alice, data=data, expected_version=m.version)
    after = search("企业", limit=5)
    assert after.strategy == "complete" and after.count_exact
    assert after.hits[0].id == m.pk
    assert after.count == before.count + (0 if had else 1)


def test_the_gin_index_counts_what_the_planner_underestimates(monkeypatch):
    """Common words AND-ed: the planner multiplies their frequencies and can say a handful
    where there are hundreds. Before reading WINDOW + 1 entries to find that out, the engine
    asks the GIN index for its count where the words' samples cannot tell (here: lists built
    before samples were), and shows that (marked as an estimate: the index also holds row
    versions not yet vacuumed)."""
    from search import engine

    call_command("synth", provisions=150, seed=5)
    exact = search("企业 服务", limit=10)
    assert exact.strategy == "exact" and exact.count > 50
    small_lists(monkeypatch)  # 企业 and 服务 both have incomplete lists
    champions.rebuild_champions(force=True)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE portal_searchchampion SET sample = ''")
    # The estimate from the words' frequencies is the planner's (independent words): both say
    # a handful where AND-ed words that go together have many.
    monkeypatch.setattr(engine, "_estimate", lambda positive, df, entries: 3)
    attempts = []
    fetch = engine._Postgres.fetch

    def recorded(self, sql, params):
        attempts.append(sql)
        return fetch(self, sql, params)

    monkeypatch.setattr(engine._Postgres, "fetch", recorded)
    fast = search("企业 服务", limit=10)
    assert fast.strategy.startswith("champions") and not fast.count_exact
    # The index holds every live match, and until VACUUM also the versions of rows updated,
    # deleted or rolled back since (each test's rolled-back writes here): never fewer.
    assert fast.count >= exact.count > 50
    assert len(attempts) == 1 and "MATERIALIZED" in attempts[0]  # no GIN read of 51 rows
