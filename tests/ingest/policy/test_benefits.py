"""Benefit extraction (ingest/policy/benefits.py) on sentences written for these tests in the
forms Chinese policy measures use, and a few checks on the bundled 2025 draft: pure, no database."""

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.policy.benefits import extract_benefits
from ingest.policy.parser import parse_policy
from ingest.types import ParsedBenefit

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "003_37a99eada62a0cb8.txt"


def one(text: str) -> ParsedBenefit:
    found = extract_benefits(text)
    assert len(found) == 1, found
    return found[0]


def summary(text: str) -> list[tuple]:
    """(kind, quantity, unit, qualifier) of each benefit, in order."""
    return [
        (b.kind, None if b.quantity is None else str(b.quantity), b.unit, b.qualifier)
        for b in extract_benefits(text)
    ]


# Amounts, caps and the bar to qualify


def test_a_capped_subsidy_keeps_its_cap_and_recipient():
    b = one("对新认定的国家级专精特新“小巨人”企业，最高补助100万元。")
    assert (b.kind, b.quantity, b.unit, b.qualifier) == ("amount", Decimal(100), "万元", "最高")
    assert b.recipient == "新认定的国家级专精特新“小巨人”企业"
    assert b.text == "对新认定的国家级专精特新“小巨人”企业，最高补助100万元"


def test_a_revenue_bar_in_who_qualifies_is_a_threshold_beside_the_reward():
    assert summary("对年营业收入首次突破1亿元的企业，给予一次性奖励50万元。") == [
        ("threshold", "1", "亿元", "超过"),
        ("amount", "50", "万元", ""),
    ]


def test_a_rate_and_the_cap_after_it_are_two_lines_the_cap_keeping_its_context():
    rate, cap = extract_benefits("按设备投资额的10%给予补助，单个项目最高不超过1000万元。")
    assert (rate.kind, rate.quantity, rate.unit) == ("rate", Decimal(10), "%")
    assert (cap.kind, cap.quantity, cap.unit, cap.qualifier) == (
        "amount",
        Decimal(1000),
        "万元",
        "最高",  # the first word wins: 最高不超过
    )
    assert cap.text == "按设备投资额的10%给予补助，单个项目最高不超过1000万元"


def test_interest_and_guarantee_rates_are_rates_with_their_bounds():
    assert summary("对符合条件的科技型中小企业，贴息比例不超过贷款市场报价利率的50%。") == [
        ("rate", "50", "%", "不高于")
    ]
    assert summary("政府性融资担保机构的担保费率降至1%以下。") == [("rate", "1", "%", "以下")]


def test_an_interest_subsidy_its_rate_and_its_cap_are_three_lines():
    assert summary(
        "给予贷款贴息，贴息比例不超过实际贷款利率的50%，单户企业年度贴息金额最高不超过100万元。"
    ) == [
        ("support", None, "", ""),
        ("rate", "50", "%", "不高于"),
        ("amount", "100", "万元", "最高"),
    ]


def test_each_clause_keeps_its_own_recipient_and_sum():
    listed, ipo = extract_benefits(
        "对在“新三板”挂牌的企业，给予50万元补助；在沪深交易所上市的，分阶段给予最高500万元奖励。"
    )
    assert (listed.recipient, listed.quantity, listed.qualifier) == (
        "在“新三板”挂牌的企业",
        Decimal(50),
        "",
    )
    assert (ipo.recipient, ipo.quantity, ipo.qualifier) == (
        "在沪深交易所上市的",
        Decimal(500),
        "最高",
    )
    assert ipo.text == "在沪深交易所上市的，分阶段给予最高500万元奖励"


def test_a_threshold_named_as_such():
    b = one("企业申请技术改造补助的，设备投资额门槛调整为300万元。")
    assert (b.kind, b.quantity, b.unit) == ("threshold", Decimal(300), "万元")
    assert b.text == "企业申请技术改造补助的，设备投资额门槛调整为300万元"


def test_a_share_in_who_qualifies_is_its_bar_not_a_rate():
    assert summary("研发投入占营业收入比重达到5%的企业，给予20万元补助。") == [
        ("threshold", "5", "%", ""),
        ("amount", "20", "万元", ""),
    ]


def test_amounts_written_with_spaces_or_chinese_numerals():
    assert summary("对首次入选的企业给予 50 万元奖励。") == [("amount", "50", "万元", "")]
    assert summary("对获评的示范基地给予五十万元奖励。") == [("amount", "50", "万元", "")]


# Rent, fees and discounts


def test_listed_rent_free_years_are_one_line_each_with_their_own_item():
    found = extract_benefits(
        "对新引进人才按照博士3年租金免缴、硕士2年租金免缴和本科生1年租金减半政策执行。"
    )
    assert [(b.kind, b.quantity, b.unit, b.text) for b in found] == [
        ("waiver", Decimal(3), "年", "博士3年租金免缴"),
        ("waiver", Decimal(2), "年", "硕士2年租金免缴"),
        ("waiver", Decimal(1), "年", "本科生1年租金减半"),
    ]
    assert {b.recipient for b in found} == {"新引进人才"}


def test_free_years_then_half_rent_in_chinese_numerals():
    assert summary("入驻孵化器的初创企业，前三年免收租金，后两年租金减半。") == [
        ("waiver", "3", "年", ""),
        ("waiver", "2", "年", ""),
    ]


def test_waived_charges_without_a_figure():
    assert summary("对改造厂房提高容积率的，不再增收土地价款，并不收取城市基础设施配套费。")[
        -1
    ] == (
        "waiver",
        None,
        "",
        "",
    )
    assert summary("免费提供计量检测服务。") == [("waiver", None, "", "")]


def test_a_discount_in_zhe():
    b = one("对入驻园区的小微企业给予场地租金8折优惠。")
    assert (b.kind, b.quantity, b.unit, b.recipient) == (
        "discount",
        Decimal(8),
        "折",
        "入驻园区的小微企业",
    )


# Benefits without figures


def test_support_with_no_amount_keeps_who_qualifies_across_clauses():
    b = one("对新纳入规模以上统计的服务业企业，次年仍在库的，给予相应支持。")
    assert b.kind == "support"
    assert b.recipient == "新纳入规模以上统计的服务业企业，次年仍在库的"


def test_services_priority_and_a_route_to_apply():
    assert summary("为专精特新中小企业提供法律咨询服务。") == [("service", None, "", "")]
    assert summary("对重点项目优先受理、优先办结。") == [("priority", None, "", "")]
    assert summary("对符合条件的企业开通绿色通道，给予上市辅导服务。") == [
        ("priority", None, "", ""),
        ("service", None, "", ""),
    ]
    b = one("对取得重大成果的青年人才，经单位推荐，可直接申报正高级职称。")
    assert (b.kind, b.recipient) == ("eligibility", "取得重大成果的青年人才")


def test_encouragement_and_activities_give_nothing():
    for text in (
        "支持企业建立研发机构，加强国际合作。",
        "常态化组织企业开展产业链供需对接活动。",
        "对工作中大胆探索、未谋取私利的，可以免除相关责任。",
        "推荐企业参加“创客中国”大赛500强评选，组建“1+1”导师团队。",
        "力争每年培育专精特新中小企业20家以上。",
    ):
        assert extract_benefits(text) == [], text


# The bundled draft (tests/gold/003.toml scores all of it; these name what an owner reads)


@pytest.fixture(scope="module")
def benefits():
    policy = parse_policy(FIXTURE.read_text(encoding="utf-8"))
    return {m.number: m.benefits for m in policy.measures}


def test_the_draft_states_the_tech_upgrade_bar_and_the_rent_terms(benefits):
    [bar] = [b for b in benefits[11] if b.kind == "threshold"]
    assert (bar.quantity, bar.unit, bar.text) == (
        Decimal(500),
        "万元",
        "专精特新“小巨人”企业申请技术改造补助，设备投资额门槛调整为500万元",
    )
    rent = [(b.kind, b.quantity, b.unit) for b in benefits[20]]
    assert rent == [
        ("waiver", Decimal(3), "年"),
        ("waiver", Decimal(2), "年"),
        ("waiver", Decimal(1), "年"),
        ("discount", Decimal(7), "折"),
    ]


def test_the_finance_measure_offers_priority_interest_subsidy_and_a_fee_cut(benefits):
    assert [b.kind for b in benefits[16]] == ["priority", "support", "waiver"]
    assert benefits[16][2].text == "帮助专精特新中小企业使用中小企业融资应急资金，并减免一定使用费"


def test_the_measure_on_cadres_gives_enterprises_nothing(benefits):
    assert benefits[25] == []
