"""The history page, one-click revert, and what ingest does to (and records about) staff edits."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from policies.history import measure_versions
from policies.services import measure_update

from ..conftest import MEASURES_FILE

pytestmark = pytest.mark.django_db


def history_url(m):
    return reverse("staff:measure_history", args=[m.pk])


def revert_url(m):
    return reverse("staff:measure_revert", args=[m.pk])


def edit(m, user, **data):
    return measure_update(measure=m, user=user, data=data, expected_version=m.version)


def test_the_history_of_an_ingested_measure_names_the_ingest_and_its_content(
    client, measure, alice
):
    client.force_login(alice)
    html = client.get(history_url(measure(1))).content.decode()
    assert "版本 1（当前）" in html
    assert f"导入程序 · 导入 {MEASURES_FILE.name}" in html
    assert "新增：武汉市经济和信息化局（牵头）" in html
    assert "新增：1000家科技和创新型中小企业" in html


def test_each_edit_shows_who_and_a_character_diff(client, measure, alice, bob):
    m17 = edit(measure(17), alice, title="帮助企业拓展国内外市场")
    edit(m17, bob, guide_office="市商务局市场处")
    client.force_login(bob)
    html = client.get(history_url(m17)).content.decode()
    assert html.index("版本 3（当前）") < html.index("版本 2") < html.index("版本 1")
    assert "帮助企业拓展<ins>国内外</ins>市场" in html
    assert "alice · 编辑" in html and "bob · 编辑" in html
    assert "<ins>市商务局市场处</ins>" in html


def test_the_history_page_costs_the_same_queries_however_long_the_history(
    client, measure, alice, django_assert_max_num_queries
):
    m1 = measure(1)
    client.force_login(alice)
    for i in range(2):
        m1 = edit(m1, alice, body=f"第 {i} 次修改")
    with django_assert_max_num_queries(16) as short:
        client.get(history_url(m1))
    for i in range(6):
        m1 = edit(m1, alice, body=f"又一次修改 {i}")
    with django_assert_max_num_queries(len(short.captured_queries)):
        assert "版本 9（当前）" in client.get(history_url(m1)).content.decode()


def test_reverting_takes_one_click_and_is_recorded_as_a_new_version(client, measure, alice):
    m1 = edit(measure(1), alice, title="错误的标题", tiers=["little-giant"])
    client.force_login(alice)
    response = client.post(revert_url(m1), {"version": 1, "expected_version": m1.version})
    assert response.status_code == 302
    reverted = measure(1)
    assert (reverted.title, reverted.version) == ("完善梯度培育体系", 3)
    assert reverted.tiers.count() == 6
    html = client.get(history_url(reverted)).content.decode()
    assert "已恢复版本 1 的内容，保存为版本 3" in html
    assert "alice · 恢复到版本 1" in html
    assert "错误的标题" in html  # version 2 is still there to go back to


def test_a_revert_from_a_stale_history_page_changes_nothing(client, measure, alice, bob):
    m17 = edit(measure(17), alice, title="甲改的标题")
    stale = m17.version
    edit(m17, bob, title="乙改的标题")
    client.force_login(alice)
    client.post(revert_url(m17), {"version": 1, "expected_version": stale})
    assert measure(17).title == "乙改的标题"
    html = client.get(history_url(m17)).content.decode()
    assert "未恢复任何内容" in html


@pytest.mark.parametrize("data", [{"version": "一"}, {"expected_version": 2}, {}])
def test_a_revert_with_a_bad_version_is_a_bad_request(client, measure, alice, data):
    client.force_login(alice)
    assert client.post(revert_url(measure(1)), data).status_code == 400


def test_revert_is_403_for_another_bureau_405_for_get_and_login_for_anonymous(
    client, measure, alice, bob
):
    m1 = edit(measure(1), alice, title="甲改的标题")
    form = {"version": 1, "expected_version": m1.version}
    assert client.post(revert_url(m1), form)["Location"].startswith("/accounts/login/")
    client.force_login(bob)
    assert client.post(revert_url(m1), form).status_code == 403
    assert client.get(history_url(m1)).status_code == 403
    client.force_login(alice)
    assert client.get(revert_url(m1)).status_code == 405
    assert measure(1).title == "甲改的标题"


def test_reingest_keeps_a_staff_edit_reports_it_and_records_the_rest(tmp_path, measure, alice):
    m1, m2 = measure(1), measure(2)
    staff_body = "（市经信局修订）" + m1.body
    edit(m1, alice, body=staff_body)

    # The bureau republishes the document with new wording in measures 1 and 2.
    text = MEASURES_FILE.read_text(encoding="utf-8")
    assert m1.body[:20] in text and "营造创新创业生态" in text
    changed = text.replace("累计引育1000家", "累计引育1200家").replace(
        "营造创新创业生态", "营造一流创新创业生态"
    )
    copy = tmp_path / MEASURES_FILE.name
    copy.write_text(changed, encoding="utf-8")
    out = StringIO()
    call_command("ingest", str(copy), stdout=out)

    report = out.getvalue()
    assert "conflict: measure 1 body: kept the staff edit" in report
    assert measure(1).body == staff_body
    assert measure(2).title == "营造一流创新创业生态"
    last = measure_versions(measure(2))[-1]
    assert (last.number, last.user, last.reason) == (m2.version + 1, None, f"导入 {copy.name}")
    assert [c.label for c in last.changes] == ["标题"]
    assert str(last.changes[0].html) == "营造<ins>一流</ins>创新创业生态"
    # In measure 1 the ingest applied what staff had not touched (the target) and kept the body.
    versions = measure_versions(measure(1))
    assert [(v.author, [c.label for c in v.changes]) for v in versions[-2:]] == [
        ("alice", ["正文"]),
        ("导入程序", ["目标"]),
    ]
    assert measure(1).targets.filter(text="1200家科技和创新型中小企业").exists()
