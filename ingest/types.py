"""What the parsers produce: plain data, no database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class ParsedTarget:
    subject: str  # what is counted or paid: "专精特新中小企业", "技术改造补助设备投资额门槛"
    quantity: Decimal  # 4000, 500 (万元 kept as unit, not multiplied out)
    unit: str  # "家", "万元", "场", "个次", "折", "年"
    kind: str  # "cumulative" (by a year), "per_year", "threshold", "money"
    text: str  # the exact source clause, e.g. "4000家专精特新中小企业"
    year: int | None = None  # 2028 for "到2028年"
    comparator: str = ""  # the qualifier ("以上", "不少于", "左右", …): see ingest/qualifiers.py
    tier: str | None = None  # tier slug when the subject is a tier
    per: str = ""  # "每条产业链": asked of each chain (park, district …), "" for the whole city


BENEFIT_KINDS = (
    "amount",  # a sum paid: "给予一次性奖励50万元", "最高补助100万元"
    "rate",  # a share or rate: "按设备投资的10%给予补助", "担保费率不超过1%"
    "threshold",  # a figure one must reach to qualify: "设备投资额门槛调整为500万元"
    "waiver",  # a charge waived or reduced: "3年租金免缴", "不增收土地出让金", "减免一定使用费"
    "discount",  # a price cut: "租金7折优惠"
    "support",  # support, a reward or subsidy of no stated amount: "给予相应支持"
    "service",  # a service given: "提供知识产权服务"
    "priority",  # precedence or a fast track: "优先受理", "快速审查", "即来即报"
    "eligibility",  # a route opened to those who qualify: "可直接申报高级职称"
)


@dataclass
class ParsedBenefit:
    """What a measure gives, and to whom, as one line of its text (ingest/policy/benefits.py)."""

    kind: str  # one of BENEFIT_KINDS
    text: str  # the source slice that states it, e.g. "对引进的其他全日制大学生给予租金7折优惠"
    recipient: str = ""  # who qualifies, as written after 对/为: "引进的其他全日制大学生"
    quantity: Decimal | None = None  # 7 for 7折, 100 for 100万元; None when no figure is stated
    unit: str = ""  # "万元", "%", "年" (of a waiver), "折"
    qualifier: str = ""  # 最高, 不高于, 以上 …: see ingest/qualifiers.py


@dataclass
class ParsedMeasure:
    number: int
    title: str  # heading sentence without its number and full stop: "完善梯度培育体系"
    body: str  # clean text after the heading, without the 责任单位 parenthesis
    bureaus: list[str]  # raw names as written, in order, exact repeats collapsed
    responsibility_text: str  # every 责任单位 parenthesis as written (normalised)
    tiers: list[str] = field(default_factory=list)  # tier slugs, in order of first mention
    themes: list[str] = field(default_factory=list)  # theme slugs
    targets: list[ParsedTarget] = field(default_factory=list)
    benefits: list[ParsedBenefit] = field(default_factory=list)


@dataclass
class ParsedChapter:
    number: int
    title: str  # "建强优质中小企业梯队，大力培育“根企业”"
    measures: list[ParsedMeasure] = field(default_factory=list)


@dataclass
class ParsedPolicy:
    title: str
    status: str  # "征求意见稿", or "" when the document states none
    preamble: str
    chapters: list[ParsedChapter]
    closing: str  # the validity paragraph at the end
    effective_note: str = ""  # "自公布之日起施行"
    expires_on: dt.date | None = None
    repeals: list[tuple[str, str]] = field(default_factory=list)  # (reference, title)
    reference_number: str = ""  # its own 文号 ("武政规〔2025〕3号"), when the header gives it
    warnings: list[str] = field(default_factory=list)

    @property
    def measures(self) -> list[ParsedMeasure]:
        return [m for c in self.chapters for m in c.measures]


FIGURE_KINDS = ("result", "target", "parameter")
FIGURE_SCOPES = ("", "per_year", "cumulative")


@dataclass
class ParsedFigure:
    subject: str  # "高新技术企业"; with its level when the sentence lists levels ("国家级…")
    quantity: Decimal  # 16600 for "1.66万家" (万/亿 multiplied out unless part of the unit)
    unit: str  # "家", "亿元", "万元", "人", "%", "项", "倍", "名" (a rank)
    text: str  # the exact source clause
    year: int | None = None  # the year the figure describes
    tier: str | None = None
    qualifier: str = ""  # "余", "超过", "近", "以上", "左右", "约", "不少于"…; "" when exact
    kind: str = "result"  # one of FIGURE_KINDS: a reported result, a target, a policy parameter
    scope: str = ""  # one of FIGURE_SCOPES: "per_year" (每年), "cumulative" (累计)
    year_assumed: bool = False  # no year in the sentence: `year` is the document's
    quantity_max: Decimal | None = None  # upper end of a range ("10%-20%": 10, max 20)


@dataclass
class ParsedSection:
    level: int  # depth: 1 for the document's first numbering style ("一、", or "建议一："), 2, 3
    number: int  # 1 for 一 / （一） / 一是 / 1.
    heading: str  # "强化主体培育，提升科技型中小企业创新能级"
    text: str  # the section's own text after the heading (children excluded)
    children: list[ParsedSection] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    tiers: list[str] = field(default_factory=list)
    figures: list[ParsedFigure] = field(default_factory=list)
    marker: str = ""  # as the document numbers it: "一、", "（二）", "三是", "1.", "建议一："


REPLY_KINDS = ("cppcc_proposal", "npc_suggestion", "unknown")


@dataclass
class ParsedReply:
    title: str
    proposal_number: str | None  # "20250597", "JY20250126", "21" (第21号提案)
    session: str  # "十四届四次会议", "市十五届人大五次会议", or ""
    date: dt.date | None  # published or signed
    bureau: str | None  # raw name of the answering bureau, None when the text says only "我局"
    co_bureaus: list[str]  # raw names after 会同
    intro: str
    sections: list[ParsedSection]
    next_steps: str  # the 下一步 paragraph(s)
    signature: str = ""  # the signing bureau line, if any
    published_at: dt.datetime | None = None
    source_office: str = ""  # "办公室" from "来源:"
    kind: str = "unknown"  # one of REPLY_KINDS, from what the reply says
    proposal_title: str = ""  # the 《…》 the reply answers: "关于…的建议"
    addressee: str = ""  # "曹建民代表", "XX委员" from an addressee line
    closing: str = ""  # the thanks ("感谢您对…的关心和支持") and contact lines after the body
    letterhead: str = ""  # a 答复函's lines above its title: bureau, 文号, 签发人
    reference_number: str = ""  # the reply letter's own 文号 ("武科函〔2024〕88号")
    figures: list[ParsedFigure] = field(default_factory=list)  # in the intro and next steps
    warnings: list[str] = field(default_factory=list)
