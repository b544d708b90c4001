"""Signing in: a Chinese login page, and repeated failures throttled by django-axes."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"  # the personas' password (tests/conftest.py)


def sign_in(client, username, password, next_url="/staff/"):
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": next_url}
    )


def test_the_login_page_is_in_chinese_and_carries_a_csrf_token(client):
    html = client.get(reverse("login") + "?next=/staff/").content.decode()
    assert "<h1>工作人员登录</h1>" in html
    assert "用户名" in html and "密码" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/staff/"' in html


def test_staff_sign_in_and_land_in_their_workspace(client, alice):
    response = sign_in(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/staff/"
    assert "武汉市经济和信息化局" in client.get("/staff/").content.decode()


def test_a_wrong_password_is_explained_in_chinese(client, alice):
    response = sign_in(client, "alice", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.get("/staff/").status_code == 302  # still signed out


def test_repeated_failed_logins_lock_the_account_even_with_the_right_password(client, alice, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "alice", "guess")
    locked = sign_in(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert "登录已被暂时锁定" in locked.content.decode()
    assert "15 分钟后再试" in locked.content.decode()
    assert client.get("/staff/").status_code == 302
    # The lock is per user name and address: bob signs in from the same address.
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_signing_out_takes_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/staff/").status_code == 302
