from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.urls import reverse

from ingest import qualifiers

if TYPE_CHECKING:
    from policies.models import Bureau


class Reply(models.Model):
    """A bureau's answer to a CPPCC (市政协) proposal or an NPC delegate's (人大代表) suggestion."""

    class Kind(models.TextChoices):
        CPPCC_PROPOSAL = "cppcc_proposal", "政协提案"
        NPC_SUGGESTION = "npc_suggestion", "人大代表建议"
        UNKNOWN = "unknown", "未说明"

    document = models.OneToOneField(
        "policies.PolicyDocument",
        verbose_name="文件",
        on_delete=models.CASCADE,
        related_name="reply",
    )
    title = models.CharField("标题", max_length=300)
    title_derived = models.BooleanField("标题为推断", default=False)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.UNKNOWN)
    proposal_number = models.CharField("提案号", max_length=20, null=True, blank=True, unique=True)
    proposal_title = models.CharField(
        "提案/建议标题", max_length=300, blank=True, help_text="答复所针对的《…》"
    )
    addressee = models.CharField("称谓", max_length=100, blank=True, help_text="曹建民代表、XX委员")
    session = models.CharField("会议届次", max_length=30, blank=True)
    date = models.DateField("日期", null=True, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    bureau = models.ForeignKey(
        "policies.Bureau",
        verbose_name="答复单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replies",
    )
    co_bureaus: models.ManyToManyField[Bureau, ReplyCoHandler] = models.ManyToManyField(
        "policies.Bureau",
        blank=True,
        related_name="co_handled_replies",
        verbose_name="会办单位",
        through="ReplyCoHandler",
    )
    intro = models.TextField("引言", blank=True)
    next_steps = models.TextField("下一步工作", blank=True)
    closing = models.TextField("结束语", blank=True, help_text="致谢、联系人")
    letterhead = models.TextField(
        "函头", blank=True, help_text="答复函标题上方的发文单位、文号、签发人"
    )
    signature = models.CharField("落款", max_length=100, blank=True)
    source_office = models.CharField("来源", max_length=50, blank=True)

    class Meta:
        ordering = ["-date", "proposal_number"]
        verbose_name = "提案答复"
        verbose_name_plural = "提案答复"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("replies:reply_detail", args=[self.pk])

    @property
    def ordered_co_bureaus(self) -> list:
        """The co-handling bureaus in the order the reply names them (uses a prefetch of
        `co_handlings` when there is one)."""
        if "co_handlings" in getattr(self, "_prefetched_objects_cache", {}):
            handlings: Iterable[ReplyCoHandler] = sorted(
                self.co_handlings.all(), key=lambda h: h.order
            )
        else:
            handlings = self.co_handlings.select_related("bureau").order_by("order")
        return [h.bureau for h in handlings]


class ReplyCoHandler(models.Model):
    """A co-handling bureau of a reply, in the order the reply names them (the table Django
    created for the plain many-to-many, with an order column added)."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="co_handlings")
    bureau = models.ForeignKey(
        "policies.Bureau", on_delete=models.CASCADE, related_name="co_handlings"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        db_table = "replies_reply_co_bureaus"
        unique_together = [("reply", "bureau")]
        ordering = ["reply", "order"]
        verbose_name = "会办单位"
        verbose_name_plural = "会办单位"

    def __str__(self) -> str:
        return f"{self.reply_id}:{self.order} {self.bureau_id}"


class ReplySection(models.Model):
    class Level(models.IntegerChoices):
        PART = 1, "一、"
        SECTION = 2, "（一）"
        POINT = 3, "一是"

    reply = models.ForeignKey(
        Reply, verbose_name="答复", on_delete=models.CASCADE, related_name="sections"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="上级",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    number = models.PositiveSmallIntegerField("序号")
    marker = models.CharField("编号", max_length=20, help_text="一、 / （二） / 三是")
    heading = models.CharField("标题", max_length=300)
    text = models.TextField("正文", blank=True)
    order = models.PositiveSmallIntegerField("顺序")
    themes = models.ManyToManyField(
        "policies.Theme", blank=True, related_name="reply_sections", verbose_name="主题"
    )
    tiers = models.ManyToManyField(
        "enterprises.EnterpriseTier",
        blank=True,
        related_name="reply_sections",
        verbose_name="企业梯度",
    )

    class Meta:
        ordering = ["reply", "order"]
        verbose_name = "答复段落"
        verbose_name_plural = "答复段落"
        constraints = [
            models.UniqueConstraint(fields=["reply", "order"], name="replysection_unique_order"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=3), name="replysection_level_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.marker}{self.heading}"

    def get_absolute_url(self) -> str:
        return f"{self.reply.get_absolute_url()}#section-{self.pk}"


class ReportedFigure(models.Model):
    class Kind(models.TextChoices):
        RESULT = "result", "工作成效"
        TARGET = "target", "目标"
        PARAMETER = "parameter", "政策参数"

    class Scope(models.TextChoices):
        NONE = "", "—"
        PER_YEAR = "per_year", "每年"
        CUMULATIVE = "cumulative", "累计"

    reply = models.ForeignKey(
        Reply, verbose_name="答复", on_delete=models.CASCADE, related_name="figures"
    )
    section = models.ForeignKey(
        ReplySection,
        verbose_name="段落",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="figures",
    )
    subject = models.CharField("对象", max_length=200)
    tier = models.ForeignKey(
        "enterprises.EnterpriseTier",
        verbose_name="企业梯度",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_figures",
    )
    quantity = models.DecimalField("数量", max_digits=20, decimal_places=4)
    quantity_max = models.DecimalField(
        "上限", max_digits=20, decimal_places=4, null=True, blank=True, help_text="区间的上端"
    )
    unit = models.CharField("单位", max_length=20)
    qualifier = models.CharField(
        "限定词", max_length=10, blank=True, help_text="余、超过、近、以上、左右、约…；精确数为空"
    )
    kind = models.CharField("类别", max_length=10, choices=Kind.choices, default=Kind.RESULT)
    scope = models.CharField("口径", max_length=12, choices=Scope.choices, blank=True)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    year_assumed = models.BooleanField(
        "年份取自文件日期", default=False, help_text="句中未给出年份"
    )
    text = models.CharField("原文", max_length=300)
    order = models.PositiveSmallIntegerField("顺序")

    class Meta:
        ordering = ["reply", "order"]
        verbose_name = "报告数据"
        verbose_name_plural = "报告数据"

    def __str__(self) -> str:
        return self.text

    # Qualifiers written before the number ("近48.71%"); the others follow it ("750余项").
    QUALIFIERS_BEFORE = frozenset(qualifiers.BEFORE.values())

    @property
    def quantity_text(self) -> str:
        """The figure as a reader writes it: "近48.71%", "750余项", "6–10%", "90%以上"."""

        def plain(value) -> str:
            return format(value.normalize(), "f")

        number = plain(self.quantity)
        if self.quantity_max is not None:
            number += f"–{plain(self.quantity_max)}"
        q = self.qualifier
        if q in self.QUALIFIERS_BEFORE:
            return f"{q}{number}{self.unit}"
        if q == "余":
            return f"{number}余{self.unit}"
        return f"{number}{self.unit}{q}"
