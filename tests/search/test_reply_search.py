"""Replies themselves are searchable (type `reply`): their title, the proposal's title, the intro
and the next steps. A short reply without numbered sections is found by any word of its body; a
reply with sections is found by a section's words as that section, never twice."""

import pytest

from ingest.service import Source, ingest_sources
from replies.models import Reply
from search import search
from search.models import SearchEntry

pytestmark = pytest.mark.django_db

# A short reply written for these tests: one body, the thanks, a signature and a date.
SHORT_REPLY = """关于市政协十四届四次会议第20250456号提案的答复
张华委员：
您提出的《关于在社区设立中小企业政策服务站的建议》收悉。经研究，现答复如下：
今年以来，我局在江岸区、硚口区试点设立“政策直通车”服务站，由街道工作人员帮助小微企业对接惠企政策，累计走访企业260余家，帮助企业申报补贴资金1200万元。
下一步，我局将总结试点经验，逐步在全市各街道推开政策服务站。
感谢您对我市中小企业发展的关心和支持。
武汉市经济和信息化局
2025年6月30日
"""


@pytest.fixture
def short_reply() -> Reply:
    ingest_sources([Source("政策服务站答复.txt", SHORT_REPLY.encode())])
    reply = Reply.objects.get(proposal_number="20250456")
    assert not reply.sections.exists()  # the genre's short reply: no numbered sections
    return reply


def test_a_short_reply_is_found_by_a_word_only_in_its_body(short_reply):
    result = search("硚口")
    assert [(h.type, h.id) for h in result.hits] == [("reply", short_reply.pk)]
    hit = result.hits[0]
    assert hit.title == "关于市政协十四届四次会议第20250456号提案的答复"
    assert hit.url == short_reply.get_absolute_url()
    assert "我局在江岸区、<mark>硚口</mark>区试点" in hit.snippet
    assert hit.extra["reply_id"] == short_reply.pk
    assert hit.extra["proposal_number"] == "20250456"


def test_a_word_the_reply_shares_with_two_measures_ranks_all_three(short_reply, measure):
    # 直通车 is also in measures 4 ("投资直通车") and 5 ("精准服务直通车"), which say more
    # about it for their length and, at equal relevance, come first (policies.search_indexes).
    hits = search("直通车").hits
    assert [(h.type, h.id) for h in hits] == [
        ("measure", measure(4).pk),
        ("measure", measure(5).pk),
        ("reply", short_reply.pk),
    ]
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert "“政策<mark>直通车</mark>”服务站" in hits[2].snippet


def test_the_proposals_title_and_the_next_steps_find_the_reply(short_reply):
    first = search("社区 政策服务站").hits[0]
    assert (first.type, first.id) == ("reply", short_reply.pk)
    assert "《关于在<mark>社区</mark>设立中小企业政策<mark>服务站</mark>的建议》" in first.snippet
    [hit] = search("各街道推开").hits
    assert (hit.type, hit.id) == ("reply", short_reply.pk)


def test_the_search_page_shows_the_reply_with_its_label(short_reply, client):
    page = client.get("/search/", {"q": "硚口"}).content.decode()
    assert f'<a href="{short_reply.get_absolute_url()}">' in page
    assert '<span class="kind">答复</span>' in page
    assert "<mark>硚口</mark>" in page


def test_the_api_returns_the_reply_with_its_url(short_reply, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/search/", {"q": "硚口"}).json()
    assert body["count"] == 1
    [hit] = body["results"]
    assert hit["type"] == "reply"
    assert hit["id"] == hit["reply_id"] == short_reply.pk
    assert hit["proposal_number"] == "20250456"
    assert hit["url"].endswith(short_reply.get_absolute_url())
    assert "<mark>硚口</mark>" in hit["snippet"]


def test_a_reply_with_sections_is_found_by_its_intro_and_its_sections_by_theirs():
    reply = Reply.objects.get(document__source_file__startswith="001_")
    # "十分中肯" is in the intro of 001 only: the reply, not one of its sections.
    hits = [(h.type, h.id) for h in search("十分中肯").hits]
    assert hits == [("reply", reply.pk)]
    # A section's words find the section; the reply's entry does not repeat them.
    section = reply.sections.get(heading="完善政策体系，稳创新定力")
    found = [(h.type, h.id) for h in search("免申即享").hits if h.extra.get("reply_id") == reply.pk]
    assert ("reply_section", section.pk) in found
    assert ("reply", reply.pk) not in found


def test_every_reply_has_one_entry_and_a_deleted_reply_leaves_none(short_reply):
    assert SearchEntry.objects.filter(kind="reply").count() == Reply.objects.count()
    short_reply.document.delete()
    assert not search("硚口").hits
    assert not SearchEntry.objects.filter(kind="reply", object_id=short_reply.pk).exists()
