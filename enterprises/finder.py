"""The policy finder (适用政策查询): an owner's tier, industry and needs in, ranked measures out.
The page (/finder/), the API (/api/v1/finder/) and the policy alerts all call `find_measures`.

What is listed: the measure filter's answer (policies.filters) for `tier` and `need`, i.e. the
measures that apply to the tier (naming it or a tier it stands on) and meet at least one picked
need; the finder also lists the measures naming no tier at all, which exclude nobody.

Order (every reason is shown next to the measure, so the order can be checked):
1. the picked industry first: measures naming it or its chain (a keyword of industries.toml),
   then those addressing the "965" chains as a whole (which the industry is one of), then the
   rest;
2. then the score: each picked need the measure is tagged with, 3 points; naming the picked
   tier itself, 2; applying to it through a tier it stands on, 1 (a measure naming no tier: 0);
   naming the industry, 2; addressing every "965" chain, 1;
3. ties: the measure that speaks more of the picked needs (their keywords' occurrences, a
   keyword in the title counting three times: 16.提升金融服务质效 before a measure naming 融资
   once in passing); then the document's order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db.models import Q
from django.http import QueryDict
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ingest.vocab import IndustrySpec, industry_specs
from policies.filters import MeasureFilterSet, VocabularyField, page_filter
from policies.guide import benefit_lines
from policies.models import Measure, MeasureQuerySet, Theme

from .models import EnterpriseTier, Standing

# What a measure says when it addresses the city's industrial chains as a whole.
CHAIN_WORDS = ("965",)
NEED_POINTS, INDUSTRY_POINTS, CHAIN_POINTS = 3, 2, 1
DIRECT_TIER_POINTS, STANDING_TIER_POINTS = 2, 1


class IndustryField(VocabularyField):
    label_text = "行业"

    def vocabulary(self) -> list[IndustrySpec]:
        return list(industry_specs())


@extend_schema_field({"type": "string", "enum": [i.slug for i in industry_specs()]})
class IndustryFilter(filters.Filter):
    field_class = IndustryField


class FinderFilterSet(MeasureFilterSet):
    """The measure filter's `tier` and `need`, and the industry (which orders, never narrows)."""

    # django-filter drops an inherited filter that a subclass sets to None (mypy sees a retype).
    number = chapter = document = bureau = role = theme = q = None  # type: ignore[assignment]
    industry = IndustryFilter(
        method="filter_industry",
        help_text="industry slug (or name) of ingest/data/industries.toml: orders, never narrows",
    )

    IGNORED: ClassVar[dict[str, str]] = {
        **MeasureFilterSet.IGNORED,
        "industry": "未知的行业“{}”，已忽略",
    }

    class Meta:
        model = Measure
        fields = ["tier", "industry", "need"]

    def filter_tier(self, queryset, name, value):
        # What applies to the tier, as everywhere, and what names no tier (open to everyone).
        applicable = Measure.objects.applicable_to(value).values("pk")
        open_to_all = Measure.objects.open_to_every_tier().values("pk")
        return queryset.filter(Q(pk__in=applicable) | Q(pk__in=open_to_all))

    def filter_industry(self, queryset, name, value):
        return queryset

    def chosen(self) -> tuple[dict[str, Any], list[str]]:
        chosen, unmatched = super().chosen()
        if industry := self.form.cleaned_data.get("industry"):
            chosen["industry"] = industry
        return chosen, unmatched


@dataclass
class FinderQuery:
    """What the owner picked, already checked; `problems` says what was ignored and why."""

    tier: EnterpriseTier | None = None
    industry: IndustrySpec | None = None
    needs: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    filterset: FinderFilterSet | None = None

    @property
    def is_empty(self) -> bool:
        return self.tier is None and self.industry is None and not self.needs

    @classmethod
    def of(cls, filterset: FinderFilterSet, problems: list[str] | None = None) -> FinderQuery:
        """From a validated FinderFilterSet."""
        chosen, _ = filterset.chosen()
        return cls(
            tier=chosen.get("tier"),
            industry=chosen.get("industry"),
            needs=list(chosen.get("need", [])),
            problems=problems or [],
            filterset=filterset,
        )


def finder_query(*, tier: str = "", industry: str = "", needs: Iterable[str] = ()) -> FinderQuery:
    """What a page makes of the owner's values: unknown ones are reported, never fatal."""
    params = QueryDict(mutable=True)
    params.setlist("tier", [tier or ""])
    params.setlist("industry", [industry or ""])
    params.setlist("need", list(needs))
    found = page_filter(FinderFilterSet, params)
    return FinderQuery.of(found.filterset, found.picked.problems)


@dataclass
class FinderMatch:
    measure: Measure
    score: int
    needs: list[Theme]  # the picked needs this measure meets
    industry_keyword: str  # the word that names the picked industry in the measure, or ""
    chain_wide: bool  # speaks of the "965" chains as a whole
    standing: Standing | None  # how it applies to the picked tier (None: names no tier)
    untargeted: bool  # names no tier at all, so it is open to every enterprise
    focus: int = 0  # how much the measure speaks of the picked needs (the tie-breaker)
    reasons: list[str] = field(default_factory=list)
    benefits: list[str] = field(default_factory=list)  # what it offers (policies.guide)

    @property
    def direct(self) -> bool:
        return self.standing is not None and self.standing.direct

    @property
    def industry_rank(self) -> int:
        return 2 if self.industry_keyword else 1 if self.chain_wide else 0

    @property
    def co_count(self) -> int:
        """How many bureaus take part without leading (their phones fold away on the page)."""
        return sum(r.role != "lead" for r in self.measure.responsibilities.all())


@dataclass
class FinderResult:
    query: FinderQuery
    matches: list[FinderMatch]
    other_applicable: int = 0  # applicable to the tier but meeting none of the picked needs


def _candidates(query: FinderQuery) -> tuple[MeasureQuerySet, int]:
    """The FilterSet's answer, and how many measures apply to the tier but meet no picked need."""
    filterset = query.filterset
    if filterset is None:
        filterset = FinderFilterSet(QueryDict(), Measure.objects.all())
        filterset.is_valid()
    measures = filterset.qs
    other = 0
    if query.needs and query.tier is not None:
        for_tier = filterset.filter_tier(Measure.objects.all(), "tier", query.tier)
        other = for_tier.count() - measures.count()
    return measures, other


def find_measures(query: FinderQuery) -> FinderResult:
    """The measures for what the owner picked, best first, each with its responsible bureaus."""
    candidates, other = _candidates(query)
    standing = EnterpriseTier.objects.standing(query.tier) if query.tier is not None else []
    matches = [
        _score(m, query, standing) for m in candidates.for_list().order_by("document", "number")
    ]
    matches.sort(
        key=lambda m: (
            -m.industry_rank,
            -m.score,
            -m.focus,
            m.measure.document_id,
            m.measure.number,
        )
    )
    return FinderResult(query=query, matches=matches, other_applicable=other)


def _score(measure: Measure, query: FinderQuery, standing: list[Standing]) -> FinderMatch:
    picked = {t.pk for t in query.needs}
    needs = [t for t in measure.themes.all() if t.pk in picked]
    text = f"{measure.title}\n{measure.body}"
    keyword, chain_wide = "", False
    if query.industry is not None:
        keyword = next((k for k in query.industry.keywords if k in text), "")
        chain_wide = query.industry.chain965 and any(w in text for w in CHAIN_WORDS)
    named = {t.pk for t in measure.tiers.all()}
    how = next((s for s in standing if s.tier.pk in named), None)
    untargeted = not named
    score = NEED_POINTS * len(needs)
    score += INDUSTRY_POINTS if keyword else CHAIN_POINTS if chain_wide else 0
    if how is not None:
        score += DIRECT_TIER_POINTS if how.direct else STANDING_TIER_POINTS
    focus = sum(
        3 * measure.title.count(k) + measure.body.count(k) for t in needs for k in t.keywords
    )
    match = FinderMatch(measure, score, needs, keyword, chain_wide, how, untargeted, focus)
    match.reasons = reasons(match, query)
    match.benefits = benefit_lines(measure)
    return match


def reasons(match: FinderMatch, query: FinderQuery) -> list[str]:
    """Why the measure is listed where it is, in words (the page and the API show these)."""
    out = []
    if match.needs:
        out.append("满足需求：" + "、".join(t.name for t in match.needs))
    industry = query.industry
    if industry is not None:
        if match.industry_keyword:
            out.append(f"提及“{match.industry_keyword}”：与所选行业{industry.name}直接相关")
        elif match.chain_wide:
            out.append(f"面向全部“965”产业链，{industry.name}产业链同样适用")
        else:
            out.append(f"未专门提及{industry.name}，不限行业")
    tier = query.tier
    if tier is not None:
        how = match.standing
        if how is None:
            out.append("未限定企业类型，各类企业均可适用")
        elif how.direct:
            out.append(f"直接面向{tier.name}")
        elif how.condition:
            out.append(f"面向{how.tier.name}：{how.condition}适用")
        else:
            out.append(f"面向{how.tier.name}，{tier.name}同样适用")
    return out
