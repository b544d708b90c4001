"""Related words (search/data/related_words.toml and the admin's rows) and question filler."""

import pytest
from django.core.cache import cache

from search import search
from search.models import RelatedWord, SearchEntry
from search.query import parse_query, whole_tokens
from search.related_words import RELATED_FILE, Vocabulary, parse_related_file, vocabulary
from search.segmentation import segmenter, squash

FILE_RELATED, FILE_FILLER = parse_related_file(RELATED_FILE.read_text(encoding="utf-8"))


def parse(text, vocab=None):
    return parse_query(text, segmenter(), {}, vocab or Vocabulary(FILE_RELATED, FILE_FILLER))


def entry_text(hit) -> str:
    return SearchEntry.objects.get(kind=hit.type, object_id=hit.id).plain


# --- the data file ------------------------------------------------------------------------------


def test_the_file_parses_and_every_rule_leads_to_other_words():
    assert len(FILE_RELATED) >= 30
    for key, words in FILE_RELATED.items():
        assert len(key) >= 2 and words
        assert all(squash(w) != key for w in words)


def test_every_related_word_is_made_of_index_tokens():
    # Else it could never match: 北交所 is cut into 北, 交, 所, which the index does not hold.
    unmatchable = [
        (key, word)
        for key, words in FILE_RELATED.items()
        for word in words
        if not whole_tokens(word, segmenter())
    ]
    assert unmatchable == []


def test_新产品_is_not_loosened_to_产品():
    (term,) = parse("新产品").positive
    assert term.alternatives == ()  # 新 is no token: only the related words match
    assert ("产品",) not in term.related


def test_a_malformed_file_is_refused_with_its_name():
    with pytest.raises(ValueError, match="related_words.toml"):
        parse_related_file('[related]\n"房租" = "租金"\n')
    with pytest.raises(ValueError, match="related_words.toml"):
        parse_related_file("[related\n")


@pytest.mark.django_db
@pytest.mark.parametrize("word", sorted(FILE_RELATED))
def test_each_related_word_rule_searches_its_words_and_only_finds_what_holds_one(word):
    related = FILE_RELATED[word]
    result = search(word, limit=50)
    assert result.also_searched == list(related)
    wanted = [word, *map(squash, related)]
    for hit in result.hits:
        text = entry_text(hit)
        # A related word of several words needs each of them (产业空间: 产业 and 空间).
        assert any(w in text or all(p in text for p in segmenter().words(w)) for w in wanted), (
            hit.title,
            wanted,
        )


# --- rules of application -----------------------------------------------------------------------


@pytest.mark.django_db
def test_房租_finds_the_rent_waivers_the_documents_call_租金():
    result = search("房租")
    assert result.also_searched == ["租金", "租房", "物业"]
    titles = [h.title for h in result.hits]
    assert titles[0] == "20. 完善人才引进体系"  # 租金 and 租房
    assert "14. 优化创新载体支撑" in titles[:4]  # 优惠租金物业
    assert "<mark>租金</mark>" in result.hits[0].snippet


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["贷款", "上市", "纠纷", "出口", "商标", "补贴"])
def test_what_holds_the_word_typed_ranks_above_what_holds_only_a_related_word(word):
    result = search(word, limit=200)
    assert result.also_searched
    holds = [word in entry_text(h) for h in result.hits]
    assert True in holds and False in holds
    assert holds == sorted(holds, reverse=True), holds


@pytest.mark.django_db
def test_the_closest_related_word_counts_most():
    # 招工 -> 招聘, 用工, 人才: the measure about 招聘 before passages saying 人才 many times.
    titles = [h.title for h in search("招工").hits]
    assert titles[0].startswith("20. 完善人才引进体系")
    assert titles.index("19. 优化人才支持政策") > titles.index("20. 完善人才引进体系")


@pytest.mark.django_db
def test_a_key_inside_a_longer_word_is_applied():
    # 银行贷款 is one jieba word holding 贷款; 利息 leads to 贴息.
    result = search("银行贷款利息")
    assert [h.title for h in result.hits[:1]] == ["16. 提升金融服务质效"]
    assert {"融资", "贴息"} <= set(result.also_searched)
    assert "贷款" not in result.also_searched  # it was typed


def test_an_excluded_word_or_a_quoted_phrase_is_searched_only_as_typed():
    parsed = parse('融资 -贷款 "房租"')
    assert [t.related for t in parsed.terms] == [(), (), ()]
    assert parsed.also_searched == []


def test_related_words_of_several_words_need_all_of_them():
    (term,) = parse("厂房").positive
    assert ("产业", "空间") in term.related
    assert term.alternatives == (("厂房",),)


@pytest.mark.django_db
def test_applying_related_words_writes_nothing_to_the_index():
    before = list(SearchEntry.objects.order_by("pk").values_list("pk", "updated_at"))
    RelatedWord.objects.create(word="开工厂", related="产业空间 用地")
    assert search("开工厂").count > 0
    assert list(SearchEntry.objects.order_by("pk").values_list("pk", "updated_at")) == before


# --- the admin's rows ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_row_adds_to_the_files_words_and_applies_at_once():
    assert search("做买卖").count == 0
    row = RelatedWord.objects.create(word="做买卖", related="开拓市场、展会")
    result = search("做买卖")
    assert result.also_searched == ["开拓市场", "展会"]
    assert "17. 帮助企业拓展市场" in [h.title for h in result.hits]
    RelatedWord.objects.create(word="房租", related="人才公寓")
    assert vocabulary().related["房租"] == ("租金", "租房", "物业", "人才公寓")
    row.delete()
    assert search("做买卖").count == 0


@pytest.mark.django_db
def test_rows_are_read_from_the_shared_cache_not_per_search(django_assert_num_queries):
    cache.clear()
    vocabulary()
    with django_assert_num_queries(0):
        vocabulary()


@pytest.mark.django_db
def test_a_row_needs_real_words():
    from django.core.exceptions import ValidationError

    for word, related in [("租", "租金"), ("房租", ""), ("房租", "房租"), ("房租", "租 金")]:
        with pytest.raises(ValidationError):
            RelatedWord(word=word, related=related).full_clean()
    row = RelatedWord(word=" 开店 ", related="创业，创业、孵化")
    row.related = row.related.replace("，", " ")
    row.full_clean()
    assert (row.word, row.related) == ("开店", "创业 孵化")


@pytest.mark.django_db
def test_only_superusers_edit_related_words_in_the_admin(client, alice, charlie):
    client.force_login(alice)
    assert client.get("/admin/search/relatedword/").status_code in (302, 403)
    client.force_login(charlie)
    response = client.post(
        "/admin/search/relatedword/add/", {"word": "开店", "related": "创业 孵化", "note": ""}
    )
    assert response.status_code == 302
    assert RelatedWord.objects.get(word="开店").related_list() == ["创业", "孵化"]
    form = client.get("/admin/search/relatedword/add/", {"word": "房东", "related": "租金"})
    assert 'value="房东"' in form.content.decode()


# --- question filler ----------------------------------------------------------------------------


def test_question_words_around_the_meaningful_words_are_dropped():
    assert [t.text for t in parse("怎么申请专精特新").positive] == ["专精特新"]
    assert [t.text for t in parse("我想找律师").positive] == ["律师"]
    assert [t.text for t in parse("有没有 哪些 政策 贴息").positive] == ["贴息"]


def test_a_query_of_filler_only_is_searched_as_typed():
    assert [t.text for t in parse("怎么申请").positive] == ["申请"]


def test_filler_separates_the_single_characters_around_it():
    # 我 and 想 are filler: no substring term "我想" is made from them.
    assert all("我" not in t.text for t in parse("我想要贷款").positive)
