"""Pages cost the same number of queries however much data there is."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import EnterpriseTier
from policies.models import (
    Bureau,
    Chapter,
    Measure,
    PolicyDocument,
    Responsibility,
    Target,
    Theme,
)
from replies.models import Reply, ReplySection, ReportedFigure

pytestmark = pytest.mark.django_db


def grow(times: int = 40) -> None:
    """Another measures document and another reply, each as big as `times` says."""
    bureaus = [
        Bureau.objects.named("市经信局").get(),
        *Bureau.objects.exclude(short_name="市经信局")[:5],
    ]
    tiers = list(EnterpriseTier.objects.filter(ladder="优质中小企业梯度"))
    themes = list(Theme.objects.all())
    doc = PolicyDocument.objects.create(title="另一份措施", kind="measures")
    chapter = Chapter.objects.create(document=doc, number=1, title="第一章")
    for n in range(1, times + 1):
        m = Measure.objects.create(
            document=doc, chapter=chapter, number=n, title=f"措施{n}", body=f"融资 光电子信息 {n}"
        )
        for order, bureau in enumerate(bureaus):
            Responsibility.objects.create(
                measure=m, bureau=bureau, role="lead" if order == 0 else "co", order=order
            )
        m.tiers.set(tiers)
        m.themes.set(themes)
        Target.objects.create(
            measure=m,
            subject="专精特新中小企业",
            tier=tiers[2],
            quantity=Decimal(n),
            unit="家",
            year=2028,
            kind="cumulative",
            text=f"{n}家专精特新中小企业",
        )
    reply_doc = PolicyDocument.objects.create(title="另一份答复", kind="cppcc_reply")
    reply = Reply.objects.create(document=reply_doc, title="另一份答复", bureau=bureaus[0])
    reply.co_bureaus.set(bureaus[1:])
    parent = None
    for n in range(1, times + 1):
        section = ReplySection.objects.create(
            reply=reply,
            parent=parent,
            level=1 if parent is None else 2,
            number=n,
            marker="一、",
            heading=f"段落{n}",
            text="融资",
            order=n,
        )
        section.themes.set(themes)
        section.tiers.set(tiers)
        parent = parent or section
        ReportedFigure.objects.create(
            reply=reply,
            section=section,
            subject="高新技术企业",
            tier=tiers[0],
            quantity=Decimal(n),
            unit="家",
            year=2000 + n % 30,
            text=f"达到{n}家",
            order=n,
        )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_page_query_counts_do_not_grow_with_the_data(client, measure):
    bureau = Bureau.objects.named("市经信局").get()
    urls = [
        "/",
        "/measures/",
        "/measures/?tier=little-giant&theme=financing&bureau=" + str(bureau.pk),
        measure(1).get_absolute_url(),
        "/bureaus/",
        bureau.get_absolute_url(),
        "/tiers/little-giant/",
        "/themes/financing/",
        "/finder/?tier=little-giant&industry=optoelectronics&need=financing&need=talent",
        "/targets/",
        "/replies/",
        f"/bureaus/{bureau.pk}/feed/",
        "/tiers/little-giant/feed/",
        "/themes/financing/feed/",
    ]
    before = {url: count(client, url) for url in urls}
    grow()
    after = {url: count(client, url) for url in urls}
    after["reply"] = count(client, Reply.objects.get(title="另一份答复").get_absolute_url())
    before["reply"] = count(
        client, Reply.objects.get(proposal_number="20250597").get_absolute_url()
    )
    assert after == before
