"""Parser for the bureaus' replies to 政协提案 and 人大代表建议: text in, `ParsedReply` out.

Pure: no database, no Django. The genre, and how each part is read:

- Header (optional, first lines, in any order): a title line ending in 答复 ("对市政协十四届四次会议
  第20250597号提案的答复", "对市十五届人大五次会议第JY20250126号建议的答复") and page lines
  ("发布时间：2023-08-22 19:35 发布单位：来源：办公室", "来源: 发布日期:2025-07-25 11:13",
  "分享:"). The page line gives `published_at`, the publishing bureau and `source_office`.
  Page chrome ("今天是:", "分享:", "打印", page numbers) is dropped wherever it stands.
- Addressee (optional): "曹建民代表：", "尊敬的XX委员：" on a line of its own.
- Signature (optional, last lines): one to three bureau lines and a date line (Arabic or Chinese
  numerals, or on the bureau's line). Thanks ("感谢您对…") and contact lines ("联系人：…") after
  the body are `closing`.
- kind: `npc_suggestion` when the title, addressee or intro speaks of 人大/代表 (or a JY number),
  `cppcc_proposal` when they speak of 政协/提案/委员, whichever comes first; else `unknown`, never
  guessed from the word 建议 alone (CPPCC proposals are often titled 建议 too).
- proposal_number: "20250597", "JY20250126", or "21" from "第21号提案"; session as written
  ("市政协十四届四次会议", "市十五届人大五次会议"). proposal_title: the 《…》 the reply answers
  ("您提出的《关于…的建议》收悉"); a reply without a title line is titled after it.
- Sections: each numbering style ("建议一：", "一、", "（一）", "一是", "1.", "（1）") is a level,
  in the order the document first uses them (so "一是" items are top-level sections when a reply
  has nothing else, and "1." items sit under "建议一："). A heading stands alone on its line or
  opens a paragraph ("（一）标题。正文": the heading runs to the first "。"); "（二）" and "一是" items
  may also follow each other inside one paragraph. A heading with no full stop before its text
  (002: "（一）新型研发机构建设成效显现我市市级挂牌…") is cut where the text visibly starts ("我市",
  "近年来", a year), with a warning. A reply with no numbered sections (a short county reply) keeps
  its body in `intro`. Nothing is dropped: headings, texts, intro, next steps, closing and
  signature hold every character of the body.
- next_steps: from the paragraph that starts with "下一步" to the closing; when the plans are a
  last numbered section ("五、下一步工作"), that section stays in `sections` and its text is also
  copied to `next_steps`. Figures there are targets.
- co_bureaus: the names after 会同/经商/商请/联合 in the intro, in source order (inside a section
  "会同市税务局开展…培训" names a partner in one activity, not a co-handler).
- Years for figures: the signing or publishing date, else the proposal number's year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import cn2an

from ingest.errors import IngestError
from ingest.text import CJK, SENTENCE_END, clean_lines, paragraphs
from ingest.types import ParsedReply, ParsedSection
from ingest.vocab import find_themes, find_tiers, resolve_bureau

from .figures import extract_figures

NUM = "[一二三四五六七八九十]+"


@dataclass(frozen=True)
class _Style:
    name: str
    start: re.Pattern[str]  # at the start of a paragraph
    inline: re.Pattern[str] | None  # after a full stop inside a paragraph
    arabic: bool = False


_STYLES = (
    _Style("建议", re.compile(rf"^建议({NUM}|\d{{1,2}})[：:]"), None),
    _Style("、", re.compile(rf"^({NUM})、"), None),
    _Style("（）", re.compile(rf"^（({NUM})）"), re.compile(rf"(?:^|(?<=[。；]))（({NUM})）")),
    _Style("是", re.compile(rf"^({NUM})是"), re.compile(rf"(?:^|(?<=[。；]))({NUM})是")),
    _Style("1.", re.compile(r"^(\d{1,2})[.．、](?!\d)"), None, arabic=True),
    _Style(
        "（1）",
        re.compile(r"^[（(](\d{1,2})[）)]"),
        re.compile(r"(?:^|(?<=[。；]))[（(](\d{1,2})[）)]"),
        arabic=True,
    ),
)
MAX_LEVEL = 3
_BLOCK = re.compile(
    rf"^(?:建议(?:{NUM}|\d{{1,2}})[：:]|{NUM}、|（{NUM}）|{NUM}是|\d{{1,2}}[.．、](?!\d)|"
    r"[（(]\d{1,2}[）)]|下一步|办理情况)"
)
HEADING_MAX = 40  # longer "headings" are a heading run into its text
_OPENER = re.compile(r"我市|我局|近年来|目前|截至|今年|(?:19|20)\d{2}年")

_TITLE = re.compile(r"答复(?:的)?(?:函|意见)?$")
# Above the title of a 答复函: the bureau's letterhead, its 文号 and 签发人.
_LETTER_NUMBER = re.compile(f"[{CJK}]{{1,8}}〔\\d{{4}}〕\\s*\\d+\\s*号")
_LETTER_HEAD = re.compile(r"签发人|〔\d{4}〕\s*\d+\s*号")
_SESSION = re.compile(
    rf"(?:武汉)?市?(?:政协|人大)?(?:第)?{NUM}届(?:市?(?:人大|政协|人民代表大会))?(?:第)?{NUM}次"
    r"(?:全体)?会议"
)
_PROPOSAL = re.compile(r"第\s*([A-Za-z]{0,4}\s*\d+)\s*号(?=\s*(?:提案|建议|议案|代表建议|的|$))")
_JY = re.compile(r"(?<![A-Za-z])JY\d{6,}")
_PAGE_LINE = re.compile(
    r"^(?:发布时间|发布日期|发布单位|来源|信息来源|文章来源|分享|字号|浏览次数|访问量|点击|打印|"
    r"【|关闭)"
)
_PUBLISHED = re.compile(
    r"(?:发布时间|发布日期|日期)[：:]\s*(?P<date>\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})日?"
    r"(?:\s*(?P<time>\d{1,2}:\d{2}))?"
)
_PUBLISHER = re.compile(r"发布单位[：:]\s*(?P<v>[^\s：:]*?)(?=\s|来源|$)")
_SOURCE = re.compile(r"(?<!信息)来源[：:]\s*(?P<v>(?!发布)[^\s：:]*)")
# "曹建民代表：", "尊敬的XX委员：", or an organisation ("民建武汉市委员会：") on a line of its own.
_ADDRESSEE = re.compile(r"^(?:尊敬的)?(?P<who>[^，。；：:、\s]{2,30})[：:]$")
_NOT_ADDRESSEE = re.compile(
    r"答复如下|办理情况|如下$|^建议|^(?:一|二|三|四|五|六|七|八|九|十)+[、是]"
)
_DATE = (
    r"(?P<y>[\d〇零一二三四五六七八九]{4})年(?P<m>[\d〇零一二三四五六七八九十]{1,3})月"
    r"(?P<d>[\d〇零一二三四五六七八九十]{1,3})日"
)
_DATE_LINE = re.compile(rf"^{_DATE}$")
_SIGNER_DATE = re.compile(rf"^(?P<who>\S{{2,30}}?)\s*{_DATE}$")
_SIGNER = re.compile(
    r"^[^，。；：,;:！？]{2,30}(?:局|委员会|委|办公室|办|厅|院|中心|部|处|室|会|政府|集团|公司)$"
)
_CLOSING = re.compile(r"^(?:感谢|衷心感谢|再次感谢|真诚感谢|特此答复|此复|专此答复|谢谢)")
_CONTACT = re.compile(
    r"^[（(]?(?:联系人|联系电话|联系方式|电话|承办人|经办人|抄送)[：:]|^[（(]此件.{0,8}公开"
)
_CO_TRIGGER = re.compile("会同|经商|商请|联合|协同")
_CO_SPLIT = re.compile(r"、|(?<=[局委办厅院部心])(?:以及|和|及|与)")
_CO_END = re.compile(r"进行|开展|共同|联合|认真|研究|办理|对|就|等|现")
_CO_NAME = re.compile(r"(?:局|委员会|委|办公室|办|厅|院|中心|部|处|室|会)$")
_ASKED = re.compile(
    r"(?P<kind>建议|提案)(?:关注|聚焦|围绕|涉及|关于|针对)了?(?:我市|武汉市?)?(?P<subject>[^，。；]{2,30}?)(?:，|。|；|$)"
)
_NPC_CUE = re.compile(r"人大|人民代表大会|代表(?!性|了|着)|(?<![A-Za-z])JY\d")
_CPPCC_CUE = re.compile(r"政协|提案|委员(?!会)")
_ANSWERED = re.compile(
    r"(?:提出|提交|所提|领衔提出|您|你们)的?《(?P<a>[^《》]{4,100})》"
    r"|《(?P<b>[^《》]{4,100})》(?:的?(?:提案|建议|议案))?(?:已)?收悉"
    r"|《(?P<c>关于[^《》]{2,100}(?:建议|提案|议案))》"
)
_CN_YEAR = str.maketrans("〇零一二三四五六七八九", "00123456789")


def parse_reply(text: str) -> ParsedReply:
    """Parse one reply to a proposal or suggestion (already decoded text)."""
    warnings: list[str] = []
    lines = [ln for ln in clean_lines(text) if not _is_chrome(ln)]
    title, meta, letterhead, lines = _split_header(lines)
    addressee, lines = _split_addressee(lines)
    signature, signed_on, closing_lines, lines = _split_signature(lines)
    styles = _styles_in_use(lines)
    alone = sorted({ln for ln in lines if _is_heading_alone(ln, styles)}, key=len, reverse=True)
    paras = _unjoin(paragraphs("\n".join(lines), starts_block=_BLOCK), alone)
    while paras and _CLOSING.match(paras[-1]):
        closing_lines.insert(0, paras.pop())
    if not paras:
        raise IngestError("the reply has no body text")
    intro_paras, sections, tail = _build_tree(paras, set(alone), styles, warnings)
    intro = "\n".join(intro_paras)
    if not (title or meta or signature or addressee or re.search("提案|建议|答复|收悉", intro)):
        raise IngestError(
            "no sign of a reply (no 答复 title, 发布时间 line, signature, addressee or mention of "
            "the proposal): is this a policy document?"
        )
    if not sections:
        warnings.append("no numbered sections: the body is kept as the reply's intro")
    next_steps = "\n".join(tail)
    plans = None
    if not next_steps and sections and "下一步" in sections[-1].heading:
        plans = sections[-1]
        next_steps = _flatten(plans)

    published_at, publisher, source_office = _read_meta(meta)
    head = "\n".join(intro_paras[:2])
    proposal_number, session = _proposal(title, head)
    proposal_title = _proposal_title(title, head)
    kind = _kind("\n".join([title, addressee, intro]))
    date = signed_on or (published_at.date() if published_at else None)
    if date is None:
        warnings.append("no date in the reply (no signature date, no 发布时间)")
    sender = next((ln for ln in letterhead if _SIGNER.match(ln)), "")
    bureau = signature.split("\n")[0] if signature else (publisher or sender or None)
    own_number = _LETTER_NUMBER.search(" ".join(letterhead))
    if bureau is None:
        says = " (the reply says only “我局”)" if "我局" in text else ""
        warnings.append(f"answering bureau not named{says}")
    co_bureaus = _co_bureaus(intro)
    for name in co_bureaus:
        if resolve_bureau(name) is None:
            warnings.append(f"co-handling bureau not in the bureau list: {name}")
    if not title:
        if proposal_title:
            title = f"对《{proposal_title}》的答复"
            warnings.append(f"no title line: title derived from the proposal's title: {title}")
        else:
            title = _derived_title(bureau, intro, proposal_number)
            warnings.append(
                f"no title line: title derived from the signature and the intro: {title}"
            )

    default_year = date.year if date else _proposal_year(proposal_number)
    _check_numbering(sections, warnings)
    for section in sections:
        _annotate(section, default_year, "target" if section is plans else "result")
    figures = extract_figures(intro, default_year=default_year)
    if tail:
        figures += extract_figures(next_steps, default_year=default_year, default_kind="target")
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
        kind=kind,
        proposal_title=proposal_title,
        addressee=addressee,
        closing="\n".join(closing_lines),
        letterhead="\n".join(letterhead),
        reference_number=re.sub(r"\s", "", own_number.group(0)) if own_number else "",
        figures=figures,
        warnings=warnings,
    )


# Header, addressee and signature ------------------------------------------------------------


def _is_chrome(line: str) -> bool:
    """Web-page furniture with nothing of the reply in it: "分享:", "打印本页 关闭窗口"."""
    return bool(
        re.fullmatch(r"(?:分享|打印(?:本页)?|关闭(?:窗口)?|【?字号[：:]?.*)\s*[：:]?\s*", line)
    )


def _split_header(lines: list[str]) -> tuple[str, str, list[str], list[str]]:
    """(title line, page lines, letterhead lines, remaining lines); any may be empty."""
    title = ""
    meta: list[str] = []
    letterhead: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            pass
        elif not title and _TITLE.search(line) and "。" not in line and len(line) <= 80:
            title = line
        elif _PAGE_LINE.match(line) and "。" not in line and len(line) <= 100:
            meta.append(line)
        elif not title and (_LETTER_HEAD.search(line) or _SIGNER.match(line)) and len(line) <= 60:
            letterhead.append(line)  # a 答复函's bureau, 文号 and 签发人
        else:
            break
        i += 1
    return title, " ".join(meta), letterhead, lines[i:]


def _split_addressee(lines: list[str]) -> tuple[str, list[str]]:
    for i, line in enumerate(lines):
        if not line:
            continue
        if (m := _ADDRESSEE.match(line)) and not _NOT_ADDRESSEE.search(m.group("who")):
            return m.group("who"), lines[:i] + lines[i + 1 :]
        break
    return "", lines


def _split_signature(lines: list[str]) -> tuple[str, dt.date | None, list[str], list[str]]:
    """(signing bureau lines, signing date, contact lines, remaining lines), read from the end."""
    end = len(lines)
    contact: list[str] = []

    def skip_blank() -> None:
        nonlocal end
        while end and not lines[end - 1]:
            end -= 1

    skip_blank()
    while end and _CONTACT.match(lines[end - 1]):
        contact.insert(0, lines[end - 1])
        end -= 1
        skip_blank()
    signed_on = None
    signers: list[str] = []
    if end and (m := _DATE_LINE.match(lines[end - 1])):
        signed_on = _date_from(m)
        if signed_on is not None:
            end -= 1
            skip_blank()
    elif end and (m := _SIGNER_DATE.match(lines[end - 1])) and _SIGNER.match(m.group("who")):
        signed_on = _date_from(m)
        if signed_on is not None:
            signers.append(m.group("who"))
            end -= 1
    while (
        end
        and len(signers) < 3
        and _SIGNER.match(lines[end - 1])
        and not _BLOCK.match(lines[end - 1])
    ):
        signers.insert(0, lines[end - 1])
        end -= 1
    return "\n".join(signers), signed_on, contact, lines[:end]


def _date_from(m: re.Match[str]) -> dt.date | None:
    try:
        year = int(m.group("y").translate(_CN_YEAR))
        month, day = (int(cn2an.cn2an(m.group(k), "smart")) for k in ("m", "d"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def _read_meta(meta: str) -> tuple[dt.datetime | None, str, str]:
    """(published_at, publishing bureau, source office) from the page lines."""
    m = _PUBLISHED.search(meta) if meta else None
    if not m:
        return None, "", ""
    try:
        parts = re.split(r"[-/.年月]", m.group("date"))
        day = dt.date(*(int(p) for p in parts))
    except ValueError:
        return None, "", ""
    hour, minute = (int(x) for x in (m.group("time") or "0:00").split(":"))
    published_at = dt.datetime(day.year, day.month, day.day, hour, minute)
    publisher = _PUBLISHER.search(meta)
    source = _SOURCE.search(meta)
    return (
        published_at,
        publisher.group("v") if publisher else "",
        source.group("v") if source else "",
    )


def _proposal(title: str, intro: str) -> tuple[str | None, str]:
    """(proposal number, session) from the title, else from the intro."""
    for source in (title, intro):
        number = _PROPOSAL.search(source) or _JY.search(source)
        session = _SESSION.search(source)
        if number or session:
            value = None
            if number:
                value = (number.group(1) if number.re is _PROPOSAL else number.group(0)).replace(
                    " ", ""
                )
            return value, (session.group(0) if session else "")
    return None, ""


def _proposal_title(title: str, intro: str) -> str:
    for source in (title, intro):
        if m := _ANSWERED.search(source):
            return m.group("a") or m.group("b") or m.group("c")
    return ""


def _kind(header: str) -> str:
    npc, cppcc = _NPC_CUE.search(header), _CPPCC_CUE.search(header)
    if npc and (not cppcc or npc.start() < cppcc.start()):
        return "npc_suggestion"
    return "cppcc_proposal" if cppcc else "unknown"


def _proposal_year(number: str | None) -> int | None:
    """Proposal numbers start with their year: 20250597 was filed in 2025, JY20250126 too."""
    digits = re.sub(r"\D", "", number or "")
    if len(digits) >= 8 and 1990 <= int(digits[:4]) <= 2100:
        return int(digits[:4])
    return None


def _co_bureaus(intro: str) -> list[str]:
    names: list[str] = []
    for m in _CO_TRIGGER.finditer(intro):
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
    return f"{by}对提案建议的答复"


# Body ---------------------------------------------------------------------------------------


def _styles_in_use(lines: list[str]) -> dict[str, int]:
    """Numbering style -> level, in the order the document first starts a paragraph with its 1."""
    levels: dict[str, int] = {}
    for line in lines:
        for style in _STYLES:
            m = style.start.match(line)
            if m and style.name not in levels and _number(m.group(1)) == 1:
                levels[style.name] = len(levels) + 1
                break
    return {name: level for name, level in levels.items() if level <= MAX_LEVEL}


def _marker(paragraph: str, styles: dict[str, int]) -> tuple[int, int, str, str] | None:
    """(level, number, marker as written, rest) when the paragraph opens with a known style."""
    for style in _STYLES:
        if style.name in styles and (m := style.start.match(paragraph)):
            return styles[style.name], _number(m.group(1)), m.group(0), paragraph[m.end() :]
    return None


def _number(numeral: str) -> int:
    return int(numeral) if numeral.isdigit() else int(cn2an.cn2an(numeral, "smart"))


def _is_heading_alone(line: str, styles: dict[str, int]) -> bool:
    return bool(
        line and _marker(line, styles) and "。" not in line and len(line) <= HEADING_MAX + 6
    )


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
    paras: list[str], alone: set[str], styles: dict[str, int], warnings: list[str]
) -> tuple[list[str], list[ParsedSection], list[str]]:
    """(intro paragraphs, top-level sections, 下一步 paragraphs)."""
    intro: list[str] = []
    sections: list[ParsedSection] = []
    tail: list[str] = []
    open_: list[ParsedSection] = []  # the path from a top section to the deepest open one
    for para in paras:
        if tail or para.startswith("下一步"):
            tail.append(para)
            continue
        marker = _marker(para, styles)
        if marker and (marker[0] == 1 or open_):
            level, number, written, rest = marker
            section = _section(level, number, written, rest, para in alone, styles, warnings)
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


def _section(
    level: int,
    number: int,
    written: str,
    rest: str,
    alone: bool,
    styles: dict[str, int],
    warnings: list[str],
) -> ParsedSection:
    if alone:
        heading, text = rest.rstrip("。：:"), ""
    else:
        heading, text = _split_heading(rest, warnings)
    own, children = _inline_children(text, level, styles, warnings)
    return ParsedSection(
        level=level, number=number, heading=heading, text=own, children=children, marker=written
    )


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


def _inline_children(
    text: str, level: int, styles: dict[str, int], warnings: list[str]
) -> tuple[str, list[ParsedSection]]:
    """Own text and the numbered items that follow each other inside it ("一是…。二是…")."""
    if level >= MAX_LEVEL:
        return text, []
    for style in _STYLES:
        if style.inline is None or styles.get(style.name, level + 1) <= level:
            continue
        child_level = min(styles.get(style.name, level + 1), MAX_LEVEL)
        found: list[re.Match[str]] = []
        for m in style.inline.finditer(text):
            if _number(m.group(1)) == len(found) + 1:
                found.append(m)
        if len(found) < 2:
            continue
        children: list[ParsedSection] = []
        for m, nxt in zip(found, [*found[1:], None], strict=True):
            chunk = text[m.end() : nxt.start() if nxt else len(text)]
            written = m.group(0)
            children.append(
                _section(child_level, len(children) + 1, written, chunk, False, styles, warnings)
            )
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


def _annotate(section: ParsedSection, default_year: int | None, default_kind: str) -> None:
    own = f"{section.heading}\n{section.text}"
    section.themes = find_themes(own)
    section.tiers = find_tiers(own)
    heading = (
        section.heading if section.heading.endswith(tuple(SENTENCE_END)) else section.heading + "。"
    )
    section.figures = extract_figures(
        f"{heading}{section.text}", default_year=default_year, default_kind=default_kind
    )
    for child in section.children:
        _annotate(child, default_year, default_kind)
