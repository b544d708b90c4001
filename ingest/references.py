"""Document numbers (文号) a text cites: "武政规〔2022〕23号", pure, no database.

The genre writes a 文号 as an issuer's abbreviation, the year in brackets and a serial number:
"武政规〔2022〕23号", "武发〔2025〕5号", "鄂政办发〔2021〕12号", "工信部企业〔2021〕1号". Texts copied
from web pages and PDFs vary the brackets (〔〕, [], 【】, ［］, （）, ()), add spaces, put 第 before
the number ("〔2022〕第23号"), or write the year with 年 ("武政规2022年第23号"). Every variant is
normalised to the canonical form with 〔〕 and no 第: `normalise("武政规[2022]第023号")` is
"武政规〔2022〕23号".

A citation often gives the document's title just before the number, in 《》 and the number in
brackets: "《关于…若干政策措施的通知》（武政规〔2022〕23号）". `find_references` returns that title.

The issuer is the run of Chinese characters (and capitals, for "ISO"-like codes) just before the
year, without a verb or preposition that leads into the citation ("根据武政规〔2022〕23号",
"印发武发〔2025〕5号", "和武政规〔2021〕17号"): the issuer starts after the last such word.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_OPEN = "〔[【［(（﹝"
_CLOSE = "〕]】］)）﹞"
_BRACKETED = re.compile(
    rf"[{re.escape(_OPEN)}]\s*(?P<year>(?:19|20)\d\d)\s*年?\s*[{re.escape(_CLOSE)}]"
    r"\s*第?\s*(?P<num>\d{1,4})\s*号"
)
_WITH_NIAN = re.compile(r"(?P<year>(?:19|20)\d\d)\s*年\s*第\s*(?P<num>\d{1,4})\s*号")
_ISSUER_CHAR = re.compile(r"[\u4e00-\u9fffA-Z]")
_MAX_ISSUER = 10
# Words that lead into a citation; the issuer starts after the last one.
_LEAD_IN = re.compile(
    r"根据|按照|依据|依照|参照|对照|执行|落实|贯彻|出台|印发|下发|发布|颁布|制定|转发|提出|"
    r"修订|废止|实施|施行|我市|本市|全市|文件|号文|见|即|和|及|与|或|的|是|为|以|等|了|在|由|"
    r"将|对|按|据"
)
# The 年 form needs an issuer that looks like one: it ends like an issuer's abbreviation.
_ISSUER_END = re.compile(r"(?:发|规|办|函|字|令|文|通|告|电|复|政|委|局|部|厅)$")


# A document whose status says one of these is not in force yet: what it says (a repeal, say)
# only takes effect when the final text is published.
DRAFT_MARKERS = ("征求意见稿", "草案", "送审稿", "讨论稿", "草稿")


def is_draft(status: str) -> bool:
    return any(marker in (status or "") for marker in DRAFT_MARKERS)


@dataclass(frozen=True)
class Reference:
    reference: str  # canonical: "武政规〔2022〕23号"
    written: str  # as the text writes it: "武政规[2022]23号"
    title: str  # the 《title》 the text gives just before it, without 《》, or ""
    start: int  # where `written` starts in the text
    end: int


def _issuer_start(text: str, end: int) -> int:
    """Where the issuer ending at `end` starts (== end when there is none)."""
    start = end
    while start > 0 and end - start < _MAX_ISSUER and _ISSUER_CHAR.match(text[start - 1]):
        start -= 1
    candidate = text[start:end]
    cut = 0
    for match in _LEAD_IN.finditer(candidate):
        if match.end() < len(candidate):  # an issuer never ends with a lead-in word
            cut = match.end()
    return start + cut


def _title_before(text: str, start: int) -> str:
    """The 《title》 right before a bracketed number: "《…》（武政规〔2022〕23号）"."""
    before = text[:start].rstrip()
    if before and before[-1] in "（(":
        before = before[:-1].rstrip()
        if before.endswith("》"):
            open_at = before.rfind("《")
            if open_at >= 0:
                return before[open_at + 1 : -1].strip()
    return ""


def find_references(text: str) -> list[Reference]:
    """Every 文号 in `text`, in order, each with its canonical form and the title cited with it."""
    found: list[Reference] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_BRACKETED, _WITH_NIAN):
        for match in pattern.finditer(text):
            issuer_end = match.start()
            while issuer_end > 0 and text[issuer_end - 1] in " \t":
                issuer_end -= 1  # "武政规 〔2022〕23号" from a PDF
            start = _issuer_start(text, issuer_end)
            if start == issuer_end:
                continue  # "〔2022〕23号" alone names no document
            issuer = text[start:issuer_end]
            if pattern is _WITH_NIAN and not _ISSUER_END.search(issuer):
                continue  # "2022年第3号" after a word that is no issuer: a date, not a 文号
            if any(a < match.end() and start < b for a, b in taken):
                continue
            taken.append((start, match.end()))
            found.append(
                Reference(
                    reference=f"{issuer}〔{match.group('year')}〕{int(match.group('num'))}号",
                    written=text[start : match.end()],
                    title=_title_before(text, start),
                    start=start,
                    end=match.end(),
                )
            )
    found.sort(key=lambda r: r.start)
    return found


def normalise(text: str) -> str | None:
    """The canonical 文号 when `text` is exactly one (spaces and width variants allowed), else None.

    "武政规[2022]23号" → "武政规〔2022〕23号"; "武政规 ( 2022 ) 23" (号 left out) also.
    """
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    if compact and not compact.endswith("号"):
        compact += "号"
    # NFKC turns 〔〕 into 〔〕 (unchanged) and full-width brackets into ASCII ones.
    found = find_references(compact)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(compact):
        return found[0].reference
    return None


def repealed_references(text: str) -> list[Reference]:
    """The 文号 a text repeals: those cited in a sentence that says 废止 ("…同时废止。")."""
    out: list[Reference] = []
    for sentence in re.finditer(r"[^。；]+", text):
        if "废止" not in sentence.group(0):
            continue
        for ref in find_references(sentence.group(0)):
            out.append(
                Reference(
                    ref.reference,
                    ref.written,
                    ref.title,
                    ref.start + sentence.start(),
                    ref.end + sentence.start(),
                )
            )
    return out
