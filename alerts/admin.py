"""Superusers see subscriptions masked (z***@e***.org) and find one by typing the full address,
which is matched through its hash: the admin never lists or shows an address."""

from django.contrib import admin

from .models import Subscription
from .services import keyed_hash, mask_email, normalise_email

SHOWN = ("masked_email", "kind", "label", "query", "created_at", "confirmed_at")


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["masked_email", "kind", "label", "confirmed_at", "last_sent_at", "sent_count"]
    list_filter = ["kind", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["label"]
    search_help_text = "按条件说明搜索，或输入完整的邮箱地址查找该邮箱的订阅"
    fields = SHOWN
    readonly_fields = (*SHOWN, "last_sent_at", "sent_count")

    @admin.display(description="电子邮箱")
    def masked_email(self, obj: Subscription) -> str:
        return mask_email(obj.email)

    def get_search_results(self, request, queryset, search_term):
        if "@" in search_term:
            digest = keyed_hash("email", normalise_email(search_term))
            return queryset.filter(email_hash=digest), False
        return super().get_search_results(request, queryset, search_term)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False  # only an owner signs up, and confirms by email

    def has_change_permission(self, request, obj=None):
        return False
