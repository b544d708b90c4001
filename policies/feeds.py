"""Atom feeds: every bureau, tier and theme, and any search (Django's syndication framework)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.http import urlencode

import search as search_engine
from enterprises.models import EnterpriseTier
from replies.models import Reply, ReplySection

from .filters import measure_filter
from .lookups import clean_text
from .models import Bureau, Measure, Theme

SITE = "专精特新政策知识库"
FEED_SIZE = 50


def _reply_date(reply: Reply) -> dt.datetime | None:
    if reply.published_at:
        return reply.published_at
    if reply.date:
        return timezone.make_aware(dt.datetime.combine(reply.date, dt.time()))
    return reply.document.ingested_at  # an undated reply: when it entered the knowledge base


class TextSummaryAtom1Feed(Atom1Feed):
    """Atom whose summaries are `type="text"`: they are plain staff-edited text, which a reader
    must show as typed, never interpret as markup (Django's Atom1Feed declares `html`)."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


@dataclass
class _DatedHit(search_engine.Hit):
    """A search hit with the date Atom wants for its entry."""

    updated: dt.datetime | None = None


class _Feed(Feed):
    """Items may be measures, replies, reply sections or search hits."""

    feed_type = TextSummaryAtom1Feed

    def item_title(self, item) -> str:
        if isinstance(item, Measure):
            return f"{item.number}. {item.title}"
        if isinstance(item, ReplySection):
            return f"{item.reply.title} · {item.marker}{item.heading}"
        return item.title

    def item_description(self, item) -> str:
        if isinstance(item, Measure):
            return item.body
        if isinstance(item, ReplySection):
            return item.text or item.heading
        if isinstance(item, Reply):
            return item.intro
        return strip_tags(item.snippet)

    def item_link(self, item) -> str:
        return item.url if isinstance(item, search_engine.Hit) else item.get_absolute_url()

    def item_updateddate(self, item) -> dt.datetime | None:
        if isinstance(item, Measure):
            return item.updated_at
        if isinstance(item, ReplySection):
            return _reply_date(item.reply)
        if isinstance(item, Reply):
            return _reply_date(item)
        return item.updated if isinstance(item, _DatedHit) else None


class BureauFeed(_Feed):
    def get_object(self, request, pk: int) -> Bureau:
        return get_object_or_404(Bureau, pk=pk)

    def title(self, bureau: Bureau) -> str:
        return f"{bureau.short_name}负责的措施与答复 · {SITE}"

    def link(self, bureau: Bureau) -> str:
        return bureau.get_absolute_url()

    def subtitle(self, bureau: Bureau) -> str:
        return f"{bureau.name}牵头或配合的措施，以及其答复或会办的政协提案和人大代表建议。"

    def items(self, bureau: Bureau) -> list:
        measures = measure_filter({"bureau": bureau.pk})
        replies = Reply.objects.filter(bureau=bureau) | Reply.objects.filter(co_bureaus=bureau)
        return [
            *measures.order_by("-updated_at")[:FEED_SIZE],
            *replies.distinct().select_related("document").order_by("-date")[:FEED_SIZE],
        ]


class TierFeed(_Feed):
    def get_object(self, request, slug: str) -> EnterpriseTier:
        return get_object_or_404(EnterpriseTier, slug=slug)

    def title(self, tier: EnterpriseTier) -> str:
        return f"适用于{tier.name}的措施 · {SITE}"

    def link(self, tier: EnterpriseTier) -> str:
        return reverse("enterprises:tier_detail", args=[tier.slug])

    def subtitle(self, tier: EnterpriseTier) -> str:
        return f"适用于{tier.name}的措施：面向它本身及其所依托的各层级企业的措施。"

    def items(self, tier: EnterpriseTier) -> list:
        measures = measure_filter({"tier": tier.slug})
        return list(measures.order_by("-updated_at")[:FEED_SIZE])


class ThemeFeed(_Feed):
    def get_object(self, request, slug: str) -> Theme:
        return get_object_or_404(Theme, slug=slug)

    def title(self, theme: Theme) -> str:
        return f"主题“{theme.name}” · {SITE}"

    def link(self, theme: Theme) -> str:
        return reverse("policies:theme_detail", args=[theme.slug])

    def subtitle(self, theme: Theme) -> str:
        return f"与{theme.name}有关的措施和答复段落。"

    def items(self, theme: Theme) -> list:
        sections = ReplySection.objects.filter(themes=theme).select_related("reply__document")
        return [
            *measure_filter({"theme": theme.slug}).order_by("-updated_at")[:FEED_SIZE],
            *sections.order_by("reply_id", "order")[:FEED_SIZE],
        ]


class SearchFeed(_Feed):
    def get_object(self, request) -> str:
        return clean_text(request.GET.get("q"))

    def title(self, query: str) -> str:
        return f"搜索“{query}” · {SITE}" if query else f"搜索 · {SITE}"

    def link(self, query: str) -> str:
        return reverse("policies:search") + (f"?{urlencode({'q': query})}" if query else "")

    def subtitle(self, query: str) -> str:
        return "按相关度排列的搜索结果。"

    def items(self, query: str) -> list:
        hits = search_engine.search(query, limit=FEED_SIZE).hits if query else []
        # Atom wants an `updated` per entry: the measure's last change or the reply's date
        # (two queries), else the time of this answer.
        measures = dict(
            Measure.objects.filter(pk__in=[h.id for h in hits if h.type == "measure"]).values_list(
                "pk", "updated_at"
            )
        )
        of_replies = [h for h in hits if h.type in ("reply", "reply_section")]
        replies = {
            r.pk: _reply_date(r)
            for r in Reply.objects.filter(
                pk__in={h.extra.get("reply_id") for h in of_replies}
            ).select_related("document")
        }
        now = timezone.now()

        def updated(hit) -> dt.datetime | None:
            if hit.type == "measure":
                return measures.get(hit.id)
            if hit.type in ("reply", "reply_section"):
                return replies.get(hit.extra.get("reply_id"))
            return None

        return [_DatedHit(**vars(hit), updated=updated(hit) or now) for hit in hits]
