"""Snippets: the original text around the match, terms in <mark>, all else escaped, never a
character cut in two."""

import random

from search.segmentation import normalize, squash
from search.snippets import (
    _WORD_CHAR,
    SNIPPET_CHARS,
    _mapped,
    _match_spans_squashed,
    match_spans,
    snippet,
)


def test_the_matched_terms_are_marked_in_the_original_text():
    assert snippet("支持专精特新中小企业融资", ["专精特新", "融资"]) == (
        "支持<mark>专精特新</mark>中小企业<mark>融资</mark>"
    )


def test_everything_else_is_escaped():
    html = snippet('<script>alert("x")</script> 融资 & 贷款', ["融资"])
    assert html == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; <mark>融资</mark> &amp; 贷款"


def test_full_width_text_matches_a_half_width_query():
    assert snippet("到２０２８年", ["2028"]) == "到<mark>２０２８</mark>年"


def test_a_phrase_matches_across_quotes_and_the_quote_is_closed():
    assert snippet("培育专精特新“小巨人”企业", ["专精特新小巨人"]) == (
        "培育<mark>专精特新“小巨人”</mark>企业"
    )


def test_a_long_text_is_cut_around_the_densest_matches_with_ellipses():
    text = "甲" * 300 + "融资贷款融资" + "乙" * 300
    html = snippet(text, ["融资"])
    assert html.startswith("…") and html.endswith("…")
    assert html.count("<mark>融资</mark>") == 2
    assert len(html.replace("<mark>", "").replace("</mark>", "")) <= SNIPPET_CHARS + 2


def test_a_window_never_splits_an_emoji_sequence_or_a_combining_mark():
    family = "👨\u200d👩\u200d👧"
    text = "甲" * 97 + family + "融资" + "乙" * 200
    html = snippet(text, ["融资"])
    assert family in html or "\u200d" not in html
    accented = "e\u0301" * 80 + "融资" + "x" * 200
    html = snippet(accented, ["融资"])
    body = html.lstrip("…")
    assert not body.startswith("\u0301")


def test_latin_terms_only_match_whole_words():
    assert match_spans("email with ai tools", ["ai"]) == [(11, 13)]


def test_no_match_shows_the_beginning():
    assert snippet("甲乙丙", ["丁"]) == "甲乙丙"
    assert snippet("", ["丁"]) == ""


# match_spans finds highlights in the text mapped one character per character when it can
# (_mapped); it must give exactly what searching the squashed text and mapping the indices back
# (_match_spans_squashed, its fallback) gives.

_PIECES = [
    *"专精特新小巨人首台套企业融资补贴万元",
    *"０１２９ＡＩａｉＭ",  # full-width digits and letters
    *"aimlAIM0129",
    *"（）()“”‘’「」《》、，。；：%-_/",  # punctuation, brackets and quotes
    " ",
    "\u3000",
    "\t",
    "①",  # circled digit: 1
    "²",  # superscript: 2
    "⼀",  # Kangxi radical: 一
    "ＡＩ",
    "mail",
    "e-mail",
    "首台（套）",
    "专精特新“小巨人”",
    "２０２８",
]
_SLOW_PIECES = ["ﬁ", "e\u0301", "\U0001f600", "👨\u200d👩", "한"]


def _texts(count: int, slow: bool) -> list[str]:
    rng = random.Random(20240611 + slow)
    pieces = _PIECES + _SLOW_PIECES if slow else _PIECES
    return ["".join(rng.choices(pieces, k=rng.randrange(0, 40))) for _ in range(count)]


def _highlights(text: str, rng: random.Random) -> list[str]:
    squashed = squash(text)
    found = []
    for _ in range(rng.randrange(0, 4)):
        if squashed:
            i = rng.randrange(len(squashed))
            found.append(squashed[i : i + rng.randrange(1, 6)])
    made = ["".join(rng.choices("专精特新小巨人台套aim0129一", k=rng.randrange(1, 4)))]
    picked = found + rng.sample(made + ["ai", "a", "aa", "mail", "1", "首台套", "一"], 2)
    return picked + found[:1]  # a highlight twice


def test_the_fast_way_finds_what_the_squashed_text_finds():
    rng = random.Random(7)
    texts = _texts(3000, slow=False)
    assert all(_mapped(text) is not None for text in texts)  # the fast way, every time
    for text in texts:
        highlights = _highlights(text, rng)
        assert match_spans(text, highlights) == _match_spans_squashed(text, highlights), (
            text,
            highlights,
        )


def test_texts_it_cannot_map_one_for_one_are_searched_squashed():
    rng = random.Random(8)
    texts = _texts(1000, slow=True)
    assert any(_mapped(text) is None for text in texts)
    for text in texts:
        highlights = _highlights(text, rng)
        assert match_spans(text, highlights) == _match_spans_squashed(text, highlights)


def test_the_fast_way_on_chosen_cases():
    cases = [
        ("对首台（套）重大技术装备", ["首台套"], [(1, 6)]),
        ("培育专精特新“小巨人”企业", ["专精特新小巨人", "专精特新"], [(2, 11)]),
        ("到２０２８年，２０２８", ["2028"], [(1, 5), (7, 11)]),
        ("ＡＩ mail ai e-mail", ["ai"], [(0, 2), (8, 10)]),
        ("专 精 特\u3000新", ["专精特新"], [(0, 7)]),
        ("aaaa", ["aa"], []),  # found twice, but never a whole word
        ("融资融资融资", ["融资融资", "融资"], [(0, 6)]),
        ("融资贷款", [], []),
        ("融资贷款", ["", "补贴"], []),
        ("", ["融资"], []),
        ("a b", ["a b"], []),  # no highlight holds a space: never in the squashed text
    ]
    for text, highlights, spans in cases:
        assert match_spans(text, highlights) == spans, text
        assert _match_spans_squashed(text, highlights) == spans, text


def test_the_mapped_text_is_each_character_normalised_or_a_space():
    for text in _texts(500, slow=False) + ["ＡＩ①²⼀e-mail"]:
        each = [normalize(ch) for ch in text]
        assert _mapped(text) == "".join(n if _WORD_CHAR.fullmatch(n) else " " for n in each)


def test_the_regex_way_maps_every_character_as_the_table_does():
    """_mapped's first way (text whose characters normalise to themselves or to a space: one
    class finds any other, another turns the spaces' characters into spaces) gives what
    str.translate through _table() gives, for every character of the Basic Multilingual Plane it
    takes, and leaves every other to the table."""
    from search.snippets import _classes, _table

    changed, spaces = _classes()
    table = _table()
    taken = 0
    for code in range(0x10000):
        ch = chr(code)
        if changed.search(ch):
            assert table[code] not in (ch, " "), hex(code)
        else:
            assert spaces.sub(" ", ch) == table[code], hex(code)
            taken += 1
    assert taken > 60_000  # CJK, lower-case Latin, digits, punctuation: nearly everything
    assert changed.search("融资\U0001f600") and changed.search("ＡＩ") and changed.search("AI")
    assert _mapped("专精特新“小巨人”，2025年") == "专精特新 小巨人  2025年"


def test_the_window_holds_the_most_matches_as_counting_every_span_would():
    """_window counts the spans inside each candidate window by bisection over the merged
    spans; the same windows as counting every span for every candidate."""
    from search.snippets import CONTEXT_BEFORE, _merged, _window

    def counted(text, spans, size):
        if len(text) <= size:
            return 0, len(text)
        best_start, best_count = 0, -1
        for begin, _ in spans:
            start = max(0, min(begin - CONTEXT_BEFORE, len(text) - size))
            count = sum(1 for b, e in spans if b >= start and e <= start + size)
            if count > best_count:
                best_start, best_count = start, count
        return best_start, min(len(text), best_start + size)

    rng = random.Random(13)
    for _ in range(3000):
        text = "政" * rng.randint(1, 400)
        raw = []
        for _ in range(rng.randint(0, 12)):
            begin = rng.randrange(len(text))
            raw.append((begin, min(len(text), begin + rng.randint(1, 6))))
        spans = _merged(raw)
        size = rng.choice([10, 40, 120])
        assert _window(text, spans, size) == counted(text, spans, size)


def test_snippets_escape_exactly_as_html_escape_does():
    text = "<b>\"中小企业\" & '专精特新'</b>"
    assert snippet(text, ["中小企业"]) == (
        "&lt;b&gt;&quot;<mark>中小企业</mark>&quot; &amp; &#x27;专精特新&#x27;&lt;/b&gt;"
    )
