"""Superusers extend the related words of search/data/related_words.toml here."""

from django.contrib import admin

from .models import RelatedWord


@admin.register(RelatedWord)
class RelatedWordAdmin(admin.ModelAdmin):
    list_display = ["word", "related", "note", "updated_at"]
    search_fields = ["word", "related"]

    # Only superusers: a related word changes every search that contains it.
    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
