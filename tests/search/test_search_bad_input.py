"""Whatever is typed, search answers with results or a clear message, never an exception."""

import pytest

from search import log_search, measure_ids_matching, search
from search.models import SearchLog

pytestmark = pytest.mark.django_db

NASTY = [
    "",
    "   ",
    "融资" * 5000,
    "' \" * : & | ! ( )",
    "NEAR AND OR NOT",
    "融资' OR '1'='1",
    '"unclosed 融资',
    "融资 * : & | ! ( ) NEAR(贷款)",
    "🙂🚀",
    "融资🙂贷款",
    "融资　贷款　",
    "\ud83d",
    "融资\ud83d\ude00\udc00",
    "\x00融资",
    "-",
    '""',
    "%_\\",
    "SELECT * FROM portal_searchentry; --",
]


@pytest.mark.parametrize("query", NASTY)
def test_odd_input_gives_a_result_or_a_message(query):
    result = search(query)
    assert result.count >= 0
    assert result.hits or result.message
    assert measure_ids_matching(query) is not None


def test_an_empty_query_says_what_to_do():
    assert search("").message == "请输入要搜索的内容。"


def test_a_very_long_query_is_searched_from_its_start_with_a_note():
    result = search("融资" * 5000)
    assert result.count > 0 and "查询过长" in result.message


def test_syntax_characters_around_words_still_find_them():
    assert search("融资' OR '1'='1").count == search("融资 1").count
    assert search("融资 * : & | ! ( ) NEAR(贷款)").count == search("融资 贷款").count


def test_emoji_and_broken_surrogates_are_ignored_around_real_words():
    assert search("融资🙂贷款").count == search("融资 贷款").count
    assert search("融资\ud83d").count == search("融资").count


def test_percent_and_underscore_are_not_wildcards():
    assert search("%_").count == 0


def test_unknown_filters_are_explained_not_raised():
    assert "未找到单位" in search("融资", bureau="不存在的局").message
    assert "未知的结果类型" in search("融资", types=["nonsense"]).message
    assert "未找到企业梯度" in search("融资", tier="nope").message
    assert "未找到主题" in search("融资", theme="nope").message
    assert "文件编号无效" in search("融资", document="abc").message


def test_silly_paging_is_clamped():
    assert len(search("融资", limit=-5).hits) == 1
    assert len(search("融资", limit=10**9).hits) <= 200
    assert search("融资", offset=-3).hits == search("融资").hits
    # Raw query-string values, as a careless caller would pass them.
    assert search("融资", limit="x", offset="y").count == search("融资").count  # type: ignore[arg-type]


def test_the_search_log_keeps_the_normalised_query_and_count_only():
    log_search("  ＡＩ　芯片  ", 3)
    log_search("", 0)
    log_search("融资" * 500, 7)
    rows = list(SearchLog.objects.order_by("pk").values_list("query", "result_count"))
    assert rows == [("ai 芯片", 3), ("融资" * 100, 7)]
    assert {f.name for f in SearchLog._meta.get_fields()} == {
        "id",
        "query",
        "result_count",
        "created_at",
    }
