"""/api/v1/documents/ serves a document whole, and targets carry their scope and qualifier."""

import pytest
from rest_framework.test import APIClient

from policies.models import PolicyDocument
from replies.models import Reply
from tests.conftest import MEASURES_FILE

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def draft():
    return PolicyDocument.objects.get(source_file=MEASURES_FILE.name)


def test_the_draft_is_served_with_preamble_chapters_measures_and_closing(api, draft):
    data = api.get(f"/api/v1/documents/{draft.pk}/").json()
    assert data["status"] == "征求意见稿"
    assert data["preamble"].startswith(
        "为深入贯彻习近平总书记关于促进中小企业发展系列重要指示批示精神"
    )
    assert data["preamble"].endswith("制定以下措施。")
    assert [c["number"] for c in data["chapters"]] == [1, 2, 3, 4, 5]
    assert data["chapters"][0]["title"] == "建强优质中小企业梯队，大力培育“根企业”"
    numbers = [m["number"] for c in data["chapters"] for m in c["measures"]]
    assert numbers == list(range(1, 26))
    assert data["chapters"][2]["measures"][0]["title"] == "提升产业发展能级"
    assert data["closing"].startswith("本政策自公布之日起施行，有效期至2028年12月31日")
    assert "就高从优不重复" in data["closing"]
    [cites] = data["cites"]
    assert cites["document"]["reference_number"] == "武政规〔2022〕23号"
    assert (cites["part"], cites["relation"]) == ("closing", "proposes_repeal")


def test_the_document_a_draft_would_repeal_is_in_force_with_a_note(api, draft):
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    data = api.get(f"/api/v1/documents/{pending.pk}/").json()
    assert (data["status"], data["repealed_by"]) == ("现行有效", None)
    assert "（征求意见稿）拟同时废止本文件" in data["status_note"]
    by = {(c["document"]["id"], c["part"], c["relation"]) for c in data["cited_by"]}
    reply = Reply.objects.get(document__source_file__startswith="001_")
    assert by == {(draft.pk, "closing", "proposes_repeal"), (reply.document_id, "section", "cites")}
    [from_reply] = [c for c in data["cited_by"] if c["part"] == "section"]
    assert from_reply["url"].endswith(f"/replies/{reply.pk}/#section-{from_reply['section']}")


def test_a_document_known_from_a_citation_is_listed_with_unknown_status(api):
    rows = api.get("/api/v1/documents/", {"page_size": 200}).json()["results"]
    cited = {d["reference_number"]: d for d in rows if d["reference_number"]}
    assert set(cited) == {"武政规〔2021〕17号", "武政规〔2022〕23号"}
    assert cited["武政规〔2021〕17号"]["status"] == ""
    assert cited["武政规〔2021〕17号"]["status_note"] == "本文件仅见于其他文件的引用，状态未知。"


def test_the_document_list_takes_a_bounded_number_of_queries(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        assert api.get("/api/v1/documents/", {"page_size": 200}).status_code == 200


def test_measure_12_targets_are_per_chain_per_year_and_at_least(api, measure):
    rows = api.get("/api/v1/targets/", {"measure": measure(12).pk}).json()["results"]
    assert [(t["quantity"], t["qualifier"], t["per"], t["kind"], t["scope"]) for t in rows] == [
        (20, "以上", "每条产业链", "per_year", "每条产业链每年"),
        (1, "以上", "每条产业链", "per_year", "每条产业链每年"),
    ]
    measure_json = api.get(f"/api/v1/measures/{measure(12).pk}/").json()
    assert measure_json["targets"][0]["scope"] == "每条产业链每年"


def test_the_2028_targets_are_cumulative_and_city_wide(api, measure):
    rows = api.get("/api/v1/targets/", {"measure": measure(1).pk}).json()["results"]
    assert {(t["per"], t["scope"], t["qualifier"]) for t in rows} == {("", "到2028年累计", "")}


def test_the_export_holds_the_documents_whole(api, draft):
    data = api.get("/api/v1/export/", {"format": "json"}).json()
    [served] = [d for d in data["documents"] if d["id"] == draft.pk]
    assert served["preamble"] and served["closing"] and len(served["chapters"]) == 5


def test_the_documents_csv_is_one_row_per_document_with_chapters_joined(api, draft):
    import csv
    import io

    response = api.get("/api/v1/documents/", {"format": "csv", "page_size": 200})
    header, *rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[-5:] == ["preamble", "chapters", "closing", "cites", "cited_by"]
    row = dict(zip(header, next(r for r in rows if r[0] == str(draft.pk)), strict=True))
    assert row["chapters"].startswith(
        "1. 建强优质中小企业梯队，大力培育“根企业”; 2. 激活企业创新动能"
    )
    assert row["cites"] == "武政规〔2022〕23号"
