"""The CPPCC reply parser on the four fixture replies: header, bureaus, sections, no text lost."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import cn2an
import pytest

from ingest.errors import IngestError
from ingest.reply.parser import parse_reply
from ingest.text import CJK, clean_lines
from ingest.types import ParsedReply, ParsedSection

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
R000 = "000_406adca998e2ee8f.txt"
R001 = "001_b90b991a7ffb17d7.txt"
R002 = "002_97421f7f839ef75e.txt"
R004 = "004_81efc7f799357bbe.txt"
ALL = [R000, R001, R002, R004]


def source(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def parse(name: str) -> ParsedReply:
    return parse_reply(source(name))


def headings(sections: list[ParsedSection]) -> list[str]:
    return [s.heading for s in sections]


@pytest.mark.parametrize(
    ("name", "number", "session", "date"),
    [
        (R000, "20250597", "十四届四次会议", None),
        (R001, None, "", dt.date(2024, 7, 26)),
        (R002, "20230314", "十四届二次会议", dt.date(2023, 8, 22)),
        (R004, "20230100", "十四届二次会议", dt.date(2023, 8, 22)),
    ],
)
def test_each_reply_yields_its_proposal_number_session_and_date(name, number, session, date):
    reply = parse(name)
    assert reply.proposal_number == number
    assert reply.session == session
    assert reply.date == date


def test_the_2025_reply_keeps_its_title_and_names_its_co_handling_bureaus_but_not_itself():
    reply = parse(R000)
    assert reply.title == "对市政协十四届四次会议第20250597号提案的答复"
    assert reply.bureau is None
    assert reply.co_bureaus == ["市商务局", "市经信局", "市人才工作局", "市委金融办"]
    assert reply.intro.startswith("感谢您对我市科技型中小企业发展的关心与支持")
    assert reply.intro.endswith("为武汉具有全国影响力的科技创新高地建设提供高质量支撑。")
    assert any("answering bureau not named" in w for w in reply.warnings)
    assert any("no date" in w for w in reply.warnings)
    assert reply.signature == "" and reply.published_at is None and reply.source_office == ""


def test_the_signed_reply_takes_bureau_and_date_from_its_signature_and_derives_a_title():
    reply = parse(R001)
    assert reply.bureau == "武汉市经济和信息化局"
    assert reply.signature == "武汉市经济和信息化局"
    assert reply.title == "武汉市经济和信息化局关于专精特新企业高质量发展建议的答复"
    assert any("title derived" in w for w in reply.warnings)
    assert not any("answering bureau not named" in w for w in reply.warnings)
    assert reply.co_bureaus == []


@pytest.mark.parametrize(
    ("name", "published_at"),
    [(R002, dt.datetime(2023, 8, 22, 19, 35)), (R004, dt.datetime(2023, 8, 22, 20, 50))],
)
def test_web_page_replies_carry_their_publication_time_and_source_office(name, published_at):
    reply = parse(name)
    assert reply.published_at == published_at
    assert reply.source_office == "办公室"
    assert reply.bureau is None
    assert any("answering bureau not named" in w for w in reply.warnings)
    assert "今天是" not in reply.intro + reply.title


def test_co_handling_bureaus_come_from_the_intro_only_not_from_a_section_activity():
    reply = parse(R004)
    assert "会同市税务局" in reply.sections[0].children[1].children[0].text
    assert reply.co_bureaus == []


def test_the_2025_reply_has_four_top_sections_with_their_headings():
    reply = parse(R000)
    assert headings(reply.sections) == [
        "强化主体培育，提升科技型中小企业创新能级",
        "强化要素聚集，营造科技型中小企业创新生态",
        "加速成果转化，推动科技型中小企业创新发展",
        "加强国际交流合作，拓展科技型中小企业海外市场",
    ]
    assert [len(s.children) for s in reply.sections] == [3, 3, 3, 2]
    first = reply.sections[0].children[0]
    assert (first.level, first.number, first.heading) == (2, 1, "完善创新主体梯度培育")
    assert first.text.startswith("实施初创科技企业“育苗”")


def test_numbered_items_inside_a_paragraph_become_children_of_that_paragraph():
    reform = parse(R000).sections[1].children[0]
    assert reform.heading == "深化“放管服”改革"
    assert reform.text == ""
    assert [(c.level, c.number) for c in reform.children] == [(3, 1), (3, 2)]
    assert headings(reform.children) == ["优化企业开办流程", "健全企业服务体系"]
    assert reform.children[0].text.startswith("聚焦企业开办环节多")
    assert reform.children[1].text.startswith("建立656个中小企业服务工作站")


def test_headings_on_their_own_line_keep_the_items_and_text_below_them():
    reply = parse(R004)
    assert headings(reply.sections) == [
        "关于坚持市场主导",
        "关于加强知识产权保护",
        "关于创建成果转化生态",
        "关于完善科技金融体系",
    ]
    cultivate = reply.sections[0].children[0]
    assert cultivate.heading == "培育市场主体提升承接能力"
    assert headings(cultivate.children) == ["开展科技型企业梯次培育", "培大育强科技领军企业"]
    assert [c.number for c in reply.sections[0].children[1].children] == [1, 2, 3, 4]
    attack = reply.sections[2].children[0]
    assert attack.heading == "开展关键核心技术攻关"
    assert attack.text.startswith("2021年起，围绕")
    assert attack.children == []


def test_the_signed_reply_has_five_top_sections_each_with_subsections():
    reply = parse(R001)
    assert [s.number for s in reply.sections] == [1, 2, 3, 4, 5]
    assert [len(s.children) for s in reply.sections] == [3, 2, 2, 2, 3]
    assert reply.sections[4].heading == "优化融资环境，融资促进企业成长"
    assert reply.sections[4].children[0].heading == "建设“专精特新”专板，引金融活水"


def test_a_heading_run_into_its_text_is_cut_where_the_text_starts_and_nothing_is_lost():
    reply = parse(R002)
    built = reply.sections[2].children[0]
    assert built.heading == "新型研发机构建设成效显现"
    assert built.text.startswith("我市市级挂牌成立的新型研发机构有20家")
    assert any("新型研发机构建设成效显现" in w for w in reply.warnings)


@pytest.mark.parametrize("name", [R001, R002, R004])
def test_next_steps_hold_the_paragraph_that_starts_with_next_step(name):
    reply = parse(name)
    assert reply.next_steps.startswith("下一步")
    assert "武汉市经济和信息化局" not in reply.next_steps
    assert "2024年7月26日" not in reply.next_steps


def test_a_reply_without_a_next_step_paragraph_has_empty_next_steps():
    assert parse(R000).next_steps == ""


def marked(section: ParsedSection) -> str:
    numeral = cn2an.an2cn(section.number)
    marker = {1: f"{numeral}、", 2: f"（{numeral}）", 3: f"{numeral}是"}[section.level]
    return "".join([marker, section.heading, section.text, *(marked(c) for c in section.children)])


def cjk(text: str) -> str:
    return "".join(re.findall(f"[{CJK}]", text))


@pytest.mark.parametrize("name", ALL)
def test_every_chinese_character_of_the_body_ends_up_in_the_reply_in_order(name):
    reply = parse(name)
    body = [
        line
        for line in clean_lines(source(name))
        if line and line != reply.title and not line.startswith("发布时间")
    ]
    if reply.signature:
        assert body[-1] == f"{reply.date.year}年{reply.date.month}月{reply.date.day}日"
        body = body[:-1]
    rebuilt = (
        reply.intro
        + "".join(marked(s) for s in reply.sections)
        + reply.next_steps
        + reply.signature
    )
    assert cjk(rebuilt) == cjk("".join(body))


def test_sections_carry_themes_tiers_and_figures_of_their_own_text():
    first = parse(R000).sections[0].children[0]
    assert {"gazelle", "high-tech", "tech-leader"} <= set(first.tiers)
    assert "cultivation" in first.themes
    figures = {(f.quantity, f.unit): f for f in first.figures}
    assert figures[(Decimal(16600), "家")].subject == "高新技术企业"
    assert figures[(Decimal(70), "家")].tier == "gazelle"
    finance = parse(R000).sections[1].children[1]
    assert "financing" in finance.themes


def test_figures_take_the_year_of_their_paragraph_or_the_reply():
    reply = parse(R004)
    cultivation = reply.sections[0].children[0].children[0]
    high_tech = next(f for f in cultivation.figures if f.quantity == 12654)
    assert (high_tech.unit, high_tech.year, high_tech.tier) == ("家", 2022, "high-tech")
    signed = parse(R001)
    money = {f.quantity: f for f in signed.sections[0].children[0].figures}
    assert money[Decimal(4110)].unit == "万元" and money[Decimal(4110)].year == 2024
    assert money[Decimal(111)].tier == "little-giant"
    loans = [f for s in signed.sections[4].children for f in s.figures if f.unit == "亿元"]
    assert [(f.quantity, f.year) for f in loans] == [(Decimal("5483.86"), 2024)]
    # 000 has no date: its year comes from the proposal number 20250597.
    assert (
        next(f for f in parse(R000).sections[0].children[0].figures if f.unit == "%").year == 2025
    )


def test_text_without_numbered_sections_is_refused_with_the_reason():
    text = "对市政协十四届二次会议第20230001号提案的答复\n感谢您的建议。我局将认真研究。\n"
    with pytest.raises(IngestError, match="no numbered sections"):
        parse_reply(text)


def test_text_with_only_a_header_is_refused():
    with pytest.raises(IngestError, match="no body text"):
        parse_reply("今天是:\n对市政协十四届二次会议第20230001号提案的答复\n")


def test_a_policy_document_with_numbered_chapters_is_not_taken_for_a_reply():
    text = (FIXTURES / "003_37a99eada62a0cb8.txt").read_text(encoding="utf-8")
    with pytest.raises(IngestError, match="no sign of a reply"):
        parse_reply(text)
