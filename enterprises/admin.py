from django.contrib import admin

from .models import EnterpriseTier


@admin.register(EnterpriseTier)
class EnterpriseTierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "ladder", "rank", "parent"]
    list_filter = ["ladder"]
    search_fields = ["name", "slug"]
