"""The query parser: what a person typed, as terms (pure, no database)."""

import pytest

from search.query import MAX_QUERY_CHARS, Term, parse_query
from search.segmentation import segmenter

ENTITIES = {
    "经信局": ("xb1",),
    "市经信局": ("xb1",),
    "小巨人": ("xt4",),
    "专精特新小巨人": ("xt4",),
}


def parse(text):
    return parse_query(text, segmenter(), ENTITIES)


def test_several_words_each_become_a_required_term():
    parsed = parse("专精特新 融资")
    assert [t.alternatives for t in parsed.positive] == [(("专精特新",),), (("融资",),)]
    assert parsed.negative == []


def test_a_sentence_is_segmented_and_its_function_words_dropped():
    parsed = parse("专精特新企业怎么申请贷款")
    assert [t.text for t in parsed.positive] == ["专精特新企业", "申请", "贷款"]


def test_a_quoted_phrase_is_checked_as_a_substring_of_the_text():
    (term,) = parse('"专精特新 “小巨人”"').positive
    assert term.substring == "专精特新小巨人"
    assert term.alternatives == (("专精特新", "小巨人"),)


def test_a_minus_excludes_a_word_or_a_phrase():
    parsed = parse('融资 -贷款 -"股权投资"')
    assert [t.text for t in parsed.positive] == ["融资"]
    assert [(t.text, t.negated) for t in parsed.negative] == [("股权投资", True), ("贷款", True)]


def test_a_bureau_alias_also_matches_its_entity_token():
    (term,) = parse("经信局").positive
    assert term.alternatives == (("经信局",), ("xb1",))


def test_a_tier_name_written_with_quotes_is_recognised_as_a_whole():
    (term,) = parse("专精特新“小巨人”").positive
    assert term.alternatives == (("专精特新", "小巨人"), ("xt4",))


def test_a_single_character_is_matched_as_a_substring():
    (term,) = parse("税").positive
    assert term == Term("税", substring="税", highlight=("税",))


def test_a_run_of_unknown_characters_is_matched_as_one_substring():
    (term,) = parse("特新").positive
    assert term.substring == "特新" and term.alternatives == ()


def test_fts_and_sql_syntax_is_only_punctuation():
    parsed = parse("融资' \" * : & | ! ( ) NEAR AND OR 贷款;--")
    assert [t.text for t in parsed.positive] == ["融资", "贷款"]


def test_full_width_spaces_separate_words():
    assert len(parse("融资　贷款").positive) == 2


def test_an_empty_query_asks_for_input():
    parsed = parse("   ")
    assert parsed.terms == [] and parsed.message == "请输入要搜索的内容。"


def test_only_exclusions_is_explained():
    parsed = parse("-贷款")
    assert parsed.terms == [] and "排除" in parsed.message


@pytest.mark.parametrize("text", ["🙂🚀", "、。！", "的 了 和", "\ud83d", "\x00\x01"])
def test_nothing_searchable_gets_a_message_not_an_error(text):
    parsed = parse(text)
    assert parsed.positive == [] and parsed.message


def test_a_very_long_query_is_cut_and_the_person_told():
    parsed = parse("融资" * 5000)
    assert len(parsed.text) == MAX_QUERY_CHARS
    assert "查询过长" in parsed.message
    assert [t.text for t in parsed.positive][:1] == ["融资"]


def test_many_words_are_capped():
    parsed = parse(" ".join(f"词{i}语" for i in range(40)))
    assert len(parsed.terms) <= 12 and "词语过多" in parsed.message


def test_the_entity_map_is_not_loaded_for_an_empty_query():
    def boom():
        raise AssertionError("loaded")

    assert parse_query("", segmenter(), boom).terms == []
