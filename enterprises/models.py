from __future__ import annotations

from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Standing:
    """A tier an enterprise of the asked tier stands on: what is offered to `tier` applies to it.

    `distance` 0 is the asked tier itself; `condition` is empty when it always applies, else who
    among the asked tier's enterprises it applies to ("属于中小企业的高新技术企业")."""

    tier: EnterpriseTier
    distance: int
    condition: str = ""

    @property
    def direct(self) -> bool:
        return self.distance == 0


class EnterpriseTierQuerySet(models.QuerySet):
    def ladder_order(self) -> EnterpriseTierQuerySet:
        return self.order_by("ladder", "rank", "name")

    def standing(self, tier: EnterpriseTier) -> list[Standing]:
        """What applies to `tier`, as the tiers it stands on: itself, the rungs below it on its
        ladder (`parent`), and the tiers of other ladders it sits on (`sits_on`, from
        ingest/data/tiers.toml), followed transitively. Nearest first; a tier reached both
        unconditionally and under a condition counts as unconditional. One query, kept on the
        tier object for the rest of its life (a request)."""
        if (kept := getattr(tier, "_standing", None)) is not None:
            return kept
        tier._standing = standing_among(tier, list(self.all()))
        return tier._standing

    def standing_on(self, tier: EnterpriseTier) -> list[EnterpriseTier]:
        """The tiers standing on `tier` (what is offered to `tier` applies to them too), `tier`
        excluded. One query."""
        return standing_on_among(tier, list(self.all()))


def standing_on_among(tier: EnterpriseTier, tiers: list[EnterpriseTier]) -> list[EnterpriseTier]:
    """`EnterpriseTierQuerySet.standing_on` over tiers already read."""
    return [
        t
        for t in tiers
        if t.pk != tier.pk and any(s.tier.pk == tier.pk for s in standing_among(t, tiers))
    ]


def standing_among(tier: EnterpriseTier, tiers: list[EnterpriseTier]) -> list[Standing]:
    """`EnterpriseTierQuerySet.standing` over tiers already read."""
    by_pk = {t.pk: t for t in tiers}
    by_slug = {t.slug: t for t in tiers}
    start = by_pk.get(tier.pk, tier)

    def steps(here: EnterpriseTier):
        if here.parent_id in by_pk:
            yield by_pk[here.parent_id], ""
        for base in here.sits_on or []:
            if base.get("tier") in by_slug:
                yield by_slug[base["tier"]], base.get("when", "")

    def walk(with_conditions: bool) -> dict[int, Standing]:
        found = {start.pk: Standing(start, 0)}
        frontier = [found[start.pk]]
        while frontier:
            following = []
            for here in frontier:
                for tier_, condition in steps(here.tier):
                    if tier_.pk in found or (condition and not with_conditions):
                        continue
                    found[tier_.pk] = Standing(
                        tier_, here.distance + 1, here.condition or condition
                    )
                    following.append(found[tier_.pk])
            frontier = following
        return found

    found = walk(with_conditions=True)
    found.update(walk(with_conditions=False))  # what always applies is never marked conditional
    return sorted(found.values(), key=lambda s: (s.distance, bool(s.condition), s.tier.rank))


class EnterpriseTier(models.Model):
    """A rung of an enterprise ladder (专精特新中小企业, 小巨人, 瞪羚 …).

    `parent` is the rung below: what applies to the parent applies to this tier too. `sits_on`
    names tiers of other ladders it stands on in the same way (科技型中小企业 on 中小企业), with an
    optional condition: see `EnterpriseTierQuerySet.standing` and ingest/data/tiers.toml.
    """

    slug = models.SlugField("标识", max_length=64, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    ladder = models.CharField("梯度体系", max_length=50)
    rank = models.PositiveSmallIntegerField("层级", default=0)
    parent = models.ForeignKey(
        "self",
        verbose_name="上一层级",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sits_on = models.JSONField(
        "同样适用",
        default=list,
        blank=True,
        help_text='Tiers of other ladders this one stands on: [{"tier": slug, "when": condition}]',
    )
    aliases = models.JSONField("别名", default=list, blank=True)
    description = models.TextField("说明", blank=True)

    objects = EnterpriseTierQuerySet.as_manager()
    # What the tier stands on, kept by EnterpriseTierQuerySet.standing once computed.
    _standing: list[Standing]

    class Meta:
        ordering = ["ladder", "rank", "name"]
        verbose_name = "企业梯度"
        verbose_name_plural = "企业梯度"

    def __str__(self) -> str:
        return self.name
