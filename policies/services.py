"""Writes to measures: every editor (workspace, admin, API) goes through these functions, so
permissions, optimistic locking and history happen in one place."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from enterprises.models import EnterpriseTier

from .guide import GUIDE_FIELDS
from .history import TARGET_KEYS, describe_change, live_state, state_at
from .meta import field_label
from .models import Bureau, Measure, MeasureQuerySet, Responsibility, Target, Theme

EDITABLE_FIELDS = ("title", "body", *GUIDE_FIELDS)
# Keys `data` may carry; anything else is ignored so callers can pass a whole form or payload.
DATA_KEYS = (*EDITABLE_FIELDS, "tiers", "themes", "targets", "bureaus")


class VersionConflict(Exception):
    """The measure changed since the editor loaded it; nothing was written."""

    def __init__(self, current: Measure):
        super().__init__(f"措施已被他人修改（当前版本 {current.version}）")
        self.current = current


def user_can_edit_measure(user, measure: Measure) -> bool:
    """Superusers edit everything; staff edit measures their bureau leads or co-leads."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return measure.responsibilities.filter(bureau__memberships__user=user).exists()


def user_can_change_bureaus(user) -> bool:
    """Which bureaus answer for a measure is decided centrally, not by the bureaus themselves."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def editable_measures(user) -> MeasureQuerySet:
    """The measures `user` may edit (the staff workspace's list)."""
    if not user.is_authenticated or not user.is_active:
        return Measure.objects.none()
    if user.is_superuser:
        return Measure.objects.all()
    return Measure.objects.filter(responsibilities__bureau__memberships__user=user).distinct()


def measure_update(
    *,
    measure: Measure,
    user,
    data: dict[str, Any],
    expected_version: int,
    reason: str = "",
) -> Measure:
    """Apply `data` if the measure is still at `expected_version`.

    `data` may hold title, body, the guide_* fields, tiers and themes (slugs or objects),
    targets (the complete new list: a row with the `id` of one of the measure's targets changes
    it, a row without one adds a target, a target left out is removed) and, for superusers
    only, bureaus (ids, names or {"bureau", "role"}; the first is the lead when roles are not
    given). Raises VersionConflict when the measure moved on, PermissionDenied for another
    bureau's measure, ValidationError with Chinese messages for bad values. An edit that
    changes nothing writes nothing and keeps the version."""
    if not user_can_edit_measure(user, measure):
        raise PermissionDenied("您所在单位不负责此措施，不能修改。")
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        # The conditional UPDATE is the compare-and-swap that also holds on SQLite, where
        # select_for_update is a no-op.
        if current.version != expected_version or not Measure.objects.filter(
            pk=current.pk, version=expected_version
        ).update(version=expected_version + 1):
            current.refresh_from_db()
            raise VersionConflict(current)
        started = timezone.now()
        before = live_state(current)
        if "bureaus" in data:
            bureaus = _bureaus(data["bureaus"])
            if bureaus != [(b["bureau"], b["role"]) for b in before["bureaus"]]:
                if not user_can_change_bureaus(user):
                    raise PermissionDenied("只有系统管理员可以修改责任单位。")
                _replace_responsibilities(current, bureaus, user)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(current, name, "" if data[name] is None else data[name])
        current.version = expected_version + 1
        current.full_clean(exclude=["bureaus", "tiers", "themes", "ingest_snapshot"])
        # One history row per edit, written last so it holds the final tiers and themes, and
        # dated from the start so the targets written below belong to this version.
        current.skip_history_when_saving = True
        try:
            if "tiers" in data:
                current.tiers.set(_tiers(data["tiers"]))
            if "themes" in data:
                current.themes.set(_themes(data["themes"]))
            if "targets" in data:
                _sync_targets(current, data["targets"], user)
        finally:
            del current.skip_history_when_saving
        unchanged = live_state(current) == before
        if unchanged:
            transaction.set_rollback(True)
        else:
            describe_change(current, user=user, reason=reason or "编辑", date=started)
            current.save()
    if unchanged:
        measure.refresh_from_db()
        return measure
    return current


def measure_revert(*, measure: Measure, user, version: int, expected_version: int) -> Measure:
    """Bring back the content of an earlier version as a new version (itself in the history).

    Bureaus are restored only for superusers, since only they may change them."""
    if version == expected_version:
        raise ValidationError("这已经是当前版本，无需恢复。")
    state = state_at(measure, version)
    if state is None:
        raise ValidationError(f"措施 {measure.number} 没有版本 {version}。")
    existing = set(measure.targets.values_list("pk", flat=True))
    data: dict[str, Any] = {name: state[name] for name in EDITABLE_FIELDS}
    data["tiers"] = state["tiers"]
    data["themes"] = state["themes"]
    # A target that still exists is changed back in place; one removed since is added again.
    data["targets"] = [
        {**{k: t[k] for k in TARGET_KEYS}, **({"id": t["id"]} if t["id"] in existing else {})}
        for t in state["targets"]
    ]
    if user_can_change_bureaus(user) and state["bureaus"]:
        data["bureaus"] = state["bureaus"]
    return measure_update(
        measure=measure,
        user=user,
        data=data,
        expected_version=expected_version,
        reason=f"恢复到版本 {version}",
    )


def _by_slug(model, values, field: str, label: str) -> list:
    """Rows of `model` for slugs (or rows); unknown slugs are a validation error on `field`."""
    slugs = [v.slug if isinstance(v, model) else v for v in values]
    found = list(model.objects.filter(slug__in=slugs))
    missing = set(slugs) - {row.slug for row in found}
    if missing:
        raise ValidationError({field: f"未知的{label}：{'、'.join(sorted(map(str, missing)))}"})
    return found


def _tiers(values) -> list[EnterpriseTier]:
    return _by_slug(EnterpriseTier, values, "tiers", "企业梯度")


def _themes(values) -> list[Theme]:
    return _by_slug(Theme, values, "themes", "主题")


def _bureau(value) -> Bureau:
    if isinstance(value, Bureau):
        return value
    found = Bureau.objects.identified_by(value).first()
    if found is None:
        raise ValidationError({"bureaus": f"未知的责任单位：{value}"})
    return found


def _bureaus(values) -> list[tuple[int, str]]:
    """[(bureau id, role)] in order; the first is the lead unless roles are given."""
    result: list[tuple[int, str]] = []
    for order, value in enumerate(values):
        role = None
        if isinstance(value, dict):
            role = value.get("role")
            value = value.get("bureau")
        bureau = _bureau(value)
        role = role or (Responsibility.Role.LEAD if order == 0 else Responsibility.Role.CO)
        if role not in Responsibility.Role.values:
            raise ValidationError({"bureaus": f"未知的角色：{role}（应为 lead 或 co）"})
        if bureau.pk in (pk for pk, _ in result):
            raise ValidationError({"bureaus": f"责任单位重复：{bureau.name}"})
        result.append((bureau.pk, str(role)))
    if not result:
        raise ValidationError({"bureaus": "至少需要一个责任单位。"})
    return result


def _replace_responsibilities(measure: Measure, bureaus: list[tuple[int, str]], user) -> None:
    old = list(measure.responsibilities.all())
    written_as = {r.bureau_id: r.written_as for r in old}
    for duty in old:
        describe_change(duty, user=user)
        duty.delete()
    for order, (bureau_id, role) in enumerate(bureaus):
        duty = Responsibility(
            measure=measure,
            bureau_id=bureau_id,
            role=role,
            order=order,
            written_as=written_as.get(bureau_id, ""),
        )
        describe_change(duty, user=user)
        duty.save()


_TARGET_ATTRS = (
    "subject",
    "tier_id",
    "quantity",
    "unit",
    "year",
    "kind",
    "comparator",
    "text",
    "per",
    "order",
)


def _target_tier(value) -> EnterpriseTier | None:
    if value in (None, ""):
        return None
    if isinstance(value, EnterpriseTier):
        return value
    tier = EnterpriseTier.objects.filter(slug=value).first()
    if tier is None:
        raise ValidationError({"targets": f"未知的企业梯度：{value}"})
    return tier


def _sync_targets(measure: Measure, rows: list[dict[str, Any]], user) -> None:
    """Make the measure's targets exactly `rows`, touching only the ones that change (so the
    history shows which target was added, changed or removed)."""
    existing = {t.pk: t for t in measure.targets.all()}
    kept = set()
    for order, values in enumerate(rows, start=1):
        values = dict(values)
        pk = values.pop("id", None)
        unknown = set(values) - set(TARGET_KEYS)
        if unknown:
            raise ValidationError(
                {"targets": f"第 {order} 项目标：未知的字段 {'、'.join(sorted(unknown))}"}
            )
        if pk not in (None, ""):
            target = existing.get(int(pk))
            if target is None or int(pk) in kept:
                raise ValidationError({"targets": f"第 {order} 项目标：目标 {pk} 不属于此措施。"})
            kept.add(target.pk)
        else:
            target = Target(measure=measure)
        before = {k: getattr(target, k) for k in _TARGET_ATTRS}
        if "tier" in values:
            target.tier = _target_tier(values.pop("tier"))
        for key, value in values.items():
            # Blank text columns are "" in this schema, never NULL.
            setattr(target, key, "" if value is None and key in ("comparator", "per") else value)
        target.order = order - 1
        try:
            target.full_clean()
        except ValidationError as exc:
            raise ValidationError({"targets": _target_errors(order, exc)}) from None
        if target.pk is None or before != {k: getattr(target, k) for k in before}:
            describe_change(target, user=user)
            target.save()
    for pk, target in existing.items():
        if pk not in kept:
            describe_change(target, user=user)
            target.delete()


def _target_errors(order: int, exc: ValidationError) -> list[str]:
    messages: list[str] = []
    for name, errors in exc.message_dict.items():
        label = field_label(Target, name) if name != "__all__" else ""
        prefix = f"{label}：" if label else ""
        messages.extend(f"第 {order} 项目标：{prefix}{e}" for e in errors)
    return messages
