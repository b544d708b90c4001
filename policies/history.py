"""A measure's versions as whole states, rebuilt from django-simple-history, and their diffs.

A measure's state is its own fields, its tiers and themes (kept with each historical measure
row), its targets and its responsibilities (each with their own history). A version's state is
the last historical measure row with that version number, plus the targets and
responsibilities as they stood just before the next version began: every writer (the edit
service, the admin through it, ingest) bumps `version` and dates the measure's row from the
start of its edit, so anything written during an edit falls inside that edit's version.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from simple_history.models import HistoricalRecords

from enterprises.models import EnterpriseTier

from .guide import GUIDE_FIELDS
from .meta import field_label
from .models import Bureau, Measure, Responsibility, Target, Theme

TEXT_FIELDS = ("title", "body", *GUIDE_FIELDS)
TARGET_KEYS = ("subject", "tier", "quantity", "unit", "year", "kind", "comparator", "text", "per")
LABELS: dict[str, str] = {
    **{name: field_label(Measure, name) for name in TEXT_FIELDS},
    "bureaus": "责任单位",
    "tiers": "适用企业",
    "themes": "主题",
    "targets": "目标",
}
ROLE_NAMES = dict(Responsibility.Role.choices)


def describe_change(
    instance: models.Model,
    *,
    user: Any = None,
    reason: str = "",
    date: datetime | None = None,
) -> None:
    """Who, why and when for the history record of the next save or delete of `instance`:
    simple-history's documented `_history_user`, `_change_reason` and `_history_date` hooks.
    What is not given keeps simple-history's default (the request's user through its
    middleware, no reason, now)."""
    hooks = {"_history_user": user, "_change_reason": reason or None, "_history_date": date}
    for name, value in hooks.items():
        if value is not None:
            setattr(instance, name, value)


def _quantity(value: Any) -> str:
    return format(Decimal(str(value)).normalize(), "f")


def _target_state(t: Any, tier_slugs: dict[int, str]) -> dict[str, Any]:
    return {
        "id": t.id,
        "subject": t.subject,
        "tier": tier_slugs.get(t.tier_id),
        "quantity": _quantity(t.quantity),
        "unit": t.unit,
        "year": t.year,
        "kind": t.kind,
        "comparator": t.comparator,
        "text": t.text,
        "per": getattr(t, "per", "") or "",
    }


def live_state(measure: Measure) -> dict[str, Any]:
    """The measure as it is now, in the same shape as a historical version."""
    state: dict[str, Any] = {name: getattr(measure, name) for name in TEXT_FIELDS}
    state["tiers"] = sorted(measure.tiers.values_list("slug", flat=True))
    state["themes"] = sorted(measure.themes.values_list("slug", flat=True))
    targets = measure.targets.select_related("tier").order_by("order", "pk")
    state["targets"] = [
        _target_state(t, {t.tier.pk: t.tier.slug} if t.tier else {}) for t in targets
    ]
    state["bureaus"] = [
        {"bureau": r.bureau_id, "role": r.role} for r in measure.responsibilities.order_by("order")
    ]
    return state


@dataclass
class Version:
    number: int
    date: datetime
    user: Any  # the User, or None for ingest
    reason: str
    state: dict[str, Any]
    changes: list[Change] = field(default_factory=list)

    @property
    def author(self) -> str:
        return self.user.get_username() if self.user else "导入程序"


def _m2m_slugs(measure_field: str, history_ids: list[int]) -> dict[int, list[str]]:
    model = HistoricalRecords.m2m_models[Measure._meta.get_field(measure_field)]
    target = "enterprisetier" if measure_field == "tiers" else "theme"
    rows = model.objects.filter(history_id__in=history_ids).values_list(
        "history_id", f"{target}__slug"
    )
    slugs: dict[int, list[str]] = {}
    for history_id, slug in rows:
        slugs.setdefault(history_id, []).append(slug)
    return slugs


def _as_of(rows: list[Any], cutoff: datetime | None) -> list[Any]:
    """The objects that existed just before `cutoff` (None: now), from their history rows."""
    latest: dict[int, Any] = {}
    for row in rows:
        if cutoff is not None and row.history_date >= cutoff:
            break
        latest[row.id] = row
    return [row for row in latest.values() if row.history_type != "-"]


def measure_versions(measure: Measure) -> list[Version]:
    """Every version of the measure, oldest first, each with its changes from the one before.

    A fixed number of queries whatever the length of the history."""
    records = list(
        Measure.history.filter(id=measure.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    if not records:
        return []
    ids = [r.history_id for r in records]
    tiers, themes = _m2m_slugs("tiers", ids), _m2m_slugs("themes", ids)
    targets = list(
        Target.history.filter(measure_id=measure.pk).order_by("history_date", "history_id")
    )
    duties = list(
        Responsibility.history.filter(measure_id=measure.pk).order_by("history_date", "history_id")
    )
    tier_slugs = dict(EnterpriseTier.objects.values_list("pk", "slug"))

    first: dict[int, Any] = {}
    last: dict[int, Any] = {}
    for r in records:
        first.setdefault(r.version, r)
        last[r.version] = r
    numbers = sorted(first)
    versions: list[Version] = []
    for i, number in enumerate(numbers):
        cutoff = first[numbers[i + 1]].history_date if i + 1 < len(numbers) else None
        rec = last[number]
        state: dict[str, Any] = {name: getattr(rec, name) for name in TEXT_FIELDS}
        state["tiers"] = sorted(tiers.get(rec.history_id, []))
        state["themes"] = sorted(themes.get(rec.history_id, []))
        state["targets"] = [
            _target_state(t, tier_slugs)
            for t in sorted(_as_of(targets, cutoff), key=lambda t: (t.order, t.id))
        ]
        state["bureaus"] = [
            {"bureau": d.bureau_id, "role": d.role}
            for d in sorted(_as_of(duties, cutoff), key=lambda d: d.order)
        ]
        opener = first[number]
        versions.append(
            Version(
                number,
                opener.history_date,
                opener.history_user,
                opener.history_change_reason or "",
                state,
            )
        )
    names = Names()
    for before, after in zip([None, *versions], versions, strict=False):
        after.changes = diff_states(before.state if before else None, after.state, names)
    return versions


def state_at(measure: Measure, number: int) -> dict[str, Any] | None:
    for version in measure_versions(measure):
        if version.number == number:
            return version.state
    return None


# --- showing states and their differences ----------------------------------------------------


class Names:
    """Display names for the slugs and ids a state holds (three small queries, on first use)."""

    def __init__(self) -> None:
        self._tiers: dict[str, str] | None = None
        self._themes: dict[str, str] | None = None
        self._bureaus: dict[int, str] | None = None

    def tier(self, slug: str | None) -> str:
        if self._tiers is None:
            self._tiers = dict(EnterpriseTier.objects.values_list("slug", "name"))
        return self._tiers.get(slug, slug) if slug is not None else ""

    def theme(self, slug: str) -> str:
        if self._themes is None:
            self._themes = dict(Theme.objects.values_list("slug", "name"))
        return self._themes.get(slug, slug)

    def bureau(self, pk: int) -> str:
        if self._bureaus is None:
            self._bureaus = dict(Bureau.objects.values_list("pk", "name"))
        return self._bureaus.get(pk, f"#{pk}")


def target_line(t: dict[str, Any], names: Names) -> str:
    details = [f"对象：{t['subject']}", f"数量：{t['quantity']}{t['unit']}"]
    if t.get("comparator"):
        details.append(f"限定：{t['comparator']}")
    if t.get("per"):
        details.append(f"范围：{t['per']}")
    if t.get("year"):
        details.append(f"年份：{t['year']}")
    if t.get("tier"):
        details.append(f"梯度：{names.tier(t['tier'])}")
    return f"{t['text']}（{'，'.join(details)}）"


def display(state: dict[str, Any], names: Names) -> dict[str, Any]:
    """Text fields as text, lists as lines of names: what a person compares."""
    shown: dict[str, Any] = {name: state.get(name, "") for name in TEXT_FIELDS}
    shown["bureaus"] = [
        f"{names.bureau(b['bureau'])}（{ROLE_NAMES.get(b['role'], b['role'])}）"
        for b in state.get("bureaus", [])
    ]
    shown["tiers"] = [names.tier(s) for s in state.get("tiers", [])]
    shown["themes"] = [names.theme(s) for s in state.get("themes", [])]
    shown["targets"] = [target_line(t, names) for t in state.get("targets", [])]
    return shown


@dataclass
class Change:
    key: str
    label: str
    old: Any
    new: Any
    html: SafeString | None = None  # text fields: an inline diff
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def inline_diff(old: str, new: str) -> SafeString:
    """Character-level diff (Chinese has no spaces to split words on); every piece escaped."""
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape(old[i1:i2]))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece is escaped above


def diff_states(old: dict[str, Any] | None, new: dict[str, Any], names: Names) -> list[Change]:
    """What changed from `old` to `new` (old None: everything `new` has, as first recorded)."""
    before = display(old, names) if old is not None else None
    after = display(new, names)
    changes = []
    for key, label in LABELS.items():
        was: Any = before[key] if before is not None else ("" if key in TEXT_FIELDS else [])
        now = after[key]
        if was == now:
            continue
        change = Change(key, label, was, now)
        if key in TEXT_FIELDS:
            change.html = inline_diff(was, now)
        else:
            change.added = [line for line in now if line not in was]
            change.removed = [line for line in was if line not in now]
        changes.append(change)
    return changes


def state_from_data(base: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """`base` with the service data an editor submitted laid over it (for the conflict page)."""
    state = dict(base)
    for name in TEXT_FIELDS:
        if name in data:
            state[name] = data[name] or ""
    for name in ("tiers", "themes"):
        if name in data:
            state[name] = sorted(getattr(v, "slug", v) for v in data[name])
    if "targets" in data:
        state["targets"] = [
            {
                "id": row.get("id"),
                **{k: row.get(k) for k in TARGET_KEYS},
                "tier": getattr(row.get("tier"), "slug", row.get("tier")),
                "quantity": _quantity(row.get("quantity") or 0),
                "comparator": row.get("comparator") or "",
                "per": row.get("per") or "",
            }
            for row in data["targets"]
        ]
    if "bureaus" in data:
        state["bureaus"] = [
            {"bureau": getattr(row["bureau"], "pk", row["bureau"]), "role": row["role"]}
            for row in data["bureaus"]
        ]
    return state
