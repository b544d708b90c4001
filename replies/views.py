from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from .models import Reply


@require_safe
def reply_detail(request, pk: int):
    reply = get_object_or_404(
        Reply.objects.select_related("bureau").prefetch_related("co_bureaus", "figures"), pk=pk
    )
    return render(
        request,
        "replies/reply_detail.html",
        {"reply": reply, "sections": reply.sections.order_by("order")},
    )
