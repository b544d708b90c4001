"""Statistics pulled out of reply text: quantity, unit, subject, tier and year."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ingest.reply.figures import extract_figures


def only(text: str, default_year: int | None = 2025):
    figures = extract_figures(text, default_year=default_year)
    assert len(figures) == 1, figures
    return figures[0]


def test_wan_is_multiplied_out_for_a_count_of_enterprises():
    figure = only("全市高新技术企业达到1.66万家，")
    assert figure.quantity == Decimal(16600)
    assert figure.unit == "家"
    assert figure.subject == "高新技术企业"
    assert figure.tier == "high-tech"
    assert figure.text == "全市高新技术企业达到1.66万家"
    assert figure.year == 2025


def test_yi_stays_in_a_money_unit_and_the_year_comes_from_the_sentence():
    figure = only("截至2022年底，武汉基金累计出资规模361亿元。")
    assert (figure.quantity, figure.unit, figure.year) == (Decimal(361), "亿元", 2022)


def test_decimal_money_and_percentages_keep_their_digits():
    figures = extract_figures(
        "截至2024年一季度末，我市科技型企业贷款余额5483.86亿元，同比增长10.53%。",
        default_year=2024,
    )
    assert [(f.quantity, f.unit, f.year) for f in figures] == [
        (Decimal("5483.86"), "亿元", 2024),
        (Decimal("10.53"), "%", 2024),
    ]
    assert figures[0].subject == "科技型企业贷款余额"


def test_a_year_opening_a_paragraph_dates_the_sentences_after_it():
    figures = extract_figures(
        "2022年，全市科技型中小企业评价入库8680家，同比增长近48.71%。高新技术企业达到12654家，"
        "全国城市中排名第六，在副省级城市中位居第三。",
        default_year=2023,
    )
    high_tech = figures[-1]
    assert (high_tech.quantity, high_tech.unit, high_tech.year) == (Decimal(12654), "家", 2022)
    assert (high_tech.subject, high_tech.tier) == ("高新技术企业", "high-tech")
    assert len(figures) == 3  # 第六 and 第三 are ranks, not figures


def test_the_phrase_after_the_number_is_the_subject_when_there_is_one():
    gazelles = only("实施2025年度骨干高企瞪羚计划，遴选出70家武汉市科技创新瞪羚企业；")
    assert (gazelles.quantity, gazelles.subject, gazelles.tier) == (
        Decimal(70),
        "武汉市科技创新瞪羚企业",
        "gazelle",
    )
    listed = only("205家高企入选国家级专精特新“小巨人”企业。")
    assert (listed.quantity, listed.subject, listed.tier) == (Decimal(205), "高企", "high-tech")


def test_one_clause_can_hold_money_and_a_count_of_little_giants():
    figures = extract_figures(
        "2024年市级财政采取“免申即享”方式拨付4110万元资金奖励直达111家专精特新“小巨人”企业，",
        default_year=2024,
    )
    assert [(f.quantity, f.unit, f.year) for f in figures] == [
        (Decimal(4110), "万元", 2024),
        (Decimal(111), "家", 2024),
    ]
    assert figures[1].subject == "专精特新“小巨人”企业"
    assert figures[1].tier == "little-giant"
    assert figures[0].tier is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("截至2024年7月，123家中小企业正在实施数字化改造。", 2024),
        ("2023年第一季度，全市科技贷款余额4457.56亿元。", 2023),
        ("今年上半年组织科技网格员开展走访服务2870次。", 2025),
        ("目前，我市共获批4个国家级中小企业特色产业集群。", 2025),
        ("2021年以来，市区两级共举办科技成果转化对接活动198场。", 2025),
        ("去年新增科技成果转化联络员100名。", 2024),
        ("建设市级中试平台210家。", 2025),
    ],
)
def test_the_year_is_the_last_time_marker_before_the_figure_else_the_reply_year(text, year):
    assert only(text, default_year=2025).year == year


def test_without_a_reply_year_an_undated_figure_has_no_year():
    assert only("建设市级中试平台210家。", default_year=None).year is None


def test_chinese_numerals_are_read_with_cn2an():
    assert only("新增企业一千二百余家。").quantity == Decimal(1200)
    money = only("安排资金三百万元。")
    assert (money.quantity, money.unit) == (Decimal(300), "万元")
    assert only("服务企业超过1.4万家，").quantity == Decimal(14000)
    assert only("并扣押侵权假冒物品9.4万余件，").quantity == Decimal(94000)


@pytest.mark.parametrize(
    "text",
    [
        "对市政协十四届四次会议第20250597号提案的答复",
        "形成“1+15+N”的服务格局",
        "构建全链条的“5+5”产业创新体系",
        "按照“965”现代产业体系",
        "全力抓好“6个一批”重点任务",
        "全国城市中排名第六，在副省级城市中位居第三",
        "我市以全国第6名成为首批试点城市",
        "价格扣除比例由6%-10%提高至10%-20%",
        "出台《三年行动方案（2025-2027年）》",
        "0.5天办结，零费用",
        "建立2+X科技金融产品体系",
        "实施四个计划，推荐一批企业",
    ],
)
def test_years_ordinals_slogans_ranges_and_words_are_not_figures(text):
    assert extract_figures(text, default_year=2025) == []


def test_a_list_of_counts_shares_the_subject_named_before_it():
    figures = extract_figures(
        "目前，我市国家级、省级、市级小型微型企业创业创新示范基地分别为7家、34家、60家，",
        default_year=2024,
    )
    assert [f.quantity for f in figures] == [7, 34, 60]
    assert {f.subject for f in figures} == {"市级小型微型企业创业创新示范基地"}
