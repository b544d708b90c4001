"""What a person typed, turned into terms the engines can match (pure: no database).

- Several words mean all of them; `"a quoted phrase"` must occur as written (punctuation and
  spaces aside); `-word` and `-"a phrase"` exclude.
- A word is segmented like documents are; each dictionary word is a token. Single CJK
  characters, and runs of them jieba does not know as a word (税, 特新), are matched as
  substrings of the text instead: the index holds no single characters.
- A bureau alias or tier name (经信局, 小巨人) also matches the entity token the index stores for
  the objects that bureau is responsible for or that tier is named by.
- FTS and SQL syntax characters are just separators; AND / OR / NOT / NEAR are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from search.segmentation import STOPWORDS, Segmenter, is_cjk, normalize, squash

MAX_QUERY_CHARS = 200
MAX_TERMS = 12

_PHRASE = re.compile(r'(?:(?<=\s)|^)(-?)"([^"]*)"')


@dataclass(frozen=True)
class Term:
    """One requirement: any alternative (all of its tokens), and the substring if there is one."""

    text: str  # as typed, normalised (for messages)
    alternatives: tuple[tuple[str, ...], ...] = ()
    substring: str = ""  # letters and digits that must occur in the entry's text
    highlight: tuple[str, ...] = ()  # what to mark in snippets
    negated: bool = False

    @property
    def tokens(self) -> list[str]:
        return [t for alt in self.alternatives for t in alt]


@dataclass
class ParsedQuery:
    text: str  # the normalised query that was used
    terms: list[Term] = field(default_factory=list)
    message: str = ""

    @property
    def positive(self) -> list[Term]:
        return [t for t in self.terms if not t.negated]

    @property
    def negative(self) -> list[Term]:
        return [t for t in self.terms if t.negated]

    @property
    def highlights(self) -> list[str]:
        seen: list[str] = []
        for term in self.positive:
            for h in term.highlight:
                if h and h not in seen:
                    seen.append(h)
        return seen


def parse_query(
    raw: str,
    segmenter: Segmenter,
    entities: Mapping[str, tuple[str, ...]] | Callable[[], Mapping[str, tuple[str, ...]]],
) -> ParsedQuery:
    """`entities` maps squashed names (经信局) to entity tokens (xb3); it may be a callable so
    queries without words never load it."""
    text = " ".join(normalize(raw or "").split())
    messages = []
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS].rstrip()
        messages.append(f"查询过长，只使用了前 {MAX_QUERY_CHARS} 个字符。")
    parsed = ParsedQuery(text)
    if not text:
        parsed.message = "请输入要搜索的内容。"
        return parsed
    resolve = entities if callable(entities) else (lambda: entities)

    pieces: list[tuple[str, bool, bool]] = []  # (text, negated, is_phrase)
    rest = []
    last = 0
    for match in _PHRASE.finditer(text):
        rest.append(text[last : match.start()])
        pieces.append((match.group(2), bool(match.group(1)), True))
        last = match.end()
    rest.append(text[last:])
    for chunk in rest:
        for word in chunk.replace('"', " ").split():
            negated = word.startswith("-")
            pieces.append((word.lstrip("-"), negated, False))

    for piece, negated, is_phrase in pieces:
        if is_phrase:
            terms = _phrase_terms(piece, negated, segmenter)
        else:
            terms = _word_terms(piece, negated, segmenter, resolve)
        for term in terms:
            if term not in parsed.terms:
                parsed.terms.append(term)
    if len(parsed.terms) > MAX_TERMS:
        parsed.terms = parsed.terms[:MAX_TERMS]
        messages.append(f"词语过多，只使用了前 {MAX_TERMS} 个。")
    if not parsed.positive:
        if parsed.negative:
            messages.append("请至少输入一个要查找的词（不能只有排除词）。")
        else:
            messages.append("查询中没有可搜索的词语（只有标点、符号或常用虚词）。")
        parsed.terms = []
    parsed.message = "".join(messages)
    return parsed


def _phrase_terms(phrase: str, negated: bool, segmenter: Segmenter) -> list[Term]:
    wanted = squash(phrase)
    if not wanted:
        return []
    tokens = tuple(_tokens(segmenter.pieces(phrase)))
    # The index cannot check word order (search-mode tokens overlap), so the tokens only narrow
    # the candidates and the phrase itself is checked against the text.
    return [
        Term(
            phrase,
            alternatives=(tokens,) if tokens else (),
            substring=wanted,
            highlight=(wanted,),
            negated=negated,
        )
    ]


def _word_terms(word: str, negated: bool, segmenter: Segmenter, resolve) -> list[Term]:
    key = squash(word)
    if not key:
        return []
    pieces = segmenter.pieces(word)
    entity = resolve().get(key) if len(pieces) > 1 else None
    if entity:
        return [_entity_term(key, pieces, entity, negated)]
    terms = []
    run: list[str] = []

    def flush_run() -> None:
        text = "".join(run)
        run.clear()
        if text and text not in STOPWORDS:
            terms.append(Term(text, substring=text, highlight=(text,), negated=negated))

    for piece in pieces:
        if is_cjk(piece) and len(piece) == 1:
            run.append(piece)
            continue
        flush_run()
        if piece in STOPWORDS:
            continue
        entity = resolve().get(piece) if is_cjk(piece) else None
        if entity:
            terms.append(_entity_term(piece, [piece], entity, negated))
        else:
            terms.append(Term(piece, alternatives=((piece,),), highlight=(piece,), negated=negated))
    flush_run()
    return terms


def _entity_term(key: str, pieces: list[str], entity: tuple[str, ...], negated: bool) -> Term:
    tokens = tuple(_tokens(pieces))
    alternatives = ((tokens,) if tokens else ()) + tuple((token,) for token in entity)
    return Term(key, alternatives=alternatives, highlight=(key, *tokens), negated=negated)


def _tokens(pieces: list[str]) -> list[str]:
    """The pieces that are index tokens: no stopwords, no single CJK characters."""
    out = []
    for piece in pieces:
        if piece in STOPWORDS or (len(piece) == 1 and is_cjk(piece)):
            continue
        if piece not in out:
            out.append(piece)
    return out
