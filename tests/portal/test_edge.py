"""The edge (portal/edge.py): NUL, lone surrogates, over-deep and oversized JSON are refused
before any view runs, with a JSON 400/413 on the API and the Chinese 400 page on the site; every
other API failure is JSON too."""

import json

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def assert_json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    detail = json.loads(response.content)["detail"]
    assert isinstance(detail, str) and detail
    return detail


def assert_html_400(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>请求有误</h1>" in response.content.decode()


# ----- paths and query parameters (each of these was a 500 on PostgreSQL)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/tiers/%00/",
        "/api/v1/themes/%00/",
        "/api/v1/measures/%00/",
        "/api/v1/stats/co-responsibility/?bureau=%00",
        "/api/v1/measures/?bureau=%00",
        "/api/v1/measures/?tier=a%00b",
        "/api/v1/search/?q=%E8%9E%8D%00%E8%B5%84",
        "/api/v1/replies/?%00=1",
        "/api/v1/bureaus/?q=%00&format=csv",
    ],
)
def test_nul_in_an_api_path_or_parameter_is_a_json_400(url):
    detail = assert_json_error(APIClient().get(url), 400)
    assert "NUL" in detail


@pytest.mark.parametrize(
    "url",
    [
        "/tiers/%00/",
        "/measures/?bureau=%00",
        "/search/?q=%E8%9E%8D%00%E8%B5%84",
        "/search/?page=%00",
        "/search/feed/?q=%00",
        "/targets/?year=abc%00",
        "/finder/?industry=%00",
    ],
)
def test_nul_on_a_site_page_is_the_chinese_400_page(client, url):
    assert_html_400(client.get(url))


def test_a_lone_surrogate_in_a_parameter_is_refused(rf):
    """A WSGI server hands Django bytes, so a surrogate can only arrive already decoded (an
    ASGI server or a test); the edge refuses it all the same."""
    from portal.edge import EdgeMiddleware

    request = rf.get("/api/v1/measures/")
    request.GET = request.GET.copy()
    request.GET["q"] = "融资\ud83d"
    response = EdgeMiddleware(lambda r: pytest.fail("the view ran"))(request)
    assert_json_error(response, 400)


def test_undecodable_bytes_are_not_refused_but_read_as_replacement_characters(client):
    # %ED%A0%80 would be a surrogate in UTF-8; Django decodes it to U+FFFD, which is harmless.
    assert client.get("/search/?q=%ED%A0%80").status_code == 200
    assert APIClient().get("/api/v1/measures/?q=%ED%A0%80").status_code == 200


# ----- JSON bodies


@pytest.fixture
def superuser_api(charlie):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=charlie).key}")
    return api


def _patch(api, measure, body: str):
    return api.generic(
        "PATCH",
        f"/api/v1/measures/{measure.pk}/",
        body.encode("utf-8", "surrogatepass"),
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"tiers": ["\\u0000"]}',
        '{"themes": ["\\u0000"]}',
        '{"title": "融资\\u0000"}',
        '{"targets": [{"subject": "企业", "quantity": 1, "unit": "家", "text": "t", '
        '"kind": "cumulative", "tier": "\\u0000"}]}',
        '{"title": "\\ud800"}',
        '{"title": "\\udc00融资"}',
        '{"\\u0000": 1}',
        '{"guide": {"office": "\\ud83d"}}',
    ],
)
def test_json_with_nul_or_a_lone_surrogate_is_a_400_and_changes_nothing(
    superuser_api, measure, body
):
    m16 = measure(16)
    before = (m16.title, m16.version, list(m16.tiers.all()), list(m16.themes.all()))
    detail = assert_json_error(_patch(superuser_api, m16, body), 400)
    assert "NUL" in detail
    m16.refresh_from_db()
    assert (m16.title, m16.version, list(m16.tiers.all()), list(m16.themes.all())) == before


def test_a_surrogate_pair_is_an_ordinary_character(superuser_api, measure):
    m16 = measure(16)
    response = _patch(superuser_api, m16, '{"title": "提升金融服务质效\\ud83d\\ude00"}')
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "提升金融服务质效😀"


@pytest.mark.parametrize(
    "body",
    [
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        '{"tiers": ' + "[" * 40 + "]" * 40 + "}",
        "[" * 100_000,  # unclosed as well
    ],
)
def test_deeply_nested_json_is_a_400_not_a_recursion_error(superuser_api, measure, body):
    detail = assert_json_error(_patch(superuser_api, measure(16), body), 400)
    assert "嵌套过深" in detail or "JSON" in detail


def test_json_nested_as_deep_as_the_limit_still_reaches_the_view(superuser_api, measure, settings):
    settings.JSON_MAX_DEPTH = 3
    body = json.dumps({"targets": [{"subject": "x"}]})  # three levels
    response = _patch(superuser_api, measure(16), body)
    assert response.status_code == 400  # refused by the serializer, not the edge
    assert "嵌套过深" not in response.json()["detail"]
    too_deep = json.dumps({"targets": [{"subject": ["x"]}]})
    assert "嵌套过深" in _patch(superuser_api, measure(16), too_deep).json()["detail"]


def test_malformed_json_is_the_parsers_json_400(superuser_api, measure):
    detail = assert_json_error(_patch(superuser_api, measure(16), '{"title": '), 400)
    assert "JSON" in detail


def test_an_oversized_body_is_a_json_413_on_the_api(superuser_api, measure, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"body": "长" * 2000})
    detail = assert_json_error(_patch(superuser_api, measure(16), body), 413)
    assert "过大" in detail


def test_an_oversized_form_on_the_api_is_json_too(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = APIClient().generic(
        "POST",
        "/api/v1/measures/",
        "title=" + "x" * 5000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response["Content-Type"] == "application/json"
    assert response.status_code in (400, 401, 405, 413, 415)


def test_too_many_query_parameters_is_a_json_400(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    query = "&".join(f"a{n}=1" for n in range(50))
    assert_json_error(APIClient().get(f"/api/v1/measures/?{query}"), 400)


# ----- every API failure answers JSON


def test_options_on_the_docs_page_answers_without_a_server_error():
    response = APIClient().options("/api/v1/docs/")
    assert response.status_code == 200
    assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    "url", ["/api/v1/measures/99999999/?format=csv", "/api/v1/measures/?page=999&format=csv"]
)
def test_an_error_asked_for_as_csv_is_json(url):
    assert_json_error(APIClient().get(url), 404)


def test_a_throttled_export_is_json_not_an_empty_zip(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/min", "user": "1/min"},
    }
    from django.core.cache import cache

    cache.clear()
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    api.get("/api/v1/export/", {"format": "json"})
    detail = assert_json_error(api.get("/api/v1/export/"), 429)
    assert "秒" in detail or "throttled" in detail.lower() or "请求" in detail
    cache.clear()


def test_django_400s_on_the_api_are_json(rf):
    from django.core.exceptions import SuspiciousOperation

    from portal.views import bad_request, permission_denied

    response = bad_request(rf.get("/api/v1/measures/"), SuspiciousOperation("x"))
    assert_json_error(response, 400)
    assert_json_error(permission_denied(rf.get("/api/v1/x/"), None), 403)
    assert bad_request(rf.get("/measures/"), SuspiciousOperation("x"))["Content-Type"].startswith(
        "text/html"
    )
