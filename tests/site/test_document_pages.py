"""Document pages: chapters, validity until 2028-12-31, the 武政规〔2022〕23号 the draft proposes to
repeal, documents known only from citations, and who cites them."""

import pytest

from policies.models import PolicyDocument
from replies.models import Reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def measures_document(db):
    return PolicyDocument.objects.get(kind="measures")


def test_measures_document_page_lists_five_chapters_and_25_measures(client, measures_document):
    html = client.get(measures_document.get_absolute_url()).content.decode()
    assert html.count('<section aria-labelledby="chapter-') == 5
    assert "1、建强优质中小企业梯队，大力培育“根企业”" in html
    assert html.count('<li value="') == 25


def test_measures_document_page_shows_its_validity(client, measures_document):
    html = client.get(measures_document.get_absolute_url()).content.decode()
    assert "<dt>有效期至</dt><dd>2028年12月31日</dd>" in html
    assert "<dd>自公布之日起施行</dd>" in html
    assert "征求意见稿" in html


def test_measures_document_page_links_the_document_it_would_repeal(client, measures_document):
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(measures_document.get_absolute_url()).content.decode()
    assert (
        f'<dt>拟同时废止</dt><dd><a href="{pending.get_absolute_url()}">《{pending.title}》'
        "（武政规〔2022〕23号）</a>" in html
    )
    assert "<dt>同时废止</dt>" not in html


def test_the_document_a_draft_would_repeal_stays_in_force_and_says_why(client, measures_document):
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(pending.get_absolute_url()).content.decode()
    assert "<dt>文号</dt><dd>武政规〔2022〕23号</dd>" in html
    assert '<span class="tag">现行有效</span>' in html
    assert "已废止" not in html and "请以" not in html
    assert f"《{measures_document.title}》（征求意见稿）拟同时废止本文件" in html
    assert f'<a href="{measures_document.get_absolute_url()}">查看《' in html


def test_a_cited_document_lists_who_cites_it(client, measures_document):
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    reply = Reply.objects.get(document__source_file__startswith="001_")
    html = client.get(pending.get_absolute_url()).content.decode()
    cited_by = html[html.index('id="cited-by-heading"') :]
    section = reply.sections.get(heading="完善政策体系，稳创新定力")
    assert f'href="{reply.get_absolute_url()}#section-{section.pk}">《{reply.title}》' in cited_by
    assert '<span class="tag">引用</span>' in cited_by
    assert (
        f'href="{measures_document.get_absolute_url()}">《{measures_document.title}》 附则'
        in cited_by
    )
    assert '<span class="tag">拟废止</span>' in cited_by


def test_a_document_known_only_from_a_citation_has_a_page(client):
    cited = PolicyDocument.objects.get(reference_number="武政规〔2021〕17号")
    html = client.get(cited.get_absolute_url()).content.decode()
    assert "<h1>武汉市促进中小企业“专精特新”高质量发展行动计划</h1>" in html
    assert "<dt>状态</dt><dd>状态未知</dd>" in html
    assert "本文件仅见于其他文件的引用，状态未知。" in html


def test_the_citing_reply_section_links_the_reference_to_the_document(client):
    cited = PolicyDocument.objects.get(reference_number="武政规〔2021〕17号")
    reply = Reply.objects.get(document__source_file__startswith="001_")
    html = client.get(reply.get_absolute_url()).content.decode()
    assert f'<a class="doc-ref" href="{cited.get_absolute_url()}">武政规〔2021〕17号</a>' in html


def test_the_closing_clause_links_the_reference_to_the_document(client, measures_document):
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(measures_document.get_absolute_url()).content.decode()
    assert f'<a class="doc-ref" href="{pending.get_absolute_url()}">武政规〔2022〕23号</a>' in html


def test_a_reply_document_links_to_its_reply(client):
    reply = Reply.objects.get(proposal_number="20250597")
    html = client.get(reply.document.get_absolute_url()).content.decode()
    assert f'href="{reply.get_absolute_url()}">阅读答复全文' in html


def test_document_page_renders_in_a_bounded_number_of_queries(
    client, measures_document, django_assert_max_num_queries
):
    # document, its citations both ways (with their documents), chapters, measures, the 文号
    # linked in the closing clause, who cites it
    with django_assert_max_num_queries(9):
        assert client.get(measures_document.get_absolute_url()).status_code == 200


def test_a_missing_document_is_a_404(client):
    assert client.get("/documents/999999/").status_code == 404
