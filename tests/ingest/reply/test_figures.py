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
    growth, high_tech = figures[1], figures[2]
    assert (growth.quantity, growth.qualifier, growth.subject) == (
        Decimal("48.71"),
        "近",
        "科技型中小企业同比增长",
    )
    assert (high_tech.quantity, high_tech.unit, high_tech.year) == (Decimal(12654), "家", 2022)
    assert (high_tech.subject, high_tech.tier) == ("高新技术企业", "high-tech")
    ranks = [(f.quantity, f.unit, f.subject, f.year) for f in figures[3:]]
    assert ranks == [(6, "名", "全国城市排名", 2022), (3, "名", "副省级城市排名", 2022)]


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
        "开展第二轮遴选",
        "出台《三年行动方案（2025-2027年）》",
        "0.5天办结，零费用",
        "建立2+X科技金融产品体系",
        "实施四个计划，推荐一批企业",
    ],
)
def test_years_ordinals_slogans_ranges_and_words_are_not_figures(text):
    assert extract_figures(text, default_year=2025) == []


def test_levels_listed_before_a_shared_noun_give_each_figure_its_level():
    figures = extract_figures(
        "目前，我市国家级、省级、市级小型微型企业创业创新示范基地分别为7家、34家、60家，",
        default_year=2024,
    )
    assert [(f.quantity, f.subject) for f in figures] == [
        (7, "国家级小型微型企业创业创新示范基地"),
        (34, "省级小型微型企业创业创新示范基地"),
        (60, "市级小型微型企业创业创新示范基地"),
    ]


def test_a_breakdown_by_level_names_the_total_it_breaks_down():
    figures = extract_figures(
        "截至目前，全市技术转移示范机构达到164家，其中国家级16家、省级62家、市级86家。",
        default_year=2023,
    )
    assert [f.subject for f in figures] == [
        "技术转移示范机构",
        "国家级技术转移示范机构",
        "省级技术转移示范机构",
        "市级技术转移示范机构",
    ]


def test_each_gives_one_figure_per_item_of_the_enumeration():
    figures = extract_figures(
        "查处不正当竞争案件55件和侵犯地理标志、奥林匹克标志案件各1件。", default_year=2023
    )
    assert [(f.quantity, f.subject) for f in figures] == [
        (55, "不正当竞争案件"),
        (1, "侵犯地理标志案件"),
        (1, "奥林匹克标志案件"),
    ]


@pytest.mark.parametrize(
    ("text", "quantity", "subject"),
    [
        ("目前，我市A股上市公司总数达76家储备上市后备企业415家。", 76, "A股上市公司"),
        ("储备上市后备“金种子”、“银种子”企业415家。", 415, "上市后备“金种子”、“银种子”企业"),
        (
            "截至今年4月底，市区共举办44场企业上市沙龙和投融资对接活动。",
            44,
            "企业上市沙龙和投融资对接活动",
        ),
        (
            "联合举办科技创业投资沙龙活动，邀请专家培训，截至目前已举办28期。",
            28,
            "科技创业投资沙龙活动",
        ),
        ("聚焦量子科技等5个新兴、未来产业，", 5, "新兴、未来产业"),
        (
            "参与促成组织院士专家团队与行业龙头企业、金融机构、服务机构对接1335次，",
            1335,
            "院士专家团队与行业龙头企业、金融机构、服务机构对接",
        ),
        ("组织开展数字化转型大会、供需对接、应用场景推广等活动10场，", 10, "活动"),
        ("4家以我市专精特新企业为主体的股票在境外挂牌，", 4, "专精特新企业为主体的股票"),
        ("实现财政出资近4倍放大。", 4, "财政出资"),
        ("开展走访服务2870次，", 2870, "走访服务"),
    ],
)
def test_the_subject_is_the_thing_counted(text, quantity, subject):
    figure = next(f for f in extract_figures(text, default_year=2023) if f.quantity == quantity)
    assert figure.subject == subject


@pytest.mark.parametrize(
    ("text", "quantity", "qualifier"),
    [
        ("收集项目建议方向750余项，", 750, "余"),
        ("2024年对外提供服务超过1.4万次。", 14000, "超过"),
        ("新培训技术经理人超700人；", 700, "超过"),
        ("同比增长近48.71%。", Decimal("48.71"), "近"),
        ("90%以上是中小企业。", 90, "以上"),
        ("每年培育本地优秀人才1000名左右，", 1000, "左右"),
        ("服务企业约300家。", 300, "约"),
        ("每年新增不少于50家。", 50, "不少于"),
        ("创新推出科保贷等近百余种涵盖科技企业全生命周期的金融产品。", 100, "近"),
        ("全市高新技术企业达到1.66万家，", 16600, ""),
    ],
)
def test_an_approximate_figure_carries_its_qualifier(text, quantity, qualifier):
    figure = only(text)
    assert (figure.quantity, figure.qualifier) == (quantity, qualifier)


def test_policy_rules_are_parameters_and_a_range_keeps_both_ends():
    rules = extract_figures(
        "对企业技术交易额达到50万元及以上的，按技术交易额的10%给予补助，每年每家企业最高补助100万元。"
        "价格扣除比例由6%-10%提高至10%-20%。",
        default_year=2023,
    )
    assert [(f.quantity, f.unit, f.kind) for f in rules] == [
        (50, "万元", "parameter"),
        (10, "%", "parameter"),
        (100, "万元", "parameter"),
        (6, "%", "parameter"),
        (10, "%", "parameter"),
    ]
    capped = rules[2]
    assert (capped.subject, capped.qualifier, capped.scope) == ("补助", "最高", "per_year")
    assert [(f.quantity_max, f.subject) for f in rules[3:]] == [
        (10, "价格扣除比例"),
        (20, "价格扣除比例"),
    ]


def test_results_targets_and_cumulative_totals_are_told_apart():
    figures = extract_figures(
        "累计为150余个概念验证项目提供5500余万元资金支持。建设市级中试平台210家。"
        "力争到2027年，全市专精特新企业达到2000家以上。",
        default_year=2025,
    )
    assert [(f.quantity, f.scope, f.kind) for f in figures] == [
        (150, "cumulative", "result"),
        (5500, "cumulative", "result"),
        (210, "", "result"),
        (2000, "", "target"),
    ]
    assert figures[-1].year == 2027 and not figures[-1].year_assumed
    assert figures[2].year_assumed


def test_a_year_inside_a_noun_phrase_dates_only_that_phrase():
    figures = extract_figures(
        "今年上半年，开展2024年育苗计划企业第二轮遴选，从2024年200家立项企业中择优遴选144家企业。",
        default_year=2025,
    )
    assert [(f.quantity, f.year) for f in figures] == [(200, 2024), (144, 2025)]


def test_pdf_spacing_and_half_width_punctuation_do_not_hide_a_figure():
    from ingest.text import normalize_line

    text = normalize_line(
        "截至 2021 年 10 月,全市共有专精特新企业 7077 家,贷款 5. 9 亿元,占比 33.75%,4家企业上市"
    )
    figures = extract_figures(text, default_year=2025)
    assert [(f.quantity, f.unit, f.year) for f in figures] == [
        (7077, "家", 2021),
        (Decimal("5.9"), "亿元", 2021),
        (Decimal("33.75"), "%", 2021),
        (4, "家", 2021),
    ]
