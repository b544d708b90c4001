"""Documents cited by 文号: records, citing passages, and what a repeal does (ingest.citations)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.citations import sync_citations
from ingest.parse import parse_document
from ingest.service import Source, ingest_sources, plan_document
from policies.models import Citation, Measure, PolicyDocument
from replies.models import Reply
from tests.conftest import MEASURES_FILE

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE")
PENDING = "武政规〔2022〕23号"

# A final (not draft) policy of our own: its closing repeals one document and cites another.
FINAL_POLICY = """武汉市促进小微企业发展若干措施

为支持小微企业发展，根据《关于某事项的通知》（武发〔2025〕5号），制定以下措施。

一、加大支持力度

1.加强融资服务。对符合条件的小微企业给予贷款贴息，按照鄂政办发[2021]12号执行。（责任单位：市经信局）

本措施自2025年1月1日起施行，有效期至2027年12月31日，《武汉市小微企业扶持办法》（武政规【2019】3号）同时废止。
"""


def doc(reference):
    return PolicyDocument.objects.get(reference_number=reference)


def test_every_cited_reference_is_a_document_record():
    cited = doc("武政规〔2021〕17号")
    assert cited.title == "武汉市促进中小企业“专精特新”高质量发展行动计划"
    assert (cited.kind, cited.status, cited.source_file) == ("policy", "", "")
    assert "状态未知" in cited.status_note()


def test_the_reply_section_that_cites_a_document_is_listed_on_it():
    reply = Reply.objects.get(document__source_file__startswith="001_")
    [citation] = doc("武政规〔2021〕17号").citations.all()
    assert citation.citing == reply.document
    assert citation.section.heading == "完善政策体系，稳创新定力"
    assert citation.relation == "cites"
    assert citation.get_absolute_url() == (
        f"{reply.get_absolute_url()}#section-{citation.section_id}"
    )


def test_a_drafts_repeal_is_pending_and_the_document_stays_in_force():
    draft = PolicyDocument.objects.get(source_file=MEASURES_FILE.name)
    pending = doc(PENDING)
    assert (pending.status, pending.repealed_by) == ("现行有效", None)
    assert not draft.repeals.exists()
    assert pending.status_note() == (
        "《武汉市进一步促进中小企业专精特新高质量发展若干措施》（征求意见稿）"
        "拟同时废止本文件；该稿正式施行前，本文件继续有效。"
    )
    relations = sorted((c.part, c.relation, c.citing.kind) for c in pending.citations.all())
    # Cited by the 2024 reply and proposed for repeal by the draft's closing clause.
    assert relations == [
        ("closing", "proposes_repeal", "measures"),
        ("section", "cites", "cppcc_reply"),
    ]


def test_the_old_wrong_repeal_is_undone_by_the_next_sync():
    draft = PolicyDocument.objects.get(source_file=MEASURES_FILE.name)
    PolicyDocument.objects.filter(reference_number=PENDING).update(
        status="已废止", repealed_by=draft
    )
    assert sync_citations() == 1
    assert (doc(PENDING).status, doc(PENDING).repealed_by) == ("现行有效", None)


def test_a_status_staff_set_is_kept():
    PolicyDocument.objects.filter(reference_number="武政规〔2021〕17号").update(status="已失效")
    PolicyDocument.objects.filter(reference_number=PENDING).update(status="已修订")
    assert sync_citations() == 0
    assert doc("武政规〔2021〕17号").status == "已失效"
    assert doc(PENDING).status == "已修订"


def test_a_second_sync_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert sync_citations() == 0
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_final_policy_repeals_and_every_bracket_form_is_one_record():
    data = FINAL_POLICY.encode()
    plan = plan_document("final_policy.txt", data, parse_document(data))
    planned = [
        (i.what, i.key)
        for i in plan.created
        if i.what == "document" and i.key != "final_policy.txt"
    ]
    assert planned == [
        ("document", "武发〔2025〕5号"),
        ("document", "鄂政办发〔2021〕12号"),
        ("document", "武政规〔2019〕3号"),
    ]
    ingest_sources([Source("final_policy.txt", data)])
    policy = PolicyDocument.objects.get(source_file="final_policy.txt")
    repealed = doc("武政规〔2019〕3号")
    assert (repealed.title, repealed.status, repealed.repealed_by) == (
        "武汉市小微企业扶持办法",
        "已废止",
        policy,
    )
    measure = Measure.objects.get(document=policy, number=1)
    [by_measure] = Citation.objects.filter(measure=measure)
    assert (by_measure.cited, by_measure.written_as) == (
        doc("鄂政办发〔2021〕12号"),
        "鄂政办发[2021]12号",
    )
    assert doc("武发〔2025〕5号").citations.get().part == "preamble"
    assert doc("鄂政办发〔2021〕12号").status == ""


def test_a_later_citation_gives_the_title_an_earlier_one_left_out():
    data = FINAL_POLICY.encode()
    ingest_sources([Source("final_policy.txt", data)])
    assert doc("鄂政办发〔2021〕12号").title == "鄂政办发〔2021〕12号"
    second = FINAL_POLICY.replace(
        "按照鄂政办发[2021]12号", "按照《湖北省小微企业办法》（鄂政办发〔2021〕12号）"
    )
    ingest_sources([Source("final_policy.txt", second.encode())])
    assert doc("鄂政办发〔2021〕12号").title == "湖北省小微企业办法"
