from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_edit import ReadOnlyAdminMixin, ServiceEditAdminMixin
from .contacts import CONTACT_FIELDS
from .models import (
    Benefit,
    Bureau,
    BureauAlias,
    BureauMembership,
    Chapter,
    Citation,
    Measure,
    PolicyDocument,
    Responsibility,
    Target,
    Theme,
)


class BureauAliasInline(admin.TabularInline):
    model = BureauAlias
    extra = 0


@admin.register(Bureau)
class BureauAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name", "aliases__name"]
    inlines = [BureauAliasInline]
    # The contact card is edited at /staff/bureaus/<id>/contact/ (policies.contacts), so that
    # versions, history and the lost-update check hold for every editor.
    readonly_fields = [*CONTACT_FIELDS, "version"]


CITATION_FIELDS = ("citing", "part", "measure", "section", "relation", "written_as", "title")


class CitedByInline(admin.TabularInline):
    """Who cites the document: rebuilt by every ingest from the texts, so shown, not edited."""

    model = Citation
    fk_name = "cited"
    extra = 0
    can_delete = False
    fields = CITATION_FIELDS
    readonly_fields = CITATION_FIELDS
    verbose_name_plural = "被以下内容引用"

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PolicyDocument)
class PolicyDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "reference_number", "published_on", "expires_on"]
    list_filter = ["kind", "status"]
    search_fields = ["title", "reference_number"]
    inlines = [CitedByInline]


@admin.register(Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["document", "number", "title"]
    list_filter = ["document"]


class ResponsibilityInline(admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["bureau"]


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


class BenefitInline(admin.TabularInline):
    """What the measure gives, as ingest read it; an edit here is kept by every later ingest."""

    model = Benefit
    extra = 0
    fields = ["order", "kind", "text", "recipient", "quantity", "unit", "qualifier"]


@admin.register(Measure)
class MeasureAdmin(ServiceEditAdminMixin, SimpleHistoryAdmin):
    list_display = ["number", "title", "chapter", "version", "updated_at"]
    list_filter = ["document", "chapter", "themes", "tiers"]
    search_fields = ["title", "body"]
    filter_horizontal = ["tiers", "themes"]
    readonly_fields = ["version", "ingest_snapshot"]
    inlines = [ResponsibilityInline, TargetInline, BenefitInline]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["measure", "subject", "quantity", "unit", "year", "kind"]
    list_filter = ["kind", "year", "tier"]


@admin.register(BureauMembership)
class BureauMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "bureau"]
    list_filter = ["bureau"]
    search_fields = ["user__username", "bureau__name", "bureau__short_name"]
    autocomplete_fields = ["bureau"]
