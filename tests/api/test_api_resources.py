"""Bureaus, tiers, targets, replies, themes and documents under /api/v1/ (CONTRACT.md)."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def rows(response):
    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) >= {"count", "next", "previous", "results"}
    return data["results"]


def test_bureaus_q_finds_the_economy_bureau_by_an_alias_with_its_counts(api):
    found = rows(api.get("/api/v1/bureaus/", {"q": "经信局"}))
    assert [b["name"] for b in found] == ["武汉市经济和信息化局"]
    bureau = found[0]
    assert bureau["short_name"] == "市经信局" and bureau["kind"] == "municipal_department"
    assert "经信局" in bureau["aliases"]
    assert bureau["measure_count"] >= 20 and 0 < bureau["lead_count"] < bureau["measure_count"]


def test_bureaus_can_be_ordered_by_measure_count(api):
    top = rows(api.get("/api/v1/bureaus/", {"ordering": "-measure_count", "page_size": 3}))
    counts = [b["measure_count"] for b in top]
    assert counts == sorted(counts, reverse=True)
    assert "市经信局" in [b["short_name"] for b in top]


def test_an_unknown_bureau_kind_is_a_400(api):
    response = api.get("/api/v1/bureaus/", {"kind": "ministry"})
    assert response.status_code == 400 and "kind" in response.json()["detail"]


def test_bureaus_cost_a_fixed_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert len(rows(api.get("/api/v1/bureaus/", {"page_size": 200}))) > 20


def test_tiers_name_their_parent_by_slug(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        tiers = {t["slug"]: t for t in rows(api.get("/api/v1/tiers/", {"page_size": 200}))}
    assert tiers["little-giant"]["parent"] == "specialised-sme"
    assert tiers["sme"]["parent"] is None
    assert tiers["little-giant"]["ladder"] == "优质中小企业梯度"
    assert tiers["little-giant"]["rank"] > tiers["specialised-sme"]["rank"]


def test_a_tier_is_found_by_its_slug_and_an_unknown_one_is_a_404(api):
    assert api.get("/api/v1/tiers/unicorn/").json()["name"] == "独角兽企业"
    response = api.get("/api/v1/tiers/dragon/")
    assert response.status_code == 404 and "detail" in response.json()


def test_targets_filter_by_tier_and_year(api, measure, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        found = rows(api.get("/api/v1/targets/", {"tier": "specialised-sme", "year": 2028}))
    assert [t["text"] for t in found] == ["4000家专精特新中小企业"]
    target = found[0]
    assert target["measure"] == measure(1).pk and target["measure_number"] == 1
    assert target["quantity"] == 4000 and target["tier"] == "specialised-sme"


def test_targets_filter_by_measure(api, measure):
    found = rows(api.get("/api/v1/targets/", {"measure": measure(20).pk}))
    assert "招聘活动不少于10场" in [t["text"] for t in found]
    assert all(t["measure_number"] == 20 for t in found)


def test_a_non_numeric_target_year_is_a_400(api):
    response = api.get("/api/v1/targets/", {"year": "二〇二八"})
    assert response.status_code == 400 and "year" in response.json()["detail"]


def test_replies_carry_proposal_numbers_sessions_and_sections(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        replies = rows(api.get("/api/v1/replies/", {"page_size": 200}))
    by_number = {r["proposal_number"]: r for r in replies}
    assert {"20250597", "20230100", "20230314"} <= set(by_number)
    reply = by_number["20230314"]
    assert reply["session"] == "市政协十四届二次会议" and reply["date"] == "2023-08-22"
    assert reply["sections"] and set(reply["sections"][0]) >= {"id", "heading", "text"}
    assert reply["url"].endswith(f"/replies/{reply['id']}/")


def test_the_economy_bureaus_reply_names_its_bureau_and_filters_by_it(api):
    replies = rows(api.get("/api/v1/replies/", {"bureau": "市经信局"}))
    assert replies and all(r["bureau"]["name"] == "武汉市经济和信息化局" for r in replies)
    assert replies[0]["proposal_number"] is None


def test_replies_filter_by_session(api):
    replies = rows(api.get("/api/v1/replies/", {"session": "十四届二次会议"}))
    assert {r["proposal_number"] for r in replies} == {"20230100", "20230314"}


def test_a_non_numeric_reply_year_is_a_400(api):
    assert api.get("/api/v1/replies/", {"year": "x"}).status_code == 400


def test_themes_count_their_measures(api):
    themes = {t["slug"]: t for t in rows(api.get("/api/v1/themes/"))}
    assert themes["financing"]["name"] == "融资"
    assert themes["financing"]["measure_count"] >= 1
    assert "融资" in themes["financing"]["keywords"]


def test_documents_list_the_measures_draft(api):
    titles = [d["title"] for d in rows(api.get("/api/v1/documents/"))]
    assert "武汉市进一步促进中小企业专精特新高质量发展若干措施" in titles


def test_the_api_root_lists_the_resources(api):
    root = api.get("/api/v1/").json()
    assert {"measures", "bureaus", "tiers", "targets", "replies"} <= set(root)


def test_a_reply_serves_its_kind_intro_next_steps_signature_and_figures_with_their_facts(api):
    replies = rows(api.get("/api/v1/replies/", {"page_size": 200}))
    by_number = {r["proposal_number"]: r for r in replies}
    signed = next(r for r in replies if r["proposal_number"] is None)
    assert signed["kind"] == "unknown" and signed["signature"] == "武汉市经济和信息化局"
    assert signed["next_steps"].startswith("下一步，我市将围绕培育专精特新企业发展壮大")
    reply = by_number["20250597"]
    assert reply["kind"] == "cppcc_proposal" and reply["proposal_title"] == ""
    assert reply["intro"].startswith("感谢您对我市科技型中小企业发展的关心与支持")
    assert [b["name"] for b in reply["co_bureaus"]][:2] == ["武汉市商务局", "武汉市经济和信息化局"]
    figures = {(f["quantity"], f["unit"]): f for f in reply["figures"]}
    approx = figures[(750, "项")]
    assert (approx["qualifier"], approx["kind"], approx["year"]) == ("余", "result", 2025)
    assert approx["subject"] == "市科技重大专项、重点研发计划项目建议方向"
    aid = figures[(6, "万元")]
    assert (aid["kind"], aid["qualifier"], aid["year_assumed"]) == ("parameter", "", True)
    assert set(aid) >= {
        "subject",
        "quantity",
        "unit",
        "qualifier",
        "year",
        "kind",
        "text",
        "section",
    }


def test_replies_filter_by_kind_and_refuse_an_unknown_kind(api):
    proposals = rows(api.get("/api/v1/replies/", {"kind": "cppcc_proposal"}))
    assert {r["proposal_number"] for r in proposals} == {"20250597", "20230100", "20230314"}
    unknown = rows(api.get("/api/v1/replies/", {"kind": "unknown"}))
    assert [r["signature"] for r in unknown] == ["武汉市经济和信息化局"]
    assert api.get("/api/v1/replies/", {"kind": "petition"}).status_code == 400
