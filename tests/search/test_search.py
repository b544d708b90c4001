"""`search.search()` over the five real documents, on whichever database the suite uses
(it runs on SQLite and on PostgreSQL, so each assertion holds for both engines)."""

import pytest
from django.db import connection

from search import measure_ids_matching, search
from search.entities import clear_entity_cache, entity_map
from search.models import SearchEntry
from search.query import parse_query
from search.segmentation import segmenter

pytestmark = pytest.mark.django_db


def keys(result):
    return [(h.type, h.id) for h in result.hits]


def test_chinese_words_find_the_measures_and_sections_about_them(measure):
    result = search("数字化转型", types=["measure", "reply_section"])
    top = [h.title for h in result.hits[:3]]
    assert "11. 持续推进数字化转型" in top
    assert any("创建试点城市" in t or "启航计划" in t for t in top)
    assert all(
        "数字化转型" in h.snippet.replace("<mark>", "").replace("</mark>", "") for h in result.hits
    )


def test_results_are_ranked_best_first_with_the_title_above_the_body(measure):
    result = search("用地")
    assert keys(result)[0] == ("measure", measure(15).pk)  # 15. 精准保障企业用地
    scores = [h.score for h in result.hits]
    assert scores == sorted(scores, reverse=True)


def test_a_snippet_marks_the_terms_and_escapes_everything_else():
    hits = {h.title: h for h in search("首台套").hits}
    # The text writes 首台（套）: the mark spans the brackets.
    assert "<mark>首台（套）</mark>重大技术装备保险" in hits["（一）加大金融创新改革力度"].snippet
    heading = hits["四、支持“首台套”应用，加大创新产品推广应用"]
    assert heading.snippet == "四、支持“<mark>首台套</mark>”应用，加大创新产品推广应用"
    for hit in hits.values():
        assert hit.snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_several_words_must_all_occur():
    result = search("小巨人 债券")
    assert result.count >= 1 and result.mode == "all"
    for hit in result.hits:
        entry = SearchEntry.objects.get(kind=hit.type, object_id=hit.id)
        assert "小巨人" in entry.plain and "债券" in entry.plain


def test_a_quoted_phrase_must_occur_as_written():
    result = search('"中小企业数字化转型"')
    assert result.count >= 2
    for hit in result.hits:
        entry = SearchEntry.objects.get(kind=hit.type, object_id=hit.id)
        assert "中小企业数字化转型" in entry.plain
    assert "<mark>中小企业数字化转型</mark>" in result.hits[0].snippet


def test_a_minus_word_excludes_entries_that_contain_it():
    everything = search("融资", limit=200)
    without = search("融资 -贷款", limit=200)
    assert 0 < without.count < everything.count
    for hit in without.hits:
        assert "贷款" not in SearchEntry.objects.get(kind=hit.type, object_id=hit.id).plain


def test_a_bureau_alias_finds_the_measures_it_is_responsible_for_even_unnamed(measure):
    # Measure 11's text never names 市经信局; the bureau is responsible for it.
    assert "经信局" not in measure(11).body
    ids = measure_ids_matching("经信局")
    assert measure(11).pk in ids
    assert measure(10).pk not in ids  # 市市场监管局, 投控集团 and the districts only
    result = search("经信局")
    assert result.hits[0].type == "bureau" and result.hits[0].title == "武汉市经济和信息化局"


def test_a_tier_name_matches_the_tier_field():
    result = search("高企", types=["reply_section"], limit=200)
    headings = [h.title for h in result.hits]
    assert "一是开展科技型企业梯次培育" in headings


def test_a_single_character_is_found_inside_words():
    result = search("税", limit=50)
    titles = [h.title for h in result.hits]
    assert "一是加大政策宣传力度" in titles  # 技术合同税收优惠政策
    assert "国家税务总局武汉市税务局" in titles


def test_when_no_entry_has_every_word_some_of_them_are_shown():
    result = search("知识产权 潜水艇")
    assert result.mode == "any" and result.count > 0
    assert "部分词语" in result.message


def test_facets_count_types_bureaus_tiers_and_themes_of_the_matches():
    result = search("融资", limit=200)
    assert sum(result.facets["type"].values()) == result.count
    assert result.facets["type"]["measure"] == len([h for h in result.hits if h.type == "measure"])
    assert result.facet_labels["theme"]["financing"] == "融资"
    assert result.facets["theme"]["financing"] >= result.facets["type"]["measure"]
    assert "1" not in result.facets["bureau"] or result.facet_labels["bureau"]["1"]
    assert not result.facets_partial and result.count_exact


def test_facet_filters_combine_with_the_text(measure):
    everything = search("融资", limit=200)
    measures = search("融资", types=["measure"], limit=200)
    assert {h.type for h in measures.hits} == {"measure"}
    assert measures.count == everything.facets["type"]["measure"]
    by_bureau = search("融资", bureau="市委金融办", types=["measure"], limit=200)
    assert measure(16).pk in [h.id for h in by_bureau.hits]
    assert by_bureau.count < measures.count
    by_alias = search("融资", bureau="金融办", types=["measure"], limit=200)
    assert keys(by_alias) == keys(by_bureau)
    by_tier = search("融资", tier="little-giant", types=["measure"], limit=200)
    assert by_tier.count and all(h.id != measure(2).pk for h in by_tier.hits)
    by_theme = search("专精特新", theme="land", types=["measure"])
    assert {h.id for h in by_theme.hits} == {measure(14).pk, measure(15).pk}
    document = measure(1).document_id
    by_document = search("融资", document=document, limit=200)
    assert by_document.count == everything.facets["document"][str(document)]


def test_hits_carry_the_fields_the_api_promises(measure):
    hit = next(h for h in search("贷款贴息").hits if h.type == "measure")
    assert hit.id == measure(16).pk and hit.extra["number"] == 16
    assert hit.url == measure(16).get_absolute_url()
    section = next(h for h in search("科技金融", types=["reply_section"]).hits)
    assert section.extra["reply_id"] and "proposal_number" in section.extra
    assert section.url.endswith(f"#section-{section.id}")


def test_paging_with_offset_continues_the_ranking():
    first = search("专精特新", limit=5)
    second = search("专精特新", limit=5, offset=5)
    assert first.count == second.count
    assert keys(search("专精特新", limit=10)) == keys(first) + keys(second)


def test_measure_ids_matching_is_the_ranked_measure_list(measure):
    ids = measure_ids_matching("小巨人 用地")
    assert ids == [h.id for h in search("小巨人 用地", types=["measure"]).hits]
    assert ids[0] == measure(15).pk


# One statement counts, ranks and loads the page; PostgreSQL first asks, in one more, for the
# planner's estimate and the champion lists.
QUERIES = 2 if connection.vendor == "postgresql" else 1


def test_a_search_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    search("融资")  # the entity and label caches are loaded once a minute
    with django_assert_max_num_queries(QUERIES):
        search("融资 小巨人")
    with django_assert_max_num_queries(QUERIES):
        search("税", limit=50)


def test_a_cold_search_loads_the_vocabulary_once(django_assert_max_num_queries):
    clear_entity_cache()
    # bureaus, aliases, tiers; facet labels (4); the admin's related words (1); what each tier
    # stands on, for the tier facet (1)
    with django_assert_max_num_queries(QUERIES + 8):
        search("经信局")


def _reference(query):
    """Which entries match, decided in Python from the stored tokens (the engines must agree)."""
    parsed = parse_query(query, segmenter(), entity_map)
    found = set()
    for entry in SearchEntry.objects.all():
        tokens = set(f"{entry.title_tokens} {entry.body_tokens} {entry.keyword_tokens}".split())

        def matches(term, tokens=tokens, entry=entry):
            ok = not term.alternatives or any(set(alt) <= tokens for alt in term.alternatives)
            return ok and (not term.substring or term.substring in entry.plain)

        if all(matches(t) for t in parsed.positive) and not any(
            matches(t) for t in parsed.negative
        ):
            found.add((entry.kind, entry.object_id))
    return found


@pytest.mark.parametrize(
    "query",
    ["专精特新", "经信局 融资", '"专精特新“小巨人”"', "人才 -租金", "税", "小巨人", "ＡＩＣ"],
)
def test_both_engines_match_exactly_what_the_tokens_say(query):
    result = search(query, limit=200)
    assert result.count == len(result.hits) < 200
    assert set(keys(result)) == _reference(query)


def test_a_repeated_query_is_parsed_once_until_the_vocabulary_changes(monkeypatch):
    import search as search_package
    from search import query as query_module
    from search.models import RelatedWord

    calls = []
    real = query_module.parse_query

    def counted(*args):
        calls.append(args[0])
        return real(*args)

    monkeypatch.setattr(search_package, "_parsed", {})  # a clean cache for this test
    monkeypatch.setattr(query_module, "parse_query", counted)
    search("融资 小巨人")
    search("融资 小巨人")
    assert calls == ["融资 小巨人"]
    RelatedWord.objects.create(word="小巨人企业", related="单项冠军")
    search("融资 小巨人")
    assert calls == ["融资 小巨人", "融资 小巨人"]


def test_the_facets_count_each_distinct_set_of_keys_once_with_the_same_result(monkeypatch):
    """_facets splits the keys of all the rows at once and _tier_facet counts the rows per set
    of tiers they name: the counts, and their order, are those of one row at a time."""
    import random
    from collections import Counter
    from types import SimpleNamespace

    import search as search_package
    from search import entities

    reach = {
        "sme": frozenset({"sme"}),
        "innovative-sme": frozenset({"innovative-sme", "sme"}),
        "little-giant": frozenset({"little-giant", "innovative-sme", "sme"}),
        "gazelle": frozenset({"gazelle", "high-tech"}),
        "high-tech": frozenset({"high-tech", "sme"}),
        "unicorn": frozenset({"unicorn"}),
    }
    monkeypatch.setattr(entities, "tier_reach", lambda: reach)
    monkeypatch.setattr(
        entities, "facet_labels", lambda: {"t:sme": "中小企业", "m:financing": "融资"}
    )
    pool = ["b:1", "b:2", "m:financing", "m:talent", "d:3", "d:4", "t:dragon", "t:"]
    pool += [f"t:{slug}" for slug in reach]
    rng = random.Random(5)
    shared = [" ".join(rng.sample(pool, 3)) for _ in range(5)]  # rows of one document
    for _ in range(300):
        rows = [
            SimpleNamespace(
                kind=rng.choice(["measure", "reply_section"]),
                facet_keys=rng.choice(shared)
                if rng.random() < 0.5
                else " ".join(rng.choices(pool, k=rng.randrange(0, 6))),
            )
            for _ in range(rng.randrange(0, 40))
        ]
        counts, labels = search_package._facets(rows)
        keys = Counter(key for row in rows for key in row.facet_keys.split())
        expected = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))
        for prefix, facet in (("b:", "bureau"), ("m:", "theme"), ("d:", "document")):
            assert list(counts[facet].items()) == [
                (k[2:], n) for k, n in expected if k.startswith(prefix)
            ]
        named = [{k[2:] for k in row.facet_keys.split() if k.startswith("t:")} for row in rows]
        tiers = {s: n for s, r in reach.items() if (n := sum(bool(t & r) for t in named))}
        order = sorted(tiers, key=lambda slug: (-tiers[slug], slug))
        assert list(counts["tier"].items()) == [(slug, tiers[slug]) for slug in order]
        assert list(labels["tier"].items()) == [
            (slug, "中小企业" if slug == "sme" else slug) for slug in order
        ]
