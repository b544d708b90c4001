"""Chinese word segmentation for search: jieba (HMM off) with the portal's domain dictionary.

One `Segmenter` per process (`segmenter()`), built on first use: loading jieba's dictionary
takes about a second, so it must never happen per request. Documents and queries go through
the same functions, so an index built by one process is searched consistently by another as long
as both report the same `seg_version()`; `manage.py reindex` re-segments entries made with an
older one.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import unicodedata
from functools import cache, lru_cache

import jieba

from ingest.vocab import BUREAUS_FILE, TIERS_FILE, USERDICT_FILE, bureau_specs, tier_specs

# Bump when the rules in this module change in a way that changes tokens.
SEGMENTER_REVISION = "4"
# Domain words need at least this frequency to beat jieba's general-language splits.
MIN_DOMAIN_FREQ = 1000
# Sub-words of a long word are indexed up to this length (a search for 科技创新 finds 武汉市科技创新局).
MAX_SUBWORD = 8

# Function words that carry no meaning for search; dropped from documents and queries alike.
_STOPWORDS = """
    的 了 和 与 及 或 等 对 在 为 是 将 把 被 从 向 以 于 并 也 都 而 其 之 该 这 那 有 无 就
    由 又 还 但 如 若 则 即 按 给 让 使 着 过 很 更 最 所 已 可 能 会 要 应 各 每 个 些 其中
    以及 并且 或者 以上 以下 关于 对于 进一步 相关 有关 一批 一些 一个 我们 我市 我局 你们 他们 什么
    怎么 怎样 如何 哪些 哪个 为什么 是否 可以 能否 需要 有没有 多少 请问 吗 呢 吧 啊
    and or not near the a an of to in for on with by is are be
"""
STOPWORDS = frozenset(_STOPWORDS.split())

# A run of letters outside ASCII (CJK, Latin with accents …); digits outside ASCII are rare after
# NFKC and the databases disagree on them, so they separate tokens like punctuation does.
_WORD_CHARS = re.compile(r"[a-z0-9]+|[^\W\d_a-z]+")
# Quotation marks and brackets that policy text puts inside words.
_INNER_MARKS = re.compile(r"[“”‘’\"'「」『』()（）]")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")
# Characters that never belong in search text: controls, lone surrogates (invalid UTF-8, which
# PostgreSQL rejects) and private-use code points.
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff]")


def normalize(text: str) -> str:
    """NFKC (full-width ２０２４ becomes 2024), lower case, bad code points replaced by spaces."""
    return unicodedata.normalize("NFKC", _BAD_CHARS.sub(" ", text)).lower()


def squash(text: str) -> str:
    """The normalised text with everything but letters and digits removed (phrase matching)."""
    return "".join(_WORD_CHARS.findall(normalize(text)))


def is_cjk(word: str) -> bool:
    return any(ord(ch) > 0x7F for ch in word)


def _vocabulary_words() -> list[str]:
    """Bureau names, short names and aliases and tier names, in the pieces text shows them in.

    专精特新“小巨人”企业 yields 专精特新, 小巨人 and 企业: quotation marks always split the text, so
    a dictionary word spanning them could never be found.
    """
    names: list[str] = []
    for bureau in bureau_specs():
        names += [bureau.name, bureau.short_name, *bureau.aliases]
    for tier in tier_specs():
        names += [tier.name, *tier.aliases]
    words: list[str] = []
    for name in names:
        for piece in _WORD_CHARS.findall(normalize(name)):
            if len(piece) >= 2 and is_cjk(piece) and piece not in words:
                words.append(piece)
    return words


@cache
def seg_version() -> str:
    """Identifies the segmenter and its dictionaries: equal versions give equal tokens."""
    digest = hashlib.sha256()
    for part in (jieba.__version__, SEGMENTER_REVISION, " ".join(sorted(STOPWORDS))):
        digest.update(part.encode())
    for path in (USERDICT_FILE, BUREAUS_FILE, TIERS_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


class Segmenter:
    def __init__(self) -> None:
        jieba.setLogLevel(logging.WARNING)
        self._jieba = jieba.Tokenizer()
        self._jieba.initialize()
        for word, freq, tag in self._userdict():
            self._add(word, freq, tag)
        for word in _vocabulary_words():
            self._add(word, None, "nt")

    @staticmethod
    def _userdict() -> list[tuple[str, int | None, str | None]]:
        entries = []
        for line in USERDICT_FILE.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            entries.append((normalize(parts[0]), freq, tag))
        return entries

    def _add(self, word: str, freq: int | None, tag: str | None) -> None:
        # Never lower a frequency jieba already has: that would re-cut ordinary text elsewhere.
        suggested = self._jieba.suggest_freq(word, False)
        freq = max(freq or 0, suggested, MIN_DOMAIN_FREQ, self._jieba.FREQ.get(word, 0))
        self._jieba.add_word(word, freq, tag)

    def is_word(self, word: str) -> bool:
        """Whether the dictionary knows `word` (normalised) as a word."""
        return self._jieba.FREQ.get(word, 0) > 0

    def pieces(self, text: str) -> list[str]:
        """Precise-mode words of the normalised text, letters and digits only, stopwords kept.

        ASCII and other scripts never share a token (2028年 gives 2028 and 年), because the
        PostgreSQL parser and SQLite's unicode61 tokenizer would split such a token differently.
        """
        out = []
        for word in self._jieba.cut(normalize(text), HMM=False):
            out.extend(_WORD_CHARS.findall(word))
        return out

    def words(self, text: str) -> list[str]:
        """`pieces` without stopwords."""
        return [piece for piece in self.pieces(text) if piece not in STOPWORDS]

    def subwords(self, word: str) -> list[str]:
        """Dictionary words inside a longer word, like jieba's search mode but of any length
        up to MAX_SUBWORD (jieba stops at three characters, so 专精特新 would be lost inside
        专精特新中小企业)."""
        if len(word) <= 2 or not is_cjk(word):
            return []
        found = []
        for size in range(2, min(len(word) - 1, MAX_SUBWORD) + 1):
            for start in range(len(word) - size + 1):
                piece = word[start : start + size]
                if self.is_word(piece) and piece not in STOPWORDS:
                    found.append(piece)
        return found

    def index_tokens(self, text: str) -> list[str]:
        """Search-mode tokens for the index: every word and the dictionary words inside it.

        Single CJK characters are left out: a query for one character is answered by a
        substring match instead (a lone 税 must find 税收 too). Policy text quotes and brackets
        inside words (“专精特新”企业, 首台（套）), so the words the text makes without those marks
        are added once each: a search for 首台套 or 专精特新企业 finds them.
        """
        tokens: list[str] = []
        extra: list[str] = []
        # jieba never joins words across sentence punctuation, so sentences are segmented (and
        # cached) one by one: the same tokens, and repeated sentences cost nothing.
        for sentence in _SENTENCE_END.split(text):
            plain, dequoted = self._sentence_tokens(sentence)
            tokens += plain
            extra += dequoted
        if extra:
            seen = set(tokens)
            for token in extra:
                if token not in seen:
                    tokens.append(token)
                    seen.add(token)
        return tokens

    @lru_cache(maxsize=8192)  # noqa: B019 (one Segmenter per process, never freed)
    def _sentence_tokens(self, sentence: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        plain = self._tokens(sentence)
        if not _INNER_MARKS.search(sentence):
            return tuple(plain), ()
        return tuple(plain), tuple(self._tokens(_INNER_MARKS.sub("", sentence)))

    def _tokens(self, text: str) -> list[str]:
        tokens = []
        for word in self.words(text):
            tokens.extend(self.subwords(word))
            if len(word) > 1 or not is_cjk(word):
                tokens.append(word)
        return tokens


_lock = threading.Lock()
_instance: Segmenter | None = None


def segmenter() -> Segmenter:
    """The process's segmenter, built once (thread-safe)."""
    global _instance
    if _instance is None:
        with _lock:
            if _instance is None:
                _instance = Segmenter()
    return _instance


def index_text(text: str) -> str:
    """The space-joined index tokens of `text`, as stored for the database to index."""
    return " ".join(segmenter().index_tokens(text))
