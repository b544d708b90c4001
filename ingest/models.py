"""The ingest log and what it needs to recognise a document: every run is recorded with its
plan and its original file; every text ever ingested is fingerprinted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse


class IngestRun(models.Model):
    """One file taken in (or refused): by the command, the upload page or the API."""

    class Via(models.TextChoices):
        COMMAND = "command", "命令行"
        UPLOAD = "upload", "上传页面"
        API = "api", "API"

    class Outcome(models.TextChoices):
        PLANNED = "planned", "已预览，未确认"
        CREATED = "created", "新建"
        UPDATED = "updated", "更新"
        UNCHANGED = "unchanged", "无变化"
        DUPLICATE = "duplicate", "已导入过"
        REFUSED = "refused", "拒绝"

    started_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    via = models.CharField("方式", max_length=10, choices=Via.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ingest_runs",
    )
    file_name = models.CharField("文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）", default=0)
    checksum = models.CharField("SHA-256", max_length=64, blank=True)
    fingerprint = models.CharField(
        "文本指纹", max_length=64, blank=True, help_text="SHA-256 of the normalised text"
    )
    format = models.CharField("格式", max_length=10, blank=True)
    kind = models.CharField("文件类型", max_length=20, blank=True)
    document = models.ForeignKey(
        "policies.PolicyDocument",
        verbose_name="文件",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ingest_runs",
    )
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    message = models.CharField("说明", max_length=500, blank=True)
    allow_removals = models.BooleanField("允许删除", default=False)
    corrections = models.JSONField("人工更正", default=dict, blank=True)
    created = models.PositiveIntegerField("新增", default=0)
    changed = models.PositiveIntegerField("修改", default=0)
    kept = models.PositiveIntegerField("保留的人工修改", default=0)
    removed = models.PositiveIntegerField("删除", default=0)
    warnings = models.JSONField("警告", default=list, blank=True)
    plan = models.JSONField("导入计划", default=dict, blank=True)
    original = models.FileField("原始文件", upload_to="ingest/originals/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"

    def __str__(self) -> str:
        return f"{self.file_name} · {self.get_outcome_display()}"

    def get_absolute_url(self) -> str:
        return reverse("ingest:run_detail", args=[self.pk])

    @property
    def who(self) -> str:
        if self.user is not None:
            return self.user.get_username()
        return self.get_via_display()


class TextFingerprint(models.Model):
    """A normalised text that was ingested as a document: the same text again, under any name
    or in any encoding or format, is that document."""

    fingerprint = models.CharField("文本指纹", max_length=64, unique=True)
    document = models.ForeignKey(
        "policies.PolicyDocument",
        verbose_name="文件",
        on_delete=models.CASCADE,
        related_name="text_fingerprints",
    )
    file_name = models.CharField("首次导入的文件名", max_length=255)
    corrections = models.JSONField(
        "人工更正", default=dict, blank=True, help_text="applied again when this text comes back"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "文本指纹"
        verbose_name_plural = "文本指纹"

    def __str__(self) -> str:
        return f"{self.fingerprint[:12]} → {self.file_name}"
