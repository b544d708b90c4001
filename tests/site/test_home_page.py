"""The home page: a search box, the tiers and themes as entry points, and the documents."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_has_a_search_box_that_submits_to_the_search_page(client):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html
    assert 'role="search"' in html
    assert '<label for="home-q">' in html


def test_home_page_offers_every_tier_grouped_by_ladder(client):
    html = client.get("/").content.decode()
    assert "优质中小企业梯度" in html
    assert 'href="/tiers/little-giant/">专精特新“小巨人”企业</a>' in html
    assert 'href="/tiers/gazelle/"' in html


def test_home_page_offers_themes_in_their_configured_order(client):
    html = client.get("/").content.decode()
    assert 'href="/themes/financing/"' in html
    assert html.index('href="/themes/financing/"') < html.index('href="/themes/talent/"')


def test_home_page_lists_the_measures_document_with_its_validity_and_the_replies(client):
    html = client.get("/").content.decode()
    assert "武汉市进一步促进中小企业专精特新高质量发展若干措施" in html
    assert "有效期至2028年12月31日" in html
    assert "对市政协十四届四次会议第20250597号提案的答复" in html
    assert "武政规〔2022〕23号" in html


def test_home_page_links_to_the_finder_and_the_targets(client):
    html = client.get("/").content.decode()
    assert 'href="/finder/"' in html
    assert 'href="/targets/"' in html


def test_home_page_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/").status_code == 200


def test_home_page_refuses_post(client):
    assert client.post("/").status_code == 405


def test_pages_use_the_chinese_language_and_landmarks(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-Hans">' in html
    assert '<main id="main"' in html
    assert 'href="#main"' in html  # the skip link
    assert '<nav class="site-nav" aria-label="主导航">' in html
    assert "/static/css/site.css" in html
