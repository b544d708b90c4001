"""Policy alerts, as an owner meets them: sign up with an address, confirm by the emailed link,
get a digest when a matching measure, guide or reply is added or changes, unsubscribe in one
click. Every email is read from Django's test outbox."""

from __future__ import annotations

import re
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from alerts.models import Subscription
from policies.models import Measure, Theme

pytestmark = pytest.mark.django_db

ADDRESS = "Owner.Li@Example.org"
FINDER = "tier=little-giant&industry=optoelectronics&need=financing"
LINK = re.compile(r"http://127\.0\.0\.1:8000(/\S+)")


def sign_up(client, query=FINDER, kind="finder", email=ADDRESS, **extra):
    return client.post("/alerts/", {"kind": kind, "query": query, "email": email}, **extra)


def links(message) -> list[str]:
    return LINK.findall(message.body)


def send_alerts() -> str:
    out = StringIO()
    call_command("send_alerts", stdout=out)
    return out.getvalue()


@pytest.fixture
def confirmed(client):
    """A confirmed finder subscription of a 小巨人 in 光电子信息 needing 融资, with the first look
    at the content taken (so only later changes are news)."""
    sign_up(client)
    confirm_path = next(p for p in links(mail.outbox[0]) if "/confirm/" in p)
    client.get(confirm_path)
    send_alerts()
    mail.outbox.clear()
    return Subscription.objects.get()


def test_signing_up_mails_a_confirmation_link_and_sends_nothing_else(client):
    response = sign_up(client)
    assert response.status_code == 302 and response.url == "/alerts/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner.li@example.org"]
    assert message.subject == "请确认订阅政策提醒：专精特新“小巨人”企业 · 光电子信息 · 需求：融资"
    assert "适用政策查询：专精特新“小巨人”企业 · 光电子信息 · 需求：融资" in message.body
    confirm, cancel = links(message)
    assert confirm.startswith("/alerts/confirm/") and cancel.startswith("/alerts/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{cancel}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    page = client.get(response.url).content.decode()
    assert "请查收确认邮件" in page and "example.org" not in page.lower()
    subscription = Subscription.objects.get()
    assert not subscription.is_confirmed
    assert subscription.query == "industry=optoelectronics&need=financing&tier=little-giant"
    # Unconfirmed: a change to a matching measure sends nothing.
    send_alerts()
    Measure.objects.filter(number=16).update(guide_support="贷款贴息，最高100万元")
    assert "sent 0 digests" in send_alerts()
    assert len(mail.outbox) == 1


def test_the_confirmation_link_confirms_once_and_shows_what_is_watched(client):
    sign_up(client)
    confirm = links(mail.outbox[0])[0]
    page = client.get(confirm)
    assert page.status_code == 200
    text = page.content.decode()
    assert "订阅已确认" in text and "专精特新“小巨人”企业 · 光电子信息 · 需求：融资" in text
    assert "/finder/?industry=optoelectronics&amp;need=financing&amp;tier=little-giant" in text
    assert "owner.li" not in text.lower()
    first = Subscription.objects.get().confirmed_at
    assert first is not None
    client.get(confirm)
    assert Subscription.objects.get().confirmed_at == first


def test_a_forged_or_truncated_confirmation_link_confirms_nothing(client):
    sign_up(client)
    confirm = links(mail.outbox[0])[0]
    for bad in (confirm[:-3] + "xyz/", "/alerts/confirm/abc/"):
        page = client.get(bad)
        assert page.status_code == 400 and "链接无效" in page.content.decode()
    assert not Subscription.objects.get().is_confirmed


def test_a_changed_guide_of_a_matching_measure_sends_one_digest(client, confirmed, measure):
    m16 = measure(16)
    Measure.objects.filter(pk=m16.pk).update(guide_support="贷款贴息，最高100万元")
    Measure.objects.filter(pk=measure(7).pk).update(guide_support="与融资无关的措施")
    out = send_alerts()
    assert "sent 1 digests" in out
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["owner.li@example.org"]
    assert (
        message.subject
        == "政策提醒：专精特新“小巨人”企业 · 光电子信息 · 需求：融资有 1 条新增或更新"
    )
    assert "1. 【申报指南更新】措施：16. 提升金融服务质效" in message.body
    assert f"/measures/{m16.pk}/" in links(message)
    assert measure(7).title not in message.body
    cancel = links(message)[-1]
    assert message.extra_headers["List-Unsubscribe"] == f"<http://127.0.0.1:8000{cancel}>"
    # Nothing changed since: the next run is silent.
    send_alerts()
    assert len(mail.outbox) == 1


def test_a_new_matching_measure_and_a_changed_text_are_named_as_such(client, confirmed, measure):
    m16 = measure(16)
    new = Measure.objects.create(
        document=m16.document,
        chapter=m16.chapter,
        number=99,
        title="设立专精特新企业融资风险补偿资金",
        body="对合作银行向专精特新企业发放的贷款损失给予风险补偿。",
    )
    new.themes.add(Theme.objects.get(slug="financing"))
    Measure.objects.filter(pk=m16.pk).update(body=m16.body + "新增一句。")
    send_alerts()
    body = mail.outbox[0].body
    assert "【新增】措施：99. 设立专精特新企业融资风险补偿资金" in body
    assert "【内容更新】措施：16. 提升金融服务质效" in body
    assert "有 2 条新增或更新" in mail.outbox[0].subject


def test_the_unsubscribe_link_in_a_digest_forgets_the_address_in_one_click(
    client, confirmed, measure
):
    Measure.objects.filter(pk=measure(16).pk).update(guide_period="每年3月")
    send_alerts()
    cancel = links(mail.outbox[0])[-1]
    page = client.get(cancel)
    assert page.status_code == 200
    text = page.content.decode()
    assert "已退订" in text and "owner.li" not in text.lower()
    assert "重新订阅" in text
    assert not Subscription.objects.exists()
    assert not Subscription.objects.filter(email__iexact=ADDRESS).exists()
    Measure.objects.filter(pk=measure(16).pk).update(guide_period="每年4月")
    send_alerts()
    assert len(mail.outbox) == 1
    assert "已退订" in client.get(cancel).content.decode()  # twice is fine


def test_mail_clients_unsubscribe_with_a_post_and_no_csrf_token(confirmed):
    browserless = Client(enforce_csrf_checks=True)
    url = f"/alerts/unsubscribe/{confirmed.key}/"
    response = browserless.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()


def test_a_saved_search_reports_a_changed_reply(client, measure):
    sign_up(client, query="q=融资&page=2", kind="search")
    assert Subscription.objects.get().query == "q=%E8%9E%8D%E8%B5%84"
    client.get(links(mail.outbox[0])[0])
    send_alerts()
    mail.outbox.clear()
    from replies.models import ReplySection

    section = ReplySection.objects.filter(text__contains="融资").select_related("reply").first()
    ReplySection.objects.filter(pk=section.pk).update(text=section.text + "（已更新）")
    send_alerts()
    assert len(mail.outbox) == 1
    assert f"【内容更新】提案答复：{section.reply.title}" in str(mail.outbox[0].body)
    assert mail.outbox[0].subject.startswith("政策提醒：“融资”有 ")


def test_signing_up_again_sends_a_note_not_a_second_subscription(client, confirmed):
    sign_up(client, email="  owner.li@EXAMPLE.org ")
    assert Subscription.objects.count() == 1
    assert mail.outbox[-1].subject.startswith("您已订阅政策提醒：")
    assert "/alerts/confirm/" not in mail.outbox[-1].body


def test_sign_ups_are_rate_limited_per_address_and_per_client(client, settings):
    settings.ALERTS_SIGNUPS_PER_ADDRESS_PER_DAY = 2
    settings.ALERTS_SIGNUPS_PER_CLIENT_PER_HOUR = 3
    assert sign_up(client).status_code == 302
    assert sign_up(client, query="need=financing").status_code == 302
    limited = sign_up(client, query="need=talent")
    assert limited.status_code == 429 and "申请过于频繁" in limited.content.decode()
    assert sign_up(client, email="other@example.org").status_code == 302
    assert sign_up(client, email="third@example.org").status_code == 429
    assert sign_up(client, email="third@example.org", REMOTE_ADDR="10.1.1.1").status_code == 302
    assert len(mail.outbox) == 4
    assert Subscription.objects.count() == 4


def test_bad_input_is_refused_with_a_message_and_stores_nothing(client):
    for data, message in [
        ({"kind": "finder", "query": FINDER, "email": "not-an-address"}, "有效的电子邮箱"),
        ({"kind": "finder", "query": FINDER, "email": ""}, "请填写电子邮箱"),
        ({"kind": "finder", "query": "tier=nope", "email": ADDRESS}, "未知的企业类型"),
        ({"kind": "finder", "query": "", "email": ADDRESS}, "请先选择"),
        ({"kind": "search", "query": "q=", "email": ADDRESS}, "请输入搜索内容"),
        ({"kind": "spam", "query": FINDER, "email": ADDRESS}, "未知的提醒类型"),
    ]:
        response = client.post("/alerts/", data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Subscription.objects.exists() and not mail.outbox


def test_the_finder_and_search_pages_offer_the_sign_up_form(client):
    finder = client.get("/finder/?" + FINDER).content.decode()
    assert 'action="/alerts/"' in finder and 'name="kind" value="finder"' in finder
    assert "订阅更新提醒" in finder
    search = client.get("/search/?q=融资").content.decode()
    assert 'name="kind" value="search"' in search


def test_the_sign_up_page_names_the_profile_and_asks_only_for_an_address(client):
    page = client.get("/alerts/?kind=finder&" + FINDER).content.decode()
    assert "专精特新“小巨人”企业 · 光电子信息 · 需求：融资" in page
    assert 'type="email"' in page and "发送确认邮件" in page


def test_superusers_see_a_masked_address_and_find_it_only_by_the_whole_address(
    client, confirmed, charlie
):
    client.force_login(charlie)
    listing = client.get("/admin/alerts/subscription/").content.decode()
    assert "o***@e***.org" in listing and "owner.li" not in listing.lower()
    found = client.get("/admin/alerts/subscription/", {"q": "OWNER.LI@example.org"})
    assert "o***@e***.org" in found.content.decode()
    missed = client.get("/admin/alerts/subscription/", {"q": "owner"})
    assert "o***@e***.org" not in missed.content.decode()
    change = client.get(f"/admin/alerts/subscription/{confirmed.pk}/change/").content.decode()
    assert "owner.li" not in change.lower()


def test_bureau_staff_cannot_see_subscriptions_in_the_admin(client, alice):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    assert client.get("/admin/alerts/subscription/").status_code == 403


def test_expired_sign_ups_are_purged_by_the_command(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    sign_up(client)
    Subscription.objects.update(created_at=timezone.now() - timedelta(days=8))
    assert "1 expired sign-ups removed" in send_alerts()
    assert not Subscription.objects.exists()
    assert urlsplit(links(mail.outbox[0])[0]).path.startswith("/alerts/confirm/")


def test_two_owners_with_the_same_profile_each_get_their_own_digest(client, confirmed, measure):
    other = Client()
    sign_up(other, email="second@example.org")
    other.get(links(mail.outbox[-1])[0])
    mail.outbox.clear()
    Measure.objects.filter(pk=measure(16).pk).update(guide_office="融资服务处")
    send_alerts()
    assert sorted(m.to[0] for m in mail.outbox) == ["owner.li@example.org", "second@example.org"]
    assert len({links(m)[-1] for m in mail.outbox}) == 2  # each its own unsubscribe link


def test_a_digest_the_mail_server_refuses_is_sent_on_the_next_run(confirmed, measure, monkeypatch):
    from django.core.mail import EmailMessage

    Measure.objects.filter(pk=measure(16).pk).update(guide_office="融资服务处")
    real_send = EmailMessage.send

    def refuse(self, fail_silently=False):
        raise OSError("connection refused")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(SystemExit):
        send_alerts()
    assert not mail.outbox
    monkeypatch.setattr(EmailMessage, "send", real_send)
    send_alerts()
    assert len(mail.outbox) == 1
    assert "【申报指南更新】措施：16. 提升金融服务质效" in mail.outbox[0].body
