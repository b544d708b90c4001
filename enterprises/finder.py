"""The policy finder (适用政策查询): an owner's tier, industry and needs in, ranked measures out.

Ranking, highest first (every reason is shown next to the measure, so the order can be checked):
- each picked need (a theme such as 融资 or 人才) the measure is tagged with: 3 points;
- the measure names the picked industry: 2 points; it speaks of the "965" chains as a whole and
  the industry is one of them: 1 point;
- the measure names the picked tier itself: 2 points; only a tier below it on the ladder: 1 point;
  a measure naming no tier at all is open to every enterprise and is listed, with no point;
- ties: the measure that speaks more of the picked needs comes first (their keywords' occurrences,
  a keyword in the title counting three times: 16.提升金融服务质效 before a measure that names
  融资 once in passing); then the document's order.
With needs picked, only measures meeting at least one of them are listed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Exists, OuterRef, QuerySet

from ingest.vocab import INDUSTRIES_FILE
from policies.models import Measure, Theme

from .models import EnterpriseTier

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

# What a measure says when it addresses the city's industrial chains as a whole.
CHAIN_WORDS = ("965",)
NEED_POINTS, INDUSTRY_POINTS, CHAIN_POINTS = 3, 2, 1
DIRECT_TIER_POINTS, LOWER_TIER_POINTS = 2, 1


@dataclass(frozen=True)
class Industry:
    slug: str
    name: str
    group: str
    keywords: tuple[str, ...]
    chain965: bool


@cache
def industries() -> tuple[Industry, ...]:
    """The industries of industries.toml, read once per process."""
    data = tomllib.loads(INDUSTRIES_FILE.read_text(encoding="utf-8"))
    return tuple(
        Industry(
            slug=row["slug"],
            name=row["name"],
            group=row["group"],
            keywords=tuple(row.get("keywords") or [row["name"]]),
            chain965=bool(row.get("chain965", False)),
        )
        for row in data["industry"]
    )


def industry_named(slug: str) -> Industry | None:
    return next((i for i in industries() if i.slug == slug or i.name == slug), None)


@dataclass
class FinderQuery:
    """What the owner picked, already checked; `problems` says what was ignored and why."""

    tier: EnterpriseTier | None = None
    industry: Industry | None = None
    needs: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.tier is None and self.industry is None and not self.needs


@dataclass
class FinderMatch:
    measure: Measure
    score: int
    needs: list[Theme]  # the picked needs this measure meets
    industry_keyword: str  # the word that names the picked industry in the measure, or ""
    chain_wide: bool  # speaks of the "965" chains as a whole
    direct: bool  # names the picked tier itself (not only a tier below it)
    untargeted: bool  # names no tier at all, so it is open to every enterprise
    focus: int = 0  # how much the measure speaks of the picked needs (the tie-breaker)

    @property
    def co_count(self) -> int:
        """How many bureaus take part without leading (their phones fold away on the page)."""
        return sum(r.role != "lead" for r in self.measure.responsibilities.all())


@dataclass
class FinderResult:
    query: FinderQuery
    matches: list[FinderMatch]
    other_applicable: int = 0  # applicable to the tier but meeting none of the picked needs


def finder_query(*, tier: str = "", industry: str = "", needs: Iterable[str] = ()) -> FinderQuery:
    """Turn raw request values into a FinderQuery; unknown values are reported, never fatal."""
    query = FinderQuery()
    tier = (tier or "").strip()
    if tier:
        query.tier = (
            EnterpriseTier.objects.filter(slug=tier).first()
            or EnterpriseTier.objects.filter(name=tier).first()
        )
        if query.tier is None:
            query.problems.append(f"未知的企业类型“{tier[:50]}”，已忽略")
    industry = (industry or "").strip()
    if industry:
        query.industry = industry_named(industry)
        if query.industry is None:
            query.problems.append(f"未知的行业“{industry[:50]}”，已忽略")
    wanted = [n.strip() for n in needs if n and n.strip()][:20]
    if wanted:
        themes = {t.slug: t for t in Theme.objects.all()}
        by_name = {t.name: t for t in themes.values()}
        for value in dict.fromkeys(wanted):
            theme = themes.get(value) or by_name.get(value)
            if theme is None:
                query.problems.append(f"未知的需求“{value[:50]}”，已忽略")
            elif theme not in query.needs:
                query.needs.append(theme)
    return query


def tier_and_below(
    tier: EnterpriseTier, ladder: list[EnterpriseTier] | None = None
) -> list[EnterpriseTier]:
    """The tier and the rungs below it on its ladder, nearest first: one query whatever the
    ladder's length, none when the ladder's tiers are passed in."""
    if ladder is None:
        ladder = list(EnterpriseTier.objects.filter(ladder=tier.ladder))
    by_pk = {t.pk: t for t in ladder}
    chain, current = [], by_pk.get(tier.pk, tier)
    while current is not None and current not in chain:
        chain.append(current)
        current = by_pk.get(current.parent_id)
    return chain


def _candidates(query: FinderQuery) -> QuerySet[Measure]:
    measures = Measure.objects.all()
    if query.tier is not None:
        tier_ids = [t.pk for t in tier_and_below(query.tier)]
        links = Measure.tiers.through.objects.filter(measure=OuterRef("pk"))
        # A measure that names no tier at all excludes nobody, so it stays in the answer.
        measures = measures.filter(
            Exists(links.filter(enterprisetier_id__in=tier_ids)) | ~Exists(links)
        )
        measures = measures.annotate(direct=Exists(links.filter(enterprisetier_id=query.tier.pk)))
    return measures


def find_measures(query: FinderQuery) -> FinderResult:
    """The measures for what the owner picked, best first, each with its responsible bureaus."""
    candidates = _candidates(query)
    if query.needs:
        theme_links = Measure.themes.through.objects.filter(
            measure=OuterRef("pk"), theme_id__in=[t.pk for t in query.needs]
        )
        with_need = candidates.filter(Exists(theme_links))
        other = candidates.count() - with_need.count() if query.tier is not None else 0
        candidates = with_need
    else:
        other = 0
    matches = [_score(m, query) for m in candidates.for_list().order_by("document", "number")]
    matches.sort(key=lambda m: (-m.score, -m.focus, m.measure.document_id, m.measure.number))
    return FinderResult(query=query, matches=matches, other_applicable=other)


def _score(measure: Measure, query: FinderQuery) -> FinderMatch:
    picked = {t.pk for t in query.needs}
    needs = [t for t in measure.themes.all() if t.pk in picked]
    text = f"{measure.title}\n{measure.body}"
    keyword, chain_wide = "", False
    if query.industry is not None:
        keyword = next((k for k in query.industry.keywords if k in text), "")
        chain_wide = query.industry.chain965 and any(w in text for w in CHAIN_WORDS)
    direct = bool(getattr(measure, "direct", False))
    untargeted = not measure.tiers.all()
    score = NEED_POINTS * len(needs)
    score += INDUSTRY_POINTS if keyword else CHAIN_POINTS if chain_wide else 0
    if query.tier is not None and not untargeted:
        score += DIRECT_TIER_POINTS if direct else LOWER_TIER_POINTS
    focus = sum(
        3 * measure.title.count(k) + measure.body.count(k) for t in needs for k in t.keywords
    )
    return FinderMatch(measure, score, needs, keyword, chain_wide, direct, untargeted, focus)
