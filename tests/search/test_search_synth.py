"""The synthetic corpus for benchmarks, and the champion lists that rank it on PostgreSQL."""

import pytest
from django.core.management import call_command
from django.db import connection

from policies.models import Measure
from search import champions, engine, search
from search.models import SearchEntry
from search.synth import delete_synthetic

pytestmark = pytest.mark.django_db


def small_lists(monkeypatch, champions_kept=100):
    """The 100k corpus's proportions in a test corpus of a few hundred entries: exact up to 50
    matches, 100 entries kept per common lexeme (so 企业's list is incomplete), 20 ranked."""
    monkeypatch.setattr(champions, "WINDOW", 50)
    monkeypatch.setattr(engine, "WINDOW", 50)
    monkeypatch.setattr(engine, "RANKED", 20)
    monkeypatch.setattr(champions, "CHAMPIONS", champions_kept)
    monkeypatch.setattr(engine, "CHAMPIONS", champions_kept)


def test_synth_makes_searchable_provisions_from_real_sentences(capsys):
    call_command("synth", provisions=30, seed=3)
    assert "30 provisions in 1 document(s)" in capsys.readouterr().out
    synthetic = Measure.objects.filter(document__source_file__startswith="synth-")
    assert synthetic.count() == 30
    assert (
        SearchEntry.objects.filter(kind="measure", object_id__in=synthetic.values("pk")).count()
        == 30
    )
    real_titles = set(
        Measure.objects.exclude(pk__in=synthetic.values("pk")).values_list("title", flat=True)
    )
    assert set(synthetic.values_list("title", flat=True)) <= real_titles
    assert all(m.responsibilities.exists() for m in synthetic)
    hit = search(synthetic.first().title, types=["measure"], limit=50)
    assert hit.count >= 2
    assert delete_synthetic() == 1
    assert not Measure.objects.filter(document__source_file__startswith="synth-").exists()


def test_synth_rows_are_what_the_index_itself_would_write():
    """The fast path composes entries from segmented sentences and writes them in bulk: a
    full re-segmentation afterwards must find nothing to change, and the provisions' texts
    must be the real sentences (each provision's sentences come from the documents)."""
    from search.index import reindex

    call_command("synth", provisions=120, seed=4)
    synthetic = Measure.objects.filter(document__source_file__startswith="synth-")
    assert synthetic.count() == 120
    assert reindex(["measure"]) == {"measure": 0}
    entry = SearchEntry.objects.get(kind="measure", object_id=synthetic.order_by("pk").last().pk)
    m = Measure.objects.get(pk=entry.object_id)
    assert entry.body == m.body and entry.title == f"{m.number}. {m.title}"
    assert f"d:{m.document_id}" in entry.facet_keys.split()
    # Grown again: the new provisions continue the numbering of documents and ids.
    call_command("synth", provisions=5, seed=9)
    assert synthetic.count() == 125
    assert reindex(["measure"]) == {"measure": 0}


def test_synth_refuses_zero_provisions():
    with pytest.raises(Exception, match="at least 1"):
        call_command("synth", provisions=0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's")
def test_champion_ranking_gives_the_exact_top_page_for_one_word(monkeypatch):
    call_command("synth", provisions=150, seed=5)
    exact = search("企业", limit=10)
    assert exact.count_exact and exact.strategy == "exact"
    small_lists(monkeypatch)
    assert champions.rebuild_champions(force=True) > 0
    fast = search("企业", limit=10)
    assert fast.strategy.startswith("champions")
    assert not fast.count_exact and fast.count > 50
    assert [(h.type, h.id) for h in fast.hits] == [(h.type, h.id) for h in exact.hits]
    assert fast.facets_partial


@pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's")
def test_entries_changed_after_the_champion_lists_are_still_ranked(monkeypatch, measure, alice):
    from policies.services import measure_update

    call_command("synth", provisions=150, seed=6)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    m = measure(11)
    data = {"title": "企业" * 10, "body": "服务企业。"}
    measure_update(measure=m, user=alice, data=data, expected_version=m.version)
    fast = search("企业", limit=5)
    assert fast.strategy.startswith("champions")
    assert fast.hits[0].id == m.pk  # not in any champion list: found as changed since


@pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's")
def test_champion_candidates_still_meet_every_condition_of_the_query(monkeypatch):
    call_command("synth", provisions=150, seed=7)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    broad = search("企业", types=["measure"], limit=10)
    assert broad.strategy.startswith("champions")
    document = SearchEntry.objects.get(kind="measure", object_id=broad.hits[0].id).document_id
    narrowed = search("企业 -发展 企", types=["measure"], document=document, limit=10)
    assert narrowed.strategy.startswith("champions") and narrowed.hits
    entries = SearchEntry.objects.filter(
        kind="measure", object_id__in=[h.id for h in narrowed.hits]
    )
    assert len(entries) == len(narrowed.hits)
    for entry in entries:
        assert entry.document_id == document
        tokens = f"{entry.title_tokens} {entry.body_tokens}".split()
        assert "企业" in tokens and "发展" not in tokens and "企" in entry.plain


@pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's")
def test_an_estimated_count_is_marked_on_the_page_and_in_the_api(monkeypatch, client):
    call_command("synth", provisions=150, seed=8)
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    html = client.get("/search/", {"q": "企业"}).content.decode()
    assert "找到约 " in html
    body = client.get("/api/v1/search/", {"q": "企业"}).json()
    assert body["count_exact"] is False and body["count"] > 50
    assert client.get("/api/v1/search/", {"q": "贴息"}).json()["count_exact"] is True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="champion lists are PostgreSQL's")
def test_champion_lists_of_a_bulk_load_are_those_the_database_builds(monkeypatch):
    """synth builds the lists from the tokens it writes (champions.Collector); the database's
    own build (rebuild_champions) must give the very same lists, in the same order."""
    monkeypatch.setattr(champions, "WINDOW", 40)
    monkeypatch.setattr(champions, "CHAMPIONS", 30)
    call_command("synth", provisions=140, seed=12)
    lists = "SELECT term, ids, df FROM portal_searchchampion WHERE term <> '' ORDER BY term"
    whole = "SELECT df FROM portal_searchchampion WHERE term = ''"
    with connection.cursor() as cursor:
        cursor.execute(lists)
        collected = cursor.fetchall()
        assert all(champions.decode(ids) for _, ids, _ in collected)
        cursor.execute(whole)
        assert cursor.fetchall() == [(SearchEntry.objects.count(),)]
    assert len(collected) > 20
    assert all(df > 40 for _, _, df in collected)
    assert champions.rebuild_champions(force=True) == len(collected)
    with connection.cursor() as cursor:
        cursor.execute(lists)
        assert cursor.fetchall() == collected
        cursor.execute(whole)
        assert cursor.fetchall() == [(SearchEntry.objects.count(),)]
