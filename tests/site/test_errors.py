"""Chinese error pages, and methods a page does not accept."""

import pytest
from django.views.defaults import server_error

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_chinese_404_page(client):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "<title>页面不存在 · 武汉</title>" in html
    assert 'role="search"' in html


def test_the_500_page_is_chinese_and_needs_nothing_from_the_database(rf, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "服务器出错了" in response.content.decode()


@pytest.mark.parametrize(
    "path", ["/", "/search/", "/measures/", "/finder/", "/targets/", "/replies/"]
)
def test_public_pages_refuse_writes(client, path):
    assert client.post(path).status_code == 405


def test_head_requests_are_answered(client):
    assert client.head("/measures/").status_code == 200
