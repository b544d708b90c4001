from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse


class Reply(models.Model):
    """A bureau's answer to a CPPCC (市政协) proposal."""

    document = models.OneToOneField(
        "policies.PolicyDocument",
        verbose_name="文件",
        on_delete=models.CASCADE,
        related_name="reply",
    )
    title = models.CharField("标题", max_length=300)
    title_derived = models.BooleanField("标题为推断", default=False)
    proposal_number = models.CharField("提案号", max_length=20, null=True, blank=True, unique=True)
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
    co_bureaus = models.ManyToManyField(
        "policies.Bureau", blank=True, related_name="co_handled_replies", verbose_name="会办单位"
    )
    intro = models.TextField("引言", blank=True)
    next_steps = models.TextField("下一步工作", blank=True)
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
    unit = models.CharField("单位", max_length=20)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    text = models.CharField("原文", max_length=300)
    order = models.PositiveSmallIntegerField("顺序")

    class Meta:
        ordering = ["reply", "order"]
        verbose_name = "报告数据"
        verbose_name_plural = "报告数据"

    def __str__(self) -> str:
        return self.text
