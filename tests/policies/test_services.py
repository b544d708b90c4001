"""measure_update and measure_revert: the one write path for the workspace, the admin and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from policies.history import live_state, measure_versions
from policies.services import (
    VersionConflict,
    editable_measures,
    measure_revert,
    measure_update,
    user_can_edit_measure,
)

pytestmark = pytest.mark.django_db


def target_rows(measure):
    """The measure's targets as the service takes them (with ids: change in place)."""
    return [
        {k: v for k, v in t.items() if k != "id"} | {"id": t["id"]}
        for t in live_state(measure)["targets"]
    ]


def test_staff_may_edit_the_measures_their_bureau_leads_or_co_leads(measure, alice, bob):
    assert user_can_edit_measure(alice, measure(1))  # 市经信局 leads measure 1
    assert user_can_edit_measure(bob, measure(17))  # 市商务局 is one of measure 17's co-bureaus
    assert not user_can_edit_measure(bob, measure(1))
    assert not user_can_edit_measure(alice, measure(10))


def test_the_workspace_selector_lists_exactly_the_bureaus_measures(bob, charlie):
    assert list(editable_measures(bob).order_by("number").values_list("number", flat=True)) == [
        4,
        5,
        12,
        17,
        22,
        23,
    ]
    assert editable_measures(charlie).count() == 25


def test_an_edit_bumps_the_version_and_records_who_and_why(measure, alice):
    m1 = measure(1)
    saved = measure_update(
        measure=m1,
        user=alice,
        data={"title": "完善梯度培育体系（修订稿）", "guide_phone": "027-85551234"},
        expected_version=m1.version,
    )
    assert saved.version == m1.version + 1
    assert measure(1).title == "完善梯度培育体系（修订稿）"
    latest = saved.history.latest()
    assert (latest.history_user, latest.history_change_reason, latest.version) == (
        alice,
        "编辑",
        saved.version,
    )
    assert latest.guide_phone == "027-85551234"


def test_another_bureaus_measure_is_refused_and_left_alone(measure, bob):
    m1 = measure(1)
    with pytest.raises(PermissionDenied):
        measure_update(measure=m1, user=bob, data={"title": "x"}, expected_version=m1.version)
    assert measure(1).title == "完善梯度培育体系"


def test_a_stale_version_raises_a_conflict_and_writes_nothing(measure, alice, bob):
    m17 = measure(17)
    loaded = m17.version
    measure_update(measure=m17, user=alice, data={"body": "甲的修改"}, expected_version=loaded)
    with pytest.raises(VersionConflict) as caught:
        measure_update(measure=m17, user=bob, data={"body": "乙的修改"}, expected_version=loaded)
    assert caught.value.current.version == loaded + 1
    assert measure(17).body == "甲的修改"


def test_an_edit_that_changes_nothing_keeps_the_version_and_the_history(measure, alice):
    m1 = measure(1)
    rows_before = m1.history.count()
    same = measure_update(
        measure=m1,
        user=alice,
        data={"title": m1.title, "targets": target_rows(m1)},
        expected_version=m1.version,
    )
    assert same.version == m1.version
    assert m1.history.count() == rows_before


def test_targets_are_added_changed_and_removed_by_id(measure, alice):
    m1 = measure(1)
    rows = target_rows(m1)
    kept_id, removed_id = rows[0]["id"], rows[1]["id"]
    rows[0]["quantity"] = "1200"
    del rows[1]
    rows.append(
        {
            "subject": "专精特新中小企业",
            "quantity": "50",
            "unit": "家",
            "year": 2026,
            "kind": "per_year",
            "text": "每年新增50家专精特新中小企业",
            "tier": "specialised-sme",
        }
    )
    saved = measure_update(
        measure=m1, user=alice, data={"targets": rows}, expected_version=m1.version
    )
    targets = list(saved.targets.all())
    assert [t.text for t in targets][-1] == "每年新增50家专精特新中小企业"
    assert targets[-1].tier.slug == "specialised-sme"
    assert len(targets) == 6
    assert saved.targets.get(pk=kept_id).quantity == Decimal("1200")
    assert not saved.targets.filter(pk=removed_id).exists()
    # Each target keeps its history: one row added, one removed, the changed one changed in place.
    rows = saved.targets.model.history.filter(history_user=alice)
    assert list(rows.filter(history_type="-").values_list("id", flat=True)) == [removed_id]
    assert rows.filter(history_type="+").get().text == "每年新增50家专精特新中小企业"
    assert rows.get(id=kept_id, history_type="~").quantity == Decimal("1200")


def test_a_target_id_from_another_measure_is_rejected(measure, alice):
    m1, m22 = measure(1), measure(22)
    foreign = m22.targets.get()
    rows = target_rows(m1) + [{**live_state(m22)["targets"][0], "id": foreign.pk}]
    with pytest.raises(ValidationError) as caught:
        measure_update(measure=m1, user=alice, data={"targets": rows}, expected_version=m1.version)
    assert "不属于此措施" in str(caught.value)
    assert measure(22).targets.get().measure_id == m22.pk


def test_bad_target_values_give_chinese_messages_naming_the_row(measure, alice):
    m1 = measure(1)
    rows = target_rows(m1)
    rows[2]["quantity"] = "-5"
    with pytest.raises(ValidationError) as caught:
        measure_update(measure=m1, user=alice, data={"targets": rows}, expected_version=m1.version)
    assert caught.value.message_dict["targets"][0].startswith("第 3 项目标：")
    assert measure(1).version == m1.version


def test_a_bad_phone_number_is_refused_in_chinese(measure, alice):
    m1 = measure(1)
    with pytest.raises(ValidationError) as caught:
        measure_update(
            measure=m1, user=alice, data={"guide_phone": "call me"}, expected_version=m1.version
        )
    assert "请输入有效的联系电话" in caught.value.message_dict["guide_phone"][0]


def test_only_a_superuser_changes_which_bureaus_are_responsible(measure, alice, charlie):
    m1 = measure(1)
    new = [{"bureau": "市经信局", "role": "lead"}, {"bureau": "市财政局", "role": "co"}]
    with pytest.raises(PermissionDenied):
        measure_update(measure=m1, user=alice, data={"bureaus": new}, expected_version=m1.version)
    # Sending the bureaus unchanged is fine for staff.
    same = [r["bureau"] for r in live_state(m1)["bureaus"]]
    measure_update(
        measure=m1,
        user=alice,
        data={"bureaus": same, "body": "新正文"},
        expected_version=m1.version,
    )
    m1 = measure(1)
    saved = measure_update(
        measure=m1, user=charlie, data={"bureaus": new}, expected_version=m1.version
    )
    assert [(r.bureau.short_name, r.role) for r in saved.responsibilities.order_by("order")] == [
        ("市经信局", "lead"),
        ("市财政局", "co"),
    ]
    # The original wording survives for the bureau that stayed.
    assert saved.responsibilities.get(order=0).written_as == "市经信局"


def test_unknown_or_repeated_bureaus_are_rejected(measure, charlie):
    m1 = measure(1)
    for bureaus, message in (
        (["市经信局", "市经信局"], "责任单位重复"),
        (["没有这个局"], "未知的责任单位"),
        ([], "至少需要一个责任单位"),
    ):
        with pytest.raises(ValidationError, match=message):
            measure_update(
                measure=m1, user=charlie, data={"bureaus": bureaus}, expected_version=m1.version
            )


def test_revert_restores_an_earlier_version_as_a_new_recorded_version(measure, alice):
    m1 = measure(1)
    original = live_state(m1)
    rows = target_rows(m1)[:2]
    edited = measure_update(
        measure=m1,
        user=alice,
        data={"title": "改过的标题", "tiers": ["little-giant"], "targets": rows},
        expected_version=m1.version,
    )
    reverted = measure_revert(
        measure=edited, user=alice, version=m1.version, expected_version=edited.version
    )
    assert reverted.version == edited.version + 1
    now = live_state(reverted)
    assert now["title"] == original["title"] == "完善梯度培育体系"
    assert now["tiers"] == original["tiers"]
    ignore_ids = [{k: v for k, v in t.items() if k != "id"} for t in now["targets"]]
    assert ignore_ids == [{k: v for k, v in t.items() if k != "id"} for t in original["targets"]]
    last = measure_versions(reverted)[-1]
    assert (last.number, last.reason, last.user) == (
        reverted.version,
        f"恢复到版本 {m1.version}",
        alice,
    )


def test_revert_to_the_current_or_a_missing_version_is_refused(measure, alice):
    m1 = measure(1)
    with pytest.raises(ValidationError, match="已经是当前版本"):
        measure_revert(measure=m1, user=alice, version=m1.version, expected_version=m1.version)
    with pytest.raises(ValidationError, match="没有版本 99"):
        measure_revert(measure=m1, user=alice, version=99, expected_version=m1.version)


def test_a_revert_from_a_stale_page_is_a_conflict(measure, alice, bob):
    m17 = measure(17)
    v1 = m17.version
    after_alice = measure_update(measure=m17, user=alice, data={"title": "甲"}, expected_version=v1)
    measure_update(
        measure=m17, user=bob, data={"title": "乙"}, expected_version=after_alice.version
    )
    with pytest.raises(VersionConflict):
        measure_revert(measure=m17, user=alice, version=v1, expected_version=after_alice.version)
    assert measure(17).title == "乙"


def test_a_superusers_revert_also_brings_back_the_bureaus(measure, charlie, alice):
    m1 = measure(1)
    changed = measure_update(
        measure=m1, user=charlie, data={"bureaus": ["市经信局"]}, expected_version=m1.version
    )
    # Staff reverting leave the bureaus as the superuser set them.
    by_staff = measure_revert(
        measure=changed, user=alice, version=m1.version, expected_version=changed.version
    )
    assert [r.bureau.short_name for r in by_staff.responsibilities.all()] == ["市经信局"]
    by_superuser = measure_revert(
        measure=by_staff, user=charlie, version=m1.version, expected_version=by_staff.version
    )
    assert [
        (r.bureau.short_name, r.role) for r in by_superuser.responsibilities.order_by("order")
    ] == [("市经信局", "lead"), ("市投促局", "co"), ("各区人民政府", "co")]
