"""The staff workspace: who sees and edits what, the edit form, and two editors at once."""

import re

import pytest
from django.urls import reverse

from policies.models import Measure
from search import search

from .staff_helpers import edit_data, resubmit_data

pytestmark = pytest.mark.django_db


def edit_url(m):
    return reverse("staff:measure_edit", args=[m.pk])


def login(client, user):
    client.force_login(user)
    return client


# --- who may come in --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["workspace", "search_report"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, name):
    url = reverse(f"staff:{name}")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_an_anonymous_post_to_the_edit_form_is_sent_to_login_and_changes_nothing(client, measure):
    m1 = measure(1)
    response = client.post(edit_url(m1), edit_data(m1, title="匿名修改"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert measure(1).title == "完善梯度培育体系"


def test_staff_of_another_bureau_gets_403_on_the_form_and_on_saving(client, measure, bob):
    m1 = measure(1)  # 市经信局, 市投促局, 各区人民政府: not 市商务局
    login(client, bob)
    page = client.get(edit_url(m1))
    assert page.status_code == 403
    assert "您所在单位不负责此措施" in page.content.decode()
    saved = client.post(edit_url(m1), edit_data(m1, title="乙改了甲的措施"))
    assert saved.status_code == 403
    assert measure(1).title == "完善梯度培育体系"


def test_an_unknown_measure_is_404(client, alice):
    login(client, alice)
    assert client.get(reverse("staff:measure_edit", args=[999999])).status_code == 404


# --- the workspace list -----------------------------------------------------------------------


def test_the_workspace_lists_exactly_my_bureaus_measures(
    client, bob, django_assert_max_num_queries
):
    login(client, bob)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("staff:workspace"))
    html = response.content.decode()
    assert "武汉市商务局" in html
    numbers = [int(n) for n in re.findall(r"/staff/measures/(\d+)/edit/", html)]
    assert sorted(Measure.objects.filter(pk__in=numbers).values_list("number", flat=True)) == [
        4,
        5,
        12,
        17,
        22,
        23,
    ]
    assert "帮助企业拓展市场" in html  # measure 17
    assert "完善梯度培育体系" not in html  # measure 1 is not 市商务局's


def test_a_superusers_workspace_lists_all_twenty_five(
    client, charlie, django_assert_max_num_queries
):
    login(client, charlie)
    with django_assert_max_num_queries(14):
        html = client.get(reverse("staff:workspace")).content.decode()
    assert len(re.findall(r"/staff/measures/\d+/edit/", html)) == 25


def test_a_user_with_no_bureau_sees_an_empty_workspace_and_why(client, django_user_model):
    login(client, django_user_model.objects.create_user("dave"))
    html = client.get(reverse("staff:workspace")).content.decode()
    assert "尚未关联任何单位" in html
    assert "/staff/measures/" not in html


# --- the edit form ----------------------------------------------------------------------------


def test_the_edit_form_carries_the_version_and_the_measures_content(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    html = client.get(edit_url(m1)).content.decode()
    assert f'name="version" value="{m1.version}"' in html
    assert "完善梯度培育体系" in html
    assert 'value="1000家科技和创新型中小企业"' in html
    assert "申报指南" in html and "联系电话" in html
    # The blank row for a new target starts with no type chosen, so leaving it blank is fine.
    blank_row = re.search(r'<select name="targets-6-kind"[^>]*>(.*?)</select>', html, re.S)
    assert '<option value="" selected>——</option>' in blank_row.group(1)
    # Staff see the bureaus but cannot change them.
    assert "bureaus-TOTAL_FORMS" not in html
    assert "如需调整请联系系统管理员" in html


def test_a_superuser_also_gets_the_bureau_rows(client, measure, charlie):
    login(client, charlie)
    html = client.get(edit_url(measure(17))).content.decode()
    assert 'name="bureaus-TOTAL_FORMS" value="15"' in html  # 14 bureaus and one blank row


def test_saving_records_a_version_and_the_public_page_and_search_show_it_at_once(
    client, measure, alice
):
    m1 = measure(1)
    login(client, alice)
    response = client.post(
        edit_url(m1),
        edit_data(
            m1,
            title="完善梯度培育体系（征求意见后修订）",
            body=m1.body + "设立专项服务窗口“梯度直通车”。",
            guide_support="对新认定的国家级专精特新“小巨人”企业给予一次性奖励。",
            guide_phone="027-85551234",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:measure_history", args=[m1.pk])
    saved = measure(1)
    assert saved.version == m1.version + 1
    assert saved.history.latest().history_user.username == "alice"
    page = client.get(saved.get_absolute_url()).content.decode()
    assert "完善梯度培育体系（征求意见后修订）" in page
    assert [h.id for h in search("梯度直通车").hits if h.type == "measure"] == [m1.pk]


def test_targets_can_be_added_changed_and_removed_from_the_form(client, measure, alice):
    m22 = measure(22)
    login(client, alice)
    data = edit_data(m22)
    data["targets-0-quantity"] = "120"
    data["targets-TOTAL_FORMS"] = 2
    data.update(
        {
            "targets-1-text": "每年组织2场商业秘密保护培训",
            "targets-1-subject": "商业秘密保护培训",
            "targets-1-quantity": "2",
            "targets-1-unit": "场",
            "targets-1-year": "",
            "targets-1-kind": "per_year",
            "targets-1-tier": "",
        }
    )
    assert client.post(edit_url(m22), data).status_code == 302
    assert [(t.text, t.quantity) for t in measure(22).targets.all()] == [
        ("100家专精特新中小企业建设市级商业秘密保护联系企业", 120),
        ("每年组织2场商业秘密保护培训", 2),
    ]
    removed = edit_data(measure(22))
    removed["targets-0-DELETE"] = "on"
    assert client.post(edit_url(m22), removed).status_code == 302
    assert [t.text for t in measure(22).targets.all()] == ["每年组织2场商业秘密保护培训"]


def test_a_blank_title_is_refused_in_chinese_and_nothing_is_saved(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    response = client.post(edit_url(m1), edit_data(m1, title="", guide_phone="请拨打"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项。" in html
    assert "请输入有效的联系电话" in html
    assert measure(1).version == m1.version


def test_a_negative_target_quantity_is_refused_in_chinese(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    data = edit_data(m1)
    data["targets-0-quantity"] = "-3"
    response = client.post(edit_url(m1), data)
    assert response.status_code == 400
    assert "确保该值大于或等于0" in response.content.decode()


def test_a_post_without_the_formset_management_data_is_a_bad_request(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    data = {k: v for k, v in edit_data(m1).items() if not k.startswith("targets-")}
    response = client.post(edit_url(m1), data)
    assert response.status_code == 400
    assert measure(1).version == m1.version


def test_staff_cannot_change_bureaus_by_posting_the_rows_anyway(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    data = edit_data(
        m1, bureaus=[{"bureau": m1.responsibilities.get(order=0).bureau_id, "role": "lead"}]
    )
    client.post(edit_url(m1), data)
    assert measure(1).responsibilities.count() == 3


def test_a_superuser_changes_the_bureaus_from_the_form(client, measure, charlie):
    m1 = measure(1)
    login(client, charlie)
    rows = [{"bureau": r.bureau_id, "role": r.role} for r in m1.responsibilities.order_by("order")]
    rows[2]["DELETE"] = "on"  # drop 各区人民政府
    assert client.post(edit_url(m1), edit_data(m1, bureaus=rows)).status_code == 302
    assert [r.bureau.short_name for r in measure(1).responsibilities.order_by("order")] == [
        "市经信局",
        "市投促局",
    ]


# --- two editors at once ----------------------------------------------------------------------


def test_two_concurrent_edits_one_gets_the_conflict_page_and_nothing_is_lost(
    client, measure, alice, bob
):
    """alice (市经信局) and bob (市商务局) both open measure 17, alice saves first."""
    from django.test import Client

    alices, bobs = login(Client(), alice), login(client, bob)
    m17 = measure(17)
    alice_form = edit_data(m17, body=m17.body + "（甲：增加展会补贴）")
    bob_form = edit_data(m17, title="帮助企业开拓国内外市场")
    assert alices.post(edit_url(m17), alice_form).status_code == 302

    conflict = bobs.post(edit_url(m17), bob_form)
    assert conflict.status_code == 409
    html = conflict.content.decode()
    assert "您的修改没有保存" in html
    assert "alice" in html and "（甲：增加展会补贴）" in html  # what the other editor did
    assert "帮助企业开拓国内外市场" in html  # what bob tried
    now = measure(17)
    assert (now.title, now.version) == ("帮助企业拓展市场", m17.version + 1)
    assert now.body.endswith("（甲：增加展会补贴）")

    # The conflict page's form is the new version with bob's change merged in: saving it as it
    # stands keeps both edits.
    assert "帮助企业开拓国内外市场" in html and f'name="version" value="{now.version}"' in html
    assert "双方都修改了" not in html
    merged = resubmit_data(conflict.context["forms"])
    assert bobs.post(edit_url(m17), merged).status_code == 302
    final = measure(17)
    assert final.title == "帮助企业开拓国内外市场"
    assert final.body.endswith("（甲：增加展会补贴）")
    assert final.targets.count() == m17.targets.count()
    assert list(final.history.values_list("history_user__username", flat=True)[:2]) == [
        "bob",
        "alice",
    ]


def test_a_field_both_editors_changed_is_flagged_on_the_conflict_page(client, measure, alice, bob):
    from django.test import Client

    m17 = measure(17)
    login(Client(), alice).post(edit_url(m17), edit_data(m17, title="甲的标题"))
    conflict = login(client, bob).post(edit_url(m17), edit_data(m17, title="乙的标题"))
    assert conflict.status_code == 409
    assert (
        "以下内容双方都修改了，表单中是您的版本，请核对后再保存：标题。"
        in conflict.content.decode()
    )
    assert measure(17).title == "甲的标题"


def test_saving_the_same_content_again_makes_no_new_version(client, measure, alice):
    m1 = measure(1)
    login(client, alice)
    client.post(edit_url(m1), edit_data(m1))
    assert measure(1).version == m1.version
