"""Security of the editing side: escaping, CSRF, cookies, HSTS, CSP and `check --deploy`."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from policies.services import measure_update

from .staff_helpers import edit_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = '<script>alert("xss")</script>'


def test_a_body_containing_a_script_tag_shows_as_text_everywhere(client, measure, alice):
    m1 = measure(1)
    saved = measure_update(
        measure=m1,
        user=alice,
        data={"body": f"正文{SCRIPT}", "guide_support": f"补贴{SCRIPT}"},
        expected_version=m1.version,
    )
    client.force_login(alice)
    escaped = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"
    for url in (
        saved.get_absolute_url(),
        reverse("staff:measure_edit", args=[m1.pk]),
        reverse("staff:measure_history", args=[m1.pk]),
    ):
        html = client.get(url).content.decode()
        assert SCRIPT not in html, url
        assert escaped in html, url


def test_the_guide_include_marks_missing_fields_and_escapes_filled_ones(measure):
    m1 = measure(1)
    html = render_to_string("policies/_guide.html", {"measure": m1})
    assert '<h2 id="guide-heading">申报指南</h2>' in html
    assert html.count(">暂未提供<") == 8
    assert "尚未提供本措施的申报指南" in html
    m1.guide_support = f"一次性奖励50万元{SCRIPT}"
    html = render_to_string("policies/_guide.html", {"measure": m1})
    assert html.count(">暂未提供<") == 7
    assert "尚未提供本措施的申报指南" not in html
    assert "一次性奖励50万元&lt;script&gt;" in html


def test_the_edit_form_refuses_a_post_without_a_csrf_token(measure, alice):
    m1 = measure(1)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(
        reverse("staff:measure_edit", args=[m1.pk]), edit_data(m1, title="伪造")
    )
    assert response.status_code == 403
    assert measure(1).title == "完善梯度培育体系"


def test_the_revert_form_refuses_a_post_without_a_csrf_token(measure, alice):
    m1 = measure_update(
        measure=measure(1), user=alice, data={"title": "甲"}, expected_version=measure(1).version
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    url = reverse("staff:measure_revert", args=[m1.pk])
    assert browser.post(url, {"version": 1, "expected_version": m1.version}).status_code == 403
    assert measure(1).title == "甲"


def test_session_and_csrf_cookies_are_secure_and_hsts_is_sent_over_https(client, alice):
    page = client.get(reverse("login"), secure=True)
    assert page.cookies["csrftoken"]["secure"]
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    signed_in = client.post(
        reverse("login"),
        {"username": "alice", "password": "correct horse battery"},
        secure=True,
    )
    assert signed_in.cookies["sessionid"]["secure"]
    assert signed_in.cookies["sessionid"]["httponly"]


def test_pages_carry_a_content_security_policy_that_allows_only_our_own_scripts(client, measure):
    policy = client.get(measure(1).get_absolute_url())["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "Content-Security-Policy" in client.get(reverse("login"))


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECURE_SSL_REDIRECT")},
        "DEBUG": "false",
        "SECRET_KEY": "k3y-" + "x7Qz9-Lm2pR8vW4nB6tY1uE5oA3sD0fG" * 2,
        "ALLOWED_HOSTS": "zjtx.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
