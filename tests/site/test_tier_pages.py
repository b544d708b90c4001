"""Tier pages: the tier's place on its ladder and the measures that apply to it."""

import re

import pytest

pytestmark = pytest.mark.django_db


def measures_section(html: str) -> str:
    return html[html.index('id="measures-heading"') : html.index("按行业和需求进一步筛选")]


def test_little_giant_page_shows_its_ladder_with_itself_marked(client):
    html = client.get("/tiers/little-giant/").content.decode()
    ladder = html[
        html.index('<ol class="ladder">') : html.index("</ol>", html.index('<ol class="ladder">'))
    ]
    assert '<li aria-current="true">专精特新“小巨人”企业（本页）</li>' in ladder
    assert 'href="/tiers/specialised-sme/"' in ladder
    assert 'href="/tiers/single-champion/"' in ladder
    assert "同样适用面向下列层级的措施" in html
    assert html.index('href="/tiers/specialised-sme/">专精特新中小企业</a>', html.index("同样适用"))


def test_little_giant_page_lists_inherited_measures_and_marks_them(client, measure):
    html = measures_section(client.get("/tiers/little-giant/").content.decode())
    direct = f'href="{measure(1).get_absolute_url()}">1. 完善梯度培育体系</a></h3>'
    inherited = f'href="{measure(5).get_absolute_url()}">5. 加强知识产权赋能</a> <span class="tag">继承自下级</span>'
    assert direct in html
    assert inherited in html
    assert f'href="{measure(4).get_absolute_url()}"' not in html  # 规上企业: another ladder


def test_tier_page_lists_each_measure_once_with_its_lead_bureau(client, measure):
    html = measures_section(client.get("/tiers/little-giant/").content.decode())
    numbers = re.findall(r'<h3><a href="/measures/\d+/">(\d+)\. ', html)
    assert len(numbers) == len(set(numbers))
    assert "市经信局（牵头）" in html


def test_little_giant_page_shows_its_2028_target(client):
    html = client.get("/tiers/little-giant/").content.decode()
    assert "2028年：500家 — 500家专精特新“小巨人”企业" in html


def test_high_tech_page_shows_the_figures_replies_report(client):
    html = client.get("/tiers/high-tech/").content.decode()
    assert "2022年：高新技术企业达到12654家" in html
    assert "2025年：全市高新技术企业达到1.66万家" in html


def test_tier_page_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    # the tier, what it stands on, every tier (ladder and tiers above), measures (6 with their
    # prefetches), those naming no tier, targets, figures, sections
    with django_assert_max_num_queries(13):
        assert client.get("/tiers/little-giant/").status_code == 200


def test_an_unknown_tier_is_a_404(client):
    assert client.get("/tiers/no-such-tier/").status_code == 404
