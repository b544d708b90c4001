"""Snippets: the original text around the matches, escaped, with the matched terms in <mark>.

Only the hits on the shown page get one (highlighting every match, as ts_headline would, re-reads
whole documents). Matching happens on the normalised letters-and-digits form, mapped back to the
original characters, so full-width digits and punctuation inside a phrase still highlight.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections.abc import Sequence
from html import escape  # Django's escape is this one behind a lazy-string wrapper

from search.segmentation import normalize

SNIPPET_CHARS = 120
CONTEXT_BEFORE = 24
ELLIPSIS = "…"

_WORD_CHAR = re.compile(r"[a-z0-9]|[^\W\d_a-z]")
_WORD_RUN = re.compile(r"(?:[a-z0-9]|[^\W\d_a-z])+")
_ASCII_ALNUM = re.compile(r"[A-Za-z0-9]")
_ZWJ = "\u200d"
_SLOW = "\x00"  # in _table(): this character needs the whole text normalised at once
_RUN = re.compile(r"[^ ]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # beyond _table(): normalised the slow way
_PAIRS = [("（", "）"), ("(", ")"), ("“", "”"), ("‘", "’"), ("「", "」"), ("《", "》")]
_CLOSERS = frozenset(closer for _, closer in _PAIRS)


def _extends(ch: str) -> bool:
    """Whether `ch` belongs to the character before it (combining mark, joiner, selector)."""
    return (
        unicodedata.category(ch) in ("Mn", "Me", "Mc")
        or ch == _ZWJ
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U0001f3fb" <= ch <= "\U0001f3ff"
    )


@functools.cache
def _table() -> list[str]:
    """What `normalize` makes of each character of the Basic Multilingual Plane on its own, as
    a str.translate table indexed by code point: a character that is no letter or digit
    afterwards becomes a space, one whose normal form is context-dependent (combining marks,
    Hangul jamo) or longer than one character becomes SLOW, the others map to their normal
    form (most to themselves). Built once per process (~0.1 s, ~4 MB): a list is read twice
    as fast as a dict (17 against 33 µs for a 250-character passage)."""
    table = [chr(code) for code in range(0x10000)]
    for code in range(0x10000):
        ch = table[code]
        if 0xD800 <= code <= 0xDFFF:
            table[code] = " "  # lone surrogates: _BAD_CHARS
            continue
        if (
            unicodedata.category(ch).startswith("M")
            or unicodedata.combining(ch)
            or 0x1100 <= code <= 0x11FF
            or 0x3130 <= code <= 0x318F
            or 0xA960 <= code <= 0xA97F
            or 0xD7B0 <= code <= 0xD7FF
            or ch == _ZWJ
        ):
            table[code] = _SLOW
            continue
        mapped = normalize(ch)
        if len(mapped) != 1:
            table[code] = _SLOW if _WORD_CHAR.search(mapped) else " "
        elif not _WORD_CHAR.fullmatch(mapped):
            table[code] = " "
        elif mapped != ch:
            table[code] = mapped
    return table


class _Runs:
    """origin[k] of a squashed text made of runs copied whole: the run holding k, by bisection,
    instead of a list with an entry per character."""

    def __init__(self, squashed_starts: list[int], text_starts: list[int]) -> None:
        self.squashed_starts, self.text_starts = squashed_starts, text_starts

    def __getitem__(self, k: int) -> int:
        i = bisect.bisect_right(self.squashed_starts, k) - 1
        return self.text_starts[i] + k - self.squashed_starts[i]


@functools.cache
def _classes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """From _table(), two character classes: the characters it maps to neither themselves nor a
    space (and every astral one), and those it maps to a space. Built once per process (~0.1 s)."""
    table = _table()
    changed = [code for code in range(0x10000) if table[code] not in (chr(code), " ")]
    spaces = [code for code in range(0x10000) if table[code] == " " and code != 0x20]
    return (
        re.compile(f"[{_ranges(changed)}\U00010000-\U0010ffff]"),
        re.compile(f"[{_ranges(spaces)}]"),
    )


def _ranges(codes: list[int]) -> str:
    """Ascending code points as the inside of a regex character class, in \\u ranges."""
    runs: list[list[int]] = []
    for code in codes:
        if runs and runs[-1][1] == code - 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    return "".join(
        f"\\u{first:04x}" if first == last else f"\\u{first:04x}-\\u{last:04x}"
        for first, last in runs
    )


def _mapped(text: str) -> str | None:
    """`text` through _table() when every character of it normalises on its own (no astral
    character, none SLOW): then mapped[i] is text[i] normalised, or a space if that is no letter
    or digit, and the squashed text is `mapped` without its spaces. None otherwise."""
    # The usual text (CJK, lower-case Latin, digits, punctuation) has only characters that
    # normalise to themselves or to a space: one scan for any other, then its punctuation made
    # spaces by the regex engine, both with a compact class where str.translate looks every
    # character up in a 65,536-entry list (0.1-0.4 of the ~4 ms of CPU a search takes at 100k
    # provisions, three in-process A/Bs).
    changed, spaces = _classes()
    if not changed.search(text):
        return spaces.sub(" ", text)
    # Others normalise one character at a time: translate through the table (C speed) rather
    # than run NFKC and a Unicode regex over the text (~0.5 ms for a 300-character passage).
    if _ASTRAL.search(text):
        return None
    mapped = text.translate(_table())
    return None if _SLOW in mapped else mapped


def _squash_with_origin(text: str) -> tuple[str, Sequence[int] | _Runs]:
    """The squashed normalised text and, for each of its characters, its index in `text`."""
    if (mapped := _mapped(text)) is not None:
        parts, squashed_starts, text_starts = [], [], []
        at = 0
        for run in _RUN.finditer(mapped):
            part = run.group()
            parts.append(part)
            squashed_starts.append(at)
            text_starts.append(run.start())
            at += len(part)
        return "".join(parts), _Runs(squashed_starts, text_starts)
    return _squash_with_origin_slow(text)


def _squash_with_origin_slow(text: str) -> tuple[str, list[int]]:
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
    mapped = _mapped(text)
    if mapped is None:
        return _match_spans_squashed(text, highlights)
    # One character of `mapped` per character of `text`, so a highlight is found in it with
    # spaces allowed between its characters, at its original indices: no squashed copy and no
    # index map to build, a Python loop over the runs of every passage of every page.
    spans = []
    for word in _longest_first(highlights):
        if " " in word:
            continue  # never in the squashed text
        for m in _spaced(word).finditer(mapped):
            if span := _span(text, word, m.start(), m.end()):
                spans.append(span)
    return _merged(spans)


def _match_spans_squashed(text: str, highlights: list[str]) -> list[tuple[int, int]]:
    """match_spans by searching the squashed text and mapping indices back: what match_spans
    does for text `_mapped` declines, and the reference its fast way is tested against."""
    squashed, origin = _squash_with_origin(text)
    spans = []
    for word in _longest_first(highlights):
        start = 0
        while (k := squashed.find(word, start)) != -1:
            begin, end = origin[k], origin[k + len(word) - 1] + 1
            start = k + len(word)
            if span := _span(text, word, begin, end):
                spans.append(span)
    return _merged(spans)


def _longest_first(highlights: list[str]) -> list[str]:
    return sorted({h for h in highlights if h}, key=len, reverse=True)


@functools.lru_cache(maxsize=1024)
def _spaced(word: str) -> re.Pattern[str]:
    """`word` as it occurs in a `_mapped` text: its characters, any spaces between them."""
    return re.compile(" *".join(map(re.escape, word)))


def _span(text: str, word: str, begin: int, end: int) -> tuple[int, int] | None:
    """The span to mark for an occurrence of `word` at text[begin:end], if it counts."""
    # A Latin or digit token only counts as a whole word (ai is not inside "mail").
    if word.isascii() and (
        (begin > 0 and _ASCII_ALNUM.match(text[begin - 1]))
        or (end < len(text) and _ASCII_ALNUM.match(text[end]))
    ):
        return None
    # 首台（套 -> 首台（套）: close a bracket or quote the match opened.
    if end < len(text) and text[end] in _CLOSERS:
        for opener, closer in _PAIRS:
            if (
                end < len(text)
                and text[end] == closer
                and text.count(opener, begin, end) > text.count(closer, begin, end)
            ):
                end += 1
    return begin, end


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
    # `spans` are merged: sorted and apart, so their ends are sorted too, and the spans inside
    # [start, start + size] are those from the first beginning at or after start to the last
    # ending at or before start + size.
    begins = [b for b, _ in spans]
    ends = [e for _, e in spans]
    best_start, best_count = 0, -1
    for begin in begins:
        start = max(0, min(begin - CONTEXT_BEFORE, len(text) - size))
        count = bisect.bisect_right(ends, start + size) - bisect.bisect_left(begins, start)
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
