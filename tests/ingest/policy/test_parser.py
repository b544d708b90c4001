"""The measures parser on the real 003 draft and on broken inputs: pure, no database."""

import datetime as dt
import re
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.policy.parser import bureau_names, parse_policy
from ingest.text import decode_bytes

FIXTURE = Path(__file__).resolve().parents[3] / "fixtures" / "003_37a99eada62a0cb8.txt"
SOURCE = FIXTURE.read_text(encoding="utf-8")
CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

CHAPTER_TITLES = [
    (1, "建强优质中小企业梯队，大力培育“根企业”"),
    (2, "激活企业创新动能，突破“根技术”"),
    (3, "营造优质发展生态，厚植“根产业”"),
    (4, "激活企业成长主引擎，引育“根人才”"),
    (5, "锻造武汉企业家精神，弘扬“根文化”"),
]

MEASURE_TITLES = {
    1: "完善梯度培育体系",
    2: "营造创新创业生态",
    3: "“陪跑”中小企业成长",
    4: "助力企业“升规进限”",
    5: "加强知识产权赋能",
    6: "支持企业研发创新",
    7: "推动重大成果产业化",
    8: "深化产学研协同",
    9: "支持企业加强标准化建设",
    10: "加大检验检测服务支撑",
    11: "持续推进数字化转型",
    12: "提升产业发展能级",
    13: "强化产业集聚效应",
    14: "优化创新载体支撑",
    15: "精准保障企业用地",
    16: "提升金融服务质效",
    17: "帮助企业拓展市场",
    18: "加强企业人才培养",
    19: "优化人才支持政策",
    20: "完善人才引进体系",
    21: "培育科学企业家",
    22: "开展护航服务",
    23: "加强品牌建设",
    24: "弘扬企业家精神",
    25: "鼓励干部担当作为",
}

CHAPTER_OF_MEASURE = {
    **dict.fromkeys(range(1, 5), 1),
    **dict.fromkeys(range(5, 12), 2),
    **dict.fromkeys(range(12, 18), 3),
    **dict.fromkeys(range(18, 22), 4),
    **dict.fromkeys(range(22, 26), 5),
}

DISTRICTS = "各区人民政府"
BUREAUS = {
    1: ["市经信局", "市投促局", DISTRICTS],
    2: ["市科创局", "市财政局", "市经信局", "投控集团", "金控集团", DISTRICTS],
    3: ["市经信局", "市委金融办", "市发改委", DISTRICTS],
    4: ["市经信局", "市发改委", "市商务局", "市统计局", "投控集团", "金控集团", DISTRICTS],
    5: ["市市场监管局", "市商务局", "市经信局", "市贸促会", DISTRICTS],
    6: ["市经信局", "市科创局", "市发改委", DISTRICTS],
    7: ["市科创局", "市经信局", DISTRICTS],
    8: ["市经信局", "市科创局", "市发改委", "市卫健委", DISTRICTS],
    9: ["市市场监管局", "市经信局", DISTRICTS],
    10: ["市市场监管局", "投控集团", DISTRICTS],
    11: ["市经信局", DISTRICTS],
    12: [
        "市经信局",
        "市委网信办",
        "市科创局",
        "市发改委",
        "市卫健委",
        "市商务局",
        "市生态环境局",
        "市城管委",
        "市供销社",
        "市数据局",
        DISTRICTS,
    ],
    13: ["市经信局", DISTRICTS],
    14: ["市经信局", "市科创局", "市政府国资委", "市住更局", DISTRICTS],
    15: ["市资建局", "市发改委", DISTRICTS],
    16: ["市委金融办", "市经信局", "市财政局", "投控集团", "金控集团", DISTRICTS],
    17: [
        "市发改委",
        "市经信局",
        "市数据局",
        "市商务局",
        "市公安局",
        "市政府国资委",
        "市资建局",
        "市住更局",
        "市水务局",
        "市交通局",
        "市文旅局",
        "市卫健委",
        "市教育局",
        DISTRICTS,
    ],
    18: ["市经信局", "市人社局", "市人才工作局", DISTRICTS],
    19: ["市人才工作局", "市卫健委", "市教育局", "市交通运输局", DISTRICTS],
    20: ["市人社局", "市住更局", "市经信局", DISTRICTS],
    21: ["市经信局", "市人社局", "市教育局", DISTRICTS],
    22: ["市委政法委", "市经信局", "市司法局", "市市场监管局", "市科创局", "市商务局", DISTRICTS],
    23: [
        "市发改委",
        "市经信局",
        "市市场监管局",
        "市农业农村",
        "市商务",
        "市政府国资委",
        DISTRICTS,
    ],
    24: ["市委宣传部", "市经信局", DISTRICTS],
    25: ["市纪委监委", "市发改委", "市政府国资委", "市审计局", "市检察院", "市法院"],
}


@pytest.fixture(scope="module")
def policy():
    return parse_policy(SOURCE)


@pytest.fixture(scope="module")
def measures(policy):
    return {m.number: m for m in policy.measures}


def minimal_document(numbers, *, responsibility="（责任单位：市经信局）"):
    """A small well-formed measures document with the given measure numbers, in that order."""
    items = "\n\n".join(f"{n}.措施{n}。正文{n}。{responsibility}" for n in numbers)
    return (
        "测试若干措施\n\n（征求意见稿）\n\n为测试，制定以下措施。\n\n一、第一章\n\n"
        f"{items}\n\n本措施自公布之日起施行。"
    )


# The heading, preamble and closing


def test_title_loses_the_stray_space_of_the_source_heading(policy):
    assert policy.title == "武汉市进一步促进中小企业专精特新高质量发展若干措施"


def test_status_is_read_from_the_bracketed_line_under_the_title(policy):
    assert policy.status == "征求意见稿"


def test_the_attachment_label_is_neither_title_nor_preamble(policy):
    assert "附件" not in policy.title
    assert not policy.preamble.startswith("附件")


def test_preamble_is_the_paragraph_before_the_first_chapter(policy):
    assert policy.preamble.startswith("为深入贯彻习近平总书记关于促进中小企业发展")
    assert policy.preamble.endswith("建设现代化大武汉提供支撑，制定以下措施。")
    assert "\n" not in policy.preamble


def test_closing_is_the_validity_paragraph(policy):
    assert policy.closing.startswith("本政策自公布之日起施行，有效期至2028年12月31日")
    assert policy.closing.endswith("按照“就高从优不重复”原则执行。")


def test_effective_note_and_expiry_come_from_the_closing(policy):
    assert policy.effective_note == "自公布之日起施行"
    assert policy.expires_on == dt.date(2028, 12, 31)


def test_the_2022_policy_it_repeals_is_listed_with_its_reference(policy):
    assert policy.repeals == [
        (
            "武政规〔2022〕23号",
            "市人民政府印发关于进一步优化发展环境激发市场活力推动中小企业突破发展若干政策措施的通知",
        )
    ]


def test_the_real_document_parses_without_warnings(policy):
    assert policy.warnings == []


# Chapters and measures


def test_there_are_five_chapters_with_their_titles(policy):
    assert [(c.number, c.title) for c in policy.chapters] == CHAPTER_TITLES


def test_all_25_measures_are_numbered_and_titled_in_order(policy):
    assert {m.number: m.title for m in policy.measures} == MEASURE_TITLES
    assert [m.number for m in policy.measures] == list(range(1, 26))


def test_each_measure_sits_in_its_chapter(policy):
    placed = {m.number: c.number for c in policy.chapters for m in c.measures}
    assert placed == CHAPTER_OF_MEASURE


def test_a_space_after_the_number_does_not_reach_the_title(measures):
    assert measures[3].title == "“陪跑”中小企业成长"
    assert measures[4].title == "助力企业“升规进限”"


def test_body_starts_after_the_heading_sentence(measures):
    assert measures[1].body.startswith("聚焦我市“965”产业链和“五谷”优势产业集群")
    assert measures[25].body.startswith("完善专精特新中小企业定期统计监测制度")


def test_bodies_carry_no_responsibility_parenthesis(policy):
    for measure in policy.measures:
        assert "责任单位" not in measure.body, measure.number
        assert "责任单位" not in measure.title, measure.number


def test_every_measure_lists_its_raw_bureaus_in_order(policy):
    assert {m.number: m.bureaus for m in policy.measures} == BUREAUS


def test_measure_18_lists_each_bureau_once(measures):
    assert measures[18].bureaus == ["市经信局", "市人社局", "市人才工作局", "各区人民政府"]


def test_measure_18_keeps_both_responsibility_parentheses_as_written(measures):
    assert measures[18].responsibility_text == (
        "（责任单位：市经信局、市人社局、市人才工作局，各区人民政府）"
        "（责任单位：市经信局、市人社局，各区人民政府）"
    )


def test_the_half_width_parenthesis_of_measure_1_is_read(measures):
    assert measures[1].responsibility_text == "（责任单位：市经信局、市投促局，各区人民政府）"


def test_short_bureau_names_stay_as_written(measures):
    assert "市农业农村" in measures[23].bureaus
    assert "市商务" in measures[23].bureaus
    assert "市交通局" in measures[17].bureaus


# Page breaks


@pytest.mark.parametrize(
    ("number", "joined"),
    [
        (2, "科技成果转化项目"),
        (7, "汇集发布大企业技术创新需求榜单"),
        (10, "打造“汉检链”平台"),
        (13, "推动各区加强对园区的提级管理"),
        (15, "在降低企业用地成本上，实行不可撤销"),
        (17, "优先为专精特新中小企业提供信用培育服务"),
        (22, "“全链条”指导"),
        (25, "坚持“三个区分开来”"),
    ],
)
def test_words_split_by_a_page_break_are_joined_again(measures, number, joined):
    assert joined in measures[number].body


def test_measure_13_keeps_the_responsibility_that_follows_a_blank_line(measures, policy):
    assert measures[13].bureaus == ["市经信局", "各区人民政府"]
    assert measures[13].body.endswith("提升集群特色化、专业化建设水平。")
    assert measures[14].title == "优化创新载体支撑"


def test_no_body_has_a_line_break_left_by_a_page_break(policy):
    for measure in policy.measures:
        assert "\n" not in measure.body, measure.number


def test_titles_and_bodies_cover_every_chinese_character_of_the_measures(policy):
    section = SOURCE[SOURCE.index("1.完善梯度培育体系") : SOURCE.index("本政策自公布之日起施行")]
    section = re.sub(r"^[一二三四五六七八九十]+、.*$", "", section, flags=re.MULTILINE)
    section = re.sub(r"[（(]责任单位[:：][^（）()]*[）)]", "", section)
    parsed = "".join(m.title + m.body for m in policy.measures)
    assert CJK_RE.findall(parsed) == CJK_RE.findall(section)


def test_markdown_bold_marks_are_dropped_from_measure_17(measures):
    assert "“AEO+经核准出口商”同步培育机制" in measures[17].body


# Tiers, themes, targets


def test_measure_1_names_the_whole_tier_ladder(measures):
    assert measures[1].tiers == [
        "innovative-sme",
        "specialised-sme",
        "little-giant",
        "key-little-giant",
        "single-champion",
        "unicorn",
    ]


def test_themes_are_tagged_from_title_and_body(measures):
    assert "ip" in measures[5].themes
    assert "land" in measures[15].themes
    assert "financing" in measures[16].themes
    assert "talent" in measures[20].themes
    assert "brand" in measures[23].themes


def test_measure_1_carries_its_2028_targets(measures):
    targets = measures[1].targets
    assert [(t.quantity, t.unit, t.tier) for t in targets] == [
        (1000, "家", "innovative-sme"),
        (4000, "家", "specialised-sme"),
        (500, "家", "little-giant"),
        (150, "家", "key-little-giant"),
        (35, "家", "single-champion"),
        (30, "家", "unicorn"),
    ]
    assert {(t.kind, t.year) for t in targets} == {("cumulative", 2028)}


def test_measures_without_quotas_have_no_targets(measures):
    for number in (2, 3, 9, 13, 18, 25):
        assert measures[number].targets == [], number


# Encodings


def test_a_gb18030_copy_decodes_and_parses_identically(policy):
    data = SOURCE.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    decoded = decode_bytes(data)
    assert decoded == SOURCE
    assert parse_policy(decoded) == policy


# Broken inputs


def test_text_without_numbered_measures_is_refused():
    with pytest.raises(IngestError, match="no numbered measures found"):
        parse_policy("这是一段普通的文字，没有编号，也没有章节。")


def test_chapters_without_measures_are_refused():
    with pytest.raises(IngestError, match="no numbered measures found"):
        parse_policy("测试若干措施\n\n一、第一章\n\n二、第二章\n")


def test_a_repeated_measure_number_is_refused():
    with pytest.raises(IngestError, match="^measure 5 appears twice$"):
        parse_policy(minimal_document([1, 2, 3, 4, 5, 5]))


def test_a_gap_in_the_numbering_is_refused():
    with pytest.raises(IngestError, match="^measures jump from 12 to 14$"):
        parse_policy(minimal_document([*range(1, 13), 14]))


def test_a_list_not_starting_at_1_is_refused():
    with pytest.raises(IngestError, match="^measures start at 3, not 1$"):
        parse_policy(minimal_document([3, 4]))


def test_a_file_cut_inside_measure_25_is_refused():
    truncated = SOURCE[: SOURCE.index("勤勉尽责")]
    with pytest.raises(IngestError, match="measure 25 ends without its 责任单位"):
        parse_policy(truncated)


def test_a_measure_without_responsibility_is_refused():
    text = SOURCE.replace(
        "切实解决产业技术难题。（责任单位：市科创局、市经信局，各区人民政府）",
        "切实解决产业技术难题。",
    )
    with pytest.raises(IngestError, match="^measure 7 has no 责任单位$"):
        parse_policy(text)


def test_an_empty_responsibility_is_refused():
    with pytest.raises(IngestError, match="^measure 1 has an empty 责任单位$"):
        parse_policy(minimal_document([1], responsibility="（责任单位：）"))


def test_a_document_without_title_is_refused():
    text = minimal_document([1, 2]).replace("测试若干措施\n\n（征求意见稿）\n\n", "")
    with pytest.raises(IngestError, match="no title line"):
        parse_policy(text)


def test_error_messages_are_one_line():
    for text in ("", minimal_document([1, 1]), SOURCE[: SOURCE.index("勤勉尽责")]):
        with pytest.raises(IngestError) as caught:
            parse_policy(text)
        assert "\n" not in str(caught.value)


# Small documents


def test_a_minimal_document_parses():
    policy = parse_policy(minimal_document([1, 2]))
    assert policy.title == "测试若干措施"
    assert policy.status == "征求意见稿"
    assert [m.title for m in policy.measures] == ["措施1", "措施2"]
    assert policy.measures[0].body == "正文1。"
    assert policy.effective_note == "自公布之日起施行"
    assert policy.expires_on is None


def test_half_width_responsibility_with_commas_is_split_into_names():
    text = minimal_document([1], responsibility="(责任单位:市经信局,市科创局、各区人民政府)")
    assert parse_policy(text).measures[0].bureaus == ["市经信局", "市科创局", "各区人民政府"]


def test_text_between_a_chapter_heading_and_its_first_measure_is_reported():
    text = minimal_document([1]).replace("一、第一章\n\n", "一、第一章\n\n本章导语。\n\n")
    policy = parse_policy(text)
    assert len(policy.warnings) == 1
    assert "本章导语。" in policy.warnings[0]


def test_text_after_a_measures_responsibility_is_kept_and_reported():
    text = minimal_document([1, 2]).replace(
        "（责任单位：市经信局）\n\n2.", "（责任单位：市经信局）\n\n补充说明。\n\n2."
    )
    policy = parse_policy(text)
    assert "补充说明。" in policy.measures[0].body
    assert any("measure 1" in w and "补充说明。" in w for w in policy.warnings)


def test_a_responsibility_paragraph_after_a_page_break_belongs_to_its_measure():
    text = minimal_document([1, 2]).replace(
        "正文1。（责任单位：市经信局）", "正文1。\n\n（责任单位：市经信局、市财政局）"
    )
    policy = parse_policy(text)
    assert policy.measures[0].bureaus == ["市经信局", "市财政局"]
    assert policy.measures[0].body == "正文1。"
    assert policy.warnings == []


def test_bureau_names_reads_half_width_parentheses_directly():
    assert bureau_names("(责任单位:市经信局,各区人民政府)(责任单位：市经信局)") == [
        "市经信局",
        "各区人民政府",
    ]


def test_a_preamble_cut_by_a_page_break_is_one_paragraph():
    text = minimal_document([1]).replace("为测试，制定以下措施。", "为测试，\n\n制定以下措施。")
    assert parse_policy(text).preamble == "为测试，制定以下措施。"


def test_a_status_on_the_title_line_is_split_off():
    text = minimal_document([1]).replace(
        "测试若干措施\n\n（征求意见稿）", "测试若干措施(征求意见稿)"
    )
    policy = parse_policy(text)
    assert (policy.title, policy.status) == ("测试若干措施", "征求意见稿")


def test_a_title_broken_over_two_lines_is_joined():
    text = minimal_document([1]).replace("测试若干措施", "附件2\n\n武汉市测试\n若干措施")
    assert parse_policy(text).title == "武汉市测试若干措施"


def test_measures_before_any_chapter_go_into_chapter_0():
    text = minimal_document([1, 2]).replace("一、第一章\n\n", "")
    policy = parse_policy(text)
    assert [(c.number, c.title, len(c.measures)) for c in policy.chapters] == [(0, "", 2)]
