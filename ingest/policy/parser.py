"""Parser for a numbered measures document (若干措施): text in, `ParsedPolicy` out, no database.

The layout it reads (fixtures/003_37a99eada62a0cb8.txt):

    附件                                   skipped
    武汉市……若干措施                         title (several lines are joined)
    武政规〔2025〕3号                        its own 文号, when the header gives it
    (征求意见稿)                            status
    为深入贯彻……制定以下措施。                  preamble (every paragraph before the first heading)
    一、建强优质中小企业梯队，……               chapter 1
    1.完善梯度培育体系。正文……（责任单位：……）  measure 1: numbers run 1..N across chapters
    ……
    本政策自公布之日起施行，有效期至……废止。     closing (and every paragraph after it)

Paragraphs cut by a page break are rejoined (`text.paragraphs`); a paragraph that still lands
inside a measure (e.g. its 责任单位 after a blank line) belongs to that measure. Nothing is dropped:
text between a chapter heading and its first measure, or after a measure's 责任单位, is reported
in `ParsedPolicy.warnings` (the latter is also kept in the measure's body). Measures that come
before any chapter heading go into a chapter numbered 0 with an empty title.

Raises `IngestError` when there are no numbered measures, a number repeats or skips, the list does
not start at 1, a measure has no 责任单位 (the last one lacking it means the text was cut off), or
there is no title.
"""

from __future__ import annotations

import datetime as dt
import re

import cn2an

from ..errors import IngestError
from ..references import normalise, repealed_references
from ..text import clean_lines, paragraphs
from ..types import ParsedChapter, ParsedMeasure, ParsedPolicy
from ..vocab import find_themes, find_tiers
from .benefits import extract_benefits
from .targets import extract_targets

CHAPTER_RE = re.compile(r"^(?P<num>[一二三四五六七八九十]{1,3})、\s*(?P<title>.*)$")
MEASURE_RE = re.compile(r"^(?P<num>\d{1,3})\s*[.、]\s*(?!\d)(?P<rest>.*)$", re.DOTALL)
BLOCK_RE = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|\d{1,3}\s*[.、]\s*(?!\d))")
# One 责任单位 parenthesis, of either width; names may hold one level of brackets (金控（集团）).
RESPONSIBILITY_RE = re.compile(
    r"[（(]\s*责任单位\s*[:：]\s*(?P<names>(?:[^（）()]|[（(][^（）()]*[）)])*?)\s*[）)]"
)
_NAME_SEPARATORS = re.compile(r"[、，,；;]")
_ATTACHMENT_RE = re.compile(r"^附件\s*[\d一二三四五六七八九十]*\s*[:：]?$")
_STATUS = r"[（(]\s*(?P<status>[^（）()]{0,8}?(?:稿|试行|草案))\s*[）)]"
_STATUS_LINE_RE = re.compile(f"^{_STATUS}$")
_TRAILING_STATUS_RE = re.compile(f"{_STATUS}$")
_SENTENCE_PUNCTUATION = re.compile(r"[，。；！？]")
_CLOSING_RE = re.compile(
    r"^(?:本(?:政策|措施|办法|通知|意见|规定|细则)|以上(?:政策|措施))|有效期|自[^，。；]{1,15}?起(?:施行|执行|实施)"
)
_EFFECTIVE_RE = re.compile(r"自[^，。；]{1,15}?起(?:施行|执行|实施)")
_EXPIRES_RE = re.compile(r"有效期至\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_HEADING_END = "。！？"
_NUMBER_LABEL_RE = re.compile(r"^(?:发文字号|发文文号|文号)\s*[:：]\s*(?P<number>.+)$")


def _own_number(line: str) -> str:
    """The document's own 文号 when the header line gives it: a line that is only the number
    ("武政规〔2025〕3号", under or above the title) or a web page's "发文字号：…"; else ""."""
    if match := _NUMBER_LABEL_RE.match(line):
        line = match.group("number")
    if "号" not in line:
        return ""
    return normalise(line) or ""


def _read_header(lines: list[str]) -> tuple[str, str, str, int]:
    """(title, status, own 文号, index of the first body line) from the lines before the
    preamble."""
    title_parts: list[str] = []
    status = number = ""
    for index, line in enumerate(lines):
        if not line or _ATTACHMENT_RE.match(line):
            continue
        if match := _STATUS_LINE_RE.match(line):
            status = match.group("status")
            continue
        if not number and (own := _own_number(line)):
            number = own
            continue
        if status or BLOCK_RE.match(line) or _SENTENCE_PUNCTUATION.search(line) or len(line) > 60:
            return "".join(title_parts), status, number, index
        title_parts.append(line)
    return "".join(title_parts), status, number, len(lines)


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs with page breaks rejoined; a chapter heading line is always one on its own.

    (A heading has no closing punctuation, so `text.paragraphs` would glue the next line to it.)
    """
    out: list[str] = []
    segment: list[str] = []
    for line in lines:
        if CHAPTER_RE.match(line):
            out.extend(paragraphs("\n".join(segment), starts_block=BLOCK_RE))
            out.append(line)
            segment = []
        else:
            segment.append(line)
    out.extend(paragraphs("\n".join(segment), starts_block=BLOCK_RE))
    return out


def _split_title(title: str, status: str) -> tuple[str, str]:
    if match := _TRAILING_STATUS_RE.search(title):
        status = status or match.group("status")
        title = title[: match.start()]
    return title.strip(), status


def bureau_names(responsibility: str) -> list[str]:
    """Raw names from every 责任单位 parenthesis in the text, in order, repeats collapsed."""
    names: list[str] = []
    for match in RESPONSIBILITY_RE.finditer(responsibility):
        for name in _NAME_SEPARATORS.split(match.group("names")):
            name = name.strip()
            if name and name not in names:
                names.append(name)
    return names


class _MeasureDraft:
    def __init__(self, number: int, first: str) -> None:
        self.number = number
        self.text = first

    @property
    def has_responsibility(self) -> bool:
        return RESPONSIBILITY_RE.search(self.text) is not None

    def add(self, paragraph: str) -> None:
        # A paragraph that ends a sentence keeps its break; anything else was cut mid-sentence.
        joiner = "\n" if self.text.endswith(tuple("。！？；：")) else ""
        self.text += joiner + paragraph

    def build(self) -> ParsedMeasure:
        heading_end = min(
            (i for i in (self.text.find(ch) for ch in _HEADING_END) if i >= 0), default=-1
        )
        if heading_end >= 0:
            title, rest = self.text[:heading_end], self.text[heading_end + 1 :]
        else:
            title, rest = self.text, ""
        title = RESPONSIBILITY_RE.sub("", title).strip()
        body = RESPONSIBILITY_RE.sub("", rest)
        body = "\n".join(line.strip() for line in body.split("\n") if line.strip())
        searched = f"{title}。{body}"
        return ParsedMeasure(
            number=self.number,
            title=title,
            body=body,
            bureaus=bureau_names(self.text),
            responsibility_text="".join(m.group(0) for m in RESPONSIBILITY_RE.finditer(self.text)),
            tiers=find_tiers(searched),
            themes=find_themes(searched),
            targets=extract_targets(body),
            benefits=extract_benefits(body),
        )


def _check_numbers(drafts: list[_MeasureDraft]) -> None:
    seen: set[int] = set()
    previous = 0
    for draft in drafts:
        if draft.number in seen:
            raise IngestError(f"measure {draft.number} appears twice")
        if previous == 0 and draft.number != 1:
            raise IngestError(f"measures start at {draft.number}, not 1")
        if previous and draft.number != previous + 1:
            raise IngestError(f"measures jump from {previous} to {draft.number}")
        seen.add(draft.number)
        previous = draft.number
    for draft in drafts:
        if draft.has_responsibility and not bureau_names(draft.text):
            raise IngestError(f"measure {draft.number} has an empty 责任单位")
        if not draft.has_responsibility:
            if draft is drafts[-1]:
                raise IngestError(
                    f"measure {draft.number} ends without its 责任单位: the text looks cut off"
                )
            raise IngestError(f"measure {draft.number} has no 责任单位")


def _closing_facts(closing: str) -> tuple[str, dt.date | None, list[tuple[str, str]], list[str]]:
    warnings: list[str] = []
    effective = _EFFECTIVE_RE.search(closing)
    expires_on = None
    if match := _EXPIRES_RE.search(closing):
        try:
            expires_on = dt.date(*map(int, match.groups()))
        except ValueError:
            warnings.append(f"closing: {match.group(0)} is not a valid date")
    repeals: list[tuple[str, str]] = []
    for ref in repealed_references(closing):
        if ref.reference not in (r for r, _ in repeals):
            repeals.append((ref.reference, ref.title))
    return (effective.group(0) if effective else ""), expires_on, repeals, warnings


def parse_policy(text: str) -> ParsedPolicy:
    """The measures document in `text` (already decoded) as plain data; see the module doc."""
    lines = clean_lines(text)
    raw_title, status, own_number, body_start = _read_header(lines)
    title, status = _split_title(raw_title, status)
    paras = _paragraphs(lines[body_start:])

    preamble: list[str] = []
    closing: list[str] = []
    warnings: list[str] = []
    chapters: list[tuple[int, str]] = []
    drafts: list[tuple[int, _MeasureDraft]] = []  # (chapter index, draft)
    current: _MeasureDraft | None = None

    for para in paras:
        if closing:
            closing.append(para)
        elif match := CHAPTER_RE.match(para):
            number = int(cn2an.cn2an(match.group("num"), "normal"))
            chapters.append((number, match.group("title").strip().rstrip("。")))
            current = None
        elif match := MEASURE_RE.match(para):
            if not chapters:
                chapters.append((0, ""))
            current = _MeasureDraft(int(match.group("num")), match.group("rest"))
            drafts.append((len(chapters) - 1, current))
        elif not chapters:
            preamble.append(para)
        elif current is None:
            if drafts and _CLOSING_RE.search(para):
                closing.append(para)
            else:
                warnings.append(
                    f"chapter {chapters[-1][0]} has text before its first measure, "
                    f"not kept anywhere else: {para}"
                )
        elif current.has_responsibility and _CLOSING_RE.search(para):
            closing.append(para)
        else:
            if current.has_responsibility:
                warnings.append(
                    f"text after the 责任单位 of measure {current.number} was added to it: {para}"
                )
            current.add(para)

    if not drafts:
        raise IngestError("no numbered measures found (expected paragraphs like “1.标题。正文”)")
    _check_numbers([draft for _, draft in drafts])
    if not title:
        raise IngestError("no title line found before the preamble")

    parsed_chapters = [ParsedChapter(number=n, title=t) for n, t in chapters]
    for index, draft in drafts:
        parsed_chapters[index].measures.append(draft.build())
    expected = 1
    for chapter in parsed_chapters:
        if chapter.number == 0:
            continue
        if chapter.number != expected:
            warnings.append(f"chapter {chapter.number} follows chapter {expected - 1}")
        if not chapter.measures:
            warnings.append(f"chapter {chapter.number} has no measures")
        expected = chapter.number + 1

    closing_text = "\n".join(closing)
    effective_note, expires_on, repeals, closing_warnings = _closing_facts(closing_text)
    warnings.extend(closing_warnings)
    if not closing_text:
        warnings.append("no closing paragraph (validity, expiry) after the last measure")

    return ParsedPolicy(
        title=title,
        status=status,
        preamble="\n".join(preamble),
        chapters=parsed_chapters,
        closing=closing_text,
        effective_note=effective_note,
        expires_on=expires_on,
        repeals=repeals,
        reference_number=own_number,
        warnings=warnings,
    )
