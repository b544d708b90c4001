"""Plan and write the facts extracted from a measure's text: its targets and its benefits.

Planning diffs the extracted targets (benefits) against the stored ones, item by item, for the
plan to show; writing replaces the measure's rows. Whether they are written at all (staff edits
are kept) is the measure's snapshot, in `writer.py`, which calls these.

To persist a new parsed field of a target or benefit, add it to its mapping function below
(`target_values`, `benefit_values`): planning compares it with what is stored and applying
writes it.
"""

from __future__ import annotations

from enterprises.models import EnterpriseTier
from policies.models import Benefit, Measure, Target

from ..plan import DocumentPlan, Item, values_differ
from ..types import ParsedBenefit, ParsedTarget

# --- parsed fields to model fields (one function per model) ------------------------------------


def target_values(pt: ParsedTarget) -> dict:
    """`tier` is a slug here; `write_targets` turns it into the row."""
    return {
        "subject": pt.subject,
        "tier": pt.tier,
        "quantity": pt.quantity,
        "unit": pt.unit,
        "year": pt.year,
        "kind": pt.kind,
        "comparator": pt.comparator,
        "text": pt.text,
        "per": pt.per,
    }


def benefit_values(pb: ParsedBenefit) -> dict:
    return {
        "kind": pb.kind,
        "text": pb.text,
        "recipient": pb.recipient,
        "quantity": pb.quantity,
        "unit": pb.unit,
        "qualifier": pb.qualifier,
    }


# --- snapshots: a target or benefit as the measure's snapshot stores it ------------------------


def target_key(t: Target | ParsedTarget) -> list:
    """A target as the snapshot stores it; the same for a saved row and a parsed one."""
    return [
        t.subject,
        str(t.quantity.normalize()),
        t.unit,
        t.year,
        t.kind,
        t.comparator,
        t.text,
        t.per,
    ]


def benefit_key(b: Benefit | ParsedBenefit) -> list:
    """A benefit as the snapshot stores it; the same for a saved row and a parsed one."""
    quantity = None if b.quantity is None else str(b.quantity.normalize())
    return [b.kind, b.text, b.recipient, quantity, b.unit, b.qualifier]


# --- plan ----------------------------------------------------------------------------------------


def plan_targets(plan: DocumentPlan, key: str, old: list[Target], new: list[ParsedTarget]):
    """Targets that stay, change (the same subject, or the same place in the list, with other
    figures), come or go. Only a target with no counterpart in the new text is removed."""

    def values(t: ParsedTarget) -> dict:
        return {k: v for k, v in target_values(t).items() if k != "tier"}

    _plan_items(
        plan, "target", key, old, new, target_key, lambda o, n: o.subject == n.subject, values
    )


def plan_benefits(plan: DocumentPlan, key: str, old: list[Benefit], new: list[ParsedBenefit]):
    """Benefits that stay, change (the same words, or the same place in an equally long list,
    with other figures or kind), come or go. Only one with no counterpart is removed."""
    _plan_items(
        plan, "benefit", key, old, new, benefit_key, lambda o, n: o.text == n.text, benefit_values
    )


def _plan_items(plan: DocumentPlan, kind: str, key: str, old, new, identity, same, values):
    """A measure's stored items against the extracted ones: those whose `identity` both sides
    hold stay; of the rest, an extracted item and a stored one are the same item changed when
    `same` says so, or when they are at the same place in equally long lists; the others come
    or go."""
    old_keys, new_keys = [identity(o) for o in old], [identity(n) for n in new]
    old_left = [o for o, k in zip(old, old_keys, strict=True) if k not in new_keys]
    new_left = [n for n, k in zip(new, new_keys, strict=True) if k not in old_keys]
    for n in list(new_left):
        match = next((o for o in old_left if same(o, n)), None)
        if match is None and len(old_left) == len(new_left):
            match = old_left[new_left.index(n)]
        if match is not None:
            old_left.remove(match)
            new_left.remove(n)
            fields = values_differ(match, values(n))
            plan.changed.append(Item(kind, f"{key}·{match.text}", n.text, fields))
    plan.removed.extend(Item(kind, f"{key}·{o.text}", o.text) for o in old_left)
    plan.created.extend(Item(kind, f"{key}·{n.text}", n.text) for n in new_left)


# --- apply ---------------------------------------------------------------------------------------


def write_targets(
    measure: Measure, targets: list[ParsedTarget], tiers: dict[str, EnterpriseTier]
) -> None:
    """Replace the measure's targets with `targets`, in order (`tiers`: the tier rows by slug)."""
    measure.targets.all().delete()
    for order, t in enumerate(targets):
        values = target_values(t)
        values["tier"] = tiers.get(values["tier"]) if values["tier"] else None
        target = Target(measure=measure, order=order, **values)
        target.full_clean()
        target.save()


def write_benefits(measure: Measure, benefits: list[ParsedBenefit]) -> None:
    """Replace the measure's benefits with `benefits`, in order."""
    measure.benefits.all().delete()
    for order, b in enumerate(benefits):
        benefit = Benefit(measure=measure, order=order, **benefit_values(b))
        benefit.full_clean()
        benefit.save()
