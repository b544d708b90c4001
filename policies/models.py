from __future__ import annotations

from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ingest.references import is_draft

from .validators import validate_phone

IN_FORCE = "现行有效"
REPEALED = "已废止"


class PolicyDocumentQuerySet(models.QuerySet):
    def whole(self) -> PolicyDocumentQuerySet:
        """Everything the API and the export serve of a document, in a fixed number of queries:
        chapters with their measures, what it cites and who cites it."""
        return self.select_related("repealed_by").prefetch_related(
            models.Prefetch("chapters", queryset=Chapter.objects.order_by("number")),
            models.Prefetch(
                "chapters__measures",
                queryset=Measure.objects.order_by("number").only(
                    "pk", "number", "title", "chapter_id", "document_id"
                ),
            ),
            models.Prefetch(
                "citations",
                queryset=Citation.objects.with_passages().order_by("citing_id", "order"),
            ),
            models.Prefetch(
                "outgoing_citations",
                queryset=Citation.objects.with_passages().select_related("cited").order_by("order"),
            ),
        )


class PolicyDocument(models.Model):
    class Kind(models.TextChoices):
        MEASURES = "measures", "政策措施"
        CPPCC_REPLY = "cppcc_reply", "提案建议答复"  # to 政协提案 and 人大代表建议 alike
        POLICY = "policy", "规范性文件"

    title = models.CharField("标题", max_length=300)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    status = models.CharField(
        "状态", max_length=30, blank=True, help_text="征求意见稿、现行有效、已废止 …"
    )
    reference_number = models.CharField("文号", max_length=60, blank=True, db_index=True)
    issuing_bureau = models.ForeignKey(
        "policies.Bureau",
        verbose_name="发布单位",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issued_documents",
    )
    published_on = models.DateField("发布/签发日期", null=True, blank=True)
    effective_from = models.DateField("施行日期", null=True, blank=True)
    effective_note = models.CharField("施行说明", max_length=100, blank=True)
    expires_on = models.DateField("有效期至", null=True, blank=True)
    repealed_by = models.ForeignKey(
        "self",
        verbose_name="废止文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeals",
    )
    preamble = models.TextField("序言", blank=True)
    closing = models.TextField("附则", blank=True)
    source_file = models.CharField("源文件", max_length=200, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    fingerprint = models.CharField(
        "解析指纹",
        max_length=64,
        blank=True,
        help_text="Hash of what the parser made of the file; equal means a re-ingest has nothing to do.",
    )
    ingested_at = models.DateTimeField("导入时间", null=True, blank=True)

    objects = PolicyDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-published_on", "title"]
        verbose_name = "政策文件"
        verbose_name_plural = "政策文件"
        constraints = [
            models.UniqueConstraint(
                fields=["source_file"],
                condition=~Q(source_file=""),
                name="policydocument_unique_source_file",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_from__isnull=True)
                | Q(expires_on__gte=models.F("effective_from")),
                name="policydocument_expiry_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("policies:document_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return is_draft(self.status)

    def pending_repeals(self) -> list[Citation]:
        """Drafts proposing to repeal this document (nothing is repealed until they take effect)."""
        return [c for c in self.citations.all() if c.relation == Citation.Relation.PROPOSES_REPEAL]

    def status_note(self) -> str:
        """What the status alone does not say: a pending repeal, or that nothing is known yet."""
        drafts = list(dict.fromkeys(c.citing for c in self.pending_repeals()))
        if drafts and self.status != REPEALED:
            names = "、".join(f"《{d.title}》（{d.status}）" for d in drafts)
            return f"{names}拟同时废止本文件；该稿正式施行前，本文件继续有效。"
        if not self.status and not self.source_file:
            return "本文件仅见于其他文件的引用，状态未知。"
        return ""


class Chapter(models.Model):
    document = models.ForeignKey(
        PolicyDocument, verbose_name="文件", on_delete=models.CASCADE, related_name="chapters"
    )
    number = models.PositiveSmallIntegerField("章序号")
    title = models.CharField("标题", max_length=200)

    class Meta:
        ordering = ["document", "number"]
        verbose_name = "章"
        verbose_name_plural = "章"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="chapter_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class BureauQuerySet(models.QuerySet):
    def named(self, name: str) -> BureauQuerySet:
        """Bureaus whose full name, short name or an alias is exactly `name`."""
        return self.filter(Q(name=name) | Q(short_name=name) | Q(aliases__name=name)).distinct()

    def identified_by(self, value) -> BureauQuerySet:
        """The bureau a request names: its id, full name, short name or any alias."""
        value = str(value).strip()
        if value.isascii() and value.isdigit() and len(value) < 12:
            return self.filter(pk=int(value))
        return self.named(value)

    def matching(self, text: str) -> BureauQuerySet:
        return self.filter(
            Q(name__icontains=text)
            | Q(short_name__icontains=text)
            | Q(aliases__name__icontains=text)
        ).distinct()

    def with_measure_counts(self) -> BureauQuerySet:
        return self.annotate(
            measure_count=Count("responsibilities", distinct=True),
            lead_count=Count(
                "responsibilities",
                filter=Q(responsibilities__role="lead"),
                distinct=True,
            ),
        )


class Bureau(models.Model):
    class Kind(models.TextChoices):
        MUNICIPAL_DEPARTMENT = "municipal_department", "市政府工作部门"
        PARTY_ORGAN = "party_organ", "党委机构"
        DISTRICT_GOVERNMENTS = "district_governments", "各区人民政府"
        STATE_OWNED_GROUP = "state_owned_group", "市属国有企业"
        COURT_PROCURATORATE = "court_procuratorate", "法院检察院"
        MASS_ORGANISATION = "mass_organisation", "群团及其他组织"
        OTHER = "other", "其他单位（未在名录中）"
        UNKNOWN = "unknown", "未登记单位"

    name = models.CharField("全称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=50, db_index=True)
    kind = models.CharField("类型", max_length=30, choices=Kind.choices)
    # The contact card (联系方式): filled in by the bureau's own staff, never by ingest (the
    # documents give no phone numbers). Edited through policies.contacts.bureau_contact_update.
    contact_office = models.CharField("联系处室", max_length=100, blank=True)
    contact_phone = models.CharField(
        "联系电话", max_length=50, blank=True, validators=[validate_phone]
    )
    contact_address = models.CharField("办公地址", max_length=200, blank=True)
    contact_website = models.URLField("网站", max_length=200, blank=True)
    contact_hours = models.CharField(
        "办公时间", max_length=100, blank=True, help_text="如：工作日 9:00–12:00，13:30–17:30"
    )
    version = models.PositiveIntegerField("版本", default=1)

    history = HistoricalRecords()
    objects = BureauQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "责任单位"
        verbose_name_plural = "责任单位"

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("policies:bureau_detail", args=[self.pk])


class BureauAlias(models.Model):
    bureau = models.ForeignKey(
        Bureau, verbose_name="单位", on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField("别名", max_length=100, unique=True)

    class Meta:
        ordering = ["bureau", "name"]
        verbose_name = "单位别名"
        verbose_name_plural = "单位别名"

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    slug = models.SlugField("标识", max_length=50, unique=True)
    name = models.CharField("名称", max_length=50, unique=True)
    keywords = models.JSONField("关键词", default=list, blank=True)
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "主题"
        verbose_name_plural = "主题"

    def __str__(self) -> str:
        return self.name


class MeasureQuerySet(models.QuerySet):
    def for_list(self) -> MeasureQuerySet:
        """Everything a list page or serializer shows, in a fixed number of queries."""
        return self.select_related("chapter", "document").prefetch_related(
            models.Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("bureau").order_by("order"),
            ),
            "tiers",
            "themes",
            models.Prefetch("targets", queryset=Target.objects.select_related("tier")),
            "benefits",
        )

    def responsible(self, bureau: Bureau | int) -> MeasureQuerySet:
        return self.filter(responsibilities__bureau=bureau).distinct()

    def applicable_to(self, tier) -> MeasureQuerySet:
        """What applies to an enterprise of `tier` (the one meaning of `tier` everywhere):
        measures naming the tier itself or a tier it stands on, i.e. the rungs below it on its
        ladder and the tiers of other ladders tiers.toml says it sits on (a 小巨人 is also a
        专精特新中小企业; a 科技型中小企业 is a 中小企业). See EnterpriseTierQuerySet.standing."""
        from enterprises.models import EnterpriseTier

        pks = [s.tier.pk for s in EnterpriseTier.objects.standing(tier)]
        links = Measure.tiers.through.objects.filter(
            measure=OuterRef("pk"), enterprisetier_id__in=pks
        )
        return self.filter(Exists(links))

    def open_to_every_tier(self) -> MeasureQuerySet:
        """Measures naming no tier at all: they exclude no enterprise."""
        return self.exclude(Exists(Measure.tiers.through.objects.filter(measure=OuterRef("pk"))))


class Measure(models.Model):
    document = models.ForeignKey(
        PolicyDocument, verbose_name="文件", on_delete=models.CASCADE, related_name="measures"
    )
    chapter = models.ForeignKey(
        Chapter, verbose_name="章", on_delete=models.CASCADE, related_name="measures"
    )
    number = models.PositiveSmallIntegerField("条目序号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    responsibility_text = models.TextField("责任单位原文", blank=True)
    bureaus: models.ManyToManyField[Bureau, Responsibility] = models.ManyToManyField(
        Bureau, through="Responsibility", related_name="measures", verbose_name="责任单位"
    )
    tiers = models.ManyToManyField(
        "enterprises.EnterpriseTier", blank=True, related_name="measures", verbose_name="适用企业"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="measures", verbose_name="主题")
    version = models.PositiveIntegerField("版本", default=1)
    # 申报指南: filled in by bureau staff, never by ingest (the documents do not say this).
    guide_eligibility = models.TextField("申报对象", blank=True, help_text="哪些企业可以申报")
    guide_conditions = models.TextField("申报条件", blank=True)
    guide_support = models.TextField("支持内容", blank=True, help_text="支持金额或支持方式")
    guide_procedure = models.TextField("申报方式", blank=True, help_text="申报渠道、流程和所需材料")
    guide_period = models.CharField("申报时间", max_length=200, blank=True)
    guide_office = models.CharField("联系处室", max_length=100, blank=True)
    guide_phone = models.CharField(
        "联系电话", max_length=50, blank=True, validators=[validate_phone]
    )
    guide_address = models.CharField("联系地址", max_length=200, blank=True)
    ingest_snapshot = models.JSONField(
        "上次导入内容",
        default=dict,
        blank=True,
        help_text="What the last ingest wrote; a field that differs from it was edited by staff.",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(m2m_fields=[tiers, themes], excluded_fields=["ingest_snapshot"])
    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        verbose_name = "措施"
        verbose_name_plural = "措施"
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="measure_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="measure_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("policies:measure_detail", args=[self.pk])


class Responsibility(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", "牵头"
        CO = "co", "配合"

    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="responsibilities"
    )
    bureau = models.ForeignKey(
        Bureau, verbose_name="单位", on_delete=models.PROTECT, related_name="responsibilities"
    )
    role = models.CharField("角色", max_length=10, choices=Role.choices)
    order = models.PositiveSmallIntegerField("顺序")
    written_as = models.CharField("原文写法", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "order"]
        verbose_name = "责任分工"
        verbose_name_plural = "责任分工"
        constraints = [
            models.UniqueConstraint(fields=["measure", "bureau"], name="responsibility_unique"),
            models.UniqueConstraint(
                fields=["measure", "order"], name="responsibility_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.number} · {self.bureau} ({self.get_role_display()})"


class Target(models.Model):
    class Kind(models.TextChoices):
        CUMULATIVE = "cumulative", "累计目标"
        PER_YEAR = "per_year", "年度目标"
        THRESHOLD = "threshold", "门槛"
        MONEY = "money", "资金/优惠"

    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="targets"
    )
    subject = models.CharField("对象", max_length=200)
    tier = models.ForeignKey(
        "enterprises.EnterpriseTier",
        verbose_name="企业梯度",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="targets",
    )
    quantity = models.DecimalField("数量", max_digits=20, decimal_places=4)
    unit = models.CharField("单位", max_length=20)
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    comparator = models.CharField(
        "限定", max_length=10, blank=True, help_text="以上、不少于、左右 …"
    )
    text = models.CharField("原文", max_length=300)
    per = models.CharField(
        "适用范围",
        max_length=30,
        blank=True,
        help_text="每条产业链、每个园区 …: the quantity is asked of each; empty for the whole city",
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "order", "pk"]
        verbose_name = "目标"
        verbose_name_plural = "目标"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0), name="target_quantity_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1949, year__lte=2100),
                name="target_year_plausible",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def qualifier(self) -> str:
        """The canonical qualifier word (以上, 不少于, 左右 …; see ingest/qualifiers.py)."""
        return self.comparator

    @property
    def scope(self) -> str:
        """Who and when, in words: "每条产业链每年", "到2028年累计", "每年", or ""."""
        if self.kind == self.Kind.PER_YEAR:
            period = "每年"
        elif self.kind == self.Kind.CUMULATIVE and self.year:
            period = f"到{self.year}年累计"
        else:
            period = ""
        return f"{self.per}{period}"


class Benefit(models.Model):
    class Kind(models.TextChoices):
        AMOUNT = "amount", "资金"
        RATE = "rate", "比例/费率"
        THRESHOLD = "threshold", "门槛"
        WAIVER = "waiver", "免缴/减免"
        DISCOUNT = "discount", "折扣"
        SUPPORT = "support", "支持"
        SERVICE = "service", "服务"
        PRIORITY = "priority", "优先/快速办理"
        ELIGIBILITY = "eligibility", "申报资格"

    measure = models.ForeignKey(
        Measure, verbose_name="措施", on_delete=models.CASCADE, related_name="benefits"
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    text = models.TextField("原文", help_text="the measure's words stating it")
    recipient = models.TextField("适用对象", blank=True, help_text="who qualifies, as written")
    quantity = models.DecimalField("数额", max_digits=20, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True, help_text="万元, %, 年, 折 …")
    qualifier = models.CharField(
        "限定", max_length=10, blank=True, help_text="最高, 不高于, 以上 … (ingest/qualifiers.py)"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["measure", "order", "pk"]
        verbose_name = "优惠与条件"
        verbose_name_plural = "优惠与条件"
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="benefit_quantity_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | ~Q(unit=""), name="benefit_quantity_has_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.line

    @property
    def line(self) -> str:
        """One line for people: the words, and who qualifies when the words leave it out
        ("博士后人才3年租金免缴（适用对象：中小企业新引进高校毕业生）")."""
        if self.recipient and self.recipient not in self.text:
            return f"{self.text}（适用对象：{self.recipient}）"
        return self.text


class CitationQuerySet(models.QuerySet):
    def with_passages(self) -> CitationQuerySet:
        """What a citation's page link and label need, joined in."""
        return self.select_related("citing", "citing__reply", "measure", "section__reply")


class Citation(models.Model):
    """A passage citing a document by its 文号: a measure, a reply section, or a part of a
    document (preamble, closing, a reply's intro or next steps). Rebuilt at ingest from the
    stored texts (`ingest.citations.sync_citations`)."""

    class Part(models.TextChoices):
        PREAMBLE = "preamble", "序言"
        MEASURE = "measure", "措施"
        CLOSING = "closing", "附则"
        INTRO = "intro", "答复引言"
        SECTION = "section", "答复段落"
        NEXT_STEPS = "next_steps", "下一步工作"

    class Relation(models.TextChoices):
        CITES = "cites", "引用"
        REPEALS = "repeals", "废止"
        PROPOSES_REPEAL = "proposes_repeal", "拟废止"

    cited = models.ForeignKey(
        PolicyDocument, verbose_name="被引文件", on_delete=models.CASCADE, related_name="citations"
    )
    citing = models.ForeignKey(
        PolicyDocument,
        verbose_name="引用文件",
        on_delete=models.CASCADE,
        related_name="outgoing_citations",
    )
    part = models.CharField("位置", max_length=20, choices=Part.choices)
    measure = models.ForeignKey(
        "policies.Measure",
        verbose_name="措施",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    section = models.ForeignKey(
        "replies.ReplySection",
        verbose_name="答复段落",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
    )
    relation = models.CharField("关系", max_length=20, choices=Relation.choices)
    written_as = models.CharField("原文写法", max_length=60)
    title = models.CharField("引用时的标题", max_length=300, blank=True)
    order = models.PositiveIntegerField("顺序", default=0)

    objects = CitationQuerySet.as_manager()

    class Meta:
        ordering = ["citing", "order"]
        verbose_name = "文件引用"
        verbose_name_plural = "文件引用"
        constraints = [
            models.UniqueConstraint(fields=["citing", "order"], name="citation_unique_order"),
        ]

    def __str__(self) -> str:
        return f"{self.citing} → {self.written_as}"

    def get_absolute_url(self) -> str:
        """The citing passage's page: the measure, the reply section, or the citing document."""
        if self.measure is not None:
            return self.measure.get_absolute_url()
        if self.section is not None:
            return f"{self.section.reply.get_absolute_url()}#section-{self.section_id}"
        if self.part in (self.Part.INTRO, self.Part.NEXT_STEPS) and hasattr(self.citing, "reply"):
            return self.citing.reply.get_absolute_url()
        return self.citing.get_absolute_url()

    @property
    def passage_label(self) -> str:
        """Where the citation stands, for people: "第7条", "一、（二） 标题", "附则"."""
        if self.measure is not None:
            return f"第{self.measure.number}条 {self.measure.title}"
        if self.section is not None:
            return f"{self.section.marker}{self.section.heading}"
        return self.get_part_display()


class BureauMembership(models.Model):
    """A staff member of a bureau: may edit the measures the bureau is responsible for."""

    user = models.ForeignKey(
        "auth.User",
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="bureau_memberships",
    )
    bureau = models.ForeignKey(
        Bureau, verbose_name="单位", on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = "单位工作人员"
        verbose_name_plural = "单位工作人员"
        constraints = [
            models.UniqueConstraint(fields=["user", "bureau"], name="bureaumembership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.bureau}"
