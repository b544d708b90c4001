from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from ingest.vocab import industry_specs
from policies.models import Measure, Target, Theme
from replies.models import ReplySection, ReportedFigure

from .finder import find_measures, finder_query
from .models import EnterpriseTier, standing_on_among
from .progress import progress_chart, progress_rows


@require_safe
def tier_detail(request, slug: str):
    tier = get_object_or_404(EnterpriseTier, slug=slug)
    standing = EnterpriseTier.objects.standing(tier)
    tiers = list(EnterpriseTier.objects.order_by("rank", "name"))
    measures = list(Measure.objects.applicable_to(tier).for_list().order_by("document", "number"))
    for measure in measures:
        named = {t.pk for t in measure.tiers.all()}
        measure.standing = next(s for s in standing if s.tier.pk in named)
    return render(
        request,
        "enterprises/tier_detail.html",
        {
            "tier": tier,
            "ladder": [t for t in tiers if t.ladder == tier.ladder],
            "below": [s for s in standing if not s.direct],
            "above": standing_on_among(tier, tiers),
            "measures": measures,
            "open_measures": Measure.objects.open_to_every_tier().only("pk", "number", "title"),
            "targets": Target.objects.filter(tier=tier).select_related("measure"),
            "figures": ReportedFigure.objects.filter(tier=tier).select_related("reply"),
            "sections": ReplySection.objects.filter(tiers=tier).select_related("reply")[:20],
        },
    )


@require_safe
def finder(request):
    query = finder_query(
        tier=request.GET.get("tier", ""),
        industry=request.GET.get("industry", ""),
        needs=request.GET.getlist("need"),
    )
    result = find_measures(query) if not query.is_empty else None
    return render(
        request,
        "enterprises/finder.html",
        {
            "query": query,
            "result": result,
            "tiers": EnterpriseTier.objects.ladder_order(),
            "industries": industry_specs(),
            "themes": Theme.objects.all(),
            "picked_needs": {t.slug for t in query.needs},
            "share_url": request.build_absolute_uri(),
        },
    )


@require_safe
def targets(request):
    return render(request, "enterprises/targets.html", {"chart": progress_chart(progress_rows())})
