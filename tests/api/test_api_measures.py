"""GET /api/v1/measures/: shape, filters, ordering, pagination, CSV and errors (CONTRACT.md)."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIST = "/api/v1/measures/"


@pytest.fixture
def api():
    return APIClient()


def results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_measure_17_lists_its_lead_bureau_first_with_roles(api, measure):
    m17 = measure(17)
    row = results(api.get(LIST, {"number": 17}))[0]
    assert row["id"] == m17.pk
    assert row["title"] == "帮助企业拓展市场"
    assert row["chapter"] == {"number": 3, "title": m17.chapter.title}
    assert row["document"] == {"id": m17.document_id, "title": m17.document.title}
    assert row["bureaus"][0] == {
        "id": row["bureaus"][0]["id"],
        "name": "武汉市发展和改革委员会",
        "short_name": "市发改委",
        "role": "lead",
        # No document gives a phone: the card is empty until the bureau's staff fill it in.
        "contact": {"office": "", "phone": "", "address": "", "website": "", "hours": ""},
    }
    co = {b["short_name"] for b in row["bureaus"] if b["role"] == "co"}
    assert {"市经信局", "市商务局"} <= co
    assert row["url"] == f"http://testserver/measures/{m17.pk}/"


def test_measure_1_carries_its_2028_targets_as_numbers(api):
    row = results(api.get(LIST, {"number": 1}))[0]
    target = next(t for t in row["targets"] if t["text"] == "4000家专精特新中小企业")
    assert target["quantity"] == 4000 and target["unit"] == "家" and target["year"] == 2028
    assert {"slug": "specialised-sme", "name": "专精特新中小企业"} in row["tiers"]


def test_a_list_is_paginated_with_count_next_and_previous(api):
    data = api.get(LIST, {"page_size": 10, "page": 2}).json()
    assert data["count"] == 25
    assert [r["number"] for r in data["results"]] == list(range(11, 21))
    assert "page=3" in data["next"] and "page_size=10" in data["next"]
    assert data["previous"].startswith("http://testserver/api/v1/measures/")


def test_pages_neither_overlap_nor_skip_when_ordered_by_a_non_unique_field(api):
    seen = []
    for page in (1, 2, 3):
        seen += [
            r["id"]
            for r in results(
                api.get(LIST, {"ordering": "-updated_at", "page_size": 10, "page": page})
            )
        ]
    assert len(seen) == len(set(seen)) == 25


def test_page_size_is_capped_at_200(api, settings):
    from api.pagination import PageNumberPagination

    assert PageNumberPagination.max_page_size == 200
    response = api.get(LIST, {"page_size": 100000})
    assert response.status_code == 200 and len(response.json()["results"]) == 25


def test_ordering_by_title_descending_is_honoured(api):
    titles = [r["title"] for r in results(api.get(LIST, {"ordering": "-title", "page_size": 200}))]
    assert titles == sorted(titles, reverse=True)


def test_filter_by_chapter_gives_the_chapters_measures(api):
    assert [r["number"] for r in results(api.get(LIST, {"chapter": 4}))] == [18, 19, 20, 21]


@pytest.mark.parametrize("name", ["市经信局", "武汉市经济和信息化局", "经信局"])
def test_filter_by_bureau_accepts_any_of_its_names(api, name):
    numbers = {r["number"] for r in results(api.get(LIST, {"bureau": name, "page_size": 200}))}
    assert {1, 3, 6, 16, 17} <= numbers
    assert 25 not in numbers  # 市纪委监委 with no 市经信局


def test_filter_by_bureau_id_and_role_lead_gives_only_what_it_leads(api):
    from policies.models import Bureau

    pk = Bureau.objects.named("市经信局").get().pk
    rows = results(api.get(LIST, {"bureau": pk, "role": "lead", "page_size": 200}))
    numbers = {r["number"] for r in rows}
    assert 1 in numbers and 16 not in numbers and 17 not in numbers
    assert all(r["bureaus"][0]["id"] == pk for r in rows)


def test_filter_by_unknown_bureau_is_an_empty_page(api):
    assert api.get(LIST, {"bureau": "不存在的局"}).json()["count"] == 0


def test_filter_by_tier_and_theme(api):
    unicorn = {r["number"] for r in results(api.get(LIST, {"tier": "unicorn"}))}
    assert 1 in unicorn
    financing = {r["number"] for r in results(api.get(LIST, {"theme": "financing"}))}
    assert 16 in financing
    assert {r["number"] for r in results(api.get(LIST, {"theme": "融资"}))} == financing


def test_tier_includes_measures_for_the_tiers_it_stands_on(api):
    """`tier` means what applies to the tier: a 小巨人 may use what is offered to every
    专精特新中小企业 and every 中小企业 (the rungs below it on its ladder)."""
    numbers = [
        r["number"] for r in results(api.get(LIST, {"tier": "little-giant", "page_size": 200}))
    ]
    assert 5 in numbers  # names 专精特新中小企业 only
    assert 3 in numbers  # names 中小企业 only
    assert 4 not in numbers  # 规上工业企业: another ladder
    assert 2 not in numbers  # names no tier: not "for" any tier
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))


def test_an_unknown_tier_is_a_400_naming_the_accepted_values(api):
    response = api.get(LIST, {"tier": "dragon"})
    assert response.status_code == 400
    message = response.json()["errors"]["tier"][0]
    assert "未知的企业类型“dragon”" in message
    assert "little-giant" in message and "tech-sme" in message


@pytest.mark.parametrize("name", ["tier", "theme", "need", "role", "chapter"])
def test_an_empty_filter_value_is_a_400(api, name):
    assert api.get(LIST, {name: ""}).status_code == 400


def test_need_is_repeatable_and_means_any_of_the_themes(api):
    land = {r["number"] for r in results(api.get(LIST, {"need": "land", "page_size": 200}))}
    finance = {r["number"] for r in results(api.get(LIST, {"need": "financing", "page_size": 200}))}
    both = {
        r["number"]
        for r in results(api.get(LIST, {"need": ["land", "financing"], "page_size": 200}))
    }
    assert 15 in land and 16 in finance
    assert both == land | finance


def test_q_finds_measure_16_on_financial_services(api, measure):
    rows = results(api.get(LIST, {"q": "融资", "page_size": 200}))
    assert measure(16).pk in [r["id"] for r in rows]
    assert all(r["number"] != 13 for r in rows)  # 强化产业集聚效应 says nothing of 融资


def test_q_with_no_match_is_an_empty_page(api):
    assert api.get(LIST, {"q": "量子引力波"}).json()["count"] == 0


def test_a_non_numeric_number_is_a_400_with_a_detail(api):
    response = api.get(LIST, {"number": "five"})
    assert response.status_code == 400
    assert "number" in response.json()["detail"]
    assert "number" in response.json()["errors"]


def test_an_unknown_role_is_a_400(api):
    assert api.get(LIST, {"role": "boss"}).status_code == 400


def test_a_page_past_the_end_is_a_404_with_a_detail(api):
    response = api.get(LIST, {"page": 99})
    assert response.status_code == 404 and response.json()["detail"]


def test_a_missing_measure_is_a_json_404(api):
    response = api.get(f"{LIST}99999999/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_the_list_answers_as_csv_with_the_serializers_columns_in_order(api):
    response = api.get(LIST, {"format": "csv", "number": 17})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows
    # The JSON's order; nested objects as named columns; each list one joined cell.
    assert header == [
        "id", "number", "title", "body", "chapter.number", "chapter.title", "document.id",
        "document.title", "bureaus", "tiers", "targets", "benefits", "themes", "guide.provided",
        "guide.eligibility", "guide.conditions", "guide.support", "guide.procedure",
        "guide.period", "guide.office", "guide.phone", "guide.address", "url",
        "responsibility_text", "version", "updated_at",
    ]  # fmt: skip
    cells = dict(zip(header, row, strict=True))
    assert cells["title"] == "帮助企业拓展市场"
    assert cells["chapter.number"] == "3"
    assert cells["bureaus"].startswith("市发改委; 市经信局; 市数据局; 市商务局")
    assert cells["tiers"] == "专精特新中小企业"
    assert "市场拓展" in cells["themes"].split("; ")
    assert cells["guide.provided"] == "false"
    assert cells["benefits"] == "优先为专精特新中小企业提供信用培育服务"


def test_every_list_keeps_its_columns_when_a_page_is_empty(api):
    full = api.get(LIST, {"format": "csv", "number": 17}).content.decode("utf-8-sig")
    empty = api.get(LIST, {"format": "csv", "number": 999}).content.decode("utf-8-sig")
    assert empty.splitlines() == full.splitlines()[:1]


def test_the_csv_has_one_stable_readable_column_set_whatever_the_rows(api):
    """One row per measure, nested lists joined into one column, nested objects as named
    columns, the JSON's order; the same header when nothing matches."""
    full = list(
        csv.reader(
            io.StringIO(
                api.get(LIST, {"format": "csv", "page_size": 200}).content.decode("utf-8-sig")
            )
        )
    )
    empty = list(
        csv.reader(
            io.StringIO(api.get(LIST, {"format": "csv", "number": 99}).content.decode("utf-8-sig"))
        )
    )
    header = full[0]
    assert empty == [header] and len(full) == 26
    assert len(header) == len(set(header)) == 26  # benefits: one column, its lines joined
    assert not [c for c in header if c.split(".")[-1].isdigit() or ".0." in c]
    row = dict(zip(header, full[1], strict=True))
    assert row["targets"].startswith("1000家科技和创新型中小企业; 4000家专精特新中小企业")
    assert row["themes"] == "梯度培育"
    assert row["guide.provided"] == "false"


def test_the_browsable_api_renders_measures_as_html(api):
    response = api.get(LIST, {"number": 16}, HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "提升金融服务质效" in response.content.decode()


def _queries(api, params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(LIST, params).status_code == 200
    return len(ctx.captured_queries)


def test_a_list_page_costs_the_same_queries_whatever_its_size(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):  # one of them the benefits of the whole page
        api.get(LIST, {"page_size": 25})
    assert _queries(api, {"page_size": 2}) == _queries(api, {"page_size": 25})
    assert _queries(api, {"page_size": 2, "bureau": "市经信局"}) == _queries(
        api, {"page_size": 25, "bureau": "市经信局"}
    )


def test_a_detail_costs_a_fixed_number_of_queries(api, measure, django_assert_max_num_queries):
    url = f"{LIST}{measure(17).pk}/"
    with django_assert_max_num_queries(6):
        assert api.get(url).status_code == 200


@pytest.fixture
def list_cache(settings):
    from django.core.cache import cache

    from api.caching import forget_measures_version

    settings.API_CACHE_SECONDS = 30
    cache.clear()
    forget_measures_version()
    yield
    cache.clear()


def test_a_cached_list_page_costs_one_query_and_is_the_same_page(api, list_cache):
    first = api.get(LIST, {"page_size": 25})
    with CaptureQueriesContext(connection) as ctx:
        again = api.get(LIST, {"page_size": 25})
    assert len(ctx.captured_queries) <= 1  # at most the data version, shared by all processes
    assert again.json() == first.json()
    assert again["Content-Type"] == "application/json"


def test_an_edit_shows_in_the_cached_list_at_once(api, list_cache, bob, measure):
    from rest_framework.authtoken.models import Token

    m5 = measure(5)
    assert results(api.get(LIST, {"number": 5}))[0]["title"] == "加强知识产权赋能"
    editor = APIClient()
    editor.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=bob).key}")
    tag = editor.get(f"{LIST}{m5.pk}/")["ETag"]
    assert (
        editor.patch(
            f"{LIST}{m5.pk}/", {"title": "新标题"}, format="json", HTTP_IF_MATCH=tag
        ).status_code
        == 200
    )
    assert results(api.get(LIST, {"number": 5}))[0]["title"] == "新标题"


def test_another_process_s_edit_shows_once_the_version_is_read_again(api, list_cache, measure):
    """An edit that bypasses the ORM sends no signal: the version, read again once it expires
    (VERSION_SECONDS), sees it."""
    from django.core.cache import cache
    from django.utils import timezone

    from api.caching import VERSION_KEY
    from policies.models import Measure

    m5 = measure(5)
    assert results(api.get(LIST, {"number": 5}))[0]["title"] == "加强知识产权赋能"
    Measure.objects.filter(pk=m5.pk).update(title="别处改的", updated_at=timezone.now())
    cache.delete(VERSION_KEY)  # what VERSION_SECONDS' wait would do
    assert results(api.get(LIST, {"number": 5}))[0]["title"] == "别处改的"


def test_csv_and_html_are_not_served_from_the_json_cache(api, list_cache):
    api.get(LIST, {"number": 17})
    assert api.get(LIST, {"number": 17, "format": "csv"})["Content-Type"].startswith("text/csv")
