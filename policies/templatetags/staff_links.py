"""编辑 on public pages, for those who may edit what the page shows (nothing for visitors)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from policies.contacts import user_can_edit_bureau
from policies.models import Bureau, Measure
from policies.services import user_can_edit_measure

register = template.Library()


def _bureau_edit_url(user, bureau: Bureau) -> str | None:
    if not user_can_edit_bureau(user, bureau):
        return None
    return reverse("staff:bureau_contact", args=[bureau.pk])  # the bureau's contact card


@register.simple_tag(takes_context=True)
def edit_link(context, obj) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_active:
        return ""
    if isinstance(obj, Measure):
        url = (
            reverse("staff:measure_edit", args=[obj.pk])
            if user_can_edit_measure(user, obj)
            else None
        )
        what = "此措施"
    elif isinstance(obj, Bureau):
        url, what = _bureau_edit_url(user, obj), "联系方式"
    else:
        return ""
    if url is None:
        return ""
    return format_html(
        '<p class="edit-link no-print"><a class="button secondary" href="{}">编辑<span class="visually-hidden">{}</span></a></p>',
        url,
        what,
    )
