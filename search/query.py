"""What a person typed, turned into terms the engines can match (pure: no database).

- Several words mean all of them; `"a quoted phrase"` must occur as written (punctuation and
  spaces aside); `-word` and `-"a phrase"` exclude.
- A word is segmented like documents are; each dictionary word is a token. Single CJK
  characters, and runs of them jieba does not know as a word (税, 特新), are matched as
  substrings of the text instead: the index holds no single characters.
- A bureau alias or tier name (经信局, 小巨人) also matches the entity token the index stores for
  the objects that bureau is responsible for or that tier is named by.
- FTS and SQL syntax characters are just separators; AND / OR / NOT / NEAR are ignored.
- Related words (related_words.py): a word people type (房租) also matches the documents' words
  for it (租金, 租房), which rank below the word typed; a key is also found inside a longer word
  (银行贷款 holds 贷款). Question filler (怎么, 申请 …) is dropped when other words remain.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from search.segmentation import STOPWORDS, Segmenter, is_cjk, normalize, squash

from .related_words import Vocabulary

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
    # Alternatives from related words: they match like `alternatives` but rank below them.
    related: tuple[tuple[str, ...], ...] = ()
    also: tuple[str, ...] = ()  # the related words searched, as written (shown to the person)

    @property
    def tokens(self) -> list[str]:
        return [t for alt in self.alternatives + self.related for t in alt]

    @property
    def matchable(self) -> bool:
        """Whether the term can be matched by index tokens (else only by its substring)."""
        return bool(self.alternatives or self.related)


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
    def also_searched(self) -> list[str]:
        """The related words searched besides the words typed, in query order."""
        return list(dict.fromkeys(w for term in self.positive for w in term.also))

    @property
    def expanded(self) -> bool:
        return any(term.related for term in self.positive)

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
    vocabulary: Vocabulary | Callable[[], Vocabulary] | None = None,
) -> ParsedQuery:
    """`entities` maps squashed names (经信局) to entity tokens (xb3); it may be a callable so
    queries without words never load it. `vocabulary` (or a callable giving it) holds the related
    words and the question filler; without it words are searched only as typed."""
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
    vocab = vocabulary() if callable(vocabulary) else vocabulary

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

    def collect(filler: frozenset[str]) -> list[Term]:
        found: list[Term] = []
        for piece, negated, is_phrase in pieces:
            if is_phrase:
                terms = _phrase_terms(piece, negated, segmenter)
            else:
                terms = _word_terms(piece, negated, segmenter, resolve, vocab, filler)
            for term in terms:
                if term not in found:
                    found.append(term)
        return found

    parsed.terms = collect(vocab.filler if vocab else frozenset())
    if vocab and not any(not t.negated for t in parsed.terms):
        parsed.terms = collect(frozenset())  # only filler: search it as typed
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


def _word_terms(
    word: str,
    negated: bool,
    segmenter: Segmenter,
    resolve,
    vocab: Vocabulary | None = None,
    filler: frozenset[str] = frozenset(),
) -> list[Term]:
    key = squash(word)
    if not key:
        return []
    related = vocab.related if vocab and not negated else {}
    if key in related:
        return [_related_term(key, segmenter, related)]
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
        if piece in filler:
            flush_run()  # a separator: the characters around it are not one word
            continue
        if is_cjk(piece) and len(piece) == 1:
            run.append(piece)
            continue
        flush_run()
        if piece in STOPWORDS:
            continue
        entity = resolve().get(piece) if is_cjk(piece) else None
        if entity:
            terms.append(_entity_term(piece, [piece], entity, negated))
        elif piece in related:
            terms.append(_related_term(piece, segmenter, related))
        elif inner := [w for w in segmenter.subwords(piece) if w in related]:
            terms.append(_related_term(piece, segmenter, related, inner))
        else:
            terms.append(Term(piece, alternatives=((piece,),), highlight=(piece,), negated=negated))
    flush_run()
    return terms


def _related_term(
    key: str, segmenter: Segmenter, related: Mapping, inner: list[str] | None = None
) -> Term:
    """A word with related words: the word itself, or any related word (each with all of its
    tokens). `inner` are keys found inside a longer word: they count as related words too."""
    typed = whole_tokens(key, segmenter)
    also: list[str] = []
    for word in [key, *(inner or [])]:
        also += [w for w in related.get(word, ()) if w not in also]
    alternatives = []
    for word in [*(inner or []), *also]:
        tokens = whole_tokens(word, segmenter)
        if tokens and tokens != typed and tokens not in alternatives:
            alternatives.append(tokens)
    if not typed and not alternatives:
        return Term(key, substring=key, highlight=(key,))
    return Term(
        key,
        alternatives=(typed,) if typed else (),
        # Without tokens of its own (招人 is two single characters) the word is only matched
        # through its related words.
        related=tuple(alternatives),
        highlight=(key, *(squash(w) for w in also)),
        also=tuple(also),
    )


def _entity_term(key: str, pieces: list[str], entity: tuple[str, ...], negated: bool) -> Term:
    tokens = tuple(_tokens(pieces))
    alternatives = ((tokens,) if tokens else ()) + tuple((token,) for token in entity)
    return Term(key, alternatives=alternatives, highlight=(key, *tokens), negated=negated)


def whole_tokens(word: str, segmenter: Segmenter) -> tuple[str, ...]:
    """The index tokens that make up all of `word`, or () when a part of it is no token (a single
    character, a stopword): a related word is matched by tokens only, so 新产品 (新 + 产品) must
    not become 产品."""
    pieces = segmenter.pieces(word)
    tokens = tuple(_tokens(pieces))
    return tokens if tokens and len(tokens) == len(pieces) else ()


def _tokens(pieces: list[str]) -> list[str]:
    """The pieces that are index tokens: no stopwords, no single CJK characters."""
    out = []
    for piece in pieces:
        if piece in STOPWORDS or (len(piece) == 1 and is_cjk(piece)):
            continue
        if piece not in out:
            out.append(piece)
    return out
