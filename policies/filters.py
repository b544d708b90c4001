"""The one measure filter: a django-filter FilterSet that the measure list page, the API's
measures list, the Atom feeds, the search page's facets and the policy finder all use, so each
parameter means one thing everywhere.

`tier` (slug or name) means what applies to an enterprise of that tier: the measures naming the
tier itself or a tier it stands on, i.e. the rungs below it on its ladder and the tiers of other
ladders that ingest/data/tiers.toml says it sits on (`Measure.objects.applicable_to`).

The API is strict: an empty or invalid value is a 400, and an unknown tier, theme or need names
the accepted values. Pages are lenient (`page_filter`): they ignore what they cannot use and say
so ("未知的企业类型“…”，已忽略").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import QueryDict
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

import search
from enterprises.models import EnterpriseTier
from ingest.vocab import theme_specs, tier_specs

from .lookups import clean_text, positive_int
from .models import (
    Bureau,
    BureauAlias,
    Chapter,
    Measure,
    PolicyDocument,
    Responsibility,
    Theme,
)

MAX_INT = 2**31 - 1
MAX_VALUES = 20  # of a repeatable parameter (need=…)


class GivenIntegerField(forms.IntegerField):
    """An integer parameter given empty (`?year=`) is a 400 like any other non-integer."""

    def clean(self, value):
        if value == "":
            raise forms.ValidationError("请输入一个整数。", code="invalid")
        return super().clean(value)


class ChoiceFilter(filters.ChoiceFilter):
    """One of the choices; given empty (`?kind=`) it is a 400 like any value not among them."""

    class field_class(filters.ChoiceFilter.field_class):  # noqa: N801 (django-filter's name)
        def clean(self, value):
            if value == "":
                raise forms.ValidationError("请选择一个有效的值。", code="invalid_choice")
            return super().clean(value)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_INT})
class IntegerFilter(filters.NumberFilter):
    """A whole number in the range every database accepts (a bigger one is a 400, not a 500)."""

    field_class = GivenIntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_INT)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 9999})
class YearFilter(IntegerFilter):
    """A year a date can have: Python's dates stop at 9999 (a later one would be a 500)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


class VocabularyField(forms.Field):
    """A value of a controlled vocabulary given by slug or name, cleaned to the object (a list of
    them when `multiple`). Empty is invalid (the API's 400); an unknown value is an error per
    value (code "unknown", params {"value"}) naming the accepted slugs."""

    label_text = ""  # what the value is, in the messages: 企业类型, 主题 …

    def __init__(self, *args, multiple: bool = False, **kwargs):
        self.multiple = multiple
        super().__init__(*args, **kwargs)

    def vocabulary(self) -> list[Any]:
        raise NotImplementedError

    @staticmethod
    def names(item) -> list[str]:
        """Every way a value may be given, the slug first."""
        return [item.slug, item.name]

    def known(self) -> dict[str, Any]:
        """Slug, name (and alias) -> object; a slug wins over another item's name."""
        known: dict[str, Any] = {}
        items = self.vocabulary()
        for item in items:
            for name in self.names(item)[1:]:
                known.setdefault(name, item)
        known.update({item.slug: item for item in items})
        return known

    def to_python(self, value):
        if value in (None, [], ()):
            return [] if self.multiple else None
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        if any(str(v).strip() == "" for v in values):
            raise forms.ValidationError(f"请选择一个有效的{self.label_text}。", code="invalid")
        if len(values) > MAX_VALUES:
            raise forms.ValidationError(f"最多 {MAX_VALUES} 个。", code="too_many")
        known = self.known()
        found, unknown = [], []
        for raw in dict.fromkeys(str(v).strip() for v in values):
            item = known.get(raw)
            if item is None:
                unknown.append(raw)
            elif item not in found:
                found.append(item)
        if unknown:
            accepted = "、".join(dict.fromkeys(item.slug for item in known.values()))
            raise forms.ValidationError(
                [
                    forms.ValidationError(
                        f"未知的{self.label_text}“%(value)s”；可用的值：{accepted}",
                        code="unknown",
                        params={"value": raw[:50]},
                    )
                    for raw in unknown
                ]
            )
        return found if self.multiple else found[0]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class TierField(VocabularyField):
    label_text = "企业类型"

    def vocabulary(self) -> list[EnterpriseTier]:
        return list(EnterpriseTier.objects.all())

    @staticmethod
    def names(item) -> list[str]:
        return [item.slug, item.name, *item.aliases]


class ThemeField(VocabularyField):
    label_text = "主题"

    def vocabulary(self) -> list[Theme]:
        return list(Theme.objects.all())


class NeedField(ThemeField):
    label_text = "需求"

    def __init__(self, *args, **kwargs):
        kwargs["multiple"] = True
        super().__init__(*args, **kwargs)


class MultipleValueFilter(filters.Filter):
    """A repeatable parameter (`need=a&need=b`)."""

    class field_class(NeedField):  # noqa: N801 (django-filter's name)
        widget = forms.SelectMultiple


def _slugs(specs) -> list[str]:
    return [spec.slug for spec in specs]


TIER_HELP = (
    "tier slug (or name): what applies to an enterprise of that tier, i.e. the measures naming "
    "the tier itself or a tier it stands on: the rungs below it on its ladder and the tiers of "
    "other ladders it sits on (see /api/v1/tiers/ and the README)"
)


@extend_schema_field({"type": "string", "enum": _slugs(tier_specs())})
class TierFilter(filters.Filter):
    field_class = TierField


@extend_schema_field({"type": "string", "enum": _slugs(theme_specs())})
class ThemeFilter(filters.Filter):
    field_class = ThemeField


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": _slugs(theme_specs())}})
class NeedFilter(MultipleValueFilter):
    pass


def in_rank_order(queryset: QuerySet, ids: list[int]) -> QuerySet:
    """Rows whose pk is in `ids`, in that order (best first), then by pk for stability."""
    if not ids:
        return queryset.none()
    rank = Case(
        *[When(pk=pk, then=Value(pos)) for pos, pk in enumerate(ids)],
        output_field=IntegerField(),
    )
    return queryset.filter(pk__in=ids).annotate(search_rank=rank).order_by("search_rank", "pk")


class MeasureFilterSet(filters.FilterSet):
    number = IntegerFilter(help_text="条目序号, as in the document")
    chapter = IntegerFilter(field_name="chapter__number", help_text="章序号")
    document = IntegerFilter(field_name="document_id", help_text="文件编号")
    bureau = filters.CharFilter(
        method="filter_bureau", help_text="a responsible bureau: id, full name, short name or alias"
    )
    role = ChoiceFilter(
        choices=Responsibility.Role.choices,
        method="filter_role",
        help_text="with `bureau`: only where it leads (lead) or co-leads (co)",
    )
    tier = TierFilter(method="filter_tier", help_text=TIER_HELP)
    theme = ThemeFilter(method="filter_theme", help_text="theme slug (or name)")
    need = NeedFilter(
        method="filter_need",
        help_text="theme slug (or name), repeatable: measures meeting any of these needs",
    )
    q = filters.CharFilter(method="filter_q", help_text="full-text search; results best first")

    # What a page says when it ignores a parameter it cannot use.
    IGNORED: ClassVar[dict[str, str]] = {
        "number": "没有第“{}”条，已忽略",
        "chapter": "没有第“{}”章，已忽略",
        "document": "未找到文件“{}”，已忽略",
        "bureau": "未找到单位“{}”，已忽略",
        "role": "未知的角色“{}”，已忽略",
        "tier": "未知的企业类型“{}”，已忽略",
        "theme": "未知的主题“{}”，已忽略",
        "need": "未知的需求“{}”，已忽略",
    }

    class Meta:
        model = Measure
        fields = ["number", "chapter", "document", "bureau", "role", "tier", "theme", "need", "q"]

    def bureaus(self) -> list[Bureau]:
        """The bureau `bureau` names (none when it names none: an empty answer)."""
        if not hasattr(self, "_bureaus"):
            value = self.form.cleaned_data.get("bureau")
            self._bureaus = list(Bureau.objects.identified_by(value)[:1]) if value else []
        return self._bureaus

    def filter_bureau(self, queryset, name, value):
        links = Responsibility.objects.filter(measure=OuterRef("pk"), bureau__in=self.bureaus())
        if role := self.form.cleaned_data.get("role"):
            links = links.filter(role=role)
        return queryset.filter(Exists(links))

    def filter_role(self, queryset, name, value):
        # Applied together with `bureau` (filter_bureau reads it); alone it means "has such a role".
        if self.form.cleaned_data.get("bureau"):
            return queryset
        links = Responsibility.objects.filter(measure=OuterRef("pk"), role=value)
        return queryset.filter(Exists(links))

    def filter_tier(self, queryset, name, value):
        return queryset.applicable_to(value)

    def filter_theme(self, queryset, name, value):
        return queryset.filter(Exists(_theme_links(value)))

    def filter_need(self, queryset, name, value):
        return queryset.filter(Exists(_theme_links(*value)))

    def filter_q(self, queryset, name, value):
        return in_rank_order(queryset, search.measure_ids_matching(value))

    def chosen(self) -> tuple[dict[str, Any], list[str]]:
        """For pages, after validation: the objects the parameters name (chapter, bureau, role
        label, tier, theme, need) and the parameters that name nothing there is (a bureau or a
        chapter: the API answers those with an empty list, pages ignore them)."""
        data = self.form.cleaned_data
        chosen: dict[str, Any] = {}
        unmatched: list[str] = []
        if (number := data.get("chapter")) is not None:
            chapter = Chapter.objects.filter(number=number, document__kind="measures").first()
            if chapter is None:
                unmatched.append("chapter")
            else:
                chosen["chapter"] = chapter
        if data.get("bureau"):
            if self.bureaus():
                chosen["bureau"] = self.bureaus()[0]
                if role := data.get("role"):
                    chosen["role"] = Responsibility.Role(role).label
            else:
                unmatched.append("bureau")
        for name in ("tier", "theme", "need"):
            if data.get(name):
                chosen[name] = data[name]
        return chosen, unmatched


def _theme_links(*themes: Theme) -> QuerySet:
    return Measure.themes.through.objects.filter(
        measure=OuterRef("pk"), theme_id__in=[t.pk for t in themes]
    )


@dataclass
class Picked:
    """Filters a page applied (`chosen`, by name) and those it ignored, with why (`problems`)."""

    chosen: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


@dataclass
class PageFilter:
    filterset: filters.FilterSet
    picked: Picked

    @property
    def qs(self) -> QuerySet:
        return self.filterset.qs


def page_filter(
    filterset_class: type[MeasureFilterSet],
    params: QueryDict,
    queryset: QuerySet | None = None,
    only: tuple[str, ...] | None = None,
) -> PageFilter:
    """The FilterSet as a page uses it: text cleaned, empty values dropped (a form's “全部”),
    and each value it cannot use ignored with a message (`IGNORED`), the others applied.
    `only` limits it to some parameters (the search page's facets)."""
    names = [n for n in filterset_class.base_filters if only is None or n in only]
    data = QueryDict(mutable=True)
    for name in names:
        values = [clean_text(v, 100) for v in params.getlist(name)]
        if values := [v for v in values if v][:MAX_VALUES]:
            data.setlist(name, values)
    if queryset is None:
        queryset = Measure.objects.all()
    problems: list[str] = []
    filterset = filterset_class(data, queryset)
    if not filterset.is_valid():
        for name, errors in filterset.form.errors.as_data().items():
            bad = {e.params["value"] for e in errors if e.code == "unknown" and e.params}
            given = data.getlist(name)
            for value in given if not bad else [v for v in given if v in bad]:
                problems.append(filterset_class.IGNORED[name].format(clean_text(value, 50)))
            data.setlist(name, [v for v in given if bad and v not in bad])
        filterset = filterset_class(data, queryset)
        filterset.is_valid()
    chosen, unmatched = filterset.chosen()
    if unmatched:
        for name in unmatched:
            problems.append(filterset_class.IGNORED[name].format(clean_text(data.get(name), 50)))
            data.pop(name)
        filterset = filterset_class(data, queryset)
        filterset.is_valid()
        chosen, _ = filterset.chosen()
    return PageFilter(filterset, Picked(chosen=chosen, problems=problems))


def measure_filter(params: dict[str, Any], queryset: QuerySet | None = None) -> QuerySet:
    """The measures the (known good) parameters select, e.g. `{"tier": "little-giant"}`; for code
    such as the feeds. Raises ValueError on a parameter the FilterSet refuses."""
    data = QueryDict(mutable=True)
    for name, value in params.items():
        data.setlist(name, value if isinstance(value, list) else [str(value)])
    filterset = MeasureFilterSet(data, queryset if queryset is not None else Measure.objects.all())
    if not filterset.is_valid():
        raise ValueError(filterset.errors.as_json())
    return filterset.qs


def search_filters(params: QueryDict) -> tuple[dict, Picked]:
    """The search page's filters as keyword arguments for search.search(): its own `type` and
    `document`, and the measure filter's `bureau`, `tier` and `theme`, checked by the FilterSet
    (so an entry found with `tier` is what applies to the tier, as on every page)."""
    from search import registry as search_registry

    picked, kwargs = Picked(), {}
    kind = clean_text(params.get("type"), 30)
    types = search_registry.labels()
    if kind in types:
        kwargs["types"], picked.chosen["type"] = [kind], types[kind]
    elif kind:
        picked.problems.append(f"未知的结果类型“{kind}”，已忽略")
    facets = page_filter(MeasureFilterSet, params, only=("bureau", "tier", "theme")).picked
    picked.problems += facets.problems
    picked.chosen.update(facets.chosen)
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
        kwargs["tier"] = chosen["tier"]
    if "theme" in chosen:
        kwargs["theme"] = chosen["theme"].slug
    return kwargs, picked


@dataclass
class NamedFilter:
    """A bureau or tier the query names, and the query without that name."""

    kind: str  # "bureau" or "tier"
    obj: Bureau | EnterpriseTier
    written: str  # how the query wrote it
    rest: str  # the query without it


def named_filters(query: str) -> list[NamedFilter]:
    """Bureaus and tiers the query names by any of their names, the names the `bureau` and
    `tier` filters accept (3 queries whatever the query)."""
    if not query:
        return []
    names: dict[str, tuple[str, Any]] = {}
    bureaus = {b.pk: b for b in Bureau.objects.all()}
    for alias, bureau_id in BureauAlias.objects.values_list("name", "bureau_id"):
        names[alias] = ("bureau", bureaus[bureau_id])
    for bureau in bureaus.values():
        names[bureau.name] = ("bureau", bureau)
        names[bureau.short_name] = ("bureau", bureau)
    for name, tier in TierField().known().items():
        if name != tier.slug:
            names[name] = ("tier", tier)
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
        kind, obj = names[name]
        if (kind, obj.pk) in seen:
            continue
        taken.append(span)
        seen.add((kind, obj.pk))
        rest = " ".join((query[: span[0]] + " " + query[span[1] :]).split())
        found.append(NamedFilter(kind, obj, name, rest))
    return sorted(found, key=lambda f: query.find(f.written))
