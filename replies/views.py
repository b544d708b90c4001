from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from policies.models import Measure
from policies.related import related_measures_by_section

from .models import Reply, ReplySection, ReportedFigure


@dataclass
class SectionNode:
    """A reply section with what its page shows under it."""

    section: ReplySection
    figures: list[ReportedFigure]
    measures: list[Measure]
    children: list[SectionNode]


@require_safe
def reply_list(request):
    replies = (
        Reply.objects.select_related("bureau", "document")
        .prefetch_related("co_bureaus")
        .annotate(section_count=Count("sections", distinct=True))
        .order_by("-date", "proposal_number")
    )
    return render(request, "replies/reply_list.html", {"replies": replies})


@require_safe
def reply_detail(request, pk: int):
    reply = get_object_or_404(Reply.objects.select_related("bureau", "document"), pk=pk)
    sections = list(
        ReplySection.objects.filter(reply=reply).prefetch_related("themes").order_by("order")
    )
    figures = ReportedFigure.objects.filter(reply=reply).select_related("tier").order_by("order")
    by_section: defaultdict[int | None, list[ReportedFigure]] = defaultdict(list)
    for figure in figures:
        by_section[figure.section_id].append(figure)
    related = related_measures_by_section([s.pk for s in sections])
    # The sections as a tree (一、 > （一） > 一是), built here so the template stays flat.
    children: defaultdict[int | None, list[SectionNode]] = defaultdict(list)
    for section in sections:
        node = SectionNode(
            section,
            figures=by_section.get(section.pk, []),
            measures=related.get(section.pk, []),
            children=children[section.pk],  # filled as the loop reaches them
        )
        children[section.parent_id].append(node)
    return render(
        request,
        "replies/reply_detail.html",
        {
            "reply": reply,
            "sections": children.get(None, []),
            "figures": figures,
            "unplaced_figures": by_section.get(None, []),
        },
    )
