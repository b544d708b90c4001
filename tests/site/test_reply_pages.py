"""Reply pages: proposal number, session, date, structured sections and reported figures."""

import pytest

from policies.models import Bureau
from replies.models import Reply, ReplySection

pytestmark = pytest.mark.django_db


@pytest.fixture
def reply_20250597(db):
    return Reply.objects.get(proposal_number="20250597")


def test_reply_page_shows_proposal_number_and_session(client, reply_20250597):
    html = client.get(reply_20250597.get_absolute_url()).content.decode()
    assert "<dt>提案号</dt><dd>20250597</dd>" in html
    assert "<dd>市政协十四届四次会议</dd>" in html
    assert "<dt>日期</dt><dd>原文未注明</dd>" in html  # the 2025 reply gives no date


def test_reply_page_shows_the_date_when_the_reply_has_one(client):
    reply = Reply.objects.get(proposal_number="20230314")
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "<dd>2023年8月22日</dd>" in html


def test_reply_page_nests_sections_under_their_parts(client, reply_20250597):
    html = client.get(reply_20250597.get_absolute_url()).content.decode()
    part = ReplySection.objects.get(reply=reply_20250597, level=1, number=1)
    child = ReplySection.objects.get(reply=reply_20250597, parent=part, number=1)
    assert (
        f'<h2 id="section-{part.pk}-heading">一、强化主体培育，提升科技型中小企业创新能级</h2>'
        in html
    )
    assert f'<h3 id="section-{child.pk}-heading">' in html
    assert html.index(f'id="section-{part.pk}"') < html.index(f'id="section-{child.pk}"')


def test_reply_page_shows_the_figures_it_reports(client, reply_20250597):
    html = client.get(reply_20250597.get_absolute_url()).content.decode()
    assert "<strong>16600家</strong>" in html
    assert '<td class="num">16600家</td>' in html
    assert 'href="/tiers/high-tech/">高新技术企业</a>' in html


def test_reply_sections_link_the_measures_they_speak_of(client, reply_20250597):
    from search.models import RelatedPassage

    pair = RelatedPassage.objects.filter(section__reply=reply_20250597).order_by("-score").first()
    html = client.get(reply_20250597.get_absolute_url()).content.decode()
    block = html[html.index(f'id="section-{pair.section_id}"') :]
    block = block[: block.index("</section>")]
    assert f'相关措施：<a href="{pair.measure.get_absolute_url()}">{pair.measure.number}. ' in block


def test_reply_page_links_the_co_handling_bureaus(client, reply_20250597):
    bureau = Bureau.objects.named("市商务局").get()
    html = client.get(reply_20250597.get_absolute_url()).content.decode()
    assert f'<a href="{bureau.get_absolute_url()}">市商务局</a>' in html


def test_reply_with_a_derived_title_says_so(client):
    reply = Reply.objects.get(title_derived=True)
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "原文无标题" in html
    assert "<dd>2024年7月26日</dd>" in html
    assert "武汉市经济和信息化局</a>" in html


def test_reply_list_shows_all_four_replies(client):
    html = client.get("/replies/").content.decode()
    for reply in Reply.objects.all():
        assert f'href="{reply.get_absolute_url()}">{reply.title}</a>' in html


@pytest.mark.parametrize("path", ["/replies/", "/replies/{pk}/"])
def test_reply_pages_render_in_a_bounded_number_of_queries(
    client, reply_20250597, path, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        assert client.get(path.format(pk=reply_20250597.pk)).status_code == 200


def test_a_missing_reply_is_a_404(client):
    assert client.get("/replies/999999/").status_code == 404


def test_reply_page_shows_the_kind_and_each_figure_as_the_text_gives_it(client):
    reply = Reply.objects.get(proposal_number="20230100")
    html = client.get(reply.get_absolute_url()).content.decode()
    assert "<dd>政协提案答复</dd>" in html
    assert "近48.71%" in html and "超过14000家" in html and "100–100" not in html
    assert "侵犯地理标志案件" in html and "奥林匹克标志案件" in html
