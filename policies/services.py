"""Writes to measures: every editor (workspace, admin, API) goes through these functions, so
permissions, optimistic locking and history happen in one place."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from enterprises.models import EnterpriseTier

from .models import Measure, Target, Theme

EDITABLE_FIELDS = ("title", "body")


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


def measure_update(
    *,
    measure: Measure,
    user,
    data: dict[str, Any],
    expected_version: int,
    reason: str = "",
) -> Measure:
    """Apply `data` (title, body, tiers, themes, targets) if the measure is still at
    `expected_version`; raises VersionConflict otherwise and PermissionDenied for other bureaus."""
    if not user_can_edit_measure(user, measure):
        raise PermissionDenied("您所在单位不负责此措施，不能修改。")
    with transaction.atomic():
        current = Measure.objects.select_for_update().get(pk=measure.pk)
        if current.version != expected_version:
            raise VersionConflict(current)
        for name in EDITABLE_FIELDS:
            if name in data:
                setattr(current, name, data[name])
        current.version += 1
        current.full_clean(exclude=["bureaus", "tiers", "themes", "ingest_snapshot"])
        current._history_user = user
        current._change_reason = reason or "编辑"
        current.save()
        if "tiers" in data:
            current.tiers.set(_tiers(data["tiers"]))
        if "themes" in data:
            current.themes.set(_themes(data["themes"]))
        if "targets" in data:
            _replace_targets(current, data["targets"])
    return current


def _tiers(values) -> list[EnterpriseTier]:
    slugs = [v.slug if isinstance(v, EnterpriseTier) else v for v in values]
    found = list(EnterpriseTier.objects.filter(slug__in=slugs))
    missing = set(slugs) - {t.slug for t in found}
    if missing:
        raise ValidationError({"tiers": f"未知的企业梯度：{'、'.join(sorted(missing))}"})
    return found


def _themes(values) -> list[Theme]:
    slugs = [v.slug if isinstance(v, Theme) else v for v in values]
    found = list(Theme.objects.filter(slug__in=slugs))
    missing = set(slugs) - {t.slug for t in found}
    if missing:
        raise ValidationError({"themes": f"未知的主题：{'、'.join(sorted(missing))}"})
    return found


def _replace_targets(measure: Measure, targets: list[dict[str, Any]]) -> None:
    measure.targets.all().delete()
    for order, values in enumerate(targets):
        values = dict(values)
        values.pop("id", None)
        tier = values.pop("tier", None)
        if isinstance(tier, str):
            tier = EnterpriseTier.objects.filter(slug=tier).first()
        target = Target(measure=measure, tier=tier, order=order, **values)
        target.full_clean()
        target.save()
