"""Document pages: chapters, validity until 2028-12-31 and the repealed 武政规〔2022〕23号."""

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


def test_measures_document_page_links_the_document_it_repeals(client, measures_document):
    repealed = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(measures_document.get_absolute_url()).content.decode()
    assert (
        f'href="{repealed.get_absolute_url()}">《{repealed.title}》（武政规〔2022〕23号）' in html
    )


def test_the_repealed_document_says_it_is_repealed_and_by_what(client, measures_document):
    repealed = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(repealed.get_absolute_url()).content.decode()
    assert "<dt>文号</dt><dd>武政规〔2022〕23号</dd>" in html
    assert '<span class="tag">已废止</span>' in html
    assert (
        f'已由<a href="{measures_document.get_absolute_url()}">《{measures_document.title}》</a>废止'
        in html
    )


def test_a_reply_document_links_to_its_reply(client):
    reply = Reply.objects.get(proposal_number="20250597")
    html = client.get(reply.document.get_absolute_url()).content.decode()
    assert f'href="{reply.get_absolute_url()}">阅读答复全文' in html


def test_document_page_renders_in_a_bounded_number_of_queries(
    client, measures_document, django_assert_max_num_queries
):
    with django_assert_max_num_queries(5):
        assert client.get(measures_document.get_absolute_url()).status_code == 200


def test_a_missing_document_is_a_404(client):
    assert client.get("/documents/999999/").status_code == 404
