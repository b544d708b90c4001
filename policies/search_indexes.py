"""What policies makes searchable: measures, their targets, and bureaus (search.registry)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Prefetch

from search.registry import PART_BOOST, SearchKind, Source, document_ref, refs, register

# The measures are what an owner can act on; a reply section reports what was done. At equal
# relevance the measure comes first.
MEASURE_BOOST = 1.5


def _bureaus(responsibilities) -> list[tuple[int, str]]:
    return [(r.bureau_id, r.bureau.short_name or r.bureau.name) for r in responsibilities]


def _responsibilities():
    from .models import Responsibility

    return Prefetch(
        "responsibilities",
        queryset=Responsibility.objects.select_related("bureau").order_by("order"),
    )


def measure_sources(ids: list[int]) -> Iterator[Source]:
    from .models import Measure

    measures = Measure.objects.filter(pk__in=ids).select_related("document")
    measures = measures.prefetch_related(_responsibilities(), "tiers", "themes")
    for m in measures:
        yield Source(
            "measure",
            m.pk,
            document_ref(m.document),
            f"{m.number}. {m.title}",
            m.title,
            m.body,
            m.get_absolute_url(),
            {"number": m.number},
            _bureaus(m.responsibilities.all()),
            refs(m.tiers.all()),
            refs(m.themes.all()),
        )


def target_sources(ids: list[int]) -> Iterator[Source]:
    from .models import Responsibility, Target

    targets = Target.objects.filter(pk__in=ids).select_related("measure__document", "tier")
    targets = targets.prefetch_related(
        Prefetch(
            "measure__responsibilities",
            queryset=Responsibility.objects.select_related("bureau").order_by("order"),
        ),
        "measure__themes",
    )
    for t in targets:
        m = t.measure
        yield Source(
            "target",
            t.pk,
            document_ref(m.document),
            f"{m.number}. {m.title} · 目标：{t.subject}",
            t.subject,
            t.text,
            m.get_absolute_url(),
            {"measure_id": m.pk, "number": m.number, "year": t.year},
            _bureaus(m.responsibilities.all()),
            refs([t.tier] if t.tier else []),
            refs(m.themes.all()),
        )


def bureau_sources(ids: list[int]) -> Iterator[Source]:
    from .models import Bureau

    for b in Bureau.objects.filter(pk__in=ids).prefetch_related("aliases"):
        aliases = [a.name for a in b.aliases.all()]
        yield Source(
            "bureau",
            b.pk,
            None,
            b.name,
            f"{b.name} {b.short_name}",
            f"简称：{b.short_name}" + (f"；又称：{'、'.join(aliases)}" if aliases else ""),
            b.get_absolute_url(),
            {"short_name": b.short_name},
            [(b.pk, b.short_name or b.name)],
        )


register(
    SearchKind(
        "measure",
        "措施",
        "policies.Measure",
        measure_sources,
        order=0,
        boost=MEASURE_BOOST,
        lead_bureau=True,
    ),
    # A target is one clause of a measure: short, so it would outrank the measure itself.
    SearchKind("target", "目标", "policies.Target", target_sources, order=3, boost=PART_BOOST),
    SearchKind("bureau", "责任单位", "policies.Bureau", bureau_sources, order=5),
)
