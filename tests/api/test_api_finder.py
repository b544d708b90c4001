"""GET /api/v1/finder/ (CONTRACT.md): the finder page's answer as JSON, with reasons, benefits
and whom to call; unknown values are a 400 naming the accepted ones."""

import re

import pytest
from rest_framework.test import APIClient

from policies.contacts import bureau_contact_update
from policies.models import Bureau, Measure

pytestmark = pytest.mark.django_db

URL = "/api/v1/finder/"
OWNER = {"tier": "little-giant", "industry": "optoelectronics", "need": "financing"}


@pytest.fixture
def api():
    return APIClient()


def test_the_owners_question_gets_measures_reasons_and_whom_to_call(api, measure):
    body = api.get(URL, OWNER).json()
    assert set(body) >= {"count", "results"}
    first = body["results"][0]
    assert first["measure"] == {
        "id": measure(16).pk,
        "number": 16,
        "title": "提升金融服务质效",
        "url": f"http://testserver/measures/{measure(16).pk}/",
    }
    assert first["reasons"] == [
        "满足需求：融资",
        "未专门提及光电子信息，不限行业",
        "直接面向专精特新“小巨人”企业",
    ]
    assert first["score"] == 5
    lead = first["contacts"][0]
    assert lead["bureau"]["name"] == "中共武汉市委金融委员会办公室"
    assert lead["role"] == "lead"
    # The documents give no phone numbers: the city hotline stands in, marked as such.
    assert (lead["phone"], lead["hotline"]) == ("12345", True)
    assert set(lead) == {"bureau", "role", "office", "phone", "address", "website", "hotline"}
    assert [c["role"] for c in first["contacts"]].count("lead") == 1
    # What measure 16's text states it gives (read at ingest), until staff add their own.
    assert "帮助专精特新中小企业使用中小企业融资应急资金，并减免一定使用费" in first["benefits"]


def test_a_bureau_phone_replaces_the_hotline(api, measure, alice):
    jxj = Bureau.objects.named("市经信局").get()
    bureau_contact_update(
        bureau=jxj,
        user=alice,
        data={"phone": "027-85551234", "office": "中小企业处"},
        expected_version=jxj.version,
    )
    row = next(r for r in api.get(URL, OWNER).json()["results"] if r["measure"]["number"] == 16)
    card = next(c for c in row["contacts"] if c["bureau"]["id"] == jxj.pk)
    assert (card["phone"], card["hotline"], card["office"]) == ("027-85551234", False, "中小企业处")


def test_benefits_list_the_staff_filled_guide_lines_first(api, measure):
    Measure.objects.filter(pk=measure(16).pk).update(
        guide_support="贷款贴息，最高50万元", guide_eligibility="专精特新中小企业"
    )
    row = next(r for r in api.get(URL, OWNER).json()["results"] if r["measure"]["number"] == 16)
    assert row["benefits"][:2] == ["支持内容：贷款贴息，最高50万元", "申报对象：专精特新中小企业"]
    assert "帮助专精特新中小企业积极争取国家中小微企业贷款贴息政策" in row["benefits"][2:]


def test_the_api_and_the_page_answer_in_the_same_order(api, client):
    api_order = [r["measure"]["url"] for r in api.get(URL, OWNER).json()["results"]]
    html = client.get("/finder/", OWNER).content.decode()
    results = html[html.index('class="results finder-results"') :]
    page_order = re.findall(r'<h3><a href="(/measures/\d+/)">', results)
    assert [u.removeprefix("http://testserver") for u in api_order] == page_order


def test_need_is_repeatable(api):
    one = api.get(URL, {"tier": "little-giant", "need": "financing"}).json()["count"]
    two = api.get(URL, {"tier": "little-giant", "need": ["financing", "land"]}).json()
    assert two["count"] > one
    reasons = {r["measure"]["number"]: r["reasons"][0] for r in two["results"]}
    assert (reasons[15], reasons[16]) == ("满足需求：用地", "满足需求：融资")


@pytest.mark.parametrize(
    ("params", "field", "named"),
    [
        ({"tier": "dragon"}, "tier", "未知的企业类型“dragon”"),
        ({"industry": "造船"}, "industry", "未知的行业“造船”"),
        ({"need": ["financing", "xyz"]}, "need", "未知的需求“xyz”"),
    ],
)
def test_an_unknown_value_is_a_400_naming_the_accepted_ones(api, params, field, named):
    response = api.get(URL, params)
    assert response.status_code == 400
    body = response.json()
    assert named in body["detail"]
    accepted = {"tier": "tech-sme", "industry": "optoelectronics", "need": "financing"}[field]
    assert accepted in body["errors"][field][0]


@pytest.mark.parametrize("name", ["tier", "industry", "need"])
def test_an_empty_value_is_a_400(api, name):
    assert api.get(URL, {name: ""}).status_code == 400


def test_every_tier_gets_an_answer(api):
    from ingest.vocab import tier_specs

    for spec in tier_specs():
        assert api.get(URL, {"tier": spec.slug}).json()["count"] >= 5, spec.slug


def test_the_finder_answers_in_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    params = {**OWNER, "need": ["financing", "talent", "land"]}
    # vocabularies (tiers, themes), standing, counts (2), measures and their prefetches (6)
    with django_assert_max_num_queries(12):
        assert api.get(URL, params).status_code == 200


def test_the_schema_documents_the_finder_and_its_accepted_values():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/finder/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert "little-giant" in parameters["tier"]["schema"]["enum"]
    assert "optoelectronics" in parameters["industry"]["schema"]["enum"]
    assert parameters["need"]["schema"]["type"] == "array"
    assert "financing" in parameters["need"]["schema"]["items"]["enum"]
    assert "stands on" in parameters["tier"]["description"]


def test_the_finder_answers_as_csv(api):
    response = api.get(URL, {**OWNER, "format": "csv"})
    assert response.status_code == 200
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert "measure.number" in header and "reasons" in header
