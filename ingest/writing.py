"""What both writers share: the controlled vocabularies, bureaus by written name, small updates."""

from __future__ import annotations

from django.db import transaction

from enterprises.models import EnterpriseTier
from policies.models import Bureau, BureauAlias, Theme

from .vocab import TierSpec, bureau_specs, resolve_bureau, theme_specs, tier_specs


class WriteConflict(Exception):
    """A record changed between planning and applying (a staff save in between); nothing of the
    run is kept, and planning again sees the new state."""


def update(obj, values: dict) -> bool:
    """Set the attributes that differ, validate and save; True when something changed."""
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.full_clean()
        obj.save()
    return bool(changed)


@transaction.atomic
def sync_vocabulary() -> int:
    """Bureaus, aliases, tiers and themes from the data files; returns how many rows changed."""
    changes = 0
    for spec in bureau_specs():
        bureau = Bureau.objects.filter(name=spec.name).first()
        if bureau is None:
            bureau = Bureau.objects.create(
                name=spec.name, short_name=spec.short_name, kind=spec.kind
            )
            changes += 1
        else:
            changes += update(bureau, {"short_name": spec.short_name, "kind": spec.kind})
        for alias in spec.aliases:
            _, created = BureauAlias.objects.update_or_create(
                name=alias, defaults={"bureau": bureau}
            )
            changes += created
    tiers = {t.slug: t for t in EnterpriseTier.objects.all()}
    for tier_spec in tier_specs():
        values = {
            "name": tier_spec.name,
            "ladder": tier_spec.ladder,
            "rank": tier_spec.rank,
            "aliases": list(tier_spec.aliases),
        }
        if tier_spec.slug in tiers:
            changes += update(tiers[tier_spec.slug], values)
        else:
            tiers[tier_spec.slug] = EnterpriseTier.objects.create(slug=tier_spec.slug, **values)
            changes += 1
    for tier_spec in tier_specs():
        changes += update(
            tiers[tier_spec.slug],
            {
                "parent": tiers.get(tier_spec.parent) if tier_spec.parent else None,
                "sits_on": tier_bases(tier_spec),
            },
        )
    for order, theme_spec in enumerate(theme_specs()):
        values = {"name": theme_spec.name, "keywords": list(theme_spec.keywords), "order": order}
        theme = Theme.objects.filter(slug=theme_spec.slug).first()
        if theme is None:
            Theme.objects.create(slug=theme_spec.slug, **values)
            changes += 1
        else:
            changes += update(theme, values)
    return changes


def tier_bases(spec: TierSpec) -> list[dict[str, str]]:
    """EnterpriseTier.sits_on as stored: `when` only where there is a condition."""
    return [{"tier": b.tier, **({"when": b.when} if b.when else {})} for b in spec.sits_on]


def bureau_for(name: str, created: list[str]) -> Bureau:
    """The bureau a written name stands for; an unknown name is created (and appended to
    `created`), never dropped."""
    spec = resolve_bureau(name)
    if spec is not None:
        return Bureau.objects.get(name=spec.name)
    bureau = Bureau.objects.named(name).first()
    if bureau is None:
        bureau = Bureau.objects.create(name=name, short_name=name, kind=Bureau.Kind.OTHER)
        created.append(name)
    return bureau


def lookups() -> tuple[dict[str, EnterpriseTier], dict[str, Theme]]:
    """Tiers and themes by slug."""
    return (
        {t.slug: t for t in EnterpriseTier.objects.all()},
        {t.slug: t for t in Theme.objects.all()},
    )
