"""Parser for the bureaus' replies to CPPCC (市政协) proposals: text in, `ParsedReply` out.

Pure: no database, no Django. The layouts seen so far, and how each part is read:

- Header (optional, first lines): the title "对市政协十四届四次会议第20250597号提案的答复",
  which gives the session and proposal number, and the web page's line
  "发布时间：2023-08-22 19:35 发布单位：来源：办公室", which gives `published_at`, the
  publishing bureau when it is filled in, and `source_office`. Page noise ("今天是:") is
  dropped by `clean_lines`.
- Signature (optional, last lines): a bureau line ("武汉市经济和信息化局") and a date line
  ("2024年7月26日"). The bureau line becomes `signature` and `bureau`, the date `date`.
- intro: everything before the first "一、". `co_bureaus` are the names after "会同" in the intro
  only: there 会同 names who handled the proposal with the answering bureau, while inside a section
  (004: "会同市税务局开展…培训活动") it names a partner in one activity.
- Sections: "一、" (level 1), "（一）" (level 2), "一是" (level 3), each either on a line of its own
  (the whole line is the heading) or opening a paragraph ("（一）标题。正文": the heading runs to
  the first "。"). Level-2 and level-3 items may also follow each other inside one paragraph
  ("（一）深化“放管服”改革。一是…。二是…。"). A heading with no full stop before its text (002:
  "（一）新型研发机构建设成效显现我市市级挂牌…") is cut where the text visibly starts ("我市",
  "近年来", "目前", "截至", a year), with a warning; if no such word is found the whole first
  sentence stays the heading, also with a warning. Nothing is dropped: a section's heading and text,
  its children's, the intro, the next steps and the signature hold every character of the body.
- next_steps: from the paragraph that starts with "下一步" to the signature. When the plans are
  instead a last numbered section ("五、下一步工作"), that section stays in `sections` and its
  text is also copied to `next_steps`.
- Years for figures: the signing or publishing date, else the proposal number's first four
  digits (20250597 was filed in 2025).
"""

from __future__ import annotations

import datetime as dt
import re

import cn2an

from ingest.errors import IngestError
from ingest.text import SENTENCE_END, clean_lines, paragraphs
from ingest.types import ParsedReply, ParsedSection
from ingest.vocab import find_themes, find_tiers, resolve_bureau

from .figures import extract_figures

NUM = "[一二三四五六七八九十]+"
_MARKERS = (
    (1, re.compile(rf"^({NUM})、")),
    (2, re.compile(rf"^（({NUM})）")),
    (3, re.compile(rf"^({NUM})是")),
)
_INLINE = {
    2: re.compile(rf"(?:^|(?<=[。；]))（({NUM})）"),
    3: re.compile(rf"(?:^|(?<=[。；]))({NUM})是"),
}
_BLOCK = re.compile(rf"^(?:{NUM}、|（{NUM}）|{NUM}是|下一步)")
HEADING_MAX = 40  # longer "headings" are a heading run into its text
_OPENER = re.compile(r"我市|我局|近年来|目前|截至|今年|(?:19|20)\d{2}年")

_TITLE = re.compile(r"答复(?:函)?$")
_SESSION = re.compile(
    r"(?:十[一二三四五六七八九]?|[一二三四五六七八九])届[一二三四五六七八九十]+次会议"
)
_PROPOSAL = re.compile(r"第\s*(\d{6,})\s*号")
_META = re.compile(
    r"发布时间[：:]\s*(?P<date>\d{4}-\d{1,2}-\d{1,2})(?:\s+(?P<time>\d{1,2}:\d{2}))?"
    r"(?:.*?发布单位[：:]\s*(?P<publisher>.*?))?\s*(?:来源[：:]\s*(?P<source>.*?))?\s*$"
)
_DATE_LINE = re.compile(
    r"^(?P<y>[\d〇零一二三四五六七八九]{4})年(?P<m>[\d十一二]{1,3})月(?P<d>[\d十一二三四五六七八九]{1,3})日$"
)
_SIGNER = re.compile(
    r"^[^，。；：,;:]{2,30}(?:局|委员会|委|办公室|办|厅|院|中心|部|处|室|会|政府)$"
)
_CO_SPLIT = re.compile(r"、|(?<=[局委办厅院部心])(?:以及|和|及|与)")
_CO_END = re.compile(r"进行|开展|共同|联合|认真|研究|办理|对|就|等")
_CO_NAME = re.compile(r"(?:局|委员会|委|办公室|办|厅|院|中心|部|处|室|会)$")
_ASKED = re.compile(
    r"(?P<kind>建议|提案)(?:关注|聚焦|围绕|涉及|关于|针对)了?(?:我市|武汉市?)?(?P<subject>[^，。；]{2,30}?)(?:，|。|；|$)"
)
_CN_YEAR = str.maketrans("〇零一二三四五六七八九", "00123456789")


def parse_reply(text: str) -> ParsedReply:
    """Parse one reply to a CPPCC proposal (already decoded text)."""
    warnings: list[str] = []
    lines = clean_lines(text)
    title, meta, lines = _split_header(lines)
    signature, signed_on, lines = _split_signature(lines)
    alone = sorted({ln for ln in lines if _is_heading_alone(ln)}, key=len, reverse=True)
    paras = _unjoin(paragraphs("\n".join(lines), starts_block=_BLOCK), alone)
    if not paras:
        raise IngestError("the reply has no body text")
    intro_paras, sections, tail = _build_tree(paras, set(alone), warnings)
    if not sections:
        raise IngestError(
            "no numbered sections (一、…) found: not a reply to a proposal in a known layout"
        )
    intro = "\n".join(intro_paras)
    if not (title or meta or signature or re.search("提案|建议|答复", intro)):
        raise IngestError(
            "no sign of a reply (no 答复 title, 发布时间 line, signature or mention of the "
            "proposal in the intro): is this a policy document?"
        )
    next_steps = "\n".join(tail)
    if not next_steps:
        last = sections[-1]
        if "下一步" in last.heading:
            next_steps = _flatten(last)

    published_at, publisher, source_office = _read_meta(meta)
    proposal_number, session = _proposal(title, intro)
    date = signed_on or (published_at.date() if published_at else None)
    if date is None:
        warnings.append("no date in the reply (no signature date, no 发布时间)")
    bureau = signature or publisher or None
    if bureau is None:
        says = " (the reply says only “我局”)" if "我局" in text else ""
        warnings.append(f"answering bureau not named{says}")
    co_bureaus = _co_bureaus(intro)
    for name in co_bureaus:
        if resolve_bureau(name) is None:
            warnings.append(f"co-handling bureau not in the bureau list: {name}")
    if not title:
        title = _derived_title(bureau, intro, proposal_number)
        warnings.append(f"no title line: title derived from the signature and the intro: {title}")

    default_year = date.year if date else _proposal_year(proposal_number)
    _check_numbering(sections, warnings)
    for section in sections:
        _annotate(section, default_year)
    return ParsedReply(
        title=title,
        proposal_number=proposal_number,
        session=session,
        date=date,
        bureau=bureau,
        co_bureaus=co_bureaus,
        intro=intro,
        sections=sections,
        next_steps=next_steps,
        signature=signature,
        published_at=published_at,
        source_office=source_office,
        warnings=warnings,
    )


# Header and signature -----------------------------------------------------------------------


def _split_header(lines: list[str]) -> tuple[str, str, list[str]]:
    """(title line, 发布时间 line, remaining lines); either line may be ""."""
    title = meta = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            pass
        elif not title and _TITLE.search(line) and "。" not in line and len(line) <= 80:
            title = line
        elif not meta and line.startswith("发布时间"):
            meta = line
        else:
            break
        i += 1
    return title, meta, lines[i:]


def _split_signature(lines: list[str]) -> tuple[str, dt.date | None, list[str]]:
    """(signing bureau line, signing date, remaining lines), read from the end."""
    end = len(lines)
    while end and not lines[end - 1]:
        end -= 1
    signed_on = None
    if end and (m := _DATE_LINE.match(lines[end - 1])):
        signed_on = _date_from(m)
        if signed_on is not None:
            end -= 1
            while end and not lines[end - 1]:
                end -= 1
    signature = ""
    if end and _SIGNER.match(lines[end - 1]) and not _BLOCK.match(lines[end - 1]):
        signature = lines[end - 1]
        end -= 1
    return signature, signed_on, lines[:end]


def _date_from(m: re.Match[str]) -> dt.date | None:
    try:
        year = int(m.group("y").translate(_CN_YEAR))
        month, day = (int(cn2an.cn2an(m.group(k), "smart")) for k in ("m", "d"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _read_meta(meta: str) -> tuple[dt.datetime | None, str, str]:
    """(published_at, publishing bureau, source office) from the 发布时间 line."""
    m = _META.search(meta) if meta else None
    if not m:
        return None, "", ""
    try:
        day = dt.date.fromisoformat("-".join(part.zfill(2) for part in m.group("date").split("-")))
    except ValueError:
        return None, "", ""
    hour, minute = (int(x) for x in (m.group("time") or "0:00").split(":"))
    published_at = dt.datetime(day.year, day.month, day.day, hour, minute)
    return published_at, (m.group("publisher") or "").strip(), (m.group("source") or "").strip()


def _proposal(title: str, intro: str) -> tuple[str | None, str]:
    """(proposal number, session) from the title, else from the intro."""
    for source in (title, intro):
        number = _PROPOSAL.search(source)
        session = _SESSION.search(source)
        if number or session:
            return (number.group(1) if number else None), (session.group(0) if session else "")
    return None, ""


def _proposal_year(number: str | None) -> int | None:
    """Proposal numbers start with their year: 20250597 was filed in 2025."""
    if number and len(number) >= 8 and 1990 <= int(number[:4]) <= 2100:
        return int(number[:4])
    return None


def _co_bureaus(intro: str) -> list[str]:
    names: list[str] = []
    for m in re.finditer("会同", intro):
        clause = re.split("[，。；：,;]", intro[m.end() :], maxsplit=1)[0]
        items = _CO_SPLIT.split(clause)
        for i, item in enumerate(items):
            if i == len(items) - 1 and (end := _CO_END.search(item, 2)):
                item = item[: end.start()]
            item = item.removesuffix("等").strip()
            if _CO_NAME.search(item) and item not in names:
                names.append(item)
    return names


def _derived_title(bureau: str | None, intro: str, proposal_number: str | None) -> str:
    by = bureau or ""
    asked = _ASKED.search(intro)
    if asked:
        subject = asked.group("subject").replace("的", "")
        kind = asked.group("kind")
        if not subject.endswith(kind):
            subject += kind
        return f"{by}关于{subject}的答复"
    if proposal_number:
        return f"{by}对第{proposal_number}号提案的答复"
    return f"{by}对市政协提案的答复"


# Body ---------------------------------------------------------------------------------------


def _marker(paragraph: str) -> tuple[int, int, str] | None:
    for level, pattern in _MARKERS:
        if m := pattern.match(paragraph):
            return level, _number(m.group(1)), paragraph[m.end() :]
    return None


def _number(numeral: str) -> int:
    return int(cn2an.cn2an(numeral, "smart"))


def _is_heading_alone(line: str) -> bool:
    return bool(line and _marker(line) and "。" not in line and len(line) <= HEADING_MAX)


def _unjoin(paras: list[str], alone: list[str]) -> list[str]:
    """Split off heading lines that `paragraphs` joined to the text after them.

    "（一）开展关键核心技术攻关" has no closing punctuation, so the next line ("2021年起，…")
    looks like its continuation after a page break.
    """
    out: list[str] = []
    for para in paras:
        while para not in alone:
            head = next((h for h in alone if para.startswith(h)), None)
            if head is None:
                break
            out.append(head)
            para = para[len(head) :]
        out.append(para)
    return out


def _build_tree(
    paras: list[str], alone: set[str], warnings: list[str]
) -> tuple[list[str], list[ParsedSection], list[str]]:
    """(intro paragraphs, top-level sections, 下一步 paragraphs)."""
    intro: list[str] = []
    sections: list[ParsedSection] = []
    tail: list[str] = []
    open_: list[ParsedSection] = []  # the path from a top section to the deepest open one
    for para in paras:
        if tail or (sections and para.startswith("下一步")):
            tail.append(para)
            continue
        marker = _marker(para)
        if marker and (marker[0] == 1 or open_):
            level, number, rest = marker
            section = _section(level, number, rest, para in alone, warnings)
            while open_ and open_[-1].level >= level:
                open_.pop()
            (open_[-1].children if open_ else sections).append(section)
            open_.append(section)
            while open_[-1].children:  # text after inline items belongs to the last one
                open_.append(open_[-1].children[-1])
        elif open_:
            deepest = open_[-1]
            deepest.text = f"{deepest.text}\n{para}" if deepest.text else para
        else:
            intro.append(para)
    return intro, sections, tail


def _section(level: int, number: int, rest: str, alone: bool, warnings: list[str]) -> ParsedSection:
    if alone:
        heading, text = rest.rstrip("。：:"), ""
    else:
        heading, text = _split_heading(rest, warnings)
    own, children = _inline_children(text, level, warnings)
    return ParsedSection(level=level, number=number, heading=heading, text=own, children=children)


def _split_heading(rest: str, warnings: list[str]) -> tuple[str, str]:
    stop = rest.find("。")
    heading, text = (rest, "") if stop == -1 else (rest[:stop], rest[stop + 1 :])
    if len(heading) > HEADING_MAX:
        opener = _OPENER.search(heading, 4)
        if opener:
            warnings.append(
                f"heading without a full stop, cut before “{opener.group(0)}”: "
                f"{heading[: opener.start()]}"
            )
            return heading[: opener.start()], rest[opener.start() :]
        warnings.append(f"long heading kept whole (no full stop found): {heading[:20]}…")
    return heading, text


def _inline_children(text: str, level: int, warnings: list[str]) -> tuple[str, list[ParsedSection]]:
    """Own text and the numbered items that follow each other inside it ("一是…。二是…")."""
    for child_level in range(level + 1, 4):
        pattern = _INLINE[child_level]
        found: list[re.Match[str]] = []
        for m in pattern.finditer(text):
            if _number(m.group(1)) == len(found) + 1:
                found.append(m)
        if len(found) < 2:
            continue
        children = []
        for m, nxt in zip(found, [*found[1:], None], strict=True):
            chunk = text[m.end() : nxt.start() if nxt else len(text)]
            children.append(_section(child_level, len(children) + 1, chunk, False, warnings))
        return text[: found[0].start()], children
    return text, []


def _flatten(section: ParsedSection) -> str:
    parts = [section.heading, section.text, *(_flatten(c) for c in section.children)]
    return "\n".join(p for p in parts if p)


def _check_numbering(sections: list[ParsedSection], warnings: list[str], path: str = "") -> None:
    for i, section in enumerate(sections, start=1):
        label = f"{path}{section.level}.{section.number}"
        if section.number != i:
            warnings.append(
                f"section numbering jumps: expected {i}, found {label} {section.heading}"
            )
        _check_numbering(section.children, warnings, f"{label}/")


def _annotate(section: ParsedSection, default_year: int | None) -> None:
    own = f"{section.heading}\n{section.text}"
    section.themes = find_themes(own)
    section.tiers = find_tiers(own)
    heading = (
        section.heading if section.heading.endswith(tuple(SENTENCE_END)) else section.heading + "。"
    )
    section.figures = extract_figures(f"{heading}{section.text}", default_year=default_year)
    for child in section.children:
        _annotate(child, default_year)
