"""A bureau's staff member takes in documents from the browser: upload, read the plan (exactly
what will be written), choose what the text does not say, confirm, find the reply on the site and
in search. A cut-off copy is refused and a copy under another name and encoding is recognised;
neither writes anything."""

from __future__ import annotations

import re

import pytest
from django.db import transaction

from ingest.models import IngestRun
from policies.models import Measure, PolicyDocument
from replies.models import Reply, ReplySection, ReportedFigure
from tests.conftest import FIXTURES

# No django_db mark: these tests sign in, so they run outside a test transaction (see the
# staff_page fixture). What the server writes is removed again by `leaves_no_trace`.

# A reply written for this test in the genre of the city's replies. It says only "我局", so the
# page must say the answering bureau was not read, and the staff member chooses it.
NEW_REPLY = """\
对市政协十四届四次会议第20250733号提案的答复
王红委员：
您提出的《关于支持专精特新企业开拓国际市场的建议》收悉。经商市商务局，现答复如下：
一、搭建出海服务平台
2024年，我局在东湖高新区设立中小企业出海服务驿站，为企业提供境外市场准入、知识产权和合规咨询服务，全年服务企业560余家次。
二、组织企业参加境外展会
组织42家专精特新企业参加汉诺威工业博览会等境外展会，现场达成意向订单约3.6亿元。
三、强化出口信用保险支持
推动出口信用保险覆盖专精特新企业310家，承保金额较上年增长18%。
下一步，我局将继续完善出海服务体系，帮助更多中小企业走向国际市场。
感谢您对我市中小企业发展的关心和支持。
2025年7月2日
"""
NEW_NUMBER = "20250733"
REPLY_001 = FIXTURES / "001_b90b991a7ffb17d7.txt"  # 市经信局's reply, held since the session began


@pytest.fixture
def leaves_no_trace(django_db_blocker):
    """The session's database as it was: documents and ingest runs the test's uploads created
    are deleted and the derived search data rebuilt, so later tests see the five documents."""
    from search.index import refresh_after_ingest

    with django_db_blocker.unblock():
        documents = set(PolicyDocument.objects.values_list("pk", flat=True))
        runs = set(IngestRun.objects.values_list("pk", flat=True))
    yield
    with django_db_blocker.unblock(), transaction.atomic():
        PolicyDocument.objects.exclude(pk__in=documents).delete()
        IngestRun.objects.exclude(pk__in=runs).delete()
        refresh_after_ingest()


def held() -> dict:
    """What the portal holds, to show an upload wrote nothing."""
    reply = Reply.objects.get(document__source_file=REPLY_001.name)
    return {
        "documents": sorted(PolicyDocument.objects.values_list("source_file", "checksum")),
        "replies": Reply.objects.count(),
        "sections": ReplySection.objects.count(),
        "figures": ReportedFigure.objects.count(),
        "measures": Measure.objects.count(),
        "001": [(s.marker, s.heading, s.text) for s in reply.sections.order_by("order")],
        "001 next steps": reply.next_steps,
    }


def upload(page, path) -> None:
    page.goto(page.base + "/staff/documents/new/")
    page.get_by_label(re.compile(r"^文件[:：]?$")).set_input_files(str(path))
    page.get_by_role("button", name="预览导入计划").click()
    page.wait_for_load_state()


def fact(page, label: str) -> str:
    """The value the plan shows for one fact ("答复单位", "提案号" …)."""
    return page.locator(f"dl.plan-facts dt:text-is('{label}') + dd").inner_text()


def test_staff_upload_a_new_reply_choose_its_bureau_confirm_and_find_it(
    staff_page, sign_in, leaves_no_trace, tmp_path, shoot
):
    page = staff_page
    sign_in("/staff/documents/new/")
    source = tmp_path / "20250733号提案答复.txt"
    source.write_text(NEW_REPLY, encoding="utf-8")
    upload(page, source)

    # The plan, before anything is written.
    page.wait_for_url(re.compile(r"/staff/documents/new/\d+/$"))
    assert page.get_by_role("heading", name="导入计划：新文件").is_visible()
    assert fact(page, "提案号") == NEW_NUMBER
    assert fact(page, "会议届次") == "市政协十四届四次会议"
    assert fact(page, "日期") == "2025-07-02"
    assert fact(page, "所答提案/建议") == "《关于支持专精特新企业开拓国际市场的建议》"
    assert fact(page, "会办单位") == "武汉市商务局"
    # The text says only "我局": the bureau was not read, and staff must choose it.
    assert fact(page, "答复单位") == "（未识别：原文未写明答复单位，只写“我局”）"
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert "请选择答复单位" in page.get_by_role("status").inner_text()
    tree = page.locator("ol.plan-tree > li")
    assert [t.split("\n")[0] for t in tree.all_inner_texts()] == [
        "一、搭建出海服务平台",
        "二、组织企业参加境外展会",
        "三、强化出口信用保险支持",
    ]
    assert "组织42家专精特新企业" in tree.nth(1).inner_text()
    assert "现场达成意向订单约3.6亿元" in tree.nth(1).inner_text()
    shoot("unread-bureau")
    assert not Reply.objects.filter(proposal_number=NEW_NUMBER).exists()

    page.get_by_label(re.compile(r"^答复单位")).select_option(label="市经信局")
    page.get_by_role("button", name="重新预览").click()
    page.wait_for_load_state()
    assert fact(page, "答复单位") == "武汉市经济和信息化局 （原文未写明，按更正填写）"
    shoot("plan")
    assert not Reply.objects.filter(proposal_number=NEW_NUMBER).exists()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_url(re.compile(r"/replies/\d+/"))
    reply = Reply.objects.get(proposal_number=NEW_NUMBER)
    assert page.url.endswith(reply.get_absolute_url())
    assert "已导入 20250733号提案答复.txt" in page.locator(".messages").inner_text()
    assert reply.bureau.name == "武汉市经济和信息化局"
    assert [s.heading for s in reply.sections.order_by("order")] == [
        "搭建出海服务平台",
        "组织企业参加境外展会",
        "强化出口信用保险支持",
    ]
    main = page.locator("main")
    assert "中小企业出海服务驿站" in main.inner_text()
    assert "关于支持专精特新企业开拓国际市场的建议" in main.inner_text()
    shoot("reply")

    page.goto(page.base + "/search/?q=出海服务驿站")
    first = page.locator("ol.results > li").first
    assert first.locator("mark").first.inner_text() in {"出海", "出海服务驿站", "驿站"}
    first.get_by_role("link").first.click()
    page.wait_for_load_state()
    assert reply.get_absolute_url() in page.url


def test_a_cut_off_copy_is_refused_and_nothing_is_written(
    staff_page, sign_in, leaves_no_trace, tmp_path
):
    page = staff_page
    sign_in("/staff/documents/new/")
    before = held()
    lines = REPLY_001.read_text(encoding="utf-8").splitlines(keepends=True)
    # Cut off cleanly at a line, as an interrupted download is, under the document's own name.
    source = tmp_path / REPLY_001.name
    source.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    upload(page, source)

    alert = page.get_by_role("alert")
    assert f"{REPLY_001.name}: the file looks cut off" in alert.inner_text()
    assert "nothing written" in alert.inner_text()
    assert "/staff/documents/new/" in page.url
    assert held() == before
    assert IngestRun.objects.latest("pk").outcome == "refused"


def test_the_same_text_under_another_name_and_encoding_is_already_ingested(
    staff_page, sign_in, leaves_no_trace, tmp_path
):
    page = staff_page
    sign_in("/staff/documents/new/")
    before = held()
    source = tmp_path / "经信局答复（另存）.txt"
    source.write_bytes(REPLY_001.read_text(encoding="utf-8").encode("gb18030"))
    upload(page, source)

    assert page.get_by_role("heading", name="导入计划：已导入过").is_visible()
    assert f"already ingested as {REPLY_001.name}" in page.locator("main").inner_text()
    assert page.get_by_role("button", name="确认导入").count() == 0
    assert held() == before
