"""GET /api/v1/search/: results best first, their shape, facets and bad input (CONTRACT.md).

Assertions hold for any sensible engine behind search, not for one ranking."""

import csv
import io

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/search/"


@pytest.fixture
def api():
    return APIClient()


def test_financing_finds_measure_16_on_financial_services(api, measure):
    data = api.get(SEARCH, {"q": "融资", "page_size": 200}).json()
    assert data["count"] >= len(data["results"]) > 0
    hit = next(r for r in data["results"] if r["type"] == "measure" and r["id"] == measure(16).pk)
    assert hit["number"] == 16 and "提升金融服务质效" in hit["title"]
    assert hit["url"] == f"http://testserver/measures/{measure(16).pk}/"
    assert isinstance(hit["score"], float)


def test_every_result_has_the_contracts_fields_and_a_highlighted_snippet(api):
    results = api.get(SEARCH, {"q": "融资", "page_size": 200}).json()["results"]
    for r in results:
        assert {"type", "id", "title", "snippet", "url", "score"} <= set(r)
        if r["type"] == "measure":
            assert isinstance(r["number"], int)
        if r["type"] == "reply_section":
            assert "reply_id" in r and "proposal_number" in r
    assert any("<mark>" in r["snippet"] for r in results)
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)  # best first


def test_facets_count_types_bureaus_tiers_and_themes_for_the_whole_query(api):
    data = api.get(SEARCH, {"q": "融资", "page_size": 1}).json()
    facets = data["facets"]
    assert set(facets) >= {"type", "bureau", "tier", "theme"}
    if not data["facets_partial"]:
        assert sum(f["count"] for f in facets["type"]) == data["count"]
    types = {f["value"]: f["count"] for f in facets["type"]}
    assert types.get("measure", 0) >= 1
    themes = {f["value"]: f for f in facets["theme"]}
    assert themes["financing"]["label"] == "融资" and themes["financing"]["count"] >= 1
    counts = [f["count"] for f in facets["bureau"]]
    assert counts and counts == sorted(counts, reverse=True)


def test_a_bureau_facet_value_filters_the_search(api):
    facets = api.get(SEARCH, {"q": "融资"}).json()["facets"]
    economy = next(f for f in facets["bureau"] if f["label"] == "市经信局")
    narrowed = api.get(SEARCH, {"q": "融资", "bureau": economy["value"]}).json()
    assert narrowed["count"] == economy["count"]


def test_the_first_page_of_a_search_is_logged_without_personal_data(api):
    from search.models import SearchLog

    api.get(SEARCH, {"q": "融资"})
    api.get(SEARCH, {"q": "融资", "page": 2, "page_size": 1})
    assert SearchLog.objects.filter(query="融资").count() == 1
    assert SearchLog.objects.get(query="融资").result_count > 0


def test_type_restricts_the_results(api):
    results = api.get(SEARCH, {"q": "融资", "type": "measure", "page_size": 200}).json()["results"]
    assert results and {r["type"] for r in results} == {"measure"}


def test_pages_do_not_overlap_and_link_to_each_other(api):
    first = api.get(SEARCH, {"q": "企业", "page_size": 2}).json()
    assert first["count"] > 2 and first["previous"] is None
    second = api.get(first["next"]).json()
    assert second["previous"] is not None
    assert not {(r["type"], r["id"]) for r in first["results"]} & {
        (r["type"], r["id"]) for r in second["results"]
    }


def test_page_size_is_capped_at_200(api):
    assert len(api.get(SEARCH, {"q": "企业", "page_size": 5000}).json()["results"]) <= 200


def test_a_missing_query_is_a_400_with_a_detail(api):
    response = api.get(SEARCH)
    assert response.status_code == 400 and "q" in response.json()["detail"]


def test_an_empty_query_is_a_400_and_one_of_spaces_gets_a_note(api):
    assert api.get(SEARCH, {"q": ""}).status_code == 400
    data = api.get(SEARCH, {"q": "   "}).json()
    assert data["count"] == 0 and data["results"] == [] and data["message"]


def test_a_page_past_the_end_is_a_404(api):
    response = api.get(SEARCH, {"q": "融资", "page": 999})
    assert response.status_code == 404 and response.json()["detail"]


def test_a_zero_page_is_a_400(api):
    assert api.get(SEARCH, {"q": "融资", "page": 0}).status_code == 400


@pytest.mark.parametrize(
    "q", ["x" * 10000, "' \" * : & | ! ( ) NEAR AND OR", "😀融资", "\u3000融资\u3000"]
)
def test_odd_queries_get_an_answer_not_a_500(api, q):
    assert api.get(SEARCH, {"q": q}).status_code in (200, 400)


def test_search_answers_as_csv(api):
    response = api.get(SEARCH, {"q": "融资", "format": "csv"})
    assert response.status_code == 200
    header, *body = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"type", "id", "title", "snippet", "url", "score"} <= set(header) and body


def test_search_costs_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert api.get(SEARCH, {"q": "融资", "page_size": 200}).status_code == 200
