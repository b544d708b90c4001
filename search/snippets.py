"""Snippets: the original text around the matches, escaped, with the matched terms in <mark>.

Only the hits on the shown page get one (highlighting every match, as ts_headline would, re-reads
whole documents). Matching happens on the normalised letters-and-digits form, mapped back to the
original characters, so full-width digits and punctuation inside a phrase still highlight.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape

from search.segmentation import normalize

SNIPPET_CHARS = 120
CONTEXT_BEFORE = 24
ELLIPSIS = "…"

_WORD_CHAR = re.compile(r"[a-z0-9]|[^\W\d_a-z]")
_WORD_RUN = re.compile(r"(?:[a-z0-9]|[^\W\d_a-z])+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_ZWJ = "\u200d"
_PAIRS = [("（", "）"), ("(", ")"), ("“", "”"), ("‘", "’"), ("「", "」"), ("《", "》")]


def _extends(ch: str) -> bool:
    """Whether `ch` belongs to the character before it (combining mark, joiner, selector)."""
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == _ZWJ
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


def _squash_with_origin(text: str) -> tuple[str, list[int]]:
    """The squashed normalised text and, for each of its characters, its index in `text`."""
    normalized = normalize(text)
    if len(normalized) == len(text):
        # The usual case: NFKC changed characters one for one (full-width to half-width), so
        # positions carry over and whole runs can be copied.
        parts: list[str] = []
        origin: list[int] = []
        for run in _WORD_RUN.finditer(normalized):
            parts.append(run.group())
            origin.extend(range(run.start(), run.end()))
        return "".join(parts), origin
    chars: list[str] = []
    origin = []
    for i, ch in enumerate(text):
        for n in normalize(ch):
            if _WORD_CHAR.fullmatch(n):
                chars.append(n)
                origin.append(i)
    return "".join(chars), origin


def match_spans(text: str, highlights: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) ranges of `text` where a highlight (squashed form) occurs."""
    squashed, origin = _squash_with_origin(text)
    spans = []
    for word in sorted({h for h in highlights if h}, key=len, reverse=True):
        start = 0
        while (k := squashed.find(word, start)) != -1:
            begin, end = origin[k], origin[k + len(word) - 1] + 1
            start = k + len(word)
            # A Latin or digit token only counts as a whole word (ai is not inside "mail").
            if word.isascii() and (
                (begin > 0 and _ASCII_ALNUM.match(text[begin - 1]))
                or (end < len(text) and _ASCII_ALNUM.match(text[end]))
            ):
                continue
            # 首台（套 -> 首台（套）: close a bracket or quote the match opened.
            for opener, closer in _PAIRS:
                if (
                    end < len(text)
                    and text[end] == closer
                    and text.count(opener, begin, end) > text.count(closer, begin, end)
                ):
                    end += 1
            spans.append((begin, end))
    merged: list[tuple[int, int]] = []
    for begin, end in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((begin, end))
    return merged


def _window(text: str, spans: list[tuple[int, int]], size: int) -> tuple[int, int]:
    if len(text) <= size:
        return 0, len(text)
    best_start, best_count = 0, -1
    for begin, _ in spans:
        start = max(0, min(begin - CONTEXT_BEFORE, len(text) - size))
        count = sum(1 for b, e in spans if b >= start and e <= start + size)
        if count > best_count:
            best_start, best_count = start, count
    start, end = best_start, min(len(text), best_start + size)
    # Never cut a character apart: keep combining marks, joiners and emoji modifiers with
    # the character they belong to.
    while start > 0 and (_extends(text[start]) or text[start - 1] == _ZWJ):
        start -= 1
    while end < len(text) and (_extends(text[end]) or text[end - 1] == _ZWJ):
        end += 1
    return start, end


def snippet(text: str, highlights: list[str], size: int = SNIPPET_CHARS) -> str:
    """HTML: about `size` characters of `text` around the best cluster of matches."""
    if not text:
        return ""
    spans = match_spans(text, highlights)
    start, end = _window(text, spans, size)
    parts = [ELLIPSIS] if start > 0 else []
    pos = start
    for begin, stop in spans:
        begin, stop = max(begin, start), min(stop, end)
        if begin >= stop:
            continue
        parts.append(escape(text[pos:begin]))
        parts.append(f"<mark>{escape(text[begin:stop])}</mark>")
        pos = stop
    parts.append(escape(text[pos:end]))
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts)
