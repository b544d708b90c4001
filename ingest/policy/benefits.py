"""What a measure gives and to whom (its benefits), from its text: pure, no database.

Chinese policy measures state what an enterprise gets in a few set forms, read here sentence by
sentence (split at 。！？；) and clause by clause (split at ，：):

* **who qualifies** opens the sentence: "对新认定的…企业，…", "对于符合条件的…", "分别对获得…的",
  "鼓励各区对…给予", or "为入选人才提供…". The recipient runs from 对 to the grant verb
  ("对引进的其他全日制大学生|给予…"), or over whole clauses while they still describe it (a clause
  ending in 的 or 后, or holding a 的: "对新纳入规模以上工业企业，进规后第二年稳在规上的，|给予…").
  A figure inside it is a **threshold** ("对年营业收入首次突破1亿元的企业" → 1亿元, 超过).
* **what is given**, one line per clause (the most specific kind wins), or one per figure where a
  clause lists several ("博士后人才3年租金免缴、全日制博士研究生2年租金免缴…"):

  - amount: a sum in 元/万元/亿元 ("给予一次性奖励50万元", "最高不超过200万元");
  - rate: a percentage in a clause that pays or charges ("按设备投资的10%给予补助", "担保费率不超过1%");
  - threshold: a figure with 门槛 ("设备投资额门槛调整为500万元"), or inside the recipient;
  - waiver: 免缴/免收/免征/减免/减半/免费/不增收 of a charge ("3年租金免缴" → 3 年,
    "不增收土地出让金", "减免一定使用费"); a waived liability ("免除相关责任") is no benefit;
  - discount: N折 ("租金7折优惠" → 7 折);
  - service: a service given or provided ("提供知识产权服务", "对…的项目，组织…开展陪跑服务");
  - priority: 优先受理/优先备案/快速审查/即来即报/绿色通道;
  - eligibility: a route opened ("可直接申报高级职称", "可采用长期租赁…等多种供应方式");
  - support: support, a reward, a subsidy or 贴息 of no stated amount ("给予相应支持",
    "给予一定补助", "按政策为入选人才提供资金支持").

  "支持企业建立研发机构" (支持 as a verb: encouraging) and activities the city runs ("开展…对接活动")
  are not benefits: nothing is given.

`text` is the source slice stating the benefit: from 对 (the recipient's start) to the end of the
clause, or, without a recipient, from the clause before (its context: "专精特新“小巨人”企业申请技术
改造补助，设备投资额门槛调整为500万元") when that clause states nothing itself. A figure listed
with others keeps only its own item ("全日制博士研究生2年租金免缴"). Qualifier words come from
`ingest/qualifiers.py` (the first before the figure wins: "最高不超过200万元" is 最高).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .. import qualifiers
from ..text import parse_numeral, plain_decimal
from ..types import ParsedBenefit

_SENTENCE_RE = re.compile(r"[^。！？；\n]+")
_CLAUSE_RE = re.compile(r"[^，：]+")
_NUM = r"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*)"
# Money: 万/亿 stay in the unit (100万元 is 100 万元).
_MONEY_RE = re.compile(rf"(?<![\d.A-Za-z]){_NUM}\s?(?P<unit>[万亿千]?元|万美元)")
_RATE_RE = re.compile(
    r"(?<![\d.A-Za-z])(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>%|‰|个百分点)"
    r"(?:\s?[-—~～至到]\s?\d+(?:\.\d+)?\s?(?:%|‰|个百分点)?)?"
)
_RATE_CONTEXT_RE = re.compile(r"率|比例|贴息|补助|补贴|奖励|资助|奖补|LPR|担保|返还|下浮|给予")
_WAIVER_YEARS_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+|[一二两三四五六七八九十]+)\s?年内?"
    r"[^，、；。和及]{0,6}?(?:免缴|免收|免交|免征|减免|减半|免租|全免|免费)"
)
_DISCOUNT_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+(?:\.\d+)?|[一二三四五六七八九])\s?折(?![旧算扣])(?:优惠)?"
)
# A charge waived: the verb, then (or before it) a word for money owed.
_WAIVER_RE = re.compile(
    r"免费|(?:免缴|免收|免交|免征|减免|减半收取|减半征收|不增收|不收取|免于缴纳|免除)"
    r"[^，]{0,8}?(?:租金|房租|费|金|税|息)|(?:租金|房租|费用?)(?:免缴|免收|全免|减半)"
)
_PRIORITY_RE = re.compile(
    r"优先(?:为|给予)?(?:受理|处理|审批|审查|办理|备案|支持|保障|安排|推荐|纳入|供地|使用|办结)"
    r"|快速(?:审查|审批|办理|通道|确权)|即来即报|即报即审|绿色通道|容缺受理|并联审批"
)
_ELIGIBILITY_RE = re.compile(r"可(?:以)?(?:直接|优先)?(?:申报|申请|享受|采用|参照|选择|认定为)")
_SERVICE_RE = re.compile(r"(?:给予|提供|予以)[^，]*服务(?:保障)?|实施[^，]*保障")
_SUPPORT_RE = re.compile(
    r"(?:给予|予以)[^，]*|提供[^，]*(?:支持|资金|补助|补贴|奖励)|(?:贷款)?贴息"
)
# The verbs that give something, shared by the two tests below.
_GRANT_VERBS = "给予|予以|提供|补助|补贴|奖励|资助|奖补|扶持|贴息|支持"
# A clause that pays or charges something, so a bare figure in it is a benefit.
_GRANT_WORD_RE = re.compile(_GRANT_VERBS + "|返还|最高|不超过")
# What ends a recipient inside its own clause: the verb that gives.
_RECIPIENT_END_RE = re.compile(r"给予|予以|提供|实施|按照|按|组织|开展|进行|根据")
_RECIPIENT_RE = re.compile(r"^\s*(?P<lead>[^对]{0,6}?)(?P<word>对于|对)(?![接标象外比照应话于])")
_FOR_RE = re.compile(r"为(?P<who>[^，为]{2,30}?)提供")
# Verbs that give: a clause without one only adds to the benefit before it ("，最高不超过…").
_GIVE_RE = re.compile(_GRANT_VERBS + "|免|减|优先|可")
_ACTION_RE = re.compile(
    r"\s*(?:组织|开展|推动|建立|建设|加强|完善|深化|实施|提供|给予|予以|做好|帮助|鼓励|支持|"
    r"发挥|强化|提升|推进|促进|引导|优化|探索|坚持|落实|在|围绕|聚焦|依托|通过|结合)"
)
_THRESHOLD_WORD_RE = re.compile(r"门槛|起点|起步")
_CONDITION_WORD_RE = re.compile(
    r"达到|突破|超过|不低于|不少于|以上的|以上$|增长|占|营业收入|产值|投资额"
)
_ITEM_BOUNDARY_RE = re.compile(r"[、和及]|按照|按|给予|对于|对")


@dataclass
class _Found:
    kind: str
    start: int  # in the sentence
    end: int
    quantity: Decimal | None = None
    unit: str = ""
    qualifier: str = ""
    own_text: bool = False  # one of several figures in a clause: its item is its text


def _value(num: str) -> Decimal | None:
    try:
        return plain_decimal(parse_numeral(num))
    except (ValueError, InvalidOperation, KeyError):
        return None


def _qualifier(clause: str, start: int, end: int) -> str:
    """The qualifier of the figure at clause[start:end]: the nearest run of qualifier words
    before it in its clause (no figure between), else a word right after it."""
    window = re.split(r"[\d、]", clause[max(0, start - 14) : start])[-1]
    found = list(re.finditer(qualifiers.BEFORE_PATTERN, window))
    if found:
        # The last run of words before the figure, and its first word ("最高不超过": 最高).
        index = len(found) - 1
        while index and found[index - 1].end() == found[index].start():
            index -= 1
        return qualifiers.BEFORE[found[index].group(0)]
    after = re.match(qualifiers.AFTER_PATTERN, clause[end:])
    return qualifiers.AFTER[after.group(0)] if after else ""


def _figures(clause: str, offset: int, condition: bool) -> list[_Found]:
    """Money, rates, years of waiver and discounts in one clause (or recipient, if
    `condition`: then each money or rate figure is a threshold)."""
    found: list[_Found] = []
    threshold_clause = bool(_THRESHOLD_WORD_RE.search(clause))
    for m in _MONEY_RE.finditer(clause):
        quantity = _value(m.group("num"))
        if quantity is None:
            continue
        before = clause[: m.start()]
        # A sum one must reach ("投资额达到500万元的") rather than one paid.
        reached = _CONDITION_WORD_RE.search(before) and not _GRANT_WORD_RE.search(before)
        kind = "threshold" if condition or threshold_clause or reached else "amount"
        found.append(
            _Found(
                kind,
                offset + m.start(),
                offset + m.end(),
                quantity,
                m.group("unit"),
                _qualifier(clause, m.start(), m.end()),
            )
        )
    for m in _RATE_RE.finditer(clause):
        quantity = _value(m.group("num"))
        if quantity is None:
            continue
        before = clause[: m.start()]
        if condition or threshold_clause:
            kind = "threshold"
        elif "按" in before or _GRANT_WORD_RE.search(clause):
            kind = "rate"  # "按设备投资额的10%给予补助"
        elif _CONDITION_WORD_RE.search(before):
            kind = "threshold"  # "研发投入占比达到5%的企业"
        elif _RATE_CONTEXT_RE.search(clause):
            kind = "rate"
        else:
            continue  # a share in passing ("占比达到5%")
        unit = "%" if m.group("unit") == "个百分点" else m.group("unit")
        found.append(
            _Found(
                kind,
                offset + m.start(),
                offset + m.end(),
                quantity,
                unit,
                _qualifier(clause, m.start(), m.end()),
            )
        )
    if condition:
        return found
    for m in _WAIVER_YEARS_RE.finditer(clause):
        quantity = _value(m.group("num"))
        if quantity is not None:
            found.append(_Found("waiver", offset + m.start(), offset + m.end(), quantity, "年"))
    for m in _DISCOUNT_RE.finditer(clause):
        quantity = _value(m.group("num"))
        if quantity is not None:
            found.append(_Found("discount", offset + m.start(), offset + m.end(), quantity, "折"))
    found.sort(key=lambda f: f.start)
    if len(found) > 1:
        for f in found:
            f.own_text = True
    return found


def _plain_kind(segment: str) -> str | None:
    """The kind of benefit a clause without figures states, the most specific first."""
    if _WAIVER_RE.search(segment):
        return "waiver"
    if _SERVICE_RE.search(segment):
        return "service"
    if _PRIORITY_RE.search(segment):
        return "priority"
    if _ELIGIBILITY_RE.search(segment):
        return "eligibility"
    if _SUPPORT_RE.search(segment):
        return "support"
    return None


def _item_start(sentence: str, floor: int, pos: int) -> int:
    """Where the listed item holding the figure at `pos` starts ("、全日制博士研究生|2年…")."""
    cuts = [m.end() for m in _ITEM_BOUNDARY_RE.finditer(sentence, floor, pos)]
    return cuts[-1] if cuts else floor


def _describes_recipient(clause: str) -> bool:
    """A clause that still says who qualifies ("进规后第二年稳在规上的", "维权胜诉后"), not one
    that acts ("组织专业服务团队开展…的陪跑服务")."""
    if clause.endswith("的"):  # "在沪深交易所上市的"
        return True
    if _ACTION_RE.match(clause) or clause.endswith("服务"):
        return False
    return clause.endswith(("的", "后", "者")) or "的" in clause


def _sentence_benefits(sentence: str) -> list[ParsedBenefit]:
    clauses = [(m.start(), m.end()) for m in _CLAUSE_RE.finditer(sentence)]
    out: list[ParsedBenefit] = []
    recipient, recipient_start, recipient_open = "", -1, False
    recipient_used = False
    used_until = 0  # the end of the last benefit's text
    used_until_start = 0  # where the last benefit's text starts
    previous: tuple[int, int] | None = None  # the clause before, when it stated nothing
    for cs, ce in clauses:
        clause = sentence[cs:ce]
        segment_start = cs
        opened = _RECIPIENT_RE.match(clause)
        if opened:
            body_start = opened.end()
            end = _RECIPIENT_END_RE.search(clause, body_start)
            trigger = _PRIORITY_RE.search(clause, body_start)
            stops = [m.start() for m in (end, trigger) if m]
            stop = min(stops) if stops else len(clause)
            recipient = clause[body_start:stop].strip()
            recipient_start, recipient_used = cs + opened.start("word"), False
            recipient_open = stop == len(clause)
            segment_start = cs + stop
        elif recipient_open and not _has_benefit(clause) and _describes_recipient(clause):
            recipient += "，" + clause.strip()
            continue
        else:
            recipient_open = False
        if opened is None and not recipient and (who := _FOR_RE.search(clause)):
            recipient, recipient_start, recipient_used = who.group("who"), cs, False
        elif (
            opened is None
            and not recipient
            and _describes_recipient(clause)
            and _plain_kind(clause) is None
            and all(f.kind == "threshold" for f in _figures(clause, 0, condition=False))
        ):
            # "研发投入占比达到5%的企业，给予…": who qualifies, without 对
            recipient, recipient_start, recipient_open = clause.strip(), cs, True
            recipient_used = False
            continue
        if recipient_start >= 0 and not recipient_used and segment_start == ce:
            continue  # the clause only names who qualifies
        segment = sentence[segment_start:ce]
        found = _figures(segment, segment_start, condition=False)
        if not found:
            kind = _plain_kind(segment)
            if (
                kind is None
                and recipient
                and not recipient_used
                and segment.rstrip().endswith("服务")
            ):
                kind = "service"
            if kind:
                found = [_Found(kind, segment_start, ce)]
        if not found:
            previous = (cs, ce) if cs >= used_until else None
            continue
        if recipient and not recipient_used:
            out.extend(_thresholds_in(sentence[recipient_start:segment_start], recipient))
        for f in found:
            if f.own_text:
                text_start = _item_start(sentence, max(segment_start, used_until), f.start)
                text = sentence[text_start : f.end]
            else:
                if recipient and not recipient_used:
                    text_start = recipient_start
                elif previous is not None and not _GRANT_WORD_RE.search(segment):
                    text_start = previous[0]
                elif out and f.quantity is not None and not _GIVE_RE.search(segment):
                    text_start = used_until_start  # a cap after its benefit: "，最高…"
                elif previous is not None:
                    text_start = previous[0]
                else:
                    text_start = cs
                text = sentence[text_start:ce]
            used_until_start = text_start
            out.append(
                ParsedBenefit(
                    kind=f.kind,
                    text=text.strip(),
                    recipient=recipient,
                    quantity=f.quantity,
                    unit=f.unit,
                    qualifier=f.qualifier,
                )
            )
        recipient_used = recipient_used or bool(recipient)
        used_until = ce
        previous = None
    return out


def _has_benefit(clause: str) -> bool:
    return bool(_figures(clause, 0, condition=False)) or _plain_kind(clause) is not None


def _thresholds_in(text: str, recipient: str) -> list[ParsedBenefit]:
    """A figure in who qualifies is the bar to reach ("对年营业收入首次突破1亿元的企业")."""
    text = text.strip().rstrip("，")
    return [
        ParsedBenefit(
            kind="threshold",
            text=text,
            recipient=recipient,
            quantity=f.quantity,
            unit=f.unit,
            qualifier=f.qualifier,
        )
        for f in _figures(recipient, 0, condition=True)
    ]


def extract_benefits(text: str) -> list[ParsedBenefit]:
    """Every benefit `text` states, in source order (see the module doc)."""
    out: list[ParsedBenefit] = []
    for sentence in _SENTENCE_RE.finditer(text):
        out.extend(_sentence_benefits(sentence.group(0)))
    return out
