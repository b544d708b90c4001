"""The staff upload page: preview the plan, correct what the parser could not read, confirm; the
ingest log with originals. Tried by each persona."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ingest.models import IngestRun
from policies.models import Bureau, Measure, PolicyDocument
from replies.models import Reply
from tests.conftest import FIXTURES, MEASURES_FILE

pytestmark = pytest.mark.django_db

REPLY_000 = FIXTURES / "000_406adca998e2ee8f.txt"
NEW_NUMBER = "20259001"


def new_reply_text() -> str:
    """Reply 000 as if it answered another proposal: a new document (it names no bureau)."""
    return REPLY_000.read_text(encoding="utf-8").replace("20250597", NEW_NUMBER)


def upload(client, name: str, data: bytes, **fields):
    return client.post("/staff/documents/new/", {"file": SimpleUploadedFile(name, data), **fields})


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/staff/documents/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/staff/ingests/").status_code == 302


def test_bureau_staff_preview_correct_and_confirm_a_new_reply(client, alice):
    client.force_login(alice)
    page = client.get("/staff/documents/new/").content.decode()
    assert "上传文件" in page and "允许删除" not in page  # removals are for superusers
    bureau = Bureau.objects.get(short_name="市经信局")
    response = upload(client, "新答复.txt", new_reply_text().encode(), bureau=bureau.pk)
    assert response.status_code == 302
    run = IngestRun.objects.latest("pk")
    assert (run.outcome, run.user, run.via) == ("planned", alice, "upload")
    assert not Reply.objects.filter(proposal_number=NEW_NUMBER).exists()  # nothing written yet

    plan = client.get(response["Location"]).content.decode()
    assert "对市政协十四届四次会议第20250597号提案的答复" not in plan
    assert f"第{NEW_NUMBER}号提案的答复" in plan
    assert "十四届四次会议" in plan and "武汉市经济和信息化局" in plan
    assert "强化主体培育，提升科技型中小企业创新能级" in plan  # the section tree
    assert "1.66万家" in plan  # a reported figure
    digest = re.search(r'name="digest" value="(\w+)"', plan).group(1)

    done = client.post(
        response["Location"], {"bureau": bureau.pk, "digest": digest, "confirm": "1"}
    )
    reply = Reply.objects.get(proposal_number=NEW_NUMBER)
    assert done["Location"] == reply.get_absolute_url()
    assert reply.bureau == bureau and reply.sections.count() == 17
    run.refresh_from_db()
    assert (run.outcome, run.document, run.corrections) == (
        "created",
        reply.document,
        {"bureau": bureau.name},
    )
    page = client.get(done["Location"]).content.decode()
    assert "已导入 新答复.txt" in page
    results = client.get("/search/", {"q": NEW_NUMBER})
    assert reply.get_absolute_url() in (results.get("Location", "") + results.content.decode())


def test_a_correction_is_shown_in_the_plan_before_confirming(client, charlie):
    client.force_login(charlie)
    response = upload(client, "新答复.txt", new_reply_text().encode())
    url = response["Location"]
    assert "（未识别：原文未写明答复单位，只写“我局”）" in client.get(url).content.decode()
    science = Bureau.objects.get(short_name="市科创局")
    replanned = client.post(url, {"bureau": science.pk, "date": "2025-07-01", "replan": "1"})
    assert replanned.status_code == 302
    page = client.get(url).content.decode()
    assert science.name in page and "2025-07-01" in page
    assert not Reply.objects.filter(proposal_number=NEW_NUMBER).exists()


# Written for these tests: a reply that says only "我局" and signs with a date alone.
UNSIGNED_REPLY = """\
对市政协十四届四次会议第20250812号提案的答复
李明委员：
您提出的《关于加快中小企业数字化转型的建议》收悉。经认真研究，现答复如下：
一、推进数字化转型试点
我局组织开展中小企业数字化转型城市试点，2024年共遴选318家试点企业。
二、强化服务商培育
遴选数字化服务商46家，组织“智改数转”现场诊断活动120余场。
下一步，我局将继续扩大试点范围。
2025年6月18日
"""


def test_a_reply_naming_no_bureau_is_previewed_with_its_bureau_unread(client, alice):
    client.force_login(alice)
    response = upload(client, "数字化转型答复.txt", UNSIGNED_REPLY.encode())
    assert response.status_code == 302  # previewed, not refused
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "（未识别：原文未写明答复单位，只写“我局”）" in page
    assert 'name="confirm"' not in page and "请选择答复单位" in page
    # Confirming anyway (a stale form) is refused with the reason; nothing is written.
    digest = re.search(r'name="digest" value="(\w+)"', page).group(1)
    refused = client.post(url, {"digest": digest, "confirm": "1"})
    assert refused.status_code == 400
    assert "does not name its answering bureau: choose it" in refused.content.decode()
    assert not Reply.objects.filter(proposal_number="20250812").exists()

    bureau = Bureau.objects.get(short_name="市经信局")
    assert client.post(url, {"bureau": bureau.pk, "replan": "1"}).status_code == 302
    page = client.get(url).content.decode()
    # Chosen, not read: the preview says so.
    assert '武汉市经济和信息化局 <strong class="unread">（原文未写明，按更正填写）</strong>' in page
    assert "answering bureau not named in the text: 武汉市经济和信息化局 as chosen by staff" in page
    digest = re.search(r'name="digest" value="(\w+)"', page).group(1)
    done = client.post(url, {"bureau": bureau.pk, "digest": digest, "confirm": "1"})
    reply = Reply.objects.get(proposal_number="20250812")
    assert done["Location"] == reply.get_absolute_url()
    assert reply.bureau == bureau


def test_a_corrected_date_shows_what_the_text_said(client, charlie):
    client.force_login(charlie)
    url = upload(client, "数字化转型答复.txt", UNSIGNED_REPLY.encode())["Location"]
    client.post(url, {"date": "2025-06-20", "replan": "1"})
    page = client.get(url).content.decode()
    assert '2025-06-20 <strong class="unread">（原文为“2025-06-18”，已按更正填写）</strong>' in page


def test_staff_cannot_upload_in_another_bureaus_name(client, bob):
    client.force_login(bob)
    reply_001 = (FIXTURES / "001_b90b991a7ffb17d7.txt").read_text(encoding="utf-8")
    response = upload(
        client, "经信局答复.txt", reply_001.replace("专精特新", "专精特新企业", 1).encode()
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "you upload replies in the name of 武汉市商务局, not 武汉市经济和信息化局" in page
    assert IngestRun.objects.latest("pk").outcome == "refused"


def test_policy_documents_need_a_superuser(client, alice):
    client.force_login(alice)
    text = MEASURES_FILE.read_text(encoding="utf-8").replace("按规定给予相应奖励", "给予奖励", 1)
    response = upload(client, MEASURES_FILE.name, text.encode())
    assert response.status_code == 400
    assert "policy documents are taken in by a superuser" in response.content.decode()
    assert "按规定给予相应奖励" in Measure.objects.get(number=9).body


def test_a_bad_file_gets_the_same_message_as_the_command_and_nothing_is_written(client, charlie):
    client.force_login(charlie)
    text = MEASURES_FILE.read_text(encoding="utf-8")
    before = Measure.objects.count()
    response = upload(client, MEASURES_FILE.name, text[: text.index("14.")].encode())
    assert response.status_code == 400
    assert (
        f"{MEASURES_FILE.name}: the file looks cut off: it ends at measure 13"
        in response.content.decode()
    )
    assert Measure.objects.count() == before


def test_a_superuser_sees_the_diff_of_a_held_document(client, charlie):
    client.force_login(charlie)
    text = MEASURES_FILE.read_text(encoding="utf-8").replace(
        "按规定给予相应奖励", "按规定给予一次性奖励", 1
    )
    response = upload(client, MEASURES_FILE.name, text.encode())
    page = client.get(response["Location"]).content.decode()
    assert "更新已有文件" in page
    # The body, and the benefit whose words changed with it.
    assert re.search(
        r"修改（2）</h4><ul><li>measure 9 [^<]*：body、benefits</li><li>benefit 9·[^<]*：text</li>",
        page,
    )
    assert "允许删除" in page


def test_an_oversized_upload_is_refused_before_it_is_read(client, charlie, settings):
    settings.INGEST_MAX_BYTES = 1000
    client.force_login(charlie)
    response = upload(client, "big.txt", new_reply_text().encode())
    assert response.status_code == 400
    assert "over the 1 KB limit" in response.content.decode()
    assert not IngestRun.objects.filter(file_name="big.txt").exists()  # refused before reading


def test_the_ingest_log_lists_runs_and_staff_download_originals(client, alice):
    client.force_login(alice)
    upload(
        client,
        "新答复.txt",
        new_reply_text().encode(),
        bureau=Bureau.objects.get(short_name="市经信局").pk,
    )
    run = IngestRun.objects.latest("pk")
    page = client.get("/staff/ingests/").content.decode()
    assert "新答复.txt" in page and "已预览，未确认" in page and "alice" in page
    assert "003_37a99eada62a0cb8.txt" in page  # the command's runs too
    original = client.get(f"/staff/ingests/{run.pk}/original/")
    assert b"".join(original.streaming_content) == new_reply_text().encode()
    assert "attachment" in original["Content-Disposition"]
    detail = client.get(f"/staff/ingests/{run.pk}/").content.decode()
    assert run.fingerprint in detail


def test_people_outside_the_bureaus_see_no_log(client, django_user_model):
    someone = django_user_model.objects.create_user("eve", password="correct horse battery")
    client.force_login(someone)
    assert client.get("/staff/ingests/").status_code == 403
    run = IngestRun.objects.exclude(original="").first()
    assert client.get(f"/staff/ingests/{run.pk}/original/").status_code == 403
    client.logout()
    assert client.get(f"/staff/ingests/{run.pk}/original/").status_code == 302


def test_the_admin_lists_the_ingest_log(client, charlie):
    client.force_login(charlie)
    page = client.get("/admin/ingest/ingestrun/").content.decode()
    assert "003_37a99eada62a0cb8.txt" in page
    assert PolicyDocument.objects.filter(source_file="003_37a99eada62a0cb8.txt").exists()
