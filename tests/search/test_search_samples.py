"""Samples of the champion lists: every common word keeps the SAMPLE entries whose ids hash
lowest, and the engine meets the samples of a query's words to tell how many entries hold them
all (engine._sampled_count), where it asked the GIN index before."""

import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import champions, engine, search
from search.models import SearchEntry
from search.query import Term

from .test_search_synth import small_lists

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="champion lists are PostgreSQL's"
)


def _samples(words: dict[str, set[int]], size: int) -> tuple[dict, dict]:
    """Each word's sample as the build cuts it (its `size` entries of lowest hash), and df."""
    samples = {
        word: sorted(ids, key=lambda pk: (champions.sample_hash(pk), pk))[:size]
        for word, ids in words.items()
    }
    return samples, {word: len(ids) for word, ids in words.items()}


def _word(text: str) -> Term:
    return Term(text, alternatives=((text,),))


def test_consecutive_ids_spread_evenly_over_the_hash_order():
    """One document's entries have consecutive ids: any run of them must get its share of a
    sample, not all or none of it."""
    lowest = sorted(range(1, 100_001), key=champions.sample_hash)[:2048]
    per_block = [
        sum(1 for pk in lowest if start < pk <= start + 10_000)
        for start in range(0, 100_000, 10_000)
    ]
    assert all(180 <= n <= 230 for n in per_block), per_block


def test_samples_count_words_that_go_together_where_frequencies_cannot(monkeypatch):
    monkeypatch.setattr(engine, "WINDOW", 500)
    rng = random.Random(7)
    everyone = range(1, 100_001)
    # 孵化器 and 众创空间 go together: 3,000 entries hold both, far more than their shares of
    # the index multiplied (8,000 x 6,000 / 100,000 = 480) would say.
    both = set(rng.sample(everyone, 3_000))
    rest = [pk for pk in everyone if pk not in both]
    incubator = both | set(rng.sample(rest, 5_000))
    space = both | set(rng.sample(rest, 3_000))
    samples, df = _samples({"孵化器": incubator, "众创空间": space}, 2048)
    query = [_word("孵化器"), _word("众创空间")]
    frequencies = engine._estimate(query, df, 100_000)
    assert frequencies is not None and frequencies < 500
    met = engine._sampled_matches(query, samples, df)
    assert met is not None
    held, share, partial = met
    assert not partial
    assert share == pytest.approx(2048 / 8_000, rel=0.05)
    sampled = engine._sampled_count(query, samples, df)
    assert sampled is not None
    counted, sure = sampled
    assert sure and counted == round(held / share)
    assert abs(counted - len(incubator & space)) < 0.15 * len(incubator & space)


def test_samples_tell_which_side_of_the_window_the_matches_are_or_say_they_cannot(monkeypatch):
    monkeypatch.setattr(engine, "WINDOW", 500)
    rng = random.Random(3)
    everyone = list(range(1, 200_001))
    common = set(rng.sample(everyone, 20_000))
    outside = [pk for pk in everyone if pk not in common]

    def count_with(shared: int) -> tuple[int, bool]:
        other = set(rng.sample(sorted(common), shared)) | set(rng.sample(outside, 9_000))
        samples, df = _samples({"市场": common, "开拓": other}, 2048)
        sampled = engine._sampled_count([_word("市场"), _word("开拓")], samples, df)
        assert sampled is not None
        return sampled

    few, sure = count_with(150)  # clearly fewer than WINDOW: read them all
    assert sure and few < 500
    many, sure = count_with(2_000)  # clearly more: rank the champions
    assert sure and many > 500
    # At the window's edge a sample of about a tenth of the entries cannot tell: the engine
    # asks the GIN index.
    edge, sure = count_with(500)
    assert not sure and 400 < edge < 600


def test_related_words_count_as_alternatives_and_rare_ones_only_as_more():
    words = {
        "租房": set(range(0, 3000)),
        "租金": set(range(2000, 6000)),
        "补贴": set(range(1000, 9000, 2)),
    }
    samples, df = _samples(words, 10_000)  # samples whole: counts are exact
    rent = Term("租房", alternatives=(("租房",),), related=(("租金",),))
    grant = Term("补贴", alternatives=(("补贴",),))
    assert engine._sampled_matches([rent, grant], samples, df) == (2500, 1.0, False)
    assert engine._sampled_count([rent, grant], samples, df) == (2500, True)
    # A related word rare when the lists were built (no list, no sample) adds at most WINDOW
    # entries the samples cannot see: their count is a floor, sure only of "more".
    rare = Term("租房", alternatives=(("租房",),), related=(("租金",), ("公寓",)))
    assert engine._sampled_matches([rare, grant], samples, df) == (2500, 1.0, True)
    assert engine._sampled_count([rare, grant], samples, df) == (2500, True)
    few = {"租房": set(range(0, 700)), "补贴": set(range(0, 9000, 2))}
    samples, df = _samples(few, 10_000)
    assert engine._sampled_count([rare, grant], samples, df) == (350, False)
    assert engine._sampled_count([rent, grant], samples, df) == (350, False)  # no 租金 either
    # A term none of whose alternatives has a sample: nothing to count with.
    assert engine._sampled_matches([_word("公寓"), grant], samples, df) is None
    # Lists built before samples were: nothing to count with.
    assert engine._sampled_matches([grant], {"补贴": []}, df) is None


@pytest.mark.django_db
@postgres_only
def test_the_database_and_a_bulk_load_cut_the_same_samples(monkeypatch):
    """synth's samples (champions.Collector) are those rebuild_champions cuts: each word's
    SAMPLE entries of lowest hash, in that order."""
    monkeypatch.setattr(champions, "WINDOW", 40)
    monkeypatch.setattr(champions, "SAMPLE", 25)
    call_command("synth", provisions=140, seed=12)
    read = "SELECT term, sample, df FROM portal_searchchampion WHERE term <> '' ORDER BY term"
    with connection.cursor() as cursor:
        cursor.execute(read)
        collected = [(t, champions.decode(s), df) for t, s, df in cursor.fetchall()]
    holders: dict[str, set[int]] = {}
    for pk, title, body, fields in SearchEntry.objects.values_list(
        "pk", "title_tokens", "body_tokens", "keyword_tokens"
    ):
        for token in f"{title} {body} {fields}".split():
            holders.setdefault(token, set()).add(pk)
    assert len(collected) > 20
    for term, sample, df in collected:
        assert sample == _samples({term: holders[term]}, 25)[0][term], term
        assert len(sample) == min(25, df)
    champions.rebuild_champions(force=True)
    with connection.cursor() as cursor:
        cursor.execute(read)
        assert [(t, champions.decode(s), df) for t, s, df in cursor.fetchall()] == collected


@pytest.mark.django_db
@postgres_only
def test_words_that_go_together_are_counted_from_their_samples(monkeypatch):
    """Where the words' frequencies say few matches and there are many, the samples say so
    without a GIN count: they come with the lists (no statement once this process keeps
    them), then the champions are ranked, with the count marked as an estimate."""
    call_command("synth", provisions=150, seed=5)
    exact = search("企业 服务", limit=10)
    assert exact.strategy == "exact" and exact.count > 50
    small_lists(monkeypatch)
    champions.rebuild_champions(force=True)
    monkeypatch.setattr(engine, "_estimate", lambda positive, df, entries: 3)
    with CaptureQueriesContext(connection) as queries:
        fast = search("企业 服务", limit=10)
    assert fast.strategy.startswith("champions") and not fast.count_exact
    # The samples of a corpus this small hold every entry of their word: the count is exact.
    assert fast.count == exact.count
    assert not [q for q in queries if "EXPLAIN" in q["sql"]]
    assert ["portal_searchchampion" in q["sql"] for q in queries] == [True, False]
    assert "WHEN true THEN sample" in queries[0]["sql"]
    with CaptureQueriesContext(connection) as queries:
        again = search("企业 服务", limit=10)
    assert len(queries) == 1 and again.count == fast.count
    # A single word's frequency is its count: no samples read.
    with CaptureQueriesContext(connection) as queries:
        search("发展", limit=10)
    assert "WHEN false THEN sample" in queries[0]["sql"]
