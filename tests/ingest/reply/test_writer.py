"""Writing replies: the new reply fields, figures with their facts, co-handlers in order."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from policies.models import Bureau
from replies.models import Reply

pytestmark = pytest.mark.django_db

DOCUMENTS = Path(__file__).resolve().parent / "documents"


def ingest(name: str) -> str:
    out = StringIO()
    call_command("ingest", str(DOCUMENTS / name), stdout=out)
    return out.getvalue()


def test_an_npc_reply_keeps_its_kind_titles_and_figures_with_their_facts():
    ingest("npc_jy_addressee.txt")
    reply = Reply.objects.get(proposal_number="JY20250126")
    assert reply.kind == Reply.Kind.NPC_SUGGESTION
    assert reply.session == "市十五届人大五次会议"
    assert reply.proposal_title == "关于加快培育专精特新“小巨人”企业的建议"
    assert reply.addressee == "曹建民代表"
    assert reply.closing == "感谢您对我市中小企业发展的关心和支持。"
    assert [b.short_name for b in reply.ordered_co_bureaus] == ["市科创局", "市财政局"]
    innovative = reply.figures.get(quantity=Decimal(7077))
    assert (innovative.qualifier, innovative.scope, innovative.year) == ("超过", "cumulative", 2024)
    assert innovative.quantity_text == "超过7077家"
    target = reply.figures.get(quantity=Decimal(260))
    assert (target.kind, target.year, target.section, target.qualifier) == (
        "target",
        2027,
        None,
        "以上",
    )
    reward = reply.figures.get(quantity=Decimal(50), unit="万元")
    assert (reward.kind, reward.subject) == ("parameter", "一次性奖励")
    assert "unchanged" in ingest("npc_jy_addressee.txt")


def test_co_handlers_keep_the_order_the_reply_names_them_in():
    ingest("cppcc_short_number.txt")
    reply = Reply.objects.get(proposal_number="21")
    assert [b.name for b in reply.ordered_co_bureaus] == [
        "中共武汉市委金融委员会办公室",
        "武汉市财政局",
        "武汉市发展和改革委员会",
    ]


def test_a_county_bureau_signer_becomes_a_bureau_of_kind_other_and_is_reported():
    out = ingest("short_county.txt")
    name = "武汉市江夏区科学技术和经济信息化局"
    assert f"unknown bureau '{name}'" in out
    bureau = Bureau.objects.get(name=name)
    assert bureau.kind == Bureau.Kind.OTHER
    reply = Reply.objects.get(bureau=bureau)
    assert reply.sections.count() == 0
    assert reply.title == "对《关于支持江夏区科技型中小企业发展的提案》的答复"
    assert reply.title_derived
    assert [(f.quantity, f.unit, f.section_id) for f in reply.figures.order_by("order")][:2] == [
        (86, "家", None),
        (612, "家", None),
    ]


def test_search_finds_a_reply_by_the_title_of_the_proposal_it_answers():
    from search import search

    ingest("cppcc_mixed_numbering.txt")
    reply = Reply.objects.get(proposal_number="20250233")
    assert "拓展海外市场" not in "".join(s.text + s.heading for s in reply.sections.all())
    hits = search("拓展海外市场").hits
    assert (hits[0].type, hits[0].id) == ("reply", reply.pk)
    # The reply answers for the proposal's title, once: its sections do not repeat it.
    assert not [h for h in hits[1:] if h.extra.get("reply_id") == reply.pk]


def test_a_reply_letter_keeps_its_letterhead_and_its_own_reference_number():
    ingest("cppcc_letter_format.txt")
    reply = Reply.objects.get(proposal_number="20240455")
    assert reply.letterhead.startswith("武汉市科技创新局\n武科函〔2024〕88号")
    assert reply.document.reference_number == "武科函〔2024〕88号"
    assert reply.addressee == "民建武汉市委员会"
    assert reply.closing.endswith("抄送：市政协提案委")
