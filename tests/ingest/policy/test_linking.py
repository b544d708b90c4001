"""Which tiers and themes a passage is linked to (ingest/vocab.py with ingest/data/linking.toml):
the genre's sentences, not one file's."""

import pytest

from ingest.vocab import find_themes, find_tiers


@pytest.mark.parametrize(
    ("text", "tiers"),
    [
        ("对专精特新中小企业给予支持。", ["specialised-sme"]),
        ("加强中小企业服务站建设。", []),
        ("帮助企业使用中小企业融资应急资金。", []),
        ("完善专精特新中小企业定期统计监测制度。", []),
        ("组织开展各区中小企业发展环境第三方评估。", []),
        ("对培育规模以上工业企业达到数量要求的园区给予支持。", []),
        ("对培育规上工业企业达到数量要求的园区企业给予支持。", ["above-scale-industrial"]),
        ("助力企业成长为专精特新“小巨人”企业。", []),
        ("对新成长为单项冠军企业的企业给予奖励。", ["single-champion"]),
        ("精准匹配专精特新中小企业融资需求。", ["specialised-sme"]),
        ("实施中小企业数字化转型“繁星计划”。", ["sme"]),
        ("营造培育专精特新中小企业的良好氛围。", []),
        ("鼓励企业参加“创客中国”中小企业创新创业大赛。", []),
    ],
)
def test_a_tier_is_linked_only_where_its_enterprises_are_named(text, tiers):
    assert find_tiers(text) == tiers


@pytest.mark.parametrize(
    ("text", "theme", "linked"),
    [
        ("发挥市计量标准质量研究院作用。", "standards", False),
        ("支持企业参与国家标准、行业标准研制。", "standards", True),
        ("对中央奖补支持重点专精特新“小巨人”企业给予支持。", "subsidy", False),
        ("推广《知识产权管理指南》国际标准。", "ip", False),
        ("开展具有自主知识产权的重大科技成果转化。", "ip", False),
        ("为企业提供知识产权服务。", "ip", True),
        ("聚焦人工智能、工业软件等领域设立基金。", "digital", False),
        ("聚焦人工智能、工业软件等领域设立基金。", "financing", True),
        ("弘扬企业家精神。", "talent", False),
        ("联合开展技能人才订单式培养。", "market", False),
        ("参加相关部门组织的民营企业家协会培训活动。", "talent", False),
        ("未违反法律法规的，可以免除相关责任。", "services", False),
        ("力争每条产业链每年培育专精特新中小企业20家以上。", "cultivation", True),
        ("组织园区中小企业参加展会。", "clusters", False),
    ],
)
def test_a_theme_comes_from_wording_about_it_not_from_a_name(text, theme, linked):
    assert (theme in find_themes(text)) is linked
