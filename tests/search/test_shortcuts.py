"""Queries naming one page: a proposal or suggestion number, or a 文号, with words around them."""

import pytest

from policies.models import PolicyDocument
from replies.models import Reply
from search.shortcuts import normalise_reference, proposal_number, shortcut

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("20230314", "20230314"),
        ("提案20230314", "20230314"),
        ("政协提案20230314", "20230314"),
        ("20230314号提案", "20230314"),
        ("第20250597号提案", "20250597"),
        ("市政协十四届四次会议第20250597号提案的答复", "20250597"),
        ("对市政协第20250597号提案的答复", "20250597"),
        ("JY20250126", "jy20250126"),
        ("建议JY20250126", "jy20250126"),
        ("人大代表建议 jy20250126 号", "jy20250126"),
        ("２０２３０３１４", "20230314"),
    ],
)
def test_a_number_framed_by_words_is_read_as_that_number(typed, number):
    assert proposal_number(typed) == number


@pytest.mark.parametrize(
    "typed", ["融资 20230314", "2028", "20230314 20250597", "提案", "202303141", "税20230314"]
)
def test_a_number_beside_other_words_is_not_a_shortcut(typed):
    assert proposal_number(typed) is None


@pytest.mark.parametrize(
    "typed",
    [
        "提案20230314",
        "政协提案20230314",
        "20230314号提案",
        "第20230314号提案",
        "市政协十四届二次会议第20230314号提案",
    ],
)
def test_a_proposal_number_with_words_around_it_leads_to_its_reply(typed):
    reply = Reply.objects.get(proposal_number="20230314")
    assert shortcut(typed).url == reply.get_absolute_url()


def _reply(number: str) -> Reply:
    """A reply numbered like an NPC suggestion."""
    document = PolicyDocument.objects.create(
        title=f"对{number}号建议的答复", kind=PolicyDocument.Kind.CPPCC_REPLY, source_file=number
    )
    return Reply.objects.create(
        document=document, title=f"对{number}号建议的答复", proposal_number=number
    )


def test_a_suggestion_number_with_letters_leads_to_its_reply():
    reply = _reply("JY20250126")
    for typed in ("JY20250126", "建议JY20250126", "jy20250126", "20250126"):
        assert shortcut(typed).url == reply.get_absolute_url(), typed


def test_digits_alone_lead_nowhere_when_two_numbers_end_with_them():
    _reply("JY20250126")
    _reply("TA20250126")
    assert shortcut("20250126") is None


@pytest.mark.parametrize(
    "typed",
    [
        "武政规〔2022〕23号",
        "武政规[2022]23号",
        "武政规【2022】23号",
        "武政规（2022）第23号",
        "武政规2022年23号",
        "武政规 2022年 第23号",
        "武政规〔2022〕23",
    ],
)
def test_every_way_of_writing_a_reference_leads_to_its_document(typed):
    document = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    assert normalise_reference(typed) == "武政规〔2022〕23号"
    assert shortcut(typed).url == document.get_absolute_url()


def test_an_unknown_number_or_reference_is_no_shortcut():
    assert shortcut("20999999") is None
    assert shortcut("武政规〔2019〕1号") is None
    assert normalise_reference("专精特新 2022") is None


def test_the_page_and_the_api_take_the_same_shortcut(client):
    reply = Reply.objects.get(proposal_number="20230314")
    page = client.get("/search/", {"q": "政协提案20230314"})
    assert page.status_code == 302 and page["Location"] == reply.get_absolute_url()
    api = client.get("/api/v1/search/", {"q": "政协提案20230314"}).json()
    assert api["shortcut"].endswith(reply.get_absolute_url())
    assert client.get("/api/v1/search/", {"q": "融资"}).json()["shortcut"] is None
