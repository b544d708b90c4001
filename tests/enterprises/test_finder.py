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


def test_picking_an_industry_changes_the_order_and_the_reasons():
    without = find_measures(finder_query(tier="little-giant")).matches
    with_it = find_measures(finder_query(tier="little-giant", industry="optoelectronics")).matches
    assert [m.measure.number for m in without][:3] == [1, 7, 8]
    ranked = [m.measure.number for m in with_it]
    assert ranked[:3] == [12, 5, 17]  # the measures naming 光电子信息
    assert set(ranked) == {m.measure.number for m in without}  # the industry never narrows
    first = with_it[0]
    assert "提及“光电子信息”：与所选行业光电子信息直接相关" in first.reasons
    assert not any("光电子" in r for r in without[0].reasons)


def test_a_measure_for_every_965_chain_says_so_and_names_the_industry():
    matches = find_measures(finder_query(tier="little-giant", industry="optoelectronics")).matches
    by_number = {m.measure.number: m for m in matches}
    assert "面向全部“965”产业链，光电子信息产业链同样适用" in by_number[1].reasons
    assert "面向全部“965”产业链，光电子信息产业链同样适用" in by_number[7].reasons
    # Naming the industry ranks above addressing every chain, which ranks above the rest.
    order = [m.measure.number for m in matches]
    assert order.index(5) < order.index(1) < order.index(9)
    assert "未专门提及光电子信息，不限行业" in by_number[9].reasons


def test_the_owners_question_names_the_industry_in_every_reason():
    matches = find_measures(
        finder_query(tier="little-giant", industry="optoelectronics", needs=["financing"])
    ).matches
    assert [m.measure.number for m in matches][:2] == [16, 3]
    assert all(any("光电子信息" in r for r in m.reasons) for m in matches)
    assert matches[0].reasons == [
        "满足需求：融资",
        "未专门提及光电子信息，不限行业",
        "直接面向专精特新“小巨人”企业",
    ]


def test_the_finder_page_shows_what_a_measure_offers_staff_lines_first(client, measure):
    from policies.models import Measure

    params = {"tier": "little-giant", "need": "financing"}
    html = client.get("/finder/", params).content.decode()
    # The text's own terms (Benefit lines read at ingest), before staff fill in anything.
    assert "<li>帮助专精特新中小企业使用中小企业融资应急资金，并减免一定使用费</li>" in html
    Measure.objects.filter(pk=measure(16).pk).update(guide_support="贷款贴息，最高50万元")
    html = client.get("/finder/", params).content.decode()
    assert '<ul class="benefits"><li>支持内容：贷款贴息，最高50万元</li>' in html
