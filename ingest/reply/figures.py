"""Statistics quoted in reply text: "全市高新技术企业达到1.66万家" becomes 16600 家 高新技术企业.

Pure: text in, `ParsedFigure`s out. The choices, so a reader can predict the output (the gold
conventions in tests/gold/README.md say the same from the reader's side):

- A figure is a number followed by a unit from `UNITS` ("家", "项", "人", "亿元", "%", "倍"...), or
  a rank ("全国第6名", "排名第六": unit "名", subject "全国排名"). Not figures: years, durations,
  numbers without a unit ("0.5天", "7环节", "2+X"), ordinals that are not ranks ("第二轮"), numbers
  inside “…”, 《…》 or 〔…〕 (slogans, titles, 文号), single-character Chinese numerals that are
  wording ("四个计划", "一批"; "百余种" is a figure).
- 万/亿 are multiplied out ("1.66万家" -> 16600 家) except in money units, where they are part of
  the unit ("361亿元" -> 361 亿元). A range ("6%-10%") is one figure: its lower end, and its upper
  end in `quantity_max`.
- qualifier: one canonical word for the approximations and bounds around the number (`QUALIFIERS`):
  "750余项" -> 余, "超过1.4万次"/"超700人" -> 超过, "近48.71%" -> 近, "90%以上" -> 以上.
- subject: the noun phrase after the unit ("遴选出70家武汉市科技创新瞪羚企业"), else the phrase
  before the number without scope words, verbs and qualifiers ("全市高新技术企业达到1.66万家");
  the phrase before wins when the number follows a linking verb ("总数达76家储备…") and for % and
  倍. An enumeration joined by 、 or 和 stays whole ("5个新兴、未来产业"); after 等 only the
  category counts ("…等活动10场" -> 活动). Lists are distributed: "国家级、省级、市级X分别为7家、
  34家、60家" gives 国家级X, 省级X, 市级X; "A、B案件各1件" gives one figure per item; "其中国家级
  16家" is 国家级 + the total's subject; a growth rate takes the subject of the figure it follows
  ("贷款余额…，同比增长10.53%"); "已举办28期" takes what the sentence said was 举办.
- year: the last time marker before the figure in its paragraph ("2022年，…", "截至2024年7月",
  "2021年以来" and "今年"/"目前" meaning the document's year, "去年"); a year inside a noun
  phrase ("开展2024年育苗计划") is not a marker, and one right before the number ("2024年200家")
  dates only that figure. Without a marker the year is `default_year` and `year_assumed` is set.
- scope: "cumulative" for figures after 累计 in the same sentence; "per_year" for the last figure of
  a clause after 每年.
- kind: "target" when the sentence says what is to be reached (力争, 到2027年, 预计…) or the text is
  a plan (`default_kind`); "parameter" for a policy's rule (a cap, a bound, a rate, what is given
  per enterprise or project, a range); else "result".
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal

import cn2an

from ingest import qualifiers
from ingest.text import CJK
from ingest.types import ParsedFigure
from ingest.vocab import find_tiers

MONEY_UNITS = ("万美元", "亿美元", "万元", "亿元", "美元", "元")
COUNT_UNITS = (
    "平方米", "人次", "家次", "个次", "批次", "家", "个", "项", "人", "名", "场",
    "次", "批", "件", "起", "笔", "支", "期", "户", "条", "份", "篇", "种", "所",
    "座", "台", "套", "位", "亩", "倍", "%",
)  # fmt: skip
UNITS = MONEY_UNITS + COUNT_UNITS
# The qualifiers as written, and the one word each is stored as (ingest/qualifiers.py).
QUALIFIERS = {**qualifiers.BEFORE, **qualifiers.APPROXIMATE, **qualifiers.AFTER}
# Bounds and caps may stand a few words before the number: "最高补助100万元", "不高于市场标准70%".
_BOUNDS = [w for w, c in qualifiers.BEFORE.items() if c in ("最高", "不高于", "不少于")]
_UNIT_RE = re.compile("|".join(map(re.escape, sorted(UNITS, key=len, reverse=True))))
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUMBER = re.compile(
    rf"(?<![\d.,A-Za-z])(?P<ar>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>[万亿])?"
    rf"|(?P<cn>[{_CN_DIGITS}]+)"
)
_BETWEEN = re.compile(qualifiers.APPROXIMATE_PATTERN)
_AFTER = re.compile(f"{qualifiers.AFTER_PATTERN}|多")
_BEFORE = re.compile(f"(?:{qualifiers.BEFORE_PATTERN})$")
_BOUND_BEFORE = re.compile(f"({'|'.join(sorted(_BOUNDS, key=len, reverse=True))})[{CJK}]{{0,6}}$")
_GIVEN = re.compile(f"给予([{CJK}]{{2,6}}?)(?=[，。；]|$)")
_AID = re.compile("补助|奖励|资助|补贴|支持|贴息|奖补")
_RANGE_AFTER = re.compile(r"\s*(?:[-—~～]|至)\s*(?=\d)")
_RANK = re.compile(
    r"(?P<pre>排名|位居|名列|位列|居)?第(?P<n>\d+|[一二三四五六七八九十]{1,3})(?P<post>名|位)?"
)
_TIME = re.compile(
    r"(?<![\d.])(?P<year>(?:19|20)\d{2})(?:\s*年(?:度)?(?:\d{1,2}月(?:\d{1,2}日)?)?(?P<since>以来|起|至今)?"
    r"|(?=，))"
    r"|(?P<now>今年|本年|目前|当前|至今|近年来|截至目前)|(?P<last>去年)"
)
_TIME_SUFFIX = re.compile(
    r"底|末|以来|起|至今|上半年|下半年|前三季度|第?[一二三四]季度|\d{1,2}月|[，、]"
)
# A year opens its clause ("2022年，…") or follows a time preposition ("力争到2027年新增…").
_TIME_LEAD = re.compile(r"(?:^|[，。；：！？\n（]|截至|截止到|截止|到|于|自|从|至)$")
_CLAUSE_END = "，。；！？,;\n"
_SENTENCE_END = "。！？\n"
_PHRASE_BOUND = set("，。；！？：、（）()《》,;:\n")
_PROTECTED = {"“": "”", "《": "》", "〔": "〕"}
# Words that end the noun phrase after a figure: "205家高企入选…" -> "高企".
_FOLLOW_STOP = re.compile(
    "入选|成功|获得|获批|提供|开展|参加|参与|入驻|正在|已|在|给予|常驻|成为|先后|由|实施|完成|"
    "进行|落地|设立|建设|为|是|和|与|及|等|达到|累计|涵盖|对(?!接)|被|通过|开放|提升|申报|"
    "直达|用于|以|中(?=遴选|择优|选出|排名|位居|[，。；])|拜访|考察|联系|持续|将|分别|出席|储备"
)
_JOIN = re.compile("和|与|及")
# "以我市专精特新企业为主体的股票": a modifier, not the end of the phrase.
_MODIFIER = re.compile(
    f"以[{CJK}“”]{{1,16}}?为(?:主体|核心|重点|主|龙头)的|(?:涵盖|覆盖|包括|包含)[{CJK}“”、]{{1,20}}?的"
)
_LEAD_STRIP = re.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?(?:\d{1,2}月)?(?:底|末|以来|起)?|截至|截止|全市|我市|全省|全国|"
    r"我局|我们|将|力争|争取|到(?=(?:19|20)\d{2}年)|"
    "其中|目前|今年|累计|共计|共有|共|已|现有|新增|首批|并|建有|建立|建设|带动|实现|完成|和|及|"
    "以我市|以)"
)
_TAIL_STRIP = re.compile(
    r"(?:达到了|达到|已达|(?<![直到抵送下])达|为|有|超过|超|近|约|逾|共计|共|累计|总数|是|了|的|已|各|"
    r"分别为|分别是|分别|最高|由|评价入库|入库)$"
)
_VERB_END = re.compile("(?:组织|培育|支持|引进|新增|带动|服务|覆盖|惠及|吸引)$")
_LINKING = re.compile(
    r"(?:达到了|达到|已达|(?<![直到抵送下])达|为|有|是|共计|共有|分别为|分别是|分别)$"
)
# Verbs whose object is what the figure counts: "从…中遴选了首批武汉市科技领军企业39家".
_OBJECT_VERB = re.compile(
    "遴选了|遴选出|遴选|选出|选派|推出|新建|建成|认定|获批|获得|举办|开展|组织|引进|设立|发放|兑现|"
    "拨付|收集|实施|成立|备案|配备|走访|拜访|考察|联系对接|办理|办结|查处|出具|扣押|投向|参加|"
    "挖掘|解决|促进|储备|实现|共建|给予|挂牌"
)
_ASIDE = re.compile(r"（(?:含|包括|不含|其中)[^（）]*）")
_ETC = re.compile("(?<![高平同对均])等(?!级)")
_LEVEL = re.compile("^(?:国家|省|市|区|县)级$")
_LEVEL_LEAD = re.compile("^(?:各类|全市|(?:国家|省|市|区|县)级)")
_GROWTH = re.compile(f"^(?:同比|环比|较[{CJK}]{{1,4}}?)?(?:增长|增速|增幅|增加|下降)率?$")
_CHANGE = re.compile("^(?:提高|降低|调整|增加|下降|上升|扩大|缩小)(?:至|到|为)$")
_TARGET = re.compile(
    r"力争|争取|目标|预计|到(?:19|20)\d{2}年|计划(?:到|在|于)|将(?:达到|突破|新增|培育|实现)"
)
_PARAMETER = re.compile(f"给予|按[{CJK}]{{0,15}}的|比例|每家|每个|每人|单个|标准")


@dataclass
class _Hit:
    figure: ParsedFigure
    start: int
    end: int
    before: str = ""  # the text between the previous figure and this one


def extract_figures(
    text: str, *, default_year: int | None, default_kind: str = "result"
) -> list[ParsedFigure]:
    """Every statistic quoted in `text`, in reading order (see the module docstring)."""
    protected = _protected_mask(text)
    context, direct = _time_markers(text, protected, default_year)
    hits: list[_Hit] = []
    last_end = consumed = 0
    for match in _NUMBER.finditer(text):
        if match.start() < consumed:
            continue
        hit = _figure_at(text, match, protected, last_end)
        if hit is None:
            continue
        if hits and not hit.figure.subject and text[last_end : hit.start] == "、":
            hit.figure.subject = hits[-1].figure.subject  # "7家、34家"
        hits.append(hit)
        last_end = consumed = hit.end
    hits.extend(_ranks(text, protected))
    hits.sort(key=lambda h: h.start)
    hits = _distribute(text, hits)
    for i, hit in enumerate(hits):
        figure = hit.figure
        _refer(text, hits, i)
        figure.year, figure.year_assumed = _year_at(text, hit.start, context, direct, default_year)
        figure.scope = _scope(text, hits, i)
        figure.kind = _kind(text, hit, default_kind)
        tiers = find_tiers(figure.subject)
        figure.tier = tiers[0] if tiers else None
    return [h.figure for h in hits]


# Finding the numbers --------------------------------------------------------------------------


def _figure_at(
    text: str, match: re.Match[str], protected: list[bool], last_end: int
) -> _Hit | None:
    start = match.start()
    if protected[start] or text[max(0, start - 1) : start] in ("第", "+"):
        return None
    pos = match.end()
    qualifier = ""
    if between := _BETWEEN.match(text, pos):
        qualifier, pos = QUALIFIERS[between.group(0)], between.end()
    unit_match = _UNIT_RE.match(text, pos)
    if unit_match is None:
        return None
    quantity, unit = _quantity(match, unit_match.group(0), bool(qualifier))
    if quantity is None:
        return None
    end = unit_match.end()
    if text[end : end + 1] == "+":
        return None
    quantity_max = None
    if (rng := _RANGE_AFTER.match(text, end)) and (upper := _NUMBER.match(text, rng.end())):
        upper_unit = _UNIT_RE.match(text, upper.end())
        if upper_unit and upper_unit.group(0) == unit_match.group(0):
            quantity_max, _ = _quantity(upper, upper_unit.group(0), False)
            end = upper_unit.end()
    if (after := _AFTER.match(text, end)) and not (after.group(0) == "多" and qualifier):
        qualifier = qualifier or QUALIFIERS[after.group(0)]
        end = after.end()
    clause_start = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    head = text[clause_start:start]
    before_q = _BOUND_BEFORE.search(head) or _BEFORE.search(head)
    if before_q:
        qualifier = QUALIFIERS[before_q.group(1) if before_q.lastindex else before_q.group(0)]
    phrase_end = clause_start + before_q.start() if before_q else start
    gap = head[before_q.end(1) :] if before_q and before_q.lastindex else ""
    if _AID.fullmatch(gap):
        subject = gap  # "每家企业最高补助100万元": what is capped is the 补助
    else:
        subject = _subject(text, phrase_end, end, last_end, unit, linked=bool(before_q))
    figure = ParsedFigure(
        subject=subject,
        quantity=quantity,
        unit=unit,
        text=_clause(text, start, end),
        qualifier=qualifier,
        quantity_max=quantity_max,
    )
    return _Hit(figure, start, end, text[last_end:start])


def _quantity(match: re.Match[str], unit: str, approx: bool) -> tuple[Decimal | None, str]:
    """The number the match stands for, and the unit with any 万/亿 that belongs to it."""
    if match.group("ar") is not None:
        digits, mult = match.group("ar").replace(",", ""), match.group("mult") or ""
    else:
        numeral = match.group("cn")
        mult = numeral[-1] if numeral[-1] in "万亿" and unit in ("元", "美元") else ""
        digits = numeral[: len(numeral) - len(mult)]
        if len(digits) < 2 and not (approx and digits in "十百千"):
            return None, unit  # "四个计划", "一批": words, not statistics; "百余种" is one
        try:
            digits = str(cn2an.cn2an(("一" + digits) if len(digits) == 1 else digits, "strict"))
        except ValueError:
            return None, unit
    if mult and unit in ("元", "美元"):
        return Decimal(digits), mult + unit
    if not mult:
        return Decimal(digits), unit
    return Decimal(str(cn2an.cn2an(digits + mult, "smart"))), unit


def _ranks(text: str, protected: list[bool]) -> list[_Hit]:
    """ "全国第6名", "排名第六": a rank, with the field it is ranked in as its subject."""
    hits = []
    for m in _RANK.finditer(text):
        if protected[m.start()] or not (m.group("pre") or m.group("post")):
            continue
        n = m.group("n")
        quantity = Decimal(n) if n.isdigit() else Decimal(int(cn2an.cn2an(n, "smart")))
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in _CLAUSE_END) + 1
        scope = re.split("以|在", text[clause_start : m.start()])[-1]
        scope = re.sub("^(?:我市|全市|武汉市?)", "", scope).rstrip("中的")
        figure = ParsedFigure(
            subject=f"{scope}排名", quantity=quantity, unit="名", text=_clause(text, *m.span())
        )
        hits.append(_Hit(figure, m.start(), m.end()))
    return hits


def _protected_mask(text: str) -> list[bool]:
    """True for characters inside “…”, 《…》 or 〔…〕: slogans, titles, document numbers."""
    mask = [False] * (len(text) + 1)
    closing: list[str] = []
    for i, ch in enumerate(text):
        if closing and ch == closing[-1]:
            closing.pop()
        elif ch in _PROTECTED:
            closing.append(_PROTECTED[ch])
        elif ch == "\n":
            closing.clear()
        mask[i] = bool(closing)
    return mask


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i != -1]
    return text[left : min(rights, default=len(text))].strip()


# Subjects -------------------------------------------------------------------------------------


def _subject(text: str, start: int, end: int, last_end: int, unit: str, *, linked: bool) -> str:
    """`start` is where the number (or the qualifier before it) begins, `end` where it ends."""
    if unit == "%" and (given := _GIVEN.match(text, end)):
        return given.group(1)  # "按技术交易额的10%给予补助": the rate of the 补助
    preceding = _preceding_phrase(text, start, last_end)
    following = _following_phrase(text, end)
    if preceding.endswith("等"):  # "科保贷、科担贷等近百余种…金融产品": examples, the noun follows
        return following or preceding.removesuffix("等")
    # "每年组织不少于500家企业": after a verb, the thing counted follows the number.
    verb_before = _VERB_END.search(text, 0, start)
    if (
        preceding
        and (linked or unit in ("%", "倍") or _LINKING.search(text, 0, start))
        and not (following and verb_before)
    ):
        return preceding
    if following:
        return following
    if preceding:
        return preceding
    # "90%以上是中小企业": the phrase after the verb.
    verb = re.compile("是|为|属于").match(text, end)
    return _following_phrase(text, verb.end()) if verb else ""


def _following_phrase(text: str, pos: int) -> str:
    if pos >= len(text) or not re.match(f"[{CJK}“]", text[pos]):
        return ""
    modifier = _MODIFIER.match(text, pos)
    if modifier is None and _FOLLOW_STOP.match(text, pos):
        return ""
    i = modifier.end() if modifier else pos
    quoted = False
    while i < len(text) and i - pos < 30:
        ch = text[i]
        if ch == "“":
            quoted = True
        elif ch == "”":
            quoted = False
        elif not quoted:
            if ch == "、" and i - pos <= 6 and re.match(f"[{CJK}“]", text[i + 1 : i + 2]):
                i += 1  # "5个新兴、未来产业"
                continue
            if (join := _JOIN.match(text, i)) and not re.search(r"\d", _clause_rest(text, i)):
                i = join.end()  # "44场企业上市沙龙和投融资对接活动"
                continue
            if ch in _PHRASE_BOUND or ch.isdigit() or _FOLLOW_STOP.match(text, i):
                break
        i += 1
    phrase = _LEAD_STRIP.sub("", text[pos:i])
    if len(phrase) > 12 and "的" in phrase:
        phrase = phrase.rsplit("的", 1)[-1] or phrase  # "涵盖…全生命周期的金融产品" -> 金融产品
    return phrase.rstrip("的")


def _clause_rest(text: str, pos: int) -> str:
    ends = [i for i in (text.find(ch, pos) for ch in _CLAUSE_END) if i != -1]
    return text[pos : min(ends, default=len(text))]


def _preceding_phrase(text: str, start: int, last_end: int) -> str:
    i = start
    while i > last_end:
        ch = text[i - 1]
        if ch in "）)":  # "国家级研发机构（含…）83个": step over the aside
            opening = max(text.rfind("（", last_end, i), text.rfind("(", last_end, i))
            if opening == -1:
                break
            i = opening
        elif ch == "、":  # "院士专家团队与行业龙头企业、金融机构、服务机构对接1335次"
            k = i - 1
            while k > last_end and text[k - 1] not in _PHRASE_BOUND:
                k -= 1
            item = text[k : i - 1]
            after = _TAIL_STRIP.sub("", _LEAD_STRIP.sub("", text[i:start]))
            if not item or len(item) > 20 or re.search(r"\d", item) or len(after) < 2:
                break
            i = k
        elif ch in _PHRASE_BOUND:
            break
        else:
            i -= 1
    return _noun_of(text[i:start], text, i)


def _noun_of(phrase: str, text: str, at: int) -> str:
    """The thing counted in the words before a number: no scope words, verbs or qualifiers."""
    phrase = _ASIDE.sub("", phrase)
    if "按" in phrase:  # "对…贷款按贷款市场报价利率的50%": the base of the rate
        phrase = phrase.rsplit("按", 1)[-1]
    etc = list(_ETC.finditer(phrase))
    if etc and len(phrase) - etc[-1].end() >= 2:
        phrase = phrase[etc[-1].end() :]  # "数字化转型大会、供需对接等活动" -> 活动
    verbs = [v for v in _OBJECT_VERB.finditer(phrase) if v.end() < len(phrase)]
    # "开展走访服务", "新三板挂牌企业": a two-character object makes a compound with its verb,
    # so the cut is at the verb before.
    while verbs and len(_TAIL_STRIP.sub("", phrase[verbs[-1].end() :])) <= 2:
        verbs.pop()
    if verbs:
        phrase = phrase[verbs[-1].end() :]
    for _ in range(6):
        stripped = _TAIL_STRIP.sub("", _LEAD_STRIP.sub("", phrase))
        if stripped == phrase:
            break
        phrase = stripped
    if _OBJECT_VERB.fullmatch(phrase):  # "截至目前已举办28期": what the sentence said was 举办
        return _object_before(text, at, phrase)
    if len(phrase) > 12 and "的" in phrase:
        phrase = phrase.rsplit("的", 1)[-1] or phrase  # "构建…科技力量的领军企业梯队"
    return phrase.lstrip("的")


def _object_before(text: str, at: int, verb: str) -> str:
    sentence_start = max(text.rfind(ch, 0, at) for ch in _SENTENCE_END) + 1
    found = [m for m in re.finditer(re.escape(verb), text[sentence_start:at])]
    for m in reversed(found):
        obj = _following_phrase(text, sentence_start + m.end())
        if len(obj) >= 2:
            return obj
    return ""


def _distribute(text: str, hits: list[_Hit]) -> list[_Hit]:
    """Lists: "国家级、省级X分别为7家、34家" and "A、B案件各1件" name one subject per figure."""
    out: list[_Hit] = []
    i = 0
    while i < len(hits):
        hit = hits[i]
        items = hit.figure.subject.split("、")
        run = 1
        while (
            i + run < len(hits)
            and hits[i + run].figure.subject == hit.figure.subject
            and hits[i + run].before == "、"
        ):
            run += 1
        noun = _shared_noun(items) if len(items) > 1 else ""
        if noun and run == len(items) and run > 1:
            for item, h in zip(items, hits[i : i + run], strict=True):
                h.figure.subject = item if item.endswith(noun) else item + noun
                out.append(h)
            i += run
            continue
        if noun and run == 1 and text[hit.start - 1 : hit.start] == "各":
            for item in items:
                subject = item if item.endswith(noun) else item + noun
                copy = dataclasses.replace(hit.figure, subject=subject)
                out.append(_Hit(copy, hit.start, hit.end, hit.before))
            i += 1
            continue
        out.extend(hits[i : i + run])
        i += run
    return out


def _shared_noun(items: list[str]) -> str:
    """The noun an enumeration's items share: 案件 in "侵犯地理标志、奥林匹克标志案件"."""
    first, last = items[0], items[-1]
    for length in range(len(first), 0, -1):
        p = last.find(first[-length:])
        if p != -1 and p + length < len(last):
            return last[p + length :]
    return ""


def _refer(text: str, hits: list[_Hit], i: int) -> None:
    """A level alone or a growth rate takes its noun from the figure it breaks down or follows."""
    figure = hits[i].figure
    level, growth = _LEVEL.match(figure.subject), _GROWTH.match(figure.subject)
    change = _CHANGE.match(figure.subject) or not figure.subject
    if not (level or growth or change):
        return
    sentence_start = max(text.rfind(ch, 0, hits[i].start) for ch in _SENTENCE_END) + 1
    for prev in reversed(hits[:i]):
        if prev.start < sentence_start:
            break
        base = prev.figure.subject
        if not base or _LEVEL.match(base) or _GROWTH.match(base) or _CHANGE.match(base):
            continue
        if change:  # "由6%-10%提高至10%-20%": the same thing, changed
            figure.subject = base
        elif level:
            while (stripped := _LEVEL_LEAD.sub("", base)) != base:
                base = stripped
            figure.subject = f"{figure.subject}{base}"
        else:
            figure.subject = f"{base}{figure.subject}"
        return


# Year, scope, kind ----------------------------------------------------------------------------


def _time_markers(
    text: str, protected: list[bool], default_year: int | None
) -> tuple[list[tuple[int, int | None]], dict[int, int]]:
    """(markers that date what follows: (end, year)), {position of a number: the year before it}."""
    context: list[tuple[int, int | None]] = []
    direct: dict[int, int] = {}
    for m in _TIME.finditer(text):
        if protected[m.start()]:
            continue
        if m.group("now") or m.group("last"):
            year = default_year if m.group("now") else (default_year and default_year - 1)
            context.append((m.end(), year))
            continue
        year = int(m.group("year"))
        if text[m.end() : m.end() + 1].isdigit():
            direct[m.end()] = year  # "2024年200家立项企业"
            continue
        clause_start = max(text.rfind(ch, 0, m.start()) for ch in _CLAUSE_END) + 1
        opens = _TIME_LEAD.search(text, clause_start - 1 if clause_start else 0, m.start())
        if m.group("since"):
            context.append((m.end(), default_year))
        elif opens or _TIME_SUFFIX.match(text, m.end()):
            context.append((m.end(), year))
    return context, direct


def _year_at(
    text: str,
    start: int,
    context: list[tuple[int, int | None]],
    direct: dict[int, int],
    default_year: int | None,
) -> tuple[int | None, bool]:
    if start in direct:
        return direct[start], False
    paragraph_start = text.rfind("\n", 0, start) + 1
    found = [year for end, year in context if paragraph_start <= end <= start]
    if found:
        return found[-1], False
    return default_year, True


def _scope(text: str, hits: list[_Hit], i: int) -> str:
    start = hits[i].start
    sentence_start = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    if "累计" in text[sentence_start:start]:
        return "cumulative"
    clause_start = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    clause_end = start + len(_clause_rest(text, start))
    if "每年" in text[clause_start:start]:
        later = [h for h in hits[i + 1 :] if h.start < clause_end]
        if not later:
            return "per_year"
    return ""


def _kind(text: str, hit: _Hit, default_kind: str) -> str:
    figure = hit.figure
    sentence_start = max(text.rfind(ch, 0, hit.start) for ch in _SENTENCE_END) + 1
    clause = _clause_rest(text, max(text.rfind(ch, 0, hit.start) for ch in _CLAUSE_END) + 1)
    if _TARGET.search(text, sentence_start, hit.start):
        return "target"
    if default_kind == "target":  # plans: "每年组织不少于500家企业" is a target, not a rule
        return "parameter" if figure.quantity_max is not None else "target"
    threshold = figure.qualifier == "以上" and text[hit.end : hit.end + 1] == "的"
    if (
        figure.quantity_max is not None
        or figure.qualifier in ("最高", "不高于", "不少于")
        or threshold
        or (
            (figure.unit in MONEY_UNITS or figure.unit == "%")
            and _PARAMETER.search(clause)
            and figure.unit != "倍"
        )
    ):
        return "parameter"
    return default_kind
