"""sitemap.xml: every public page (Django's sitemaps framework, served without contrib.sites)."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from enterprises.models import EnterpriseTier
from replies.models import Reply

from .models import Bureau, Measure, PolicyDocument, Theme


class StaticSitemap(Sitemap):
    priority = 0.8

    def items(self) -> list[str]:
        return [
            "policies:home",
            "policies:measure_list",
            "policies:bureau_list",
            "enterprises:finder",
            "enterprises:targets",
            "replies:reply_list",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class MeasureSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return Measure.objects.order_by("document", "number").only("pk", "updated_at")

    def lastmod(self, measure: Measure):
        return measure.updated_at


class BureauSitemap(Sitemap):
    def items(self):
        return Bureau.objects.order_by("pk").only("pk")


class TierSitemap(Sitemap):
    def items(self):
        return EnterpriseTier.objects.order_by("pk").only("slug")

    def location(self, tier: EnterpriseTier) -> str:
        return reverse("enterprises:tier_detail", args=[tier.slug])


class ThemeSitemap(Sitemap):
    def items(self):
        return Theme.objects.order_by("pk").only("slug")

    def location(self, theme: Theme) -> str:
        return reverse("policies:theme_detail", args=[theme.slug])


class ReplySitemap(Sitemap):
    def items(self):
        return Reply.objects.order_by("pk").only("pk")


class DocumentSitemap(Sitemap):
    def items(self):
        return PolicyDocument.objects.order_by("pk").only("pk")


SITEMAPS = {
    "pages": StaticSitemap,
    "measures": MeasureSitemap,
    "bureaus": BureauSitemap,
    "tiers": TierSitemap,
    "themes": ThemeSitemap,
    "replies": ReplySitemap,
    "documents": DocumentSitemap,
}
