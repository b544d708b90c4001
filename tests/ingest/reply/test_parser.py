"""The CPPCC reply parser on the four fixture replies: header, bureaus, sections, no text lost."""

from __future__ import annotations

import datetime as dt
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ingest.errors import IngestError
from ingest.evaluation.reply import walk
from ingest.reply.parser import parse_reply
from ingest.text import CJK, clean_lines
from ingest.types import ParsedReply, ParsedSection

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"
VARIANTS_DIR = Path(__file__).resolve().parent / "documents"
VARIANTS = sorted(VARIANTS_DIR.glob("*.txt"))
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
        (R000, "20250597", "市政协十四届四次会议", None),
        (R001, None, "", dt.date(2024, 7, 26)),
        (R002, "20230314", "市政协十四届二次会议", dt.date(2023, 8, 22)),
        (R004, "20230100", "市政协十四届二次会议", dt.date(2023, 8, 22)),
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
    parts = [section.marker, section.heading, section.text]
    return "".join([*parts, *(marked(c) for c in section.children)])


def cjk(text: str) -> str:
    return "".join(re.findall(f"[{CJK}]", text))


AFTER_SIGNATURE = re.compile(r"^[（(]?(?:联系人|抄送|此件)")
CHROME = re.compile(r"^(?:发布时间|来源|分享|今天是)|^(?:\d{4}|[〇一二三四五六七八九]{4})年.+日$")


@pytest.mark.parametrize("path", [FIXTURES / n for n in ALL] + VARIANTS, ids=lambda p: p.name)
def test_every_chinese_character_of_the_body_ends_up_in_the_reply_in_order(path):
    text = path.read_text(encoding="utf-8")
    reply = parse_reply(text)
    body = [
        line.removeprefix("尊敬的")  # the salutation is not part of the addressee
        for line in clean_lines(text)
        if line and not CHROME.match(line)
    ]
    body = [line for line in body if line != reply.title]
    plans = reply.sections and "下一步" in reply.sections[-1].heading
    rebuilt = (
        reply.letterhead
        + reply.addressee
        + reply.intro
        + "".join(marked(s) for s in reply.sections)
        + ("" if plans else reply.next_steps)
        + "".join(c for c in reply.closing.split("\n") if not AFTER_SIGNATURE.match(c))
        + reply.signature
        + "".join(c for c in reply.closing.split("\n") if AFTER_SIGNATURE.match(c))
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


def test_a_reply_of_thanks_alone_is_refused_for_having_no_body():
    text = "对市政协十四届二次会议第20230001号提案的答复\n感谢您的建议。我局将认真研究。\n"
    with pytest.raises(IngestError, match="no body text"):
        parse_reply(text)


def test_text_with_only_a_header_is_refused():
    with pytest.raises(IngestError, match="no body text"):
        parse_reply("今天是:\n对市政协十四届二次会议第20230001号提案的答复\n")


def test_a_policy_document_with_numbered_chapters_is_not_taken_for_a_reply():
    text = (FIXTURES / "003_37a99eada62a0cb8.txt").read_text(encoding="utf-8")
    with pytest.raises(IngestError, match="no sign of a reply"):
        parse_reply(text)


# Layout variants: tests/ingest/reply/documents/, with their gold in tests/gold/variants/.


def variant_gold(path: Path) -> dict:
    gold_file = Path(__file__).resolve().parents[2] / "gold" / "variants" / f"{path.stem}.toml"
    with gold_file.open("rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize("path", VARIANTS, ids=lambda p: p.stem)
def test_each_layout_variant_parses_with_its_kind_number_session_date_titles_and_sections(path):
    gold = variant_gold(path)
    reply = parse_reply(path.read_text(encoding="utf-8"))
    for key, want in gold["reply"].items():
        if key.endswith("_starts"):
            assert getattr(reply, key.removesuffix("_starts")).startswith(want), key
            continue
        got = getattr(reply, key)
        if isinstance(got, dt.date):
            got = got.isoformat()
        assert (got if got is not None else "") == want, key
    paths = [f"{p} {s.heading}" for p, s in walk(reply.sections)]
    assert paths == gold["sections"]


def test_a_reply_without_numbered_sections_keeps_its_body_and_figures():
    reply = parse_reply((VARIANTS_DIR / "short_county.txt").read_text(encoding="utf-8"))
    assert reply.sections == []
    assert reply.intro.startswith("您提出的《关于支持江夏区科技型中小企业发展的提案》收悉")
    assert "2024年，我区新增高新技术企业86家" in reply.intro
    assert reply.closing == "感谢您对我区科技工作的关心和支持。"
    assert [(f.quantity, f.unit) for f in reply.figures][:2] == [(86, "家"), (612, "家")]
    assert any("no numbered sections" in w for w in reply.warnings)


def test_suggestion_points_hold_their_handling_report_and_numbered_items():
    reply = parse_reply((VARIANTS_DIR / "npc_delegates_suggestions.txt").read_text("utf-8"))
    first = reply.sections[0]
    assert (first.marker, first.heading, first.text) == (
        "建议一：",
        "加大数字化改造资金支持",
        "办理情况：",
    )
    assert [c.marker for c in first.children] == ["1.", "2."]
    assert reply.kind == "npc_suggestion" and reply.proposal_number is None


def test_the_kind_comes_from_what_the_reply_says_never_from_the_word_suggestion_alone():
    base = "一、工作情况\n2024年，新增企业10家。\n\n武汉市经济和信息化局\n2024年7月1日\n"
    assert parse_reply("您的建议收悉。\n" + base).kind == "unknown"
    assert parse_reply("您提出的《关于X的建议》收悉。\n" + base).kind == "unknown"
    assert parse_reply("王XX代表：\n您的建议收悉。\n" + base).kind == "npc_suggestion"
    assert parse_reply("王XX委员：\n您的建议收悉。\n" + base).kind == "cppcc_proposal"
    assert parse_reply("您领衔提出的第5号提案收悉。\n" + base).proposal_number == "5"


def test_a_signature_may_put_the_date_on_the_bureau_line_or_stack_two_bureaus():
    body = "对市政协十四届五次会议第30号提案的答复\n一、工作情况\n新增企业10家。\n"
    one = parse_reply(body + "武汉市财政局 2025年5月6日\n")
    assert (one.signature, one.date) == ("武汉市财政局", dt.date(2025, 5, 6))
    two = parse_reply(body + "武汉市财政局\n武汉市商务局\n二〇二五年五月六日\n")
    assert (two.signature, two.bureau, two.date) == (
        "武汉市财政局\n武汉市商务局",
        "武汉市财政局",
        dt.date(2025, 5, 6),
    )
