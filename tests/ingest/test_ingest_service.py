"""Ingesting the five bundled documents: what ends up in the database."""

import datetime as dt
from decimal import Decimal

import pytest

from policies.models import Bureau, Chapter, Measure, PolicyDocument, Responsibility, Target
from replies.models import Reply

pytestmark = pytest.mark.django_db

MEASURE_17_BUREAUS = [
    "市发改委",
    "市经信局",
    "市数据局",
    "市商务局",
    "市公安局",
    "市政府国资委",
    "市资建局",
    "市住更局",
    "市水务局",
    "市交通运输局",
    "市文旅局",
    "市卫健委",
    "市教育局",
    "各区人民政府",
]


def bureaus_of(measure):
    return [r.bureau.short_name for r in measure.responsibilities.order_by("order")]


def test_all_five_documents_are_ingested():
    assert PolicyDocument.objects.exclude(source_file="").count() == 5
    assert PolicyDocument.objects.filter(kind="measures").get().title == (
        "武汉市进一步促进中小企业专精特新高质量发展若干措施"
    )
    assert Reply.objects.count() == 4


def test_the_draft_has_five_chapters_and_twenty_five_measures():
    doc = PolicyDocument.objects.get(kind="measures")
    assert doc.status == "征求意见稿"
    assert list(Chapter.objects.filter(document=doc).values_list("number", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert list(doc.measures.values_list("number", flat=True)) == list(range(1, 26))
    assert Chapter.objects.get(document=doc, number=4).title == "激活企业成长主引擎，引育“根人才”"


def test_measure_17_bureaus_are_canonical_and_in_order(measure):
    m17 = measure(17)
    assert m17.title == "帮助企业拓展市场"
    assert bureaus_of(m17) == MEASURE_17_BUREAUS
    lead = m17.responsibilities.get(order=0)
    assert (lead.bureau.name, lead.role) == ("武汉市发展和改革委员会", "lead")
    # 市交通局 in the text is the same bureau that measure 19 calls 市交通运输局.
    transport = Bureau.objects.get(name="武汉市交通运输局")
    assert m17.responsibilities.get(bureau=transport).written_as == "市交通局"
    assert measure(19).responsibilities.filter(bureau=transport).exists()


def test_measure_18_lists_each_bureau_once(measure):
    assert bureaus_of(measure(18)) == ["市经信局", "市人社局", "市人才工作局", "各区人民政府"]
    assert measure(18).responsibility_text.count("责任单位") == 2


def test_measure_23_merges_abbreviated_bureau_names(measure):
    assert bureaus_of(measure(23)) == [
        "市发改委",
        "市经信局",
        "市市场监管局",
        "市农业农村局",
        "市商务局",
        "市政府国资委",
        "各区人民政府",
    ]
    assert Bureau.objects.filter(short_name="市商务局").count() == 1


def test_no_unknown_bureaus_are_left_from_the_documents():
    assert not Bureau.objects.filter(kind=Bureau.Kind.UNKNOWN).exists()


def test_only_the_first_listed_bureau_leads(measure):
    assert (
        Responsibility.objects.filter(measure=measure(1), role="lead").get().bureau.short_name
        == "市经信局"
    )
    assert Responsibility.objects.filter(role="lead").count() == 25


def test_measure_1_has_its_2028_targets(measure):
    targets = {
        (t.tier.slug if t.tier else None): (t.quantity, t.unit, t.year, t.kind)
        for t in measure(1).targets.select_related("tier")
    }
    assert targets["specialised-sme"] == (Decimal("4000"), "家", 2028, "cumulative")
    assert targets["little-giant"] == (Decimal("500"), "家", 2028, "cumulative")
    assert targets["key-little-giant"] == (Decimal("150"), "家", 2028, "cumulative")
    assert targets["single-champion"] == (Decimal("35"), "家", 2028, "cumulative")
    assert targets["unicorn"] == (Decimal("30"), "家", 2028, "cumulative")
    assert targets["innovative-sme"] == (Decimal("1000"), "家", 2028, "cumulative")


def test_the_little_giant_threshold_of_measure_11_is_a_target(measure):
    t = measure(11).targets.get(kind=Target.Kind.THRESHOLD)
    assert (t.quantity, t.unit) == (Decimal("500"), "万元")


def test_page_breaks_are_joined_inside_measures(measure):
    assert "科技成果转化项目" in measure(2).body
    assert "汇集发布" in measure(7).body
    assert "专精特新中小企业提供信用培育服务" in measure(17).body
    assert "\n" not in measure(13).body


def test_layout_noise_is_stripped(measure):
    assert "**" not in measure(17).body
    assert "AEO+经核准出口商" in measure(17).body
    assert not Reply.objects.filter(intro__contains="今天是").exists()


def test_validity_and_repeal_are_modelled():
    doc = PolicyDocument.objects.get(kind="measures")
    assert doc.expires_on == dt.date(2028, 12, 31)
    assert doc.effective_note == "自公布之日起施行"
    # The draft only proposes the repeal: the 2022 measures stay in force until it takes effect.
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    assert (pending.status, pending.repealed_by) == ("现行有效", None)
    assert [c.citing for c in pending.pending_repeals()] == [doc]


def test_tiers_are_linked_and_inherit_along_the_ladder(measure):
    from enterprises.models import EnterpriseTier

    giant = EnterpriseTier.objects.get(slug="little-giant")
    assert giant.parent.slug == "specialised-sme"
    assert "little-giant" in measure(11).tiers.values_list("slug", flat=True)
    applicable = set(Measure.objects.applicable_to(giant).values_list("number", flat=True))
    # Measure 5 names only 专精特新中小企业, which a 小巨人 also is.
    assert {5, 11, 15}.issubset(applicable)


def test_replies_have_their_numbers_sessions_and_dates():
    got = {
        r.document.source_file[:3]: (r.proposal_number, r.session, r.date)
        for r in Reply.objects.all()
    }
    assert got == {
        "000": ("20250597", "市政协十四届四次会议", None),
        "001": (None, "", dt.date(2024, 7, 26)),
        "002": ("20230314", "市政协十四届二次会议", dt.date(2023, 8, 22)),
        "004": ("20230100", "市政协十四届二次会议", dt.date(2023, 8, 22)),
    }


def test_reply_bureaus_are_resolved():
    r000 = Reply.objects.get(proposal_number="20250597")
    assert sorted(r000.co_bureaus.values_list("short_name", flat=True)) == sorted(
        ["市商务局", "市经信局", "市人才工作局", "市委金融办"]
    )
    r001 = Reply.objects.get(document__source_file__startswith="001")
    assert r001.bureau.short_name == "市经信局"


def test_reply_sections_form_a_tree_and_figures_are_kept():
    r000 = Reply.objects.get(proposal_number="20250597")
    tops = r000.sections.filter(parent=None).order_by("order")
    assert [s.heading for s in tops][:2] == [
        "强化主体培育，提升科技型中小企业创新能级",
        "强化要素聚集，营造科技型中小企业创新生态",
    ]
    assert r000.figures.filter(quantity=Decimal("16600"), unit="家").exists()
    r004 = Reply.objects.get(proposal_number="20230100")
    fig = r004.figures.get(quantity=Decimal("12654"))
    assert (fig.year, fig.tier.slug) == (2022, "high-tech")
