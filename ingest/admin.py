from django.contrib import admin
from django.utils.html import format_html

from .models import IngestRun, TextFingerprint


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    """The ingest log, read-only: runs are written by the ingest service alone."""

    list_display = [
        "started_at",
        "file_name",
        "via",
        "user",
        "outcome",
        "created",
        "changed",
        "removed",
        "kept",
        "document",
        "original_link",
    ]
    list_filter = ["outcome", "via", "kind", "format"]
    search_fields = ["file_name", "fingerprint", "checksum", "message", "user__username"]
    date_hierarchy = "started_at"
    list_select_related = ["user", "document"]

    @admin.display(description="原始文件")
    def original_link(self, run: IngestRun):
        if not run.original:
            return "—"
        return format_html('<a href="{}">下载</a>', run.get_absolute_url() + "original/")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TextFingerprint)
class TextFingerprintAdmin(admin.ModelAdmin):
    list_display = ["fingerprint", "document", "file_name", "created_at"]
    search_fields = ["fingerprint", "file_name"]
    list_select_related = ["document"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
