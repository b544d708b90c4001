"""Text clean-up shared by the parsers: decoding, layout noise, punctuation, page-break joins;
and reading the numerals found in the text."""

from __future__ import annotations

import re
from decimal import Decimal

import cn2an

from .errors import IngestError

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")
# Punctuation that ends a paragraph; a paragraph ending in anything else was cut by a page break.
SENTENCE_END = "。！？；：”）》」』…"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_FULLWIDTH_ALNUM = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "\u3000": " ",
        "\xa0": " ",
        "％": "%",
        "．": ".",
    }
)
_LAYOUT_NOISE = re.compile(r"^\s*(今天是[:：].*|\*+|-{3,}|第\s*\d+\s*页.*|[-—]\s*\d+\s*[-—])\s*$")


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK and GB2312)."""
    if not data.strip():
        raise IngestError("the file is empty")
    if b"\x00" in data[:4096]:
        raise IngestError("the file is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise IngestError(
                f"the file is neither UTF-8 nor GB18030 text (bad byte at {exc.start})"
            ) from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(3, len(text) // 100):
        raise IngestError("the file is binary, not text")
    if not _CJK_RE.search(text):
        raise IngestError("the file holds no Chinese text")
    return text


def normalize_line(line: str) -> str:
    """One line of source text made canonical without changing what it says."""
    line = line.translate(_FULLWIDTH_ALNUM)
    line = line.replace("**", "")
    line = re.sub(r"[ \t]+", " ", line).strip()
    # A space between two CJK characters is a layout artefact (a title broken over two lines).
    line = re.sub(f"(?<=[{CJK}]) (?=[{CJK}])", "", line)
    # Half-width punctuation touching Chinese text becomes full-width; "1.66" and "6%-10%" stay.
    line = re.sub(
        f"(?<=[{CJK}“”）)\\]]) ?([,;:?!]) ?|([,;:?!]) ?(?=[{CJK}“（(])",
        lambda m: _HALF_TO_FULL[m.group(1) or m.group(2)],
        line,
    )
    # PDF and web-page artefacts: "7077 家", "2021 年 10 月", "5. 9 亿元", "33.75%,4家".
    line = re.sub(f"(?<=\\d) (?=[{CJK}%])|(?<=[{CJK}]) (?=\\d)", "", line)
    line = re.sub(r"(?<=\d) ?\. ?(?=\d)", ".", line)
    line = re.sub(r"(?<=%),(?=\S)", "，", line)
    line = re.sub(r"\((?=[^()]*[" + CJK + r"])([^()]*)\)", r"（\1）", line)
    line = line.replace("（ ", "（").replace(" ）", "）")
    return line


def clean_lines(text: str) -> list[str]:
    """Normalised non-empty lines, with blank lines kept as "" so page breaks stay visible."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if _LAYOUT_NOISE.match(raw):
            continue
        out.append(normalize_line(raw))
    return out


def paragraphs(text: str, *, starts_block: re.Pattern[str] | None = None) -> list[str]:
    """Split into paragraphs, rejoining those a page break cut in two.

    A paragraph that does not end in closing punctuation continues in the next one, unless the
    next one starts a new block (a heading or numbered item, as `starts_block` says).
    """
    paras: list[str] = []
    for line in clean_lines(text):
        if not line:
            continue
        continues = paras and not paras[-1].endswith(tuple(SENTENCE_END))
        if continues and (starts_block is None or not starts_block.match(line)):
            paras[-1] += line
            continue
        paras.append(line)
    return paras


def strip_quotes(text: str) -> str:
    """The text without quotation marks, for matching names the documents quote inconsistently."""
    return re.sub(r"[“”\"'‘’「」『』]", "", text)


def parse_numeral(num: str) -> Decimal:
    """The value of a numeral as written: Arabic digits ("4000", "1.5") or Chinese ("五十", "两百").

    Chinese numerals are read with cn2an. Text that is no numeral ("十百") raises ValueError,
    KeyError or decimal.InvalidOperation; callers catch all three.
    """
    if num[0].isdigit():
        return Decimal(num)
    return Decimal(str(cn2an.cn2an(num, "normal")))


def plain_decimal(value: Decimal) -> Decimal:
    """`value` without exponent or trailing zeros: 4000, not 4E+3; 5, not 5.0; 1.5 stays 1.5."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()
