"""Quantified targets in the text of one measure: pure, no database.

`extract_targets(text)` reads the text sentence by sentence (split at 。！？；) and returns, in
source order, a `ParsedTarget` for every quantity that is a commitment rather than a name:

* counts ("4000家专精特新中小企业", "专精特新中小企业20家以上", "不少于10场") are kept only when
  the sentence gives them a time frame or they carry a comparator:

  - "per_year": "每年" / "年均" / "每年度" earlier in the sentence;
  - "cumulative": "到2028年" / "至2028年" / "2028年底前" earlier in the sentence (`year` set), or,
    without a time frame, a count with a qualifier ("不少于", "以上", "左右"…; `year` None).

  A "每条产业链" / "每个园区" / "每家企业" earlier in the sentence is kept as `per`: the quantity is
  asked of each chain (park, enterprise …), not of the city ("力争每条产业链每年培育专精特新中小企业
  20家以上" is 20 a year per chain, at least). The qualifier words and their canonical forms
  live in `ingest/qualifiers.py` (kept in `comparator`).

  So "“创客中国”…500强", "1 名同行业专家", "“1+1”", "ISO56005", "“965”", "五个中心",
  "每完成一家试点企业验收" and other numbers in names or slogans yield nothing: they have no
  counting unit, sit inside quotes, or have neither time frame nor comparator.
* money ("500万元", "最高50万元"): "threshold" when the clause names a 门槛 (an entry bar such
  as "设备投资额门槛调整为500万元"), else "money". 万/亿 directly before 元 stay in the unit
  ("万元", "亿元", quantity 500); before any other unit they are multiplied out ("1.5万家" is
  15000 家).
* benefits in kind, recorded as kind "money" because they are a monetary advantage to the
  recipient: rent-free years ("博士后人才3年租金免缴" → 3 年, subject "博士后人才租金免缴") and rent
  discounts ("租金7折优惠" → 7 折, subject "租金").

Chinese numerals ("五十家", "两百场") are read with cn2an; a numeral that starts with 百/千/万
("百场万企") is a slogan and ignored.

The subject is what follows the unit ("4000家专精特新中小企业"; when it starts with a tier name the
subject is that name: "100家专精特新中小企业建设…联系企业" → "专精特新中小企业"), or, when nothing
follows, the noun phrase before the number ("每年培育专精特新中小企业20家以上" →
"专精特新中小企业"; "…等各类招聘活动不少于10场" → "招聘活动"). `text` is the exact source slice from
the subject (or the number, when the subject follows it) to the end of the quantity and its
subject. `tier` is the tier the subject names; a generic "企业" subject or a threshold takes the
last tier named earlier in the sentence ("聚焦国家级专精特新“小巨人”企业，每年遴选50家左右企业").
"""

from __future__ import annotations

import re
from decimal import InvalidOperation
from functools import cache

from .. import qualifiers
from ..text import parse_numeral, plain_decimal, strip_quotes
from ..types import ParsedTarget
from ..vocab import find_tiers, tier_specs

_CN_NUM_CHARS = "零〇一二两三四五六七八九十百千"
_NUMBER = rf"(?P<num>\d+(?:\.\d+)?|[一二两三四五六七八九十][{_CN_NUM_CHARS}]*)"
# Longest first: "个次" before "个".
_COUNT_UNITS = (
    "个次",
    "人次",
    "场次",
    "家",
    "户",
    "场",
    "个",
    "项",
    "名",
    "人",
    "条",
    "次",
    "所",
    "款",
    "件",
    "%",
)
_AMOUNT_RE = re.compile(
    f"(?P<pre>{qualifiers.BEFORE_PATTERN})?"
    # The number must not continue a word, code, other number or quoted slogan.
    rf"(?<![\dA-Za-z.+\-“\"第每{_CN_NUM_CHARS}])"
    + _NUMBER
    + rf"\s?(?P<mag>[万亿])?(?P<approx>{qualifiers.APPROXIMATE_PATTERN})?"
    + "(?P<unit>元|"
    + "|".join(map(re.escape, _COUNT_UNITS))
    + ")"
    + f"(?P<post>{qualifiers.AFTER_PATTERN})?"
    + '(?![性”"])'
)
_RENT_FREE_RE = re.compile(
    r"(?<![\d.])(?P<num>\d+|[一二两三四五六七八九十]+)\s?年"
    r"(?P<what>租金免缴|免缴租金|免收租金|免租金|免租|租金减半)"
)
_DISCOUNT_RE = re.compile(
    r"(?P<what>租金|房租)?(?<![\d.])(?P<num>\d+(?:\.\d)?|[一二三四五六七八九])\s?折(?![旧算扣])"
    r"(?P<tail>优惠)?"
)
_SENTENCE_RE = re.compile(r"[^。！？；]+[。！？；]?")
_PER_YEAR_RE = re.compile(r"每年|年均|每一年")
# "每条产业链", "每个园区", "每家企业": the quantity is asked of each of these, not of the city.
_PER_UNIT_RE = re.compile(
    r"每(?:一)?(?:条|个|家|所|座|类|项|位)?"
    r"(?:产业链|链|园区|开发区|区|街道|县|市州|行业|产业集群|集群|企业|项目|高校|平台|基地)"
)
_BY_YEAR_RE = re.compile(
    r"(?:到|至|截至|截止到?)\s?(?P<a>\d{4})\s?年|(?P<b>\d{4})\s?年(?:底|末)?(?:前|以前)"
)
_CAP_BEFORE_VERB_RE = re.compile(
    r"(?P<q>最高|最多|不超过|不高于)(?:给予|一次性|补助|奖励|资助|补贴|支持|奖补|贴息)+$"
)
_CLAUSE_BOUNDARY = "，。；：、！？,;:"
_SUBJECT_END = _CLAUSE_BOUNDARY + "（("
# Words after which the noun phrase before a number starts.
_SUBJECT_CUT_RE = re.compile(
    r"等|的|培育|举办|发布|引育|引进|遴选|新增|建设|打造|认定|组织|开展|争取|实现|围绕|突破|"
    r"力争|累计|每年|年均"
)
# Linking verbs between a subject and its number: "门槛调整为500万元".
_LINK_VERB_RE = re.compile(
    r"(?:调整为|提高到|提高至|提升到|提升至|降低到|降低至|降至|增至|增长|达到|为|至)+$"
)
_SUBJECT_PREFIXES = ("各类", "各级", "各项", "全市")
_WHO_CUT_RE = re.compile(r"按照|对|给予|和|及|与")


@cache
def _tier_index() -> tuple[re.Pattern[str], dict[str, str]]:
    """Tier names without quotes -> slug, and a pattern matching them, longest first."""
    names: dict[str, str] = {}
    for spec in tier_specs():
        for name in (spec.name, *spec.aliases):
            names.setdefault(strip_quotes(name), spec.slug)
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True)))), names


def _leading_tier(text: str) -> tuple[str, str] | None:
    """(the tier name as written at the start of `text`, its slug), quotes allowed inside."""
    pattern, names = _tier_index()
    bare = strip_quotes(text)
    match = pattern.match(bare)
    if match is None:
        return None
    wanted, taken, end = len(match.group(0)), 0, 0
    while taken < wanted:
        if strip_quotes(text[end]):
            taken += 1
        end += 1
    if end < len(text) and text[end] in '”"':
        end += 1  # a closing quote belongs to the name
    return text[:end], names[match.group(0)]


def _last_tier(text: str) -> str | None:
    pattern, names = _tier_index()
    found = [names[m.group(0)] for m in pattern.finditer(strip_quotes(text))]
    return found[-1] if found else None


def _clause_start(sentence: str, pos: int) -> int:
    return max((sentence.rfind(ch, 0, pos) for ch in _CLAUSE_BOUNDARY), default=-1) + 1


def _clause_end(sentence: str, pos: int) -> int:
    ends = [i for i in (sentence.find(ch, pos) for ch in _SUBJECT_END) if i >= 0]
    return min(ends, default=len(sentence))


def _subject_before(sentence: str, pos: int) -> tuple[str, int]:
    """The noun phrase ending just before `pos`, and where it starts.

    "…等各类招聘活动|不少于10场" gives "招聘活动";
    "设备投资额门槛调整为|500万元" gives "设备投资额门槛".
    """
    start = _clause_start(sentence, pos)
    pre = sentence[start:pos]
    pre = _LINK_VERB_RE.sub("", pre)
    cuts = [(m.start(), m.end()) for m in _SUBJECT_CUT_RE.finditer(pre)]
    cut = cuts[-1][1] if cuts else 0
    if cuts and cut == len(pre):  # "研发投入每年|增长": the phrase is before the last cut word
        pre = pre[: cuts[-1][0]]
        cut = cuts[-2][1] if len(cuts) > 1 else 0
    for prefix in _SUBJECT_PREFIXES:
        if pre.startswith(prefix, cut):
            cut += len(prefix)
    return pre[cut:], start + cut


def _time_frame(before: str) -> tuple[str, int | None] | None:
    if _PER_YEAR_RE.search(before):
        return "per_year", None
    found = list(_BY_YEAR_RE.finditer(before))
    if found:
        return "cumulative", int(found[-1].group("a") or found[-1].group("b"))
    return None


def _per_unit(before: str) -> str:
    """The last "每条产业链"-like phrase earlier in the sentence, as written, or ""."""
    found = list(_PER_UNIT_RE.finditer(before))
    return found[-1].group(0) if found else ""


def _amount_target(sentence: str, m: re.Match[str]) -> ParsedTarget | None:
    try:
        quantity = parse_numeral(m.group("num"))
    except (ValueError, InvalidOperation, KeyError):
        return None
    unit, mag = m.group("unit"), m.group("mag")
    money = unit == "元"
    if money:
        unit = (mag or "") + unit
    elif mag:
        quantity *= {"万": 10_000, "亿": 100_000_000}[mag]
    comparator = qualifiers.canonical(m.group("pre"), m.group("approx"), m.group("post"))
    # "最高补助100万元": the cap comes before the verb
    cap = None if comparator or not money else _CAP_BEFORE_VERB_RE.search(sentence, 0, m.start())
    if cap:
        comparator = qualifiers.BEFORE[cap.group("q")]

    before = sentence[: m.start()]
    clause_start = _clause_start(sentence, m.start())
    year = None
    if money:
        kind = "threshold" if "门槛" in sentence[clause_start : m.start()] else "money"
    else:
        frame = _time_frame(before)
        if frame is None and not comparator:
            return None  # a number in passing, not a commitment
        kind, year = frame or ("cumulative", None)

    per = _per_unit(before)
    tier = None
    tail_end = _clause_end(sentence, m.end())
    tail = sentence[m.end() : tail_end].strip()
    if tail:  # "4000家专精特新中小企业": the subject follows the number
        text = sentence[m.start() : tail_end].strip()
        if m.group("pre"):
            text = text.removeprefix(m.group("pre"))
        leading = _leading_tier(tail)
        if leading:
            subject, tier = leading
        else:
            subject = tail
    else:  # "专精特新中小企业20家以上": the subject comes before it
        subject, subject_start = _subject_before(sentence, m.start())
        if not subject:
            return None
        text = sentence[subject_start : m.end()]
    if tier is None:
        tiers = find_tiers(subject)
        tier = tiers[0] if tiers else None
    if tier is None and (subject.endswith("企业") or kind == "threshold"):
        tier = _last_tier(before)
    return ParsedTarget(
        subject=subject,
        quantity=plain_decimal(quantity),
        unit=unit,
        kind=kind,
        text=text,
        year=year,
        comparator=comparator,
        tier=tier,
        per=per,
    )


def _rent_free_target(sentence: str, m: re.Match[str]) -> ParsedTarget | None:
    try:
        quantity = parse_numeral(m.group("num"))
    except (ValueError, InvalidOperation, KeyError):
        return None
    start = _clause_start(sentence, m.start())
    pre = sentence[start : m.start()]
    cuts = [c.end() for c in _WHO_CUT_RE.finditer(pre)]
    who_start = start + (cuts[-1] if cuts else 0)
    who = sentence[who_start : m.start()].removesuffix("租房")
    return ParsedTarget(
        subject=who + m.group("what"),
        quantity=plain_decimal(quantity),
        unit="年",
        kind="money",
        text=sentence[who_start : m.end()],
    )


def _discount_target(m: re.Match[str]) -> ParsedTarget | None:
    try:
        quantity = parse_numeral(m.group("num"))
    except (ValueError, InvalidOperation, KeyError):
        return None
    return ParsedTarget(
        subject=m.group("what") or "折扣",
        quantity=plain_decimal(quantity),
        unit="折",
        kind="money",
        text=m.group(0),
    )


def extract_targets(text: str) -> list[ParsedTarget]:
    """Every quantified target, threshold or amount in `text`, in source order (see module doc)."""
    found: list[tuple[int, ParsedTarget]] = []
    for sentence_match in _SENTENCE_RE.finditer(text):
        sentence, offset = sentence_match.group(0), sentence_match.start()
        for m in _AMOUNT_RE.finditer(sentence):
            target = _amount_target(sentence, m)
            if target:
                found.append((offset + m.start(), target))
        for m in _RENT_FREE_RE.finditer(sentence):
            target = _rent_free_target(sentence, m)
            if target:
                found.append((offset + m.start(), target))
        for m in _DISCOUNT_RE.finditer(sentence):
            target = _discount_target(m)
            if target:
                found.append((offset + m.start(), target))
    found.sort(key=lambda pair: pair[0])
    return [target for _, target in found]
