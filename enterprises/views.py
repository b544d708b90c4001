from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from policies.lookups import clean_text
from policies.models import Measure, Target, Theme
from replies.models import ReplySection, ReportedFigure

from .finder import find_measures, finder_query, industries, tier_and_below
from .models import EnterpriseTier
from .progress import progress_chart, progress_rows


@require_safe
def tier_detail(request, slug: str):
    tier = get_object_or_404(EnterpriseTier, slug=slug)
    ladder = list(EnterpriseTier.objects.filter(ladder=tier.ladder).order_by("rank", "name"))
    below = tier_and_below(tier, ladder)[1:]
    # The rungs above: tiers whose own chain down the ladder passes through this one.
    above = [t for t in ladder if t != tier and tier in tier_and_below(t, ladder)]
    direct = Measure.tiers.through.objects.filter(measure=OuterRef("pk"), enterprisetier=tier)
    measures = (
        Measure.objects.filter(tiers__in=[tier, *below])
        .distinct()
        .annotate(direct=Exists(direct))
        .for_list()
        .order_by("document", "number")
    )
    return render(
        request,
        "enterprises/tier_detail.html",
        {
            "tier": tier,
            "ladder": ladder,
            "below": below,
            "above": above,
            "measures": measures,
            "targets": Target.objects.filter(tier=tier).select_related("measure"),
            "figures": ReportedFigure.objects.filter(tier=tier).select_related("reply"),
            "sections": ReplySection.objects.filter(tiers=tier).select_related("reply")[:20],
        },
    )


@require_safe
def finder(request):
    query = finder_query(
        tier=clean_text(request.GET.get("tier"), 100),
        industry=clean_text(request.GET.get("industry"), 100),
        needs=[clean_text(n, 50) for n in request.GET.getlist("need")],
    )
    result = find_measures(query) if not query.is_empty else None
    return render(
        request,
        "enterprises/finder.html",
        {
            "query": query,
            "result": result,
            "tiers": EnterpriseTier.objects.ladder_order(),
            "industries": industries(),
            "themes": Theme.objects.all(),
            "picked_needs": {t.slug for t in query.needs},
            "share_url": request.build_absolute_uri(),
        },
    )


@require_safe
def targets(request):
    return render(request, "enterprises/targets.html", {"chart": progress_chart(progress_rows())})
