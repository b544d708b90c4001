"""No dead ends: a search without a result offers words and searches that find something."""

import pytest

from policies.reports import SearchReport
from search import finds_something, log_search, search
from search.models import RelatedWord
from search.suggestions import nearest_words, popular_searches

pytestmark = pytest.mark.django_db


def test_a_query_without_results_offers_near_words_that_find_something():
    result = search("融姿")  # mistyped 融资
    assert result.count == 0
    assert result.suggestions
    assert "融资" in result.suggestions
    assert all(finds_something(s) for s in result.suggestions)


def test_popular_searches_that_found_something_are_offered_nearest_first():
    for _ in range(3):
        log_search("融资", 20)
    log_search("贷款贴息", 3)
    log_search("火星基地", 0)  # found nothing: never offered
    assert popular_searches("融资") == ["贷款贴息"]  # itself is left out
    offered = popular_searches("星际贴息")
    assert offered[0] == "贷款贴息" and "火星基地" not in offered


def test_nearest_words_are_checked_to_find_something():
    assert nearest_words("zzzz") == []
    assert all(finds_something(w) for w in nearest_words("知识产权保户"))


def test_a_search_with_results_offers_nothing():
    assert search("融资").suggestions == []


def test_the_page_links_the_suggestions_instead_of_a_dead_end(client):
    html = client.get("/search/", {"q": "融姿"}).content.decode()
    assert "试试：" in html
    assert '<a href="/search/?q=%E8%9E%8D%E8%B5%84">融资</a>' in html


def test_the_page_says_which_related_words_it_also_searched(client):
    html = client.get("/search/", {"q": "房租"}).content.decode()
    assert "也搜索了：租金、租房、物业" in html
    assert "只搜索“房租”" in html


def test_the_api_reports_related_words_and_suggestions(client):
    body = client.get("/api/v1/search/", {"q": "房租"}).json()
    assert body["also_searched"] == ["租金", "租房", "物业"] and body["suggestions"] == []
    assert body["count_exact"] is True
    assert body["results"][0]["title"] == "20. 完善人才引进体系"
    empty = client.get("/api/v1/search/", {"q": "融姿"}).json()
    assert empty["count"] == 0 and "融资" in empty["suggestions"]


def test_the_staff_report_marks_what_a_related_word_fixed_or_would_fix(client, alice):
    log_search("房租", 0)  # before related words, 房租 found nothing
    log_search("做买卖", 0)
    log_search("融姿", 0)
    report = SearchReport.build(days=30)
    stats = {s.query: s for s in report.unanswered}
    assert stats["房租"].found_now and stats["房租"].fixed_by[0] == "租金"
    assert not stats["做买卖"].found_now
    assert "融资" in stats["融姿"].could_add
    client.force_login(alice)
    html = client.get("/staff/searches/").content.decode()
    assert "已解决：现在也搜索 租金、租房、物业" in html
    assert "加相关词可解决：融姿 → " in html
    RelatedWord.objects.create(word="做买卖", related="开拓市场")
    stats = {s.query: s for s in SearchReport.build(days=30).unanswered}
    assert stats["做买卖"].fixed_by == ["开拓市场"]


def test_a_long_query_without_results_tries_a_bounded_number_of_words(
    django_assert_max_num_queries,
):
    from search.suggestions import CHECKED, TERMS_TRIED

    search("融资")  # the entity, label and related-word caches
    junk = " ".join(f"龘{c}" for c in "靐齉麤鱻猋驫羴犇毳灥垚淼")
    # The search (2), themes and tiers (2), the popular searches (1), and the words tried.
    with django_assert_max_num_queries(5 + CHECKED * (1 + TERMS_TRIED)):
        result = search(junk)
    assert result.count == 0
