"""Targets and progress: the measures' tier targets beside the counts the CPPCC replies report,
drawn as a server-side SVG bar chart (no JavaScript, prints as it looks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q

from policies.models import Target
from replies.models import ReportedFigure

from .models import EnterpriseTier

# A reported figure counts a tier's whole population only when the sentence says so
# ("全市高新技术企业达到1.66万家"); "9家高新技术企业成功上市" is about a subset and stays out of the chart.
STOCK_WORDS = ("达到", "累计", "共有", "总数", "总量", "已有")
CHART_WIDTH, LABEL_WIDTH, BAR_HEIGHT, BAR_GAP, ROW_GAP, HEADING = 640, 150, 22, 6, 18, 22


@dataclass
class Bar:
    label: str  # "2028年目标", "2025年报告"
    value: Decimal
    unit: str
    kind: str  # "target" or "figure"
    source: str  # the sentence it comes from
    url: str  # the measure or reply it comes from
    x: int = 0
    y: int = 0
    width: int = 0


@dataclass
class Row:
    tier: EnterpriseTier
    bars: list[Bar] = field(default_factory=list)
    y: int = 0


@dataclass
class Group:
    ladder: str
    rows: list[Row] = field(default_factory=list)
    y: int = 0


@dataclass
class Chart:
    groups: list[Group]
    width: int = CHART_WIDTH
    height: int = 0
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def _is_stock_count(subject: str, tier: EnterpriseTier) -> bool:
    names = {tier.name, *tier.aliases}
    subject = subject.strip()
    return any(subject == n or subject.endswith(n) for n in names)


def progress_rows() -> list[Row]:
    """One row per tier that has a dated target or a reported headcount, in ladder order (2 queries)."""
    rows: dict[int, Row] = {}
    targets = (
        Target.objects.filter(tier__isnull=False, year__isnull=False, kind=Target.Kind.CUMULATIVE)
        .select_related("tier", "measure")
        .order_by("year", "pk")
    )
    for t in targets:
        if t.tier is None:
            raise AssertionError("the query keeps targets with a tier only")
        row = rows.setdefault(t.tier.pk, Row(t.tier))
        row.bars.append(
            Bar(
                f"{t.year}年目标",
                t.quantity,
                t.unit,
                "target",
                t.text,
                t.measure.get_absolute_url(),
            )
        )
    stock = Q()
    for word in STOCK_WORDS:
        stock |= Q(text__contains=word)
    figures = (
        ReportedFigure.objects.filter(stock, tier__isnull=False, year__isnull=False, unit="家")
        .select_related("tier", "reply")
        .order_by("year", "-quantity")
    )
    seen: set[tuple[int, int]] = set()
    for f in figures:
        if f.tier is None or f.year is None:
            raise AssertionError("the query keeps dated figures with a tier only")
        # The largest count of a tier in a year is its population; smaller ones are subsets.
        if (f.tier.pk, f.year) in seen or not _is_stock_count(f.subject, f.tier):
            continue
        seen.add((f.tier.pk, f.year))
        row = rows.setdefault(f.tier.pk, Row(f.tier))
        row.bars.append(
            Bar(f"{f.year}年实有", f.quantity, f.unit, "figure", f.text, f.reply.get_absolute_url())
        )
    for row in rows.values():
        # Reported years first, the target last: reads left to right like a timeline.
        row.bars.sort(key=lambda b: (b.kind == "target", b.label))
    return sorted(rows.values(), key=lambda r: (r.tier.ladder, r.tier.rank, r.tier.name))


def progress_chart(rows: list[Row]) -> Chart:
    """Lay the rows out, one group per ladder, on one scale per unit: every bar counted in 家
    shares a scale, so 30 独角兽 draw as a sliver beside 4 000 专精特新中小企业 and 16 600
    高新技术企业 (the printed value says what the sliver is). A scale per group would draw 30 as
    long as 4 000."""
    groups: list[Group] = []
    for row in rows:
        if not groups or groups[-1].ladder != row.tier.ladder:
            groups.append(Group(row.tier.ladder))
        groups[-1].rows.append(row)
    tops: dict[str, Decimal] = {}
    for row in rows:
        for bar in row.bars:
            tops[bar.unit] = max(tops.get(bar.unit, Decimal(0)), bar.value)
    y = 0
    usable = CHART_WIDTH - LABEL_WIDTH - 90  # room on the right for the printed value
    for group in groups:
        group.y = y
        y += HEADING + 4
        for row in group.rows:
            row.y = y
            y += HEADING
            for bar in row.bars:
                bar.x, bar.y = LABEL_WIDTH, y
                bar.width = max(2, int(usable * bar.value / (tops[bar.unit] or Decimal(1))))
                y += BAR_HEIGHT + BAR_GAP
            y += ROW_GAP // 2
        y += ROW_GAP
    return Chart(groups=groups, height=max(y, 1))
