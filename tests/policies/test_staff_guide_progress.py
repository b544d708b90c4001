"""The staff workspace shows how far each measure's 申报指南 is filled in and each bureau's share,
the gaps first."""

import re

import pytest
from django.urls import reverse

from policies.guide import guide_filled, guide_shares
from policies.models import Measure
from policies.services import measure_update

pytestmark = pytest.mark.django_db


def fill(measure, user, **fields):
    return measure_update(measure=measure, user=user, data=fields, expected_version=measure.version)


def workspace_numbers(html: str) -> list[int]:
    table = html[html.index('class="staff-measures"') :]
    return [int(n) for n in re.findall(r"<tr>\s*<td>(\d+)</td>", table)]


def test_no_guide_is_filled_in_from_the_documents():
    assert {guide_filled(m) for m in Measure.objects.all()} == {0}


def test_the_workspace_lists_the_gaps_first(client, alice, measure):
    fill(measure(1), alice, guide_office="中小企业处", guide_phone="027-85551234")
    complete = {
        "guide_eligibility": "在汉注册的专精特新中小企业",
        "guide_conditions": "上年度营业收入1000万元以上",
        "guide_support": "一次性奖励",
        "guide_procedure": "网上申报",
        "guide_period": "每年6月",
        "guide_office": "中小企业处",
        "guide_phone": "027-85551234",
        "guide_address": "武汉市江岸区",
    }
    fill(measure(3), alice, **complete)
    client.force_login(alice)
    html = client.get(reverse("staff:workspace")).content.decode()
    numbers = workspace_numbers(html)
    assert numbers[-2:] == [1, 3]  # partly filled, then complete: last
    assert numbers[0] == 2  # 0 of 8, in the document's order
    row1 = re.search(r"<tr>\s*<td>1</td>(.*?)</tr>", html, re.S).group(1)
    assert "已填 2/8" in row1
    assert "缺：申报对象、申报条件、支持内容、申报方式、申报时间、联系地址" in row1
    assert "已完整（8/8）" in html


def test_each_bureau_sees_its_share_of_the_guide_work(client, alice, measure):
    fill(measure(1), alice, guide_office="中小企业处", guide_phone="027-85551234")
    client.force_login(alice)
    html = client.get(reverse("staff:workspace")).content.decode()
    shares = html[html.index('id="shares-heading"') : html.index('id="cards-heading"')]
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th>', shares)
    assert rows == ["市经信局"]  # alice sees her own bureau only
    led = Measure.objects.filter(
        responsibilities__bureau__short_name="市经信局", responsibilities__role="lead"
    ).count()
    assert f'<td class="num">{led}</td>' in shares
    assert f"2 / {led * 8}" in shares


def test_a_superuser_sees_every_bureau_least_filled_first(client, charlie, alice, measure):
    fill(measure(1), alice, guide_office="中小企业处")
    shares = guide_shares(Measure.objects.for_list())
    leading = [s for s in shares if s.led]
    assert leading[-1].bureau.short_name == "市经信局"  # the only one with anything filled in
    assert leading[0].percent == 0 and not shares[-1].led
    client.force_login(charlie)
    html = client.get(reverse("staff:workspace")).content.decode()
    assert html.count('<tr><th scope="row">') == len(shares) > 5
