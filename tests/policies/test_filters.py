"""The one measure filter (policies.filters): the same `tier` on the list page, the API, the
feeds and the search facets; pages ignore what they cannot use and say so."""

import pytest
from django.http import QueryDict

import search
from policies.filters import MeasureFilterSet, measure_filter, page_filter
from policies.models import Measure

pytestmark = pytest.mark.django_db


def numbers(queryset) -> set[int]:
    return set(queryset.values_list("number", flat=True))


def test_a_page_ignores_only_the_unknown_values_of_a_repeatable_parameter():
    found = page_filter(MeasureFilterSet, QueryDict("need=land&need=xyz&need=融资"))
    assert found.picked.problems == ["未知的需求“xyz”，已忽略"]
    assert [t.slug for t in found.picked.chosen["need"]] == ["land", "financing"]
    assert {15, 16} <= numbers(found.qs)


def test_a_page_takes_a_tier_by_any_of_its_names():
    for name in ("little-giant", "专精特新“小巨人”企业", "小巨人"):
        found = page_filter(MeasureFilterSet, QueryDict(f"tier={name}"))
        assert found.picked.chosen["tier"].slug == "little-giant", name
        assert not found.picked.problems


def test_empty_values_on_a_page_mean_no_filter():
    found = page_filter(MeasureFilterSet, QueryDict("tier=&theme=&chapter="))
    assert not found.picked.problems and not found.picked.chosen
    assert found.qs.count() == Measure.objects.count()


def test_the_tier_feed_lists_what_applies_to_the_tier(client, measure):
    xml = client.get("/tiers/tech-sme/feed/").content.decode()
    assert measure(3).title in xml  # names 中小企业, which a 科技型中小企业 stands on
    assert measure(4).title not in xml  # 规上工业企业


def test_code_asks_the_same_filter_and_a_bad_value_raises():
    assert numbers(measure_filter({"tier": "gazelle"})) == {3, 11, 20}
    with pytest.raises(ValueError):
        measure_filter({"tier": "dragon"})


def test_the_search_tier_facet_counts_what_the_tier_filter_keeps():
    result = search.search("中小企业")
    counts = result.facets["tier"]
    assert not result.facets_partial
    for slug in ("little-giant", "tech-sme", "sme"):
        filtered = search.search("中小企业", tier=slug, limit=1)
        assert counts[slug] == filtered.count, slug
    assert counts["little-giant"] > counts["sme"]  # 小巨人 also gets what names 中小企业


def test_the_search_page_filters_by_tier_with_its_ladder(client):
    html = client.get("/search/", {"q": "人才", "tier": "startup-tech"}).content.decode()
    assert "完善人才引进体系" in html  # measure 20 names 中小企业
    assert "加强企业人才培养" not in html  # measure 18 names 专精特新企业 only
