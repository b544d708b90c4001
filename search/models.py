"""Derived data for search (tables keep the names they had when search lived in `portal`): one index row per searchable object, related passages, the query log.

Nothing here is edited by hand. `search.signals` keeps SearchEntry rows current on every write to
the objects they describe, and the database derives its full-text index from the token columns:
a stored, generated tsvector with a GIN index on PostgreSQL, an FTS5 table fed by triggers on
SQLite (both created by vendor-conditional migrations, so the model does not name them).
"""

from __future__ import annotations

from django.db import models

from search import registry


class SearchEntry(models.Model):
    # The kinds are whatever the apps register (search.registry), read when choices are needed.
    kind = models.CharField("类型", max_length=20, choices=registry.choices)
    object_id = models.PositiveBigIntegerField("对象")
    document = models.ForeignKey(
        "policies.PolicyDocument",
        verbose_name="文件",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField("显示标题", max_length=400)
    body = models.TextField("原文", blank=True)
    url = models.CharField("链接", max_length=300)
    extra = models.JSONField("附加字段", default=dict, blank=True)
    facet_keys = models.TextField(
        "分面",
        blank=True,
        help_text="Space-separated b:<bureau id> t:<tier slug> m:<theme slug> d:<document id>.",
    )
    title_tokens = models.TextField("标题分词", blank=True)
    body_tokens = models.TextField("正文分词", blank=True)
    keyword_tokens = models.TextField(
        "结构字段", blank=True, help_text="Entity tokens: xb<bureau id>, xt<tier id>, xm<theme id>."
    )
    plain = models.TextField(
        "检索原文", blank=True, help_text="Title and body normalised, letters and digits only."
    )
    boost = models.FloatField(
        "权重",
        default=1.0,
        help_text="Multiplies the rank: a target, a figure or a bare heading counts for less.",
    )
    seg_version = models.CharField("分词版本", max_length=20)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    class Meta:
        db_table = "portal_searchentry"
        verbose_name = "搜索条目"
        verbose_name_plural = "搜索条目"
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="searchentry_unique_object")
        ]
        indexes = [models.Index(fields=["seg_version"], name="searchentry_seg_version")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"


class RelatedPassage(models.Model):
    """A reply section that speaks of the same thing as a measure (tf-idf over the segmented
    text plus shared themes), computed at ingest."""

    measure = models.ForeignKey(
        "policies.Measure",
        verbose_name="措施",
        on_delete=models.CASCADE,
        related_name="related_passages",
    )
    section = models.ForeignKey(
        "replies.ReplySection",
        verbose_name="答复段落",
        on_delete=models.CASCADE,
        related_name="related_measures",
    )
    score = models.FloatField("相关度")
    rank = models.PositiveSmallIntegerField("名次")
    shared_terms = models.JSONField("共同词语", default=list, blank=True)

    class Meta:
        ordering = ["measure", "rank"]
        db_table = "portal_relatedpassage"
        verbose_name = "相关段落"
        verbose_name_plural = "相关段落"
        constraints = [
            models.UniqueConstraint(fields=["measure", "section"], name="relatedpassage_unique"),
            models.CheckConstraint(
                condition=models.Q(score__gt=0, score__lte=1), name="relatedpassage_score_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure_id} ↔ {self.section_id} ({self.score:.2f})"


class SearchLog(models.Model):
    """What people search for and how many results they got; no user, address or session."""

    query = models.CharField("查询", max_length=200)
    result_count = models.PositiveIntegerField("结果数")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        db_table = "portal_searchlog"
        verbose_name = "搜索记录"
        verbose_name_plural = "搜索记录"

    def __str__(self) -> str:
        return f"{self.query} ({self.result_count})"


class RelatedWord(models.Model):
    """A word owners type and the documents' words it should also find, added by a superuser to
    the entries of search/data/related_words.toml (search.related_words)."""

    word = models.CharField(
        "公众用语", max_length=40, unique=True, help_text="What people type, e.g. 房租."
    )
    related = models.CharField(
        "也搜索",
        max_length=400,
        help_text="The documents' words, separated by spaces or 、, e.g. 租金 租房.",
    )
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["word"]
        verbose_name = "相关词"
        verbose_name_plural = "相关词"

    def __str__(self) -> str:
        return f"{self.word} → {self.related}"

    def related_list(self) -> list[str]:
        return [w for w in self.related.replace("、", " ").replace(",", " ").split() if w]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from search.segmentation import squash

        self.word = self.word.strip()
        errors = {}
        if len(squash(self.word)) < 2:
            errors["word"] = "至少两个汉字或字母、数字。"
        words = self.related_list()
        if not words:
            errors["related"] = "至少填写一个相关词。"
        elif any(len(squash(w)) < 2 for w in words):
            errors["related"] = "每个相关词至少两个汉字或字母、数字。"
        elif any(squash(w) == squash(self.word) for w in words):
            errors["related"] = "相关词不能与公众用语相同。"
        if errors:
            raise ValidationError(errors)
        self.related = " ".join(dict.fromkeys(words))
