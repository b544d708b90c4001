"""What people look for: frequent queries and queries that found nothing, for staff and analysts."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from policies.reports import SearchReport
from search.models import SearchLog

pytestmark = pytest.mark.django_db

URL = reverse("staff:search_report")


@pytest.fixture
def logs(db):
    rows = (
        [("融资", 5)] * 4 + [("小巨人奖励", 3)] * 2 + [("厂房租金补贴", 0)] * 3 + [("人才公寓", 0)]
    )
    for query, count in rows:
        SearchLog.objects.create(query=query, result_count=count)
    old = SearchLog.objects.create(query="去年的问题", result_count=0)
    SearchLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=200))


def test_the_report_ranks_queries_and_lists_those_that_found_nothing(logs):
    report = SearchReport.build(days=30)
    assert report.total == 10
    assert [(q.query, q.searches) for q in report.frequent] == [
        ("融资", 4),
        ("厂房租金补贴", 3),
        ("小巨人奖励", 2),
        ("人才公寓", 1),
    ]
    assert [q.query for q in report.unanswered] == ["厂房租金补贴", "人才公寓"]
    assert "去年的问题" in [q.query for q in SearchReport.build(days=365).unanswered]


def test_a_query_that_once_found_something_is_not_unanswered(logs):
    SearchLog.objects.create(query="人才公寓", result_count=2)
    assert [q.query for q in SearchReport.build(days=30).unanswered] == ["厂房租金补贴"]


def test_staff_see_the_report_page(client, alice, logs, django_assert_max_num_queries):
    client.force_login(alice)
    from search.suggestions import CHECKED

    # Each unanswered query is re-checked (one query), and words are tried for it (CHECKED more).
    with django_assert_max_num_queries(12 + 2 * (1 + CHECKED)):
        response = client.get(URL)
    html = response.content.decode()
    assert "最近 30 天共 10 次搜索" in html
    unanswered = html[html.index("没有找到结果的搜索") : html.index("最常见的搜索")]
    assert "厂房租金补贴" in unanswered and "融资" not in unanswered
    assert "不记录任何个人信息" in html


def test_an_analyst_without_a_bureau_may_see_it_but_a_plain_user_may_not(client, django_user_model):
    analyst = django_user_model.objects.create_user("erin")
    analyst.user_permissions.add(Permission.objects.get(codename="view_searchlog"))
    client.force_login(analyst)
    assert client.get(URL).status_code == 200
    client.force_login(django_user_model.objects.create_user("frank"))
    response = client.get(URL)
    assert response.status_code == 403
    assert "分析人员" in response.content.decode()


@pytest.mark.parametrize("days", ["0", "abc", "1000"])
def test_a_bad_period_is_a_bad_request(client, alice, days):
    client.force_login(alice)
    assert client.get(URL, {"days": days}).status_code == 400
