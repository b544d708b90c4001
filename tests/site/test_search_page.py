"""/search/: results with snippets and pagination, filters, and the shortcuts."""

import re

import pytest

import search as search_engine
from policies.models import Bureau, PolicyDocument
from replies.models import Reply

pytestmark = pytest.mark.django_db


def test_searching_融资_lists_measure_16_with_the_term_highlighted(client, measure):
    response = client.get("/search/", {"q": "融资"})
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="{measure(16).get_absolute_url()}"' in html
    assert "<mark>融资</mark>" in html
    assert "找到" in html


def test_search_snippets_never_carry_markup_other_than_mark(client, monkeypatch):
    def fake_search(query, **kwargs):
        hit = search_engine.Hit(
            "measure", 1, "标题", "<script>alert(1)</script><mark>融资</mark>", "/measures/1/", 1.0
        )
        return search_engine.SearchResult(query, 1, [hit])

    monkeypatch.setattr(search_engine, "search", fake_search)
    html = client.get("/search/", {"q": "融资"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "<mark>融资</mark>" in html


@pytest.mark.parametrize("typed", ["20250597", "第20250597号", " 20250597 ", "２０２５０５９７"])
def test_a_proposal_number_goes_straight_to_its_reply(client, typed):
    reply = Reply.objects.get(proposal_number="20250597")
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == reply.get_absolute_url()


@pytest.mark.parametrize(
    "typed", ["武政规〔2022〕23号", "武政规[2022]23号", "武政规（2022）23号", "武政规 [2022] 23 号"]
)
def test_a_document_reference_goes_straight_to_that_document(client, typed):
    document = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    response = client.get("/search/", {"q": typed})
    assert response.status_code == 302
    assert response["Location"] == document.get_absolute_url()


def test_an_unknown_proposal_number_is_searched_like_any_text(client):
    response = client.get("/search/", {"q": "20999999"})
    assert response.status_code == 200
    assert "没有找到" in response.content.decode()


def test_a_query_naming_a_bureau_offers_to_show_only_its_measures(client):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get("/search/", {"q": "市经信局 融资"}).content.decode()
    assert "只看 市经信局 负责的措施" in html
    assert f"?q=%E8%9E%8D%E8%B5%84&amp;bureau={bureau.pk}" in html  # q=融资


def test_a_query_that_is_only_a_bureau_alias_links_to_its_measure_list(client):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get("/search/", {"q": "经信局"}).content.decode()
    assert f'href="/measures/?bureau={bureau.pk}">只看 市经信局 负责的措施' in html


def test_a_query_naming_a_tier_offers_that_tier(client):
    html = client.get("/search/", {"q": "小巨人"}).content.decode()
    assert 'href="/tiers/little-giant/">只看适用于 专精特新“小巨人”企业 的措施' in html


def test_a_chosen_bureau_filter_is_shown_and_passed_to_the_engine(client, monkeypatch):
    seen = {}
    real = search_engine.search

    def spy(query, **kwargs):
        seen.update(kwargs)
        return real(query, **kwargs)

    monkeypatch.setattr(search_engine, "search", spy)
    bureau = Bureau.objects.named("市商务局").get()
    html = client.get("/search/", {"q": "市场", "bureau": "商务局"}).content.decode()
    assert seen["bureau"] == bureau.name
    assert '<span class="tag">市商务局</span>' in html
    assert "只看 市商务局" not in html  # already filtered


def test_results_are_paginated_twenty_to_a_page(client):
    first = client.get("/search/", {"q": "企业"}).content.decode()
    second = client.get("/search/", {"q": "企业", "page": 2}).content.decode()
    assert 'rel="next"' in first
    assert '<ol class="results" start="21">' in second
    assert 'rel="prev"' in second
    assert '<span aria-current="page">2</span>' in second


def test_a_page_past_the_last_says_so_and_links_back(client):
    html = client.get("/search/", {"q": "融资", "page": 500}).content.decode()
    assert "没有第 500 页" in html
    assert 'href="?q=%E8%9E%8D%E8%B5%84">回到第 1 页</a>' in html


def test_searches_are_logged_once_per_query(client, monkeypatch):
    calls = []
    monkeypatch.setattr(
        search_engine, "log_search", lambda q, n: calls.append((q, n)), raising=False
    )
    client.get("/search/", {"q": "融资"})
    client.get("/search/", {"q": "融资", "page": 2})
    assert len(calls) == 1
    assert calls[0][0] == "融资"
    assert calls[0][1] > 0


def test_an_empty_query_asks_for_something_to_search(client):
    response = client.get("/search/", {"q": "   "})
    assert response.status_code == 200
    assert 'class="notice info"' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "融资", "page": "abc"},
        {"q": "融资", "page": "-3"},
        {"q": "融资", "page": "99999999999999999999999"},
        {"q": "融资", "page": "٣"},
        {"q": "融资", "type": "nonsense"},
        {"q": "融资", "bureau": "不存在的局"},
        {"q": "融资", "bureau": "99999999999999999999999"},
        {"q": "融资", "tier": "nope"},
        {"q": "融资", "theme": "nope"},
        {"q": "融资", "document": "abc"},
        {"q": "融资" * 5000},
        {"q": "' OR 1=1 -- \" * : & | ! ( ) NEAR AND OR"},
        {"q": "😀融资\u3000"},
    ],
)
def test_bad_parameters_give_a_page_not_a_500(client, params):
    response = client.get("/search/", params)
    assert response.status_code == 200


@pytest.mark.parametrize("raw", ["q=%ED%A0%80", "q=%FF%FE", "q=%E8%9E", "q=%25"])
def test_undecodable_query_strings_give_a_page_not_a_500(client, raw):
    assert client.get(f"/search/?{raw}").status_code == 200


def test_an_unknown_filter_is_reported_and_ignored(client):
    html = client.get("/search/", {"q": "融资", "tier": "nope"}).content.decode()
    assert "未知的企业类型“nope”，已忽略" in html
    assert "<mark>融资</mark>" in html


def test_search_page_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        response = client.get("/search/", {"q": "市经信局 融资", "tier": "specialised-sme"})
    assert response.status_code == 200


def test_facets_offer_filters_with_readable_labels_and_counts(client):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get("/search/", {"q": "融资"}).content.decode()
    aside = html[html.index('<aside aria-label="按类别筛选"') :]
    assert '<h2 class="facet-title">责任单位</h2>' in aside
    assert re.search(
        rf'href="\?q=%E8%9E%8D%E8%B5%84&amp;bureau={bureau.pk}">市经信局</a> <span class="meta">\d+</span>',
        aside,
    )
    assert 'href="?q=%E8%9E%8D%E8%B5%84&amp;type=measure">措施</a>' in aside


def test_following_a_facet_narrows_the_results(client):
    html = client.get("/search/", {"q": "融资", "type": "measure"}).content.decode()
    kinds = re.findall(r'<span class="kind">([^<]+)</span>', html)
    assert kinds and set(kinds) == {"措施"}
