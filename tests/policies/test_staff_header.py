"""Signed-in staff see who they are, reach their workspace, and find 编辑 where they may edit."""

import pytest
from django.urls import reverse

from policies.models import Bureau, Measure

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_signing_in_without_a_next_page_lands_in_the_workspace(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_the_header_shows_who_is_signed_in_and_a_logout_form(client, alice):
    client.force_login(alice)
    html = client.get("/").content.decode()
    assert "已登录：alice" in html
    assert '<a href="/staff/">工作台</a>' in html
    assert '<form action="/accounts/logout/" method="post">' in html
    assert ">退出</button>" in html
    client.logout()
    html = client.get("/").content.decode()
    assert "已登录" not in html and "退出" not in html


def test_staff_see_编辑_on_their_own_measures_only(client, alice, measure):
    own = measure(1)  # 市经信局 leads
    other = (
        Measure.objects.filter(document=own.document)
        .exclude(responsibilities__bureau__memberships__user=alice)
        .first()
    )
    client.force_login(alice)
    html = client.get(own.get_absolute_url()).content.decode()
    assert f'href="/staff/measures/{own.pk}/edit/">编辑' in html
    assert "/edit/" not in client.get(other.get_absolute_url()).content.decode()


def test_visitors_see_no_编辑(client, measure):
    assert "/edit/" not in client.get(measure(1).get_absolute_url()).content.decode()
    bureau = Bureau.objects.named("市经信局").get()
    assert "编辑" not in client.get(bureau.get_absolute_url()).content.decode()


def test_staff_see_编辑_on_their_own_bureau_page_only(client, alice):
    own, other = Bureau.objects.named("市经信局").get(), Bureau.objects.named("市商务局").get()
    client.force_login(alice)
    assert "编辑<span" in client.get(own.get_absolute_url()).content.decode()
    assert "编辑<span" not in client.get(other.get_absolute_url()).content.decode()


def test_a_superuser_sees_编辑_everywhere(client, charlie, measure):
    client.force_login(charlie)
    assert "编辑<span" in client.get(measure(16).get_absolute_url()).content.decode()
    bureau = Bureau.objects.named("市商务局").get()
    assert "编辑<span" in client.get(bureau.get_absolute_url()).content.decode()
