"""Related passages: the reply sections that speak of what a measure speaks of, from ingest."""

import pytest

from search.models import RelatedPassage
from search.related import TOP, rebuild_related_passages

pytestmark = pytest.mark.django_db


def headings(measure):
    return [r.section.heading for r in measure.related_passages.select_related("section")]


def test_the_financing_measure_is_related_to_the_financing_sections(measure):
    related = headings(measure(16))
    assert related[0] == "建设“专精特新”专板，引金融活水"
    assert "创新科技金融产品" in related


def test_the_digital_measure_is_related_to_the_digital_transformation_sections(measure):
    assert headings(measure(11))[:2] == ["创建试点城市，造转型样板", "实施“启航计划”，解转型难题"]


def test_the_ip_measure_is_related_to_the_ip_protection_sections(measure):
    related = headings(measure(5))
    assert {"深化政企协作机制", "提供专利预警导航服务"} <= set(related)


def test_passages_are_ranked_scored_and_explained(measure):
    rows = list(measure(16).related_passages.all())
    assert 1 <= len(rows) <= TOP
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))
    assert all(0 < r.score <= 1 for r in rows)
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)
    assert "金融服务" in rows[0].shared_terms


def test_shared_terms_prefer_the_whole_word_to_its_parts(measure):
    terms = next(r.shared_terms for r in measure(5).related_passages.all())
    assert "知识产权" in terms or "专利" in terms
    assert not ({"知识", "产权"} & set(terms) and "知识产权" in terms)


def test_rebuilding_again_changes_nothing():
    before = list(
        RelatedPassage.objects.values_list("pk", "measure_id", "section_id", "score", "rank")
    )
    assert rebuild_related_passages() == 0
    assert (
        list(RelatedPassage.objects.values_list("pk", "measure_id", "section_id", "score", "rank"))
        == before
    )


def test_empty_headings_are_never_related(measure):
    assert not RelatedPassage.objects.filter(section__text="").exists()
