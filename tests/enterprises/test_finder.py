"""The policy finder (适用政策查询): tier, industry and needs in, ranked measures out."""

import re

import pytest

from enterprises.finder import find_measures, finder_query
from ingest.vocab import industry_specs as industries

pytestmark = pytest.mark.django_db


def ranked(**picked) -> list[int]:
    return [m.measure.number for m in find_measures(finder_query(**picked)).matches]


def test_industries_have_unique_slugs_and_keywords_and_include_光电子信息():
    slugs = [i.slug for i in industries()]
    assert len(slugs) == len(set(slugs))
    assert all(i.keywords for i in industries())
    assert "光电子信息" in [i.name for i in industries()]


def test_a_specialised_sme_needing_financing_gets_measure_16_first():
    numbers = ranked(tier="specialised-sme", needs=["financing"])
    assert numbers[0] == 16  # 提升金融服务质效 names 专精特新中小企业 itself
    assert 3 in numbers  # for 中小企业, the rung below: applies too
    assert 4 not in numbers  # for 规上工业企业, another ladder


def test_a_little_giant_in_optoelectronics_needing_financing_gets_measure_16_first():
    # Measures 3 and 16 both name 小巨人 and meet 融资; 16 is about financing, 3 names it once.
    numbers = ranked(tier="little-giant", industry="optoelectronics", needs=["financing"])
    assert numbers[:2] == [16, 3]


def test_a_measure_meeting_two_needs_ranks_above_one_meeting_one():
    result = find_measures(finder_query(tier="little-giant", needs=["financing", "talent"]))
    first = result.matches[0]
    assert first.measure.number == 3  # 融资 and 人才 together
    assert [t.slug for t in first.needs] == ["financing", "talent"]
    assert all(first.score >= m.score for m in result.matches)


def test_measures_naming_the_industry_rank_above_the_rest():
    numbers = ranked(tier="little-giant", industry="optoelectronics")
    # 12 names 光电子信息 and the 965 chains and names 小巨人; 5 and 17 name 光电子信息.
    assert numbers[0] == 12
    assert {5, 17} < set(numbers[:5])


def test_a_measure_about_the_965_chains_counts_for_every_chain_industry():
    match = next(
        m for m in find_measures(finder_query(industry="robotics")).matches if m.measure.number == 1
    )
    assert match.chain_wide
    assert match.industry_keyword == ""


def test_a_tier_inherits_the_measures_for_the_rungs_below_it():
    result = find_measures(finder_query(tier="little-giant", needs=["land"]))
    match = next(m for m in result.matches if m.measure.number == 15)
    assert match.direct  # 15 names 小巨人 itself
    result = find_measures(finder_query(tier="single-champion", needs=["land"]))
    match = next(m for m in result.matches if m.measure.number == 15)
    assert not match.direct  # applies to 单项冠军 through 小巨人


def test_a_measure_naming_no_tier_is_open_to_every_tier():
    result = find_measures(finder_query(tier="high-tech", needs=["financing"]))
    match = next(m for m in result.matches if m.measure.number == 2)
    assert match.untargeted


def test_every_answer_says_who_is_responsible():
    result = find_measures(finder_query(tier="specialised-sme", needs=["financing"]))
    m16 = next(m for m in result.matches if m.measure.number == 16).measure
    assert [r.bureau.short_name for r in m16.responsibilities.all()][:3] == [
        "市委金融办",
        "市经信局",
        "市财政局",
    ]


def test_needs_may_be_given_by_name_and_unknown_values_are_reported():
    query = finder_query(tier="nope", industry="造船", needs=["融资", "xyz", "融资"])
    assert [t.slug for t in query.needs] == ["financing"]
    assert query.tier is None
    assert query.industry is None
    assert query.problems == [
        "未知的企业类型“nope”，已忽略",
        "未知的行业“造船”，已忽略",
        "未知的需求“xyz”，已忽略",
    ]


def test_finder_page_answers_with_ranked_measures_and_their_bureaus(client, measure):
    response = client.get(
        "/finder/",
        {"tier": "specialised-sme", "industry": "optoelectronics", "need": ["financing"]},
    )
    html = response.content.decode()
    results = html[html.index('class="results finder-results"') :]
    links = re.findall(r'<h3><a href="(/measures/\d+/)">', results)
    assert links[0] == measure(16).get_absolute_url()
    assert "满足需求：融资" in results
    assert "负责：<a href=" in results
    assert "（牵头）" in results


def test_finder_answer_has_a_shareable_url_and_prints_cleanly(client):
    html = client.get(
        "/finder/", {"tier": "little-giant", "need": ["talent", "land"]}
    ).content.decode()
    assert (
        'id="share-url" type="url" value="http://testserver/finder/?tier=little-giant&amp;need=talent&amp;need=land"'
        in html
    )
    assert '<p class="print-only">查询链接：http://testserver/finder/?tier=little-giant' in html
    assert 'class="lead no-print"' in html


def test_finder_form_keeps_what_was_picked(client):
    html = client.get("/finder/", {"tier": "little-giant", "need": "land"}).content.decode()
    assert '<option value="little-giant" selected>' in html
    assert '<input type="checkbox" name="need" value="land" checked>' in html


def test_an_empty_finder_shows_only_the_form(client):
    html = client.get("/finder/").content.decode()
    assert "查询结果" not in html
    assert '<optgroup label="支柱产业">' in html


@pytest.mark.parametrize(
    "params",
    [
        {"tier": "nope"},
        {"industry": "\ufffd"},
        {"need": ["x" * 5000]},
        {"need": [str(n) for n in range(100)]},
        {"tier": "' OR 1=1"},
    ],
)
def test_finder_takes_bad_parameters_without_a_500(client, params):
    response = client.get("/finder/", params)
    assert response.status_code == 200


def test_finder_reports_unknown_values_on_the_page(client):
    html = client.get("/finder/", {"tier": "nope", "need": "financing"}).content.decode()
    assert "未知的企业类型“nope”，已忽略" in html
    assert "查询结果" in html


def test_finder_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    params = {
        "tier": "little-giant",
        "industry": "optoelectronics",
        "need": ["financing", "talent"],
    }
    with django_assert_max_num_queries(13):
        assert client.get("/finder/", params).status_code == 200
