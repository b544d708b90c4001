"""The measure list and the measure page."""

import re

import pytest

from policies.models import Bureau, PolicyDocument

pytestmark = pytest.mark.django_db


def listed_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<h3><a href="/measures/\d+/">(\d+)\. ', html)]


def test_measure_list_shows_all_25_measures_in_order(client):
    html = client.get("/measures/").content.decode()
    assert listed_numbers(html) == list(range(1, 26))
    assert "共 25 条措施" in html


def test_measure_list_marks_the_lead_bureau(client):
    html = client.get("/measures/").content.decode()
    first = html[html.index(">1. 完善梯度培育体系<") : html.index(">2. ")]
    assert "市经信局（牵头）" in first
    assert "市投促局（牵头）" not in first


def test_measure_list_filters_by_chapter(client):
    html = client.get("/measures/", {"chapter": 2}).content.decode()
    assert listed_numbers(html) == [5, 6, 7, 8, 9, 10, 11]


def test_measure_list_filters_by_any_alias_of_a_bureau(client):
    html = client.get("/measures/", {"bureau": "市资建局"}).content.decode()
    assert listed_numbers(html) == [15, 17]


def test_measure_list_filters_by_a_bureau_and_its_role(client):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get("/measures/", {"bureau": bureau.pk, "role": "lead"}).content.decode()
    numbers = listed_numbers(html)
    assert 1 in numbers
    assert 17 not in numbers  # 市发改委 leads 17, 市经信局 only co-leads it


def test_measure_list_filter_by_tier_includes_measures_for_the_tiers_below(client):
    html = client.get("/measures/", {"tier": "little-giant"}).content.decode()
    numbers = listed_numbers(html)
    assert 1 in numbers  # names 小巨人 itself
    assert 5 in numbers  # names only 专精特新中小企业, the rung below
    assert 4 not in numbers  # 规上工业企业 is another ladder


def test_measure_list_filters_by_theme(client):
    html = client.get("/measures/", {"theme": "land"}).content.decode()
    assert listed_numbers(html) == [14, 15]  # 14: 优质空间载体、优惠租金物业


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"chapter": "abc"}, "没有第“abc”章，已忽略"),
        ({"chapter": "99"}, "没有第“99”章，已忽略"),
        ({"bureau": "不存在的局"}, "未找到单位“不存在的局”，已忽略"),
        ({"bureau": "99999999999999999999"}, "已忽略"),
        ({"tier": "nope"}, "未知的企业类型“nope”，已忽略"),
        ({"theme": "<script>"}, "未知的主题“&lt;script&gt;”，已忽略"),
    ],
)
def test_measure_list_reports_a_bad_filter_and_shows_everything(client, params, notice):
    response = client.get("/measures/", params)
    html = response.content.decode()
    assert response.status_code == 200
    assert notice in html
    assert len(listed_numbers(html)) == 25


def test_measure_list_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):  # one of them every measure's benefits
        response = client.get(
            "/measures/",
            {"chapter": 3, "bureau": "市经信局", "tier": "little-giant", "theme": "cultivation"},
        )
    # 14 (培育平台) names no tier: its support goes to platform operators, not enterprises
    assert listed_numbers(response.content.decode()) == [12]


def test_measure_17_page_lists_its_fourteen_bureaus_with_市发改委_leading(client, measure):
    html = client.get(measure(17).get_absolute_url()).content.decode()
    section = html[html.index('id="bureaus-heading"') : html.index('id="tiers-heading"')]
    assert section.count("<li>") == 14
    assert re.search(
        r"武汉市发展和改革委员会</a> <span class=\"tag lead-role\">牵头</span>", section
    )
    assert '武汉市商务局</a> <span class="tag">配合</span>' in section
    assert "（原文作“市交通局”）" in section


def test_measure_1_page_shows_its_2028_targets_and_tiers(client, measure):
    html = client.get(measure(1).get_absolute_url()).content.decode()
    assert "4000家专精特新中小企业" in html
    assert '<td class="num">4000家</td>' in html
    assert "2028年" in html
    assert 'href="/tiers/unicorn/"' in html


def test_measure_page_shows_the_source_document_its_validity_and_what_it_repeals(client, measure):
    repealed = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(measure(3).get_absolute_url()).content.decode()
    assert "武汉市进一步促进中小企业专精特新高质量发展若干措施" in html
    assert "<dd>2028年12月31日</dd>" in html
    assert "征求意见稿" in html
    assert f'href="{repealed.get_absolute_url()}"' in html
    assert "武政规〔2022〕23号" in html


def test_measure_page_links_related_reply_passages_best_first(client, measure):
    from search.models import RelatedPassage

    best = RelatedPassage.objects.filter(measure=measure(16)).order_by("rank").first()
    assert best is not None, "ingest computes related passages for measure 16 (融资)"
    html = client.get(measure(16).get_absolute_url()).content.decode()
    section = html[html.index('id="passages-heading"') : html.index('id="source-heading"')]
    links = re.findall(r'href="(/replies/\d+/#section-\d+)"', section)
    assert links[0] == best.section.get_absolute_url()
    assert "共同涉及：" in section


def test_measure_page_links_to_its_neighbours(client, measure):
    html = client.get(measure(17).get_absolute_url()).content.decode()
    assert f'href="{measure(16).get_absolute_url()}" rel="prev"' in html
    assert f'href="{measure(18).get_absolute_url()}" rel="next"' in html


def test_measure_page_includes_the_application_guide_when_staff_provide_the_template(
    client, measure
):
    from django.template.loader import get_template

    try:
        get_template("policies/_guide.html")
    except Exception:
        pytest.skip("the application guide template is not in this tree")
    html = client.get(measure(1).get_absolute_url()).content.decode()
    assert "申报" in html


def test_measure_page_renders_in_a_bounded_number_of_queries(
    client, measure, django_assert_max_num_queries
):
    url = measure(17).get_absolute_url()
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("path", ["/measures/999999/", "/measures/99999999999999999999999999/"])
def test_a_missing_measure_is_a_chinese_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
