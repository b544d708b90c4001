"""The public site's policy pages. Each renders in a fixed number of queries whatever the data
size (tests pin the counts); bad parameters are reported on the page, never a 500."""

from __future__ import annotations

import math

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.http import require_safe

import search as search_engine
from enterprises.models import EnterpriseTier
from replies.models import Reply, ReplySection
from search import registry as search_registry
from search.shortcuts import shortcut_url

from .filters import MeasureFilterSet, named_filters, page_filter, search_filters
from .lookups import clean_text, positive_int
from .models import Bureau, Chapter, Citation, Measure, PolicyDocument, Responsibility, Theme
from .related import related_passages

SEARCH_PAGE_SIZE = 20


@require_safe
def home(request):
    documents = PolicyDocument.objects.order_by("kind", "-published_on")
    return render(
        request,
        "policies/home.html",
        {
            "documents": [d for d in documents if d.kind != PolicyDocument.Kind.CPPCC_REPLY],
            "replies": Reply.objects.select_related("bureau").order_by("-date", "proposal_number"),
            "tiers": EnterpriseTier.objects.ladder_order(),
            # Aggregates drop Meta.ordering, so the order is spelled out.
            "themes": Theme.objects.annotate(measure_count=Count("measures")).order_by(
                "order", "name"
            ),
            "measure_count": Measure.objects.count(),
        },
    )


def _facet_labels(result) -> list[dict]:
    """The engine's facet counts, labelled, most frequent first (no query: the engine labels them)."""
    titles = {
        "type": "结果类型",
        "bureau": "责任单位",
        "tier": "企业类型",
        "theme": "主题",
        "document": "文件",
    }
    labels = getattr(result, "facet_labels", None) or {}
    out = []
    for name, counts in (result.facets or {}).items():
        if name not in titles or not counts:
            continue
        named = labels.get(name) or (search_registry.labels() if name == "type" else {})
        values = [
            {"value": str(k), "label": named.get(str(k), str(k)), "count": c}
            for k, c in sorted(counts.items(), key=lambda kv: -kv[1])
        ]
        out.append({"name": name, "title": titles[name], "values": values[:12]})
    return out


@require_safe
def search(request):
    query = clean_text(request.GET.get("q"))
    page = positive_int(request.GET.get("page"))
    if query and page == 1 and (target := shortcut_url(query)):
        _log(query, 1)
        return redirect(target)
    kwargs, picked = search_filters(request.GET)
    result = search_engine.search(
        query, limit=SEARCH_PAGE_SIZE, offset=(page - 1) * SEARCH_PAGE_SIZE, **kwargs
    )
    pages = max(1, math.ceil(result.count / SEARCH_PAGE_SIZE))
    if page == 1:
        _log(query, result.count)
    return render(
        request,
        "policies/search.html",
        {
            "query": query,
            # The same words without related words: each one quoted (search.query).
            "exact_query": " ".join(f'"{word}"' for word in query.replace('"', " ").split()),
            "result": result,
            "page": page,
            "pages": pages,
            "page_range": range(max(1, page - 3), min(pages, page + 3) + 1),
            "first_shown": (page - 1) * SEARCH_PAGE_SIZE + 1,
            "problems": picked.problems,
            "chosen": picked.chosen,
            "facets": _facet_labels(result),
            "suggestions": [f for f in named_filters(query) if f.kind not in picked.chosen],
            "types": search_registry.labels(),
            "themes": Theme.objects.all(),
            "tiers": EnterpriseTier.objects.ladder_order(),
        },
    )


def _log(query: str, count: int) -> None:
    # The search helper's query log; absent in older trees, and never worth a failed page.
    log = getattr(search_engine, "log_search", None)
    if query and log is not None:
        log(query, count)


@require_safe
def measure_list(request):
    found = page_filter(
        MeasureFilterSet, request.GET, Measure.objects.for_list().order_by("document", "number")
    )
    measures, picked = found.qs, found.picked
    return render(
        request,
        "policies/measure_list.html",
        {
            "measures": measures,
            "problems": picked.problems,
            "chosen": picked.chosen,
            "chapters": Chapter.objects.filter(document__kind="measures").order_by("number"),
            "bureaus": Bureau.objects.filter(responsibilities__isnull=False).distinct(),
            "tiers": EnterpriseTier.objects.ladder_order(),
            "themes": Theme.objects.all(),
        },
    )


def _guide_template() -> str | None:
    # The staff helper's application-guide include; the page works without it.
    try:
        get_template("policies/_guide.html")
    except TemplateDoesNotExist:
        return None
    return "policies/_guide.html"


@require_safe
def measure_detail(request, pk: int):
    measure = get_object_or_404(Measure.objects.for_list(), pk=pk)
    neighbours = {
        m.number: m
        for m in Measure.objects.filter(
            document_id=measure.document_id, number__in=[measure.number - 1, measure.number + 1]
        ).only("pk", "number", "title")
    }
    return render(
        request,
        "policies/measure_detail.html",
        {
            "measure": measure,
            "repeals": measure.document.repeals.all(),
            "pending_repeals": pending_repeals_by(measure.document),
            "passages": related_passages(measure),
            "previous": neighbours.get(measure.number - 1),
            "next": neighbours.get(measure.number + 1),
            "guide_template": _guide_template(),
        },
    )


@require_safe
def bureau_list(request):
    bureaus = Bureau.objects.with_measure_counts().annotate(
        reply_count=Count("replies", distinct=True) + Count("co_handled_replies", distinct=True)
    )
    return render(
        request,
        "policies/bureau_list.html",
        {"bureaus": bureaus.order_by("-lead_count", "-measure_count", "name")},
    )


@require_safe
def bureau_detail(request, pk: int):
    bureau = get_object_or_404(Bureau.objects.prefetch_related("aliases"), pk=pk)
    links = bureau.responsibilities.select_related("measure").order_by(
        "measure__document", "measure__number"
    )
    return render(
        request,
        "policies/bureau_detail.html",
        {
            "bureau": bureau,
            "leads": [r for r in links if r.role == Responsibility.Role.LEAD],
            "co_leads": [r for r in links if r.role != Responsibility.Role.LEAD],
            "answered": bureau.replies.all(),
            "co_handled": bureau.co_handled_replies.select_related("bureau"),
        },
    )


@require_safe
def document_detail(request, pk: int):
    document = get_object_or_404(
        PolicyDocument.objects.select_related("repealed_by", "reply").prefetch_related(
            "citations__citing"
        ),
        pk=pk,
    )
    chapters = document.chapters.prefetch_related(
        Prefetch(
            "measures",
            queryset=Measure.objects.order_by("number").only("pk", "number", "title", "chapter_id"),
        )
    )
    cited_by = document.citations.with_passages().order_by("citing__kind", "citing_id", "order")
    return render(
        request,
        "policies/document_detail.html",
        {
            "document": document,
            "chapters": chapters,
            "repeals": document.repeals.all(),
            "pending_repeals": pending_repeals_by(document),
            "cited_by": cited_by,
        },
    )


def pending_repeals_by(document: PolicyDocument):
    """The documents a draft proposes to repeal (its own closing clause says so)."""
    return document.outgoing_citations.filter(
        relation=Citation.Relation.PROPOSES_REPEAL
    ).select_related("cited")


@require_safe
def theme_detail(request, slug: str):
    theme = get_object_or_404(Theme, slug=slug)
    sections = (
        ReplySection.objects.filter(themes=theme)
        .select_related("reply")
        .order_by("reply__date", "reply_id", "order")[:30]
    )
    return render(
        request,
        "policies/theme_detail.html",
        {
            "theme": theme,
            "measures": Measure.objects.for_list()
            .filter(themes=theme)
            .order_by("document", "number"),
            "sections": sections,
        },
    )
