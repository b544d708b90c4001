"""Bureau pages: what a bureau leads and co-leads, and the replies it answered or co-handled."""

import pytest

from policies.models import Bureau
from replies.models import Reply

pytestmark = pytest.mark.django_db


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end)]


def test_市经信局_leads_measure_1_and_co_leads_measure_17(client, measure):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get(bureau.get_absolute_url()).content.decode()
    leads = section(html, 'id="leads-heading"', 'id="co-heading"')
    co = section(html, 'id="co-heading"', 'id="replies-heading"')
    assert f'href="{measure(1).get_absolute_url()}">1. 完善梯度培育体系' in leads
    assert f'href="{measure(17).get_absolute_url()}">17. 帮助企业拓展市场' in co
    assert "17. " not in leads


def test_市经信局_answered_one_reply_and_co_handled_20250597(client):
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get(bureau.get_absolute_url()).content.decode()
    replies = section(html, 'id="replies-heading"', "在措施列表中查看")
    answered = Reply.objects.get(bureau=bureau)
    co_handled = Reply.objects.get(proposal_number="20250597")
    assert (
        f'href="{answered.get_absolute_url()}">{answered.title}</a> <span class="tag lead-role">答复'
        in replies
    )
    assert (
        f'href="{co_handled.get_absolute_url()}">{co_handled.title}</a> <span class="tag">会办'
        in replies
    )


def test_bureau_page_shows_its_aliases(client):
    bureau = Bureau.objects.named("市商务局").get()
    html = client.get(bureau.get_absolute_url()).content.decode()
    assert "武汉市商务局" in html
    assert "商务局" in html
    assert f'href="/bureaus/{bureau.pk}/feed/"' in html


def test_bureau_list_counts_what_each_bureau_leads(client):
    html = client.get("/bureaus/").content.decode()
    bureau = Bureau.objects.named("市经信局").get()
    row = html[html.index(f'href="/bureaus/{bureau.pk}/"') :]
    row = row[: row.index("</tr>")]
    lead_count = bureau.responsibilities.filter(role="lead").count()
    assert f'<td class="num">{lead_count}</td>' in row
    assert lead_count >= 10


@pytest.mark.parametrize("path", ["/bureaus/", "/bureaus/{pk}/"])
def test_bureau_pages_render_in_a_bounded_number_of_queries(
    client, path, django_assert_max_num_queries
):
    bureau = Bureau.objects.named("市经信局").get()
    with django_assert_max_num_queries(6):
        assert client.get(path.format(pk=bureau.pk)).status_code == 200


def test_a_missing_bureau_is_a_404(client):
    assert client.get("/bureaus/999999/").status_code == 404
