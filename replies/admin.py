from django.contrib import admin

from .models import Reply, ReplySection, ReportedFigure


class ReplySectionInline(admin.TabularInline):
    model = ReplySection
    extra = 0
    fields = ["order", "level", "marker", "heading", "parent"]
    show_change_link = True


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "proposal_number", "session", "date", "bureau"]
    search_fields = ["title", "proposal_number"]
    inlines = [ReplySectionInline]


@admin.register(ReplySection)
class ReplySectionAdmin(admin.ModelAdmin):
    list_display = ["reply", "marker", "heading", "level"]
    list_filter = ["reply", "level"]


@admin.register(ReportedFigure)
class ReportedFigureAdmin(admin.ModelAdmin):
    list_display = ["reply", "subject", "quantity", "unit", "year"]
    list_filter = ["year", "tier"]
