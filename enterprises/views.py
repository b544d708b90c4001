from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from policies.models import Measure

from .models import EnterpriseTier


@require_safe
def tier_detail(request, slug: str):
    tier = get_object_or_404(EnterpriseTier.objects.select_related("parent"), slug=slug)
    measures = Measure.objects.applicable_to(tier).order_by("number")
    return render(request, "enterprises/tier_detail.html", {"tier": tier, "measures": measures})
