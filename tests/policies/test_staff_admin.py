"""Admin edits go through measure_update: a version, a history entry, no lost updates."""

import pytest
from django.urls import reverse

from policies.history import measure_versions
from policies.services import measure_update

pytestmark = pytest.mark.django_db


def change_url(m):
    return reverse("admin:policies_measure_change", args=[m.pk])


def form_data(response):
    """What the browser would post back from the admin change page, untouched."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            if isinstance(value, list | tuple):
                data[form.add_prefix(name)] = [getattr(v, "pk", v) for v in value]
            elif value is not None and value is not False:
                data[form.add_prefix(name)] = getattr(value, "pk", value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        for form in formset.forms:
            add(form)
    return data


def test_an_admin_edit_is_a_new_version_with_the_superuser_in_the_history(client, measure, charlie):
    m1 = measure(1)
    client.force_login(charlie)
    data = form_data(client.get(change_url(m1)))
    data["title"] = "完善梯度培育体系（后台修订）"
    data["targets-5-DELETE"] = "on"  # 30家独角兽企业
    response = client.post(change_url(m1), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    saved = measure(1)
    assert (saved.title, saved.version) == ("完善梯度培育体系（后台修订）", m1.version + 1)
    assert not saved.targets.filter(text="30家独角兽企业").exists()
    last = measure_versions(saved)[-1]
    assert (last.author, last.reason) == ("charlie", "管理后台编辑")
    assert [c.label for c in last.changes] == ["标题", "目标"]


def test_an_admin_form_loaded_before_another_edit_is_refused(client, measure, charlie, alice):
    m1 = measure(1)
    client.force_login(charlie)
    data = form_data(client.get(change_url(m1)))
    measure_update(measure=m1, user=alice, data={"body": "甲的正文"}, expected_version=m1.version)
    data["title"] = "管理员的标题"
    response = client.post(change_url(m1), data)
    assert response.status_code == 200
    assert "已被修改为版本 2" in response.content.decode()
    assert (measure(1).title, measure(1).body) == ("完善梯度培育体系", "甲的正文")


def test_targets_are_read_only_in_their_own_admin(client, measure, charlie):
    target = measure(1).targets.first()
    client.force_login(charlie)
    url = reverse("admin:policies_target_change", args=[target.pk])
    assert client.post(url, {"text": "改"}).status_code == 403
    assert measure(1).targets.first().text == target.text
