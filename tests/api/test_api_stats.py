"""Aggregates under /api/v1/stats/: what they count, their CSV and their bad input."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from policies.models import Responsibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def rows(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_bureau_stats_count_what_the_economy_bureau_leads_and_co_leads(api):
    stats = {b["short_name"]: b for b in rows(api.get("/api/v1/stats/bureaus/"))}
    economy = stats["市经信局"]
    expected_lead = Responsibility.objects.filter(bureau_id=economy["id"], role="lead").count()
    assert economy["led"] == expected_lead >= 10  # it leads measure 1 and many more
    assert economy["total"] == economy["led"] + economy["co_led"]
    assert stats["市发改委"]["led"] >= 1  # measure 17
    assert stats["各区人民政府"]["led"] == 0 and stats["各区人民政府"]["co_led"] >= 20


def test_bureau_stats_are_ordered_by_total_and_all_on_one_page(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        stats = rows(api.get("/api/v1/stats/bureaus/"))
    totals = [b["total"] for b in stats]
    assert totals == sorted(totals, reverse=True)
    assert len(stats) == api.get("/api/v1/stats/bureaus/").json()["count"]


def test_bureau_stats_order_by_led(api):
    led = [b["led"] for b in rows(api.get("/api/v1/stats/bureaus/", {"ordering": "-led"}))]
    assert led == sorted(led, reverse=True)


def test_co_responsibility_counts_each_pair_once_with_its_shared_measures(api, measure):
    pairs = rows(api.get("/api/v1/stats/co-responsibility/", {"bureau": "市商务局"}))
    names = {frozenset((p["bureau_a_name"], p["bureau_b_name"])): p["shared"] for p in pairs}
    # 市商务局 and 市发改委 are both named in measures 4, 12, 17 and 23 …
    m = [measure(n) for n in (4, 12, 17, 23)]
    assert all(m_.responsibilities.filter(bureau__short_name="市发改委").exists() for m_ in m)
    assert names[frozenset(("武汉市商务局", "武汉市发展和改革委员会"))] >= 4
    assert all("武汉市商务局" in pair for pair in names)
    assert all(p["bureau_a"] < p["bureau_b"] for p in pairs)


def test_co_responsibility_is_ordered_by_shared_measures(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        pairs = rows(api.get("/api/v1/stats/co-responsibility/"))
    shared = [p["shared"] for p in pairs]
    assert shared == sorted(shared, reverse=True) and shared[0] >= 20  # 市经信局 × 各区人民政府


def test_co_responsibility_of_an_unknown_bureau_is_empty(api):
    assert api.get("/api/v1/stats/co-responsibility/", {"bureau": "不存在"}).json()["count"] == 0


def test_target_stats_count_the_2028_targets_per_tier(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        stats = rows(api.get("/api/v1/stats/targets/", {"year": 2028}))
    per_tier = {s["tier"]: s["targets"] for s in stats}
    assert per_tier["specialised-sme"] >= 1 and per_tier["unicorn"] >= 1
    assert all(s["year"] == 2028 for s in stats)
    assert {s["tier_name"] for s in stats} >= {"独角兽企业"}


def test_target_stats_include_targets_without_tier_or_year(api):
    stats = rows(api.get("/api/v1/stats/targets/"))
    assert any(s["tier"] is None and s["year"] is None for s in stats)


def test_a_non_numeric_target_stats_year_is_a_400(api):
    response = api.get("/api/v1/stats/targets/", {"year": "明年"})
    assert response.status_code == 400 and "year" in response.json()["detail"]


def test_theme_stats_count_financing_measures_and_reply_sections(api):
    stats = {t["slug"]: t for t in rows(api.get("/api/v1/stats/themes/"))}
    financing = stats["financing"]
    assert financing["name"] == "融资"
    assert financing["measure_count"] >= 1 and financing["reply_section_count"] >= 1
    assert financing["bureau_count"] >= 1


def test_an_unknown_ordering_is_ignored_not_an_error(api):
    assert api.get("/api/v1/stats/themes/", {"ordering": "drop table"}).status_code == 200


@pytest.mark.parametrize(
    "path,column",
    [
        ("/api/v1/stats/bureaus/", "led"),
        ("/api/v1/stats/co-responsibility/", "shared"),
        ("/api/v1/stats/targets/", "targets"),
        ("/api/v1/stats/themes/", "measure_count"),
    ],
)
def test_each_aggregate_answers_as_csv(api, path, column):
    response = api.get(path, {"format": "csv"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, *body = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert column in header and len(body) == api.get(path).json()["count"]
