"""What an owner gets, shown wherever a measure is: its page ("你能得到什么"), the finder, the API
and its CSV. The guide fields staff fill in come before what ingest read from the text."""

import csv
import io
import re

import pytest
from django.utils.html import strip_tags

from policies.guide import benefit_lines
from policies.models import Measure

pytestmark = pytest.mark.django_db

OWNER_QUESTION = {"tier": "little-giant", "industry": "optoelectronics", "need": "financing"}


def section(html: str) -> str:
    start = html.index('<section id="benefits"')
    return strip_tags(html[start : html.index("</section>", start)])


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_measure_page_says_what_you_get_and_who_qualifies(client, measure):
    text = squeeze(section(client.get(measure(20).get_absolute_url()).content.decode()))
    assert "你能得到什么" in text
    assert "免缴/减免 博士后人才3年租金免缴适用对象：中小企业新引进高校毕业生" in text
    assert "折扣 对引进的其他全日制大学生给予租金7折优惠" in text
    assert text.index("博士后人才") < text.index("全日制博士研究生") < text.index("7折")


def test_the_guide_staff_filled_in_comes_before_the_extracted_lines(client, measure):
    m11 = measure(11)
    Measure.objects.filter(pk=m11.pk).update(
        guide_support="按设备投资额的8%给予补助，最高500万元", guide_eligibility="本市工业企业"
    )
    text = squeeze(section(client.get(m11.get_absolute_url()).content.decode()))
    assert text.index("支持内容按设备投资额的8%给予补助") < text.index("申报对象本市工业企业")
    assert text.index("申报对象本市工业企业") < text.index("设备投资额门槛调整为500万元")
    m11.refresh_from_db()
    assert benefit_lines(m11)[:2] == [
        "支持内容：按设备投资额的8%给予补助，最高500万元",
        "申报对象：本市工业企业",
    ]
    assert (
        benefit_lines(m11)[-1]
        == "专精特新“小巨人”企业申请技术改造补助，设备投资额门槛调整为500万元"
    )


def test_a_measure_whose_text_states_nothing_to_get_says_so(client, measure):
    text = section(client.get(measure(25).get_absolute_url()).content.decode())
    assert "原文未写明具体的支持内容" in text


def test_staff_text_in_the_section_is_escaped(client, measure):
    m9 = measure(9)
    Measure.objects.filter(pk=m9.pk).update(guide_support="<script>alert(1)</script>奖励")
    html = client.get(m9.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_the_finder_lists_what_each_measure_offers(client, measure):
    html = client.get("/finder/", OWNER_QUESTION).content.decode()
    start = html.index(">16. 提升金融服务质效<")
    item = squeeze(strip_tags(html[start : html.index("</li>\n  \n    <li>", start)]))
    assert "可获得：" in item
    assert "推动相关流程优先受理、优先处理" in item
    assert "帮助专精特新中小企业使用中小企业融资应急资金，并减免一定使用费" in item


def offers(html: str, title: str) -> tuple[list[str], str]:
    """The benefit lines of one finder result, and the result's HTML."""
    start = html.index(f">{title}<")
    item = html[start : html.index("</li>\n  \n", start)]
    if '<ul class="benefits">' not in item:
        return [], item
    listed = item[item.index('<ul class="benefits">') : item.index("</ul>", item.index("benefits"))]
    return [strip_tags(li) for li in re.findall(r"<li>(.*?)</li>", listed)], item


def test_the_finder_shows_at_most_four_lines_and_links_to_the_rest(client, measure):
    lines, item = offers(
        client.get("/finder/", {"need": "talent"}).content.decode(), "20. 完善人才引进体系"
    )
    assert lines == benefit_lines(measure(20)) and len(lines) == 4
    assert "查看全部" not in item  # exactly four: nothing more to see
    lines, item = offers(
        client.get("/finder/", {"need": "ip"}).content.decode(), "5. 加强知识产权赋能"
    )
    assert lines == benefit_lines(measure(5))[:4] and len(benefit_lines(measure(5))) == 5
    assert f'href="{measure(5).get_absolute_url()}#benefits">查看全部 5 项支持内容' in item


def test_a_finder_result_with_nothing_stated_shows_its_text_instead(client, measure):
    lines, item = offers(
        client.get("/finder/", {"need": "transfer"}).content.decode(), "7. 推动重大成果产业化"
    )
    assert lines == [] and "围绕我市“一城三廊多带”的创新空间布局" in item


def test_the_api_serves_each_benefit_as_an_object(client, measure):
    data = client.get(f"/api/v1/measures/{measure(20).pk}/").json()
    assert data["benefits"][0] == {
        "kind": "waiver",
        "kind_label": "免缴/减免",
        "text": "博士后人才3年租金免缴",
        "recipient": "中小企业新引进高校毕业生",
        "quantity": 3,
        "unit": "年",
        "qualifier": "",
        "line": "博士后人才3年租金免缴（适用对象：中小企业新引进高校毕业生）",
    }
    assert [b["kind"] for b in data["benefits"]] == ["waiver", "waiver", "waiver", "discount"]
    assert list(data).index("benefits") == list(data).index("targets") + 1
    support = client.get(f"/api/v1/measures/{measure(1).pk}/").json()["benefits"][0]
    assert (support["kind"], support["quantity"], support["unit"]) == ("support", None, "")


def test_the_measures_csv_joins_the_benefit_lines_in_one_column(client, measure):
    content = client.get("/api/v1/measures/", {"format": "csv", "number": 20}).content
    [row] = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert row["benefits"].split("; ") == [b.line for b in measure(20).benefits.all()]
