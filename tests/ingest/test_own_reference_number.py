"""A policy's own 文号 and the record its citations made: one document per 文号, whichever
text comes first, with the citing passages still linked."""

import pytest

from ingest.errors import IngestError
from ingest.policy.parser import parse_policy
from ingest.service import Source, ingest_sources
from policies.models import Citation, PolicyDocument

pytestmark = pytest.mark.django_db

OWN = "武经信规〔2025〕2号"

# Two small policies written for these tests; the second cites the first by title and 文号.
DIGITAL = """武汉市推动中小企业数字化转型若干措施
武经信规〔2025〕2号

为加快中小企业数字化转型，制定以下措施。

一、夯实转型基础

1．开展诊断服务。每年为200家中小企业提供免费数字化诊断。（责任单位：市经信局）

2．培育服务商。遴选优质数字化服务商，发布服务商目录。（责任单位：市经信局、市科技创新局）

本措施自2025年5月1日起施行，有效期3年。
"""

CLOUD = """武汉市支持中小企业上云用云若干措施
武经信规〔2025〕7号

为落实《武汉市推动中小企业数字化转型若干措施》（武经信规〔2025〕2号），制定以下措施。

一、降低上云成本

1．发放上云券。对中小企业购买云服务给予30%补贴，每家企业每年最高10万元。（责任单位：市经信局、市财政局）

本措施自2025年9月1日起施行，有效期2年。
"""


def ingest(name: str, text: str):
    return ingest_sources([Source(name, text.encode())])


def records() -> list[PolicyDocument]:
    return list(PolicyDocument.objects.filter(reference_number=OWN))


def citation() -> Citation:
    return Citation.objects.get(citing__source_file="cloud.txt", cited__reference_number=OWN)


@pytest.mark.parametrize(
    "header",
    [
        "武经信规〔2025〕2号",
        "武经信规[2025]第2号",
        "武经信规 〔2025〕 2 号",
        "发文字号：武经信规【2025】2号",
    ],
)
def test_the_parser_reads_the_documents_own_number_under_its_title(header):
    parsed = parse_policy(DIGITAL.replace(OWN, header))
    assert parsed.reference_number == OWN
    assert parsed.title == "武汉市推动中小企业数字化转型若干措施"  # the number is not in it
    assert parsed.preamble == "为加快中小企业数字化转型，制定以下措施。"


def test_a_number_above_the_title_is_read_too_and_a_header_without_one_has_none():
    above = f"{OWN}\n" + DIGITAL.replace(f"{OWN}\n", "")
    assert parse_policy(above).reference_number == OWN
    assert parse_policy(DIGITAL.replace(f"{OWN}\n", "")).reference_number == ""


def test_the_record_a_citation_made_is_filled_when_the_document_comes():
    ingest("cloud.txt", CLOUD)
    [record] = records()
    assert (record.title, record.status, record.source_file) == (
        "武汉市推动中小企业数字化转型若干措施",
        "",
        "",
    )
    assert "状态未知" in record.status_note()

    report = ingest("digital.txt", DIGITAL)
    plan = report.files[0].plan
    [filled] = [i for i in plan.changed if i.what == "document"]
    assert (filled.key, filled.reason) == (OWN, "known from citations")
    assert "source_file" in filled.fields
    assert not [i for i in plan.created if i.what == "document"]

    [document] = records()
    assert document.pk == record.pk  # the same record: its page and links stay
    assert (document.source_file, document.kind) == ("digital.txt", "measures")
    assert [m.title for m in document.measures.order_by("number")] == ["开展诊断服务", "培育服务商"]
    assert document.status_note() == ""
    assert citation().cited == document
    assert citation().part == "preamble"


def test_a_document_ingested_first_is_the_one_later_citations_link_to():
    ingest("digital.txt", DIGITAL)
    [document] = records()
    assert document.source_file == "digital.txt"
    ingest("cloud.txt", CLOUD)
    assert records() == [document]
    assert citation().cited == document


def test_a_cited_record_of_a_document_held_without_its_number_is_merged_into_it():
    ingest("digital.txt", DIGITAL.replace(f"{OWN}\n", ""))  # an earlier copy without the 文号
    ingest("cloud.txt", CLOUD)
    held = PolicyDocument.objects.get(source_file="digital.txt")
    assert held.reference_number == ""
    [cited_only] = records()
    assert cited_only.pk != held.pk

    ingest("digital.txt", DIGITAL)
    assert records() == [held]
    assert citation().cited == held
    assert not PolicyDocument.objects.filter(pk=cited_only.pk).exists()


def test_a_status_a_citation_or_staff_gave_is_kept_when_the_text_states_none():
    ingest("cloud.txt", CLOUD)
    PolicyDocument.objects.filter(reference_number=OWN).update(status="现行有效")
    ingest("digital.txt", DIGITAL)
    assert records()[0].status == "现行有效"


def test_another_text_claiming_a_held_number_is_refused():
    ingest("digital.txt", DIGITAL)
    other = DIGITAL.replace("每年为200家", "每年为300家")
    with pytest.raises(IngestError) as refused:
        ingest("digital-copy.txt", other)
    assert str(refused.value) == (
        f"digital-copy.txt: {OWN} is already held as digital.txt "
        "(《武汉市推动中小企业数字化转型若干措施》): to update it, ingest the file under that name"
    )
    assert len(records()) == 1
