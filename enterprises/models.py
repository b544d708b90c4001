from __future__ import annotations

from django.db import models


class EnterpriseTierQuerySet(models.QuerySet):
    def ladder_order(self) -> EnterpriseTierQuerySet:
        return self.order_by("ladder", "rank", "name")


class EnterpriseTier(models.Model):
    """A rung of an enterprise ladder (专精特新中小企业, 小巨人, 瞪羚 …).

    `parent` is the rung below: what applies to the parent applies to this tier too.
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
    aliases = models.JSONField("别名", default=list, blank=True)
    description = models.TextField("说明", blank=True)

    objects = EnterpriseTierQuerySet.as_manager()

    class Meta:
        ordering = ["ladder", "rank", "name"]
        verbose_name = "企业梯度"
        verbose_name_plural = "企业梯度"

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[EnterpriseTier]:
        """The tiers below this one on its ladder, nearest first (one query per step; ladders are short)."""
        chain, tier, seen = [], self.parent, {self.pk}
        while tier is not None and tier.pk not in seen:
            chain.append(tier)
            seen.add(tier.pk)
            tier = tier.parent
        return chain
