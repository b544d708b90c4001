"""Target extraction on the real 003 draft and on small sentences: pure, no database."""

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.policy.parser import parse_policy
from ingest.policy.targets import extract_targets
from ingest.types import ParsedTarget

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "003_37a99eada62a0cb8.txt"


@pytest.fixture(scope="module")
def policy():
    return parse_policy(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def targets(policy):
    """Targets of each measure by number."""
    return {m.number: m.targets for m in policy.measures}


def by_text(targets, text):
    matches = [t for t in targets if t.text == text]
    assert len(matches) == 1, [t.text for t in targets]
    return matches[0]


# Measure 1: the 2028 ladder


def test_measure_1_has_exactly_the_six_2028_targets(targets):
    assert targets[1] == [
        ParsedTarget(
            "科技和创新型中小企业",
            Decimal(1000),
            "家",
            "cumulative",
            "1000家科技和创新型中小企业",
            2028,
            "",
            "innovative-sme",
        ),
        ParsedTarget(
            "专精特新中小企业",
            Decimal(4000),
            "家",
            "cumulative",
            "4000家专精特新中小企业",
            2028,
            "",
            "specialised-sme",
        ),
        ParsedTarget(
            "专精特新“小巨人”企业",
            Decimal(500),
            "家",
            "cumulative",
            "500家专精特新“小巨人”企业",
            2028,
            "",
            "little-giant",
        ),
        ParsedTarget(
            "中央奖补支持重点专精特新“小巨人”企业",
            Decimal(150),
            "家",
            "cumulative",
            "150家中央奖补支持重点专精特新“小巨人”企业",
            2028,
            "",
            "key-little-giant",
        ),
        ParsedTarget(
            "单项冠军企业",
            Decimal(35),
            "家",
            "cumulative",
            "35家单项冠军企业",
            2028,
            "",
            "single-champion",
        ),
        ParsedTarget(
            "独角兽企业", Decimal(30), "家", "cumulative", "30家独角兽企业", 2028, "", "unicorn"
        ),
    ]


def test_the_965_chain_is_not_a_target(targets):
    assert not any("965" in t.text for t in targets[1])
    assert not any("965" in t.text for t in targets[12])


# Thresholds and yearly quotas


def test_measure_11_lowers_the_little_giant_equipment_threshold_to_500_wan_yuan(targets):
    assert targets[11] == [
        ParsedTarget(
            subject="设备投资额门槛",
            quantity=Decimal(500),
            unit="万元",
            kind="threshold",
            text="设备投资额门槛调整为500万元",
            tier="little-giant",
        )
    ]


def test_measure_12_asks_each_chain_for_20_specialised_and_1_little_giant_a_year(targets):
    assert [(t.subject, t.quantity, t.unit, t.kind, t.comparator, t.tier) for t in targets[12]] == [
        ("专精特新中小企业", 20, "家", "per_year", "以上", "specialised-sme"),
        ("专精特新“小巨人”企业", 1, "家", "per_year", "以上", "little-giant"),
    ]
    assert targets[12][0].text == "专精特新中小企业20家以上"


def test_measure_12_targets_are_per_chain_not_city_wide(targets):
    assert [(t.per, t.kind, t.comparator) for t in targets[12]] == [
        ("每条产业链", "per_year", "以上"),
        ("每条产业链", "per_year", "以上"),
    ]


def test_the_city_wide_targets_have_no_per_unit(targets):
    assert {t.per for n in (1, 20, 22, 23) for t in targets[n]} == {""}


def test_measure_20_holds_at_least_10_job_fairs_and_3000_postings_a_year(targets):
    fairs = by_text(targets[20], "招聘活动不少于10场")
    assert (fairs.subject, fairs.quantity, fairs.unit) == ("招聘活动", 10, "场")
    assert (fairs.kind, fairs.comparator, fairs.tier) == ("per_year", "不少于", None)
    postings = by_text(targets[20], "岗位信息不少于3000个次")
    assert (postings.quantity, postings.unit, postings.kind) == (3000, "个次", "per_year")
    assert postings.comparator == "不少于"


def test_measure_20_rent_exemptions_are_money_targets(targets):
    rent = [(t.subject, t.quantity, t.unit, t.kind) for t in targets[20] if t.unit in ("年", "折")]
    assert rent == [
        ("博士后人才租金免缴", 3, "年", "money"),
        ("全日制博士研究生租金免缴", 2, "年", "money"),
        ("硕士研究生租金免缴", 1, "年", "money"),
        ("租金", 7, "折", "money"),
    ]


def test_measure_22_trains_100_trade_secret_contact_firms_a_year(targets):
    [target] = targets[22]
    assert (target.subject, target.quantity, target.unit) == ("专精特新中小企业", 100, "家")
    assert (target.kind, target.tier) == ("per_year", "specialised-sme")
    assert target.text == "100家专精特新中小企业建设市级商业秘密保护联系企业"


def test_measure_23_picks_about_50_little_giants_a_year(targets):
    [target] = targets[23]
    assert (target.quantity, target.unit, target.kind) == (50, "家", "per_year")
    assert (target.comparator, target.tier) == ("左右", "little-giant")
    assert target.text == "50家左右企业"


# What must not become a target


def test_contest_rankings_are_not_targets(targets):
    assert targets[3] == []


def test_the_one_expert_of_the_1_plus_1_recommendation_is_not_a_target(targets):
    assert targets[18] == []


def test_a_standard_number_is_not_a_target(targets):
    assert targets[9] == []


def test_slogans_in_the_preamble_are_not_targets(policy):
    assert extract_targets(policy.preamble) == []


def test_only_the_measures_with_quotas_have_targets(targets):
    assert sorted(n for n, found in targets.items() if found) == [1, 11, 12, 20, 22, 23]


# Small sentences


def test_chinese_numerals_are_read():
    [target] = extract_targets("到2027年，培育五十家瞪羚企业。")
    assert (target.quantity, target.year, target.tier) == (50, 2027, "gazelle")
    assert target.text == "五十家瞪羚企业"


def test_wan_before_a_count_unit_is_multiplied_out():
    [target] = extract_targets("每年新增科技型中小企业1.5万家以上。")
    assert (target.quantity, target.unit, target.comparator) == (15000, "家", "以上")
    assert str(target.quantity) == "15000"


def test_wan_before_yuan_stays_in_the_unit():
    [target] = extract_targets("对认定的企业给予最高50万元奖励。")
    assert (target.quantity, target.unit, target.kind, target.comparator) == (
        50,
        "万元",
        "money",
        "最高",
    )


def test_a_count_without_time_frame_or_comparator_is_ignored():
    assert extract_targets("每完成一家试点企业验收，给予补助。") == []
    assert extract_targets("每个园区应明确一个主导产业。") == []


def test_quoted_slogans_and_one_off_payments_are_ignored():
    assert extract_targets("每年深化实施“百场万企”供需对接，坚持“三个区分开来”。") == []
    assert extract_targets("每年给予一次性奖励。") == []


def test_a_year_alone_is_not_a_target():
    assert extract_targets("到2028年，全面完成改革任务。") == []


def test_about_more_than_is_read_as_a_lower_bound():
    [target] = extract_targets("到2030年底前，累计培育100余家单项冠军企业。")
    assert (target.quantity, target.comparator, target.year) == (100, "余", 2030)
    assert target.tier == "single-champion"


@pytest.mark.parametrize(
    ("sentence", "per", "quantity", "qualifier"),
    [
        ("每个园区每年新增规上工业企业不少于5家。", "每个园区", 5, "不少于"),
        ("力争每家企业年均引进人才约3名以上。", "每家企业", 3, "约"),
        ("到2027年，每个区培育瞪羚企业近20家。", "每个区", 20, "近"),
        ("到2027年，全市培育瞪羚企业超过200家。", "", 200, "超过"),
        ("每条链每年遴选30多家链主企业配套企业。", "每条链", 30, "余"),
    ],
)
def test_per_unit_scope_and_qualifiers_from_the_genre(sentence, per, quantity, qualifier):
    [target] = extract_targets(sentence)
    assert (target.per, target.quantity, target.comparator) == (per, quantity, qualifier)


def test_a_cap_per_enterprise_is_money_asked_per_enterprise():
    [target] = extract_targets("每家企业最高补助50万元。")
    assert (target.kind, target.per, target.comparator, target.unit) == (
        "money",
        "每家企业",
        "最高",
        "万元",
    )
