"""Segmentation: jieba (HMM off) with the domain dictionary, the same for documents and queries."""

import pytest

from search import segmentation
from search.segmentation import index_text, normalize, seg_version, segmenter, squash


def test_domain_words_stay_whole_where_plain_jieba_splits_them():
    words = segmenter().words("支持专精特新“小巨人”企业，市经信局牵头，揭榜挂帅、免申即享")
    assert "专精特新" in words
    assert "小巨人" in words
    assert "市经信局" in words
    assert "揭榜挂帅" in words
    assert "免申即享" in words
    assert "专精" not in words and "信局" not in words


def test_every_bureau_alias_is_a_dictionary_word():
    seg = segmenter()
    for alias in ("经信局", "市经信局", "市科创局", "市委金融办", "投控集团"):
        assert seg.words(alias) == [alias]


def test_full_width_digits_are_normalised_before_segmenting():
    assert normalize("２０２４年　ＡＩ") == "2024年 ai"
    assert segmenter().words("２０２４年") == ["2024", "年"]


def test_punctuation_and_stopwords_never_become_tokens():
    tokens = segmenter().index_tokens("企业、高校和院所。“融资”！")
    assert tokens == ["企业", "高校", "院所", "融资"]


def test_index_tokens_include_the_words_inside_a_long_word():
    tokens = segmenter().index_tokens("武汉市科技创新局")
    assert tokens[-1] == "武汉市科技创新局"
    assert {"武汉", "武汉市", "科技", "创新", "市科技创新局"} <= set(tokens)


def test_words_split_by_quotes_or_brackets_are_indexed_joined_too():
    assert "首台套" in segmenter().index_tokens("重点推出首台（套）重大技术装备保险")
    assert "专精特新企业" in segmenter().index_tokens("纳入“专精特新”企业名单")


def test_single_chinese_characters_are_left_to_substring_matching():
    tokens = segmenter().index_tokens("减免税款")
    assert all(len(t) > 1 for t in tokens if not t.isascii())


def test_ascii_and_chinese_never_share_a_token():
    assert index_text("5G网络和AI芯片") == "5g 网络 ai 芯片"


def test_squash_keeps_only_letters_and_digits():
    assert squash("专精特新“小巨人”企业（２家）") == "专精特新小巨人企业2家"


def test_lone_surrogates_and_controls_are_removed():
    assert normalize("a\ud83d\x00b") == "a  b"


def test_segmenter_is_built_once_per_process():
    assert segmenter() is segmenter()


def test_seg_version_changes_when_the_dictionary_changes(tmp_path, monkeypatch):
    before = seg_version()
    assert seg_version.__wrapped__() == before
    userdict = tmp_path / "userdict.txt"
    userdict.write_text(segmentation.USERDICT_FILE.read_text(encoding="utf-8") + "新词语 100 n\n")
    monkeypatch.setattr(segmentation, "USERDICT_FILE", userdict)
    assert seg_version.__wrapped__() != before
    assert seg_version() == before  # cached for the process until it restarts


@pytest.mark.parametrize(
    "text",
    ["企业研发费用加计扣除", "“965”产业链", "２０２８年累计引育", "", "🙂🙂", "a" * 5000],
)
def test_index_tokens_equal_segmenting_the_whole_text_at_once(text):
    seg = segmenter()
    whole = seg._tokens(text)
    marks = segmentation._INNER_MARKS
    if marks.search(text):
        whole += [t for t in dict.fromkeys(seg._tokens(marks.sub("", text))) if t not in whole]
    assert seg.index_tokens(text) == whole
