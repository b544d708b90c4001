"""Snippets: the original text around the match, terms in <mark>, all else escaped, never a
character cut in two."""

from search.snippets import SNIPPET_CHARS, match_spans, snippet


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
