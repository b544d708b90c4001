"""What the public pages make of request parameters: cleaning, and filters named by any alias.
(The search box's shortcuts, a proposal number or a 文号 going straight to its page, are
search.shortcuts.)"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import QueryDict

from enterprises.models import EnterpriseTier
from search import registry as search_registry

from .models import Bureau, BureauAlias, Chapter, Measure, PolicyDocument, Responsibility, Theme

MAX_QUERY_CHARS = 200
MAX_PAGE = 1000


def clean_text(value: str | None, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Printable text only: NUL (which PostgreSQL refuses), other control characters and lone
    surrogates are dropped, the rest is trimmed to `max_chars`."""
    if not value:
        return ""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs", "Cn")
    )
    return " ".join(kept.split())[:max_chars]


def positive_int(value: str | None, default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A page number or similar: anything that is not a positive integer gives the default."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return default
    return min(max(int(value), 1), maximum) if len(value) < 10 else maximum


def bureau_from_param(value: str) -> Bureau | None:
    """A bureau by id, full name, short name or any alias."""
    value = clean_text(value, 100)
    if not value:
        return None
    return Bureau.objects.identified_by(value).first()


def tier_from_param(value: str) -> EnterpriseTier | None:
    value = clean_text(value, 100)
    if not value:
        return None
    return EnterpriseTier.objects.filter(Q(slug=value) | Q(name=value)).first()


@dataclass
class NamedFilter:
    """A bureau or tier the query names, and the query without that name."""

    kind: str  # "bureau" or "tier"
    obj: Bureau | EnterpriseTier
    written: str  # how the query wrote it
    rest: str  # the query without it


def named_filters(query: str) -> list[NamedFilter]:
    """Bureaus and tiers the query names by any of their names (3 queries whatever the query)."""
    if not query:
        return []
    names: dict[str, tuple[str, int]] = {}
    for alias, bureau_id in BureauAlias.objects.values_list("name", "bureau_id"):
        names[alias] = ("bureau", bureau_id)
    bureaus = {b.pk: b for b in Bureau.objects.all()}
    for bureau in bureaus.values():
        names[bureau.name] = ("bureau", bureau.pk)
        names[bureau.short_name] = ("bureau", bureau.pk)
    tiers = {t.pk: t for t in EnterpriseTier.objects.all()}
    for tier in tiers.values():
        for name in (tier.name, *tier.aliases):
            names[name] = ("tier", tier.pk)
    found: list[NamedFilter] = []
    taken: list[tuple[int, int]] = []
    seen: set[tuple[str, int]] = set()
    # Longest names first, so 市经信局 wins over 经信局 and 专精特新“小巨人”企业 over 小巨人.
    for name in sorted(names, key=len, reverse=True):
        if len(name) < 2:
            continue
        start = query.find(name)
        if start < 0:
            continue
        span = (start, start + len(name))
        if any(s < span[1] and span[0] < e for s, e in taken):
            continue
        kind, pk = names[name]
        if (kind, pk) in seen:
            continue
        taken.append(span)
        seen.add((kind, pk))
        obj = bureaus[pk] if kind == "bureau" else tiers[pk]
        rest = " ".join((query[: span[0]] + " " + query[span[1] :]).split())
        found.append(NamedFilter(kind, obj, name, rest))
    return sorted(found, key=lambda f: query.find(f.written))


@dataclass
class Picked:
    """Filters a page applied (`chosen`, by name) and those it ignored, with why (`problems`)."""

    chosen: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def theme_from_param(value: str) -> Theme | None:
    value = clean_text(value, 50)
    return Theme.objects.filter(Q(slug=value) | Q(name=value)).first() if value else None


def _tier_bureau_theme(params: QueryDict, picked: Picked) -> None:
    """The bureau, tier and theme filters both pages share: unknown values are reported."""
    for name, lookup, unknown in (
        ("bureau", bureau_from_param, "未找到单位“{}”，已忽略"),
        ("tier", tier_from_param, "未知的企业类型“{}”，已忽略"),
        ("theme", theme_from_param, "未知的主题“{}”，已忽略"),
    ):
        if raw := params.get(name):
            found = lookup(raw)
            if found is None:
                picked.problems.append(unknown.format(clean_text(raw, 50)))
            else:
                picked.chosen[name] = found


def search_filters(params: QueryDict) -> tuple[dict, Picked]:
    """The search page's filters as keyword arguments for search.search()."""
    picked, kwargs = Picked(), {}
    kind = clean_text(params.get("type"), 30)
    types = search_registry.labels()
    if kind in types:
        kwargs["types"], picked.chosen["type"] = [kind], types[kind]
    elif kind:
        picked.problems.append(f"未知的结果类型“{kind}”，已忽略")
    _tier_bureau_theme(params, picked)
    if raw := params.get("document"):
        number = positive_int(raw, default=0, maximum=10**9)
        document = PolicyDocument.objects.filter(pk=number).first() if number else None
        if document is None:
            picked.problems.append("未找到所选文件，已忽略")
        else:
            kwargs["document"], picked.chosen["document"] = document.pk, document
    chosen = picked.chosen
    if "bureau" in chosen:
        kwargs["bureau"] = chosen["bureau"].name
    if "tier" in chosen:
        kwargs["tier"] = chosen["tier"].slug
    if "theme" in chosen:
        kwargs["theme"] = chosen["theme"].slug
    return kwargs, picked


def filter_measures(measures: QuerySet[Measure], params: QueryDict) -> tuple[QuerySet, Picked]:
    """The measure list's filters: chapter, bureau (and its role), tier (with the rungs below
    it: a 小巨人 may use what is offered to 专精特新中小企业) and theme."""
    from enterprises.finder import tier_and_below

    picked = Picked()
    if raw := params.get("chapter"):
        number = positive_int(raw, default=0, maximum=1000)
        chapter = Chapter.objects.filter(number=number, document__kind="measures").first()
        if chapter is None:
            picked.problems.append(f"没有第“{clean_text(raw, 20)}”章，已忽略")
        else:
            measures = measures.filter(chapter__number=number)
            picked.chosen["chapter"] = chapter
    _tier_bureau_theme(params, picked)
    if bureau := picked.chosen.get("bureau"):
        links = Responsibility.objects.filter(bureau=bureau)
        if (role := params.get("role")) in Responsibility.Role.values:
            links = links.filter(role=role)
            picked.chosen["role"] = Responsibility.Role(role).label
        measures = measures.filter(pk__in=links.values("measure_id"))
    if tier := picked.chosen.get("tier"):
        measures = measures.filter(tiers__in=tier_and_below(tier)).distinct()
    if theme := picked.chosen.get("theme"):
        measures = measures.filter(themes=theme)
    return measures, picked
