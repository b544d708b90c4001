"""Policy alerts (政策找企业): an owner's saved finder profile or search, and what was sent.

An address is stored only to send to it: pages, emails to others, the API and admin lists never
show it (the admin shows a mask, and finds a subscription by its address through the hash).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q


class Subscription(models.Model):
    class Kind(models.TextChoices):
        FINDER = "finder", "适用政策查询"
        SEARCH = "search", "搜索"

    # The secret in every unsubscribe link (and, signed with a timestamp, in the confirm link).
    key = models.UUIDField("密钥", default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("电子邮箱", max_length=254)
    email_hash = models.CharField("邮箱摘要", max_length=64, db_index=True, editable=False)
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    # The page's own parameters in a canonical query string ("need=financing&tier=little-giant").
    query = models.CharField("条件", max_length=500)
    label = models.CharField("条件说明", max_length=300)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    # Changes after this moment are news for the next digest.
    checked_at = models.DateTimeField("上次检查", null=True, blank=True)
    last_sent_at = models.DateTimeField("上次发送", null=True, blank=True)
    sent_count = models.PositiveIntegerField("已发送提醒", default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "政策提醒订阅"
        verbose_name_plural = "政策提醒订阅"
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "kind", "query"], name="subscription_unique_per_address"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["finder", "search"]), name="subscription_kind_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.label}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class SignupAttempt(models.Model):
    """One sign-up request, kept a day to rate-limit by address and by client (no process state:
    every app server counts the same rows). Both are keyed hashes, never the values."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    email_hash = models.CharField("邮箱摘要", max_length=64, db_index=True)
    client_hash = models.CharField("来源摘要", max_length=64, db_index=True)

    class Meta:
        verbose_name = "订阅申请记录"
        verbose_name_plural = "订阅申请记录"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"


class ContentState(models.Model):
    """What a measure or reply looked like when alerts last looked: a digest reports the items a
    subscription matches whose `changed_at` is after the subscription's `checked_at`."""

    class Change(models.TextChoices):
        NEW = "new", "新增"
        CONTENT = "content", "内容更新"
        GUIDE = "guide", "申报指南更新"

    key = models.CharField("条目", max_length=40, unique=True)  # "measure:12", "reply:3"
    content_hash = models.CharField("内容摘要", max_length=64)
    guide_hash = models.CharField("指南摘要", max_length=64, blank=True)
    # Null: the item was there when alerts first looked, so it is nobody's news.
    changed_at = models.DateTimeField("变化时间", null=True, blank=True, db_index=True)
    change = models.CharField("变化", max_length=10, choices=Change.choices, blank=True)

    class Meta:
        verbose_name = "内容状态"
        verbose_name_plural = "内容状态"

    def __str__(self) -> str:
        return self.key
