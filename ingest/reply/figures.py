"""Statistics quoted in reply text: "全市高新技术企业达到1.66万家" becomes 16600 家 高新技术企业.

Pure: text in, `ParsedFigure`s out. The choices, so a reader can predict the output:

- A figure is a number followed by a unit from `UNITS` ("家", "项", "人", "亿元", "%", ...), with an
  optional "余"/"多" between ("750余项") and "左右"/"以上"/"以下" after ("1000名左右").
- 万/亿 are multiplied out ("1.66万家" -> 16600 家) except in money units, where they are part of
  the unit ("361亿元" -> 361 亿元, "4110万元" -> 4110 万元), as in `ParsedFigure`. Chinese numerals
  ("一千余家") and 万/亿 go through cn2an.
- Skipped, because they are not statistics: years ("2022年" only dates what follows), numbers
  without a unit ("0.5天", "7环节", "2+X"), ordinals ("第6名", "第六", "第20250597号"), numbers
  inside quotation marks (slogans and names: "“1+15+N”", "“5+5”", "“965”", "“6个一批”"), inside
  book-title marks or document-number brackets ("《…（2025-2027年）》", "〔2021〕17号"), numbers
  joined by "+", single-character Chinese numerals ("四个计划", "一批", "两级" are words), "倍",
  and ranges ("6%-10%", "10%-20%": a range is not one quantity, so neither end is reported).
- year: the last time marker before the figure in the same paragraph, so "2022年，…。高新技术
  企业达到12654家" is 2022. "2022年", "截至2024年7月", "2023年第一季度" give that year;
  "今年", "目前", "截至目前", and "2021年以来"/"2021年起" (a count up to now) give
  `default_year`; "去年" gives the year before; no marker gives `default_year`.
- subject: the noun phrase after the unit when there is one ("遴选出70家武汉市科技创新瞪羚企业"),
  else the phrase before the number, without scope words and verbs ("全市高新技术企业达到1.66
  万家" -> "高新技术企业"). tier: the first tier the subject names.
"""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an

from ingest.text import CJK
from ingest.types import ParsedFigure
from ingest.vocab import find_tiers

MONEY_UNITS = ("万美元", "亿美元", "万元", "亿元", "美元", "元")
COUNT_UNITS = (
    "平方米", "人次", "家次", "个次", "批次", "家", "个", "项", "人", "名", "场",
    "次", "批", "件", "起", "笔", "支", "期", "户", "条", "份", "篇", "种", "所",
    "座", "台", "套", "位", "亩", "%",
)  # fmt: skip
UNITS = MONEY_UNITS + COUNT_UNITS
_UNIT_RE = re.compile("|".join(map(re.escape, sorted(UNITS, key=len, reverse=True))))
_CN_DIGITS = "零〇一二两三四五六七八九十百千万亿"
_NUMBER = re.compile(
    rf"(?<![\d.,A-Za-z])(?P<ar>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mult>[万亿])?"
    rf"|(?P<cn>[{_CN_DIGITS}]+)"
)
_APPROX = re.compile("余|多")
_AFTER = re.compile("左右|以上|以下|多")
_RANGE_AFTER = re.compile(r"\s*(?:[-—~～]|至)\s*\d")
_RANGE_BEFORE = re.compile(r"\d%?\s*(?:[-—~～]|至)\s*$")
_TIME = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?P<since>以来|起)?"
    r"|(?P<now>今年|目前|当前|至今)|(?P<last>去年)"
)
_CLAUSE_END = "，。；！？,;\n"
_PHRASE_BOUND = set("，。；！？：、（）()《》,;:\n")
_PROTECTED = {"“": "”", "《": "》", "〔": "〕"}
# Words that end the noun phrase after a figure: "205家高企入选…" -> "高企".
_FOLLOW_STOP = re.compile(
    "入选|成功|获得|获批|提供|开展|参加|参与|入驻|正在|已|在|给予|常驻|成为|先后|由|实施|完成|"
    "进行|落地|挂牌|上市|设立|建设|为|是|和|与|及|等|达到|累计|涵盖|对|被|通过|开放|提升|申报|"
    "直达|用于|以|中(?=遴选|择优|选出|排名|位居|[，。；])|拜访|考察|联系|持续|将|分别|出席"
)
_LEAD_STRIP = re.compile(
    r"^(?:(?:19|20)\d{2}年(?:度)?(?:\d{1,2}月)?(?:底|末|以来|起)?|截至|截止|全市|我市|全省|全国|"
    "其中|目前|今年|累计|共计|共有|共|已|现有|新增|首批|并|建有|建立|建设|带动|实现|完成)"
)
_TAIL_STRIP = re.compile(
    r"(?:达到了|达到|已达|达|为|有|超过|超|近|约|逾|共计|共|累计|总数|是|了|的|已|各|分别)$"
)
# Verbs whose object is what the figure counts: "从…中遴选了首批武汉市科技领军企业39家".
_OBJECT_VERB = re.compile(
    "遴选了|遴选出|遴选|选出|选派|推出|新建|建成|认定|获批|举办|开展|组织|引进|设立|发放|兑现|"
    "拨付|收集|实施|成立|备案|配备|走访|办理|查处|出具|扣押"
)


def extract_figures(text: str, *, default_year: int | None) -> list[ParsedFigure]:
    """Every statistic quoted in `text`, in reading order (see the module docstring)."""
    protected = _protected_mask(text)
    times = [
        (m.end(), _marker_year(m, default_year))
        for m in _TIME.finditer(text)
        if not protected[m.start()]
    ]
    figures: list[ParsedFigure] = []
    last_end = 0
    for match in _NUMBER.finditer(text):
        figure, end = _figure_at(text, match, protected, last_end, times, default_year)
        if figure is None:
            continue
        if not figure.subject and figures and text[last_end : match.start()] == "、":
            figure.subject, figure.tier = figures[-1].subject, figures[-1].tier  # "7家、34家"
        figures.append(figure)
        last_end = end
    return figures


def _figure_at(
    text: str,
    match: re.Match[str],
    protected: list[bool],
    last_end: int,
    times: list[tuple[int, int | None]],
    default_year: int | None,
) -> tuple[ParsedFigure | None, int]:
    start = match.start()
    if protected[start] or text[max(0, start - 1) : start] in ("第", "+"):
        return None, 0
    pos = match.end()
    approx = _APPROX.match(text, pos)
    if approx:
        pos = approx.end()
    unit_match = _UNIT_RE.match(text, pos)
    if unit_match is None:
        return None, 0
    unit = unit_match.group(0)
    quantity, unit = _quantity(match, unit)
    if quantity is None:
        return None, 0
    end = unit_match.end()
    after = _AFTER.match(text, end)
    if after and not (after.group(0) == "多" and approx):
        end = after.end()
    if text[end : end + 1] == "+" or _RANGE_AFTER.match(text, end):
        return None, 0
    if _RANGE_BEFORE.search(text, max(0, start - 8), start):
        return None, 0
    subject = _subject(text, start, end, last_end)
    tiers = find_tiers(subject)
    figure = ParsedFigure(
        subject=subject,
        quantity=quantity,
        unit=unit,
        text=_clause(text, start, end),
        year=_year_at(text, start, times, default_year),
        tier=tiers[0] if tiers else None,
    )
    return figure, end


def _quantity(match: re.Match[str], unit: str) -> tuple[Decimal | None, str]:
    """The number the match stands for, and the unit with any 万/亿 that belongs to it."""
    if match.group("ar") is not None:
        digits, mult = match.group("ar").replace(",", ""), match.group("mult") or ""
    else:
        numeral = match.group("cn")
        mult = numeral[-1] if numeral[-1] in "万亿" and unit in ("元", "美元") else ""
        digits = numeral[: len(numeral) - len(mult)]
        if len(digits) < 2:  # "四个计划", "一批": words, not statistics
            return None, unit
        try:
            digits = str(cn2an.cn2an(digits, "strict"))
        except ValueError:
            return None, unit
    if mult and unit in ("元", "美元"):
        return Decimal(digits), mult + unit
    if not mult:
        return Decimal(digits), unit
    return Decimal(str(cn2an.cn2an(digits + mult, "smart"))), unit


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


def _marker_year(m: re.Match[str], default_year: int | None) -> int | None:
    if m.group("now") or m.group("since"):
        return default_year
    if m.group("last"):
        return default_year - 1 if default_year else None
    return int(m.group("year"))


def _year_at(
    text: str, start: int, times: list[tuple[int, int | None]], default_year: int | None
) -> int | None:
    paragraph_start = text.rfind("\n", 0, start) + 1
    year = default_year
    for end, marker_year in times:
        if paragraph_start <= end <= start:
            year = marker_year
    return year


def _clause(text: str, start: int, end: int) -> str:
    left = max(text.rfind(ch, 0, start) for ch in _CLAUSE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _CLAUSE_END) if i != -1]
    return text[left : min(rights, default=len(text))].strip()


def _subject(text: str, start: int, end: int, last_end: int) -> str:
    following = _following_phrase(text, end)
    if following:
        return following
    preceding = _preceding_phrase(text, start, last_end)
    if preceding:
        return preceding
    # "90%以上是中小企业": the phrase after the verb.
    verb = re.compile("是|为|属于").match(text, end)
    return _following_phrase(text, verb.end()) if verb else ""


def _following_phrase(text: str, pos: int) -> str:
    if pos >= len(text) or not re.match(f"[{CJK}“]", text[pos]) or _FOLLOW_STOP.match(text, pos):
        return ""
    out = []
    quoted = False
    i = pos
    while i < len(text) and len(out) < 24:
        ch = text[i]
        if ch == "“":
            quoted = True
        elif ch == "”":
            quoted = False
        elif not quoted and (ch in _PHRASE_BOUND or ch.isdigit() or _FOLLOW_STOP.match(text, i)):
            break
        out.append(ch)
        i += 1
    phrase = "".join(out)
    head = phrase.rsplit("的", 1)[-1]  # "创新成长成效突出的企业" -> "企业"
    return head or phrase.rstrip("的")


def _preceding_phrase(text: str, start: int, last_end: int) -> str:
    i = start
    while i > last_end:
        if text[i - 1] in "）)":  # "国家级研发机构（含…）83个": step over the aside
            opening = max(text.rfind("（", last_end, i), text.rfind("(", last_end, i))
            if opening == -1:
                break
            i = opening
        elif text[i - 1] in _PHRASE_BOUND:
            break
        else:
            i -= 1
    phrase = text[i:start]
    verbs = list(_OBJECT_VERB.finditer(phrase))
    if verbs and verbs[-1].end() < len(phrase):
        phrase = phrase[verbs[-1].end() :]
    while True:
        stripped = _TAIL_STRIP.sub("", _LEAD_STRIP.sub("", phrase))
        if stripped == phrase:
            break
        phrase = stripped
    if _OBJECT_VERB.fullmatch(phrase):  # "截至目前已举办28期": nothing names what was counted
        return ""
    return phrase.rsplit("的", 1)[-1] or phrase  # "取得培训合格证的技术经纪人" -> "技术经纪人"
