from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from enterprises.models import EnterpriseTier

from .models import Bureau, Measure, PolicyDocument, Theme


@require_safe
def home(request):
    return render(
        request,
        "policies/home.html",
        {
            "documents": PolicyDocument.objects.exclude(source_file=""),
            "tiers": EnterpriseTier.objects.ladder_order(),
            "themes": Theme.objects.all(),
        },
    )


@require_safe
def measure_list(request):
    measures = Measure.objects.for_list()
    return render(request, "policies/measure_list.html", {"measures": measures})


@require_safe
def measure_detail(request, pk: int):
    measure = get_object_or_404(Measure.objects.for_list(), pk=pk)
    return render(request, "policies/measure_detail.html", {"measure": measure})


@require_safe
def bureau_detail(request, pk: int):
    bureau = get_object_or_404(Bureau.objects.prefetch_related("aliases"), pk=pk)
    responsibilities = bureau.responsibilities.select_related("measure").order_by("measure__number")
    return render(
        request,
        "policies/bureau_detail.html",
        {"bureau": bureau, "responsibilities": responsibilities},
    )


@require_safe
def document_detail(request, pk: int):
    document = get_object_or_404(PolicyDocument, pk=pk)
    chapters = document.chapters.prefetch_related("measures")
    return render(
        request, "policies/document_detail.html", {"document": document, "chapters": chapters}
    )
