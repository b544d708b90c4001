"""The application guide (申报指南) of a measure: the fields bureau staff fill in.

The measure page (templates/policies/_guide.html) and the API (`measure_guide`) show the same
fields in the same order, each marked “暂未提供” until staff provide it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .meta import field_label
from .models import Measure

NOT_PROVIDED = "暂未提供"

# Model field -> key in the API's `guide` object.
GUIDE_FIELDS: dict[str, str] = {
    "guide_eligibility": "eligibility",
    "guide_conditions": "conditions",
    "guide_support": "support",
    "guide_procedure": "procedure",
    "guide_period": "period",
    "guide_office": "office",
    "guide_phone": "phone",
    "guide_address": "address",
}


def guide_filled(measure: Measure) -> int:
    """How many of the guide's fields staff have filled in."""
    return sum(bool(getattr(measure, name).strip()) for name in GUIDE_FIELDS)


def guide_missing(measure: Measure) -> list[str]:
    """The labels of the fields still to fill in, in the guide's order."""
    return [
        field_label(Measure, name) for name in GUIDE_FIELDS if not getattr(measure, name).strip()
    ]


@dataclass
class BureauGuideShare:
    """A bureau's part of the guide work: the measures it leads and co-leads and how far their
    guides are filled in (the lead bureau writes the guide; co-leads are listed for context)."""

    bureau: Any
    led: int = 0
    led_complete: int = 0
    fields_filled: int = 0
    co: int = 0

    @property
    def fields_total(self) -> int:
        return self.led * len(GUIDE_FIELDS)

    @property
    def percent(self) -> int:
        return round(100 * self.fields_filled / self.fields_total) if self.fields_total else 100

    @property
    def gaps(self) -> int:
        return self.led - self.led_complete


def guide_shares(measures) -> list[BureauGuideShare]:
    """Per bureau, from measures with their responsibilities prefetched: least filled first."""
    shares: dict[int, BureauGuideShare] = {}
    for measure in measures:
        filled = guide_filled(measure)
        for duty in measure.responsibilities.all():
            share = shares.setdefault(duty.bureau_id, BureauGuideShare(duty.bureau))
            if duty.role == "lead":
                share.led += 1
                share.fields_filled += filled
                share.led_complete += filled == len(GUIDE_FIELDS)
            else:
                share.co += 1
    return sorted(
        # Bureaus that lead nothing have no guide to write: last.
        shares.values(),
        key=lambda s: (s.led == 0, s.percent, -s.gaps, -s.led, s.bureau.name),
    )


def guide_provided(measure: Measure) -> bool:
    return any(getattr(measure, name).strip() for name in GUIDE_FIELDS)


def guide_items(measure: Measure) -> list[tuple[str, str]]:
    """(label, value) pairs; value is '' where staff have not filled the field in yet."""
    return [(field_label(Measure, name), getattr(measure, name).strip()) for name in GUIDE_FIELDS]


def measure_guide(measure: Measure) -> dict[str, Any]:
    """The API's `guide` object: null for a field not yet provided, `provided` false if none is."""
    values = {key: (getattr(measure, name).strip() or None) for name, key in GUIDE_FIELDS.items()}
    return {"provided": any(values.values()), **values}


# The guide fields that say what a measure gives and to whom, in the order they are listed.
BENEFIT_FIELDS = ("guide_support", "guide_eligibility", "guide_conditions")


def staff_benefits(measure: Measure) -> list[tuple[str, str]]:
    """(label, value) of the guide fields on what the measure gives that staff have filled in."""
    return [
        (field_label(Measure, name), value)
        for name in BENEFIT_FIELDS
        if (value := getattr(measure, name).strip())
    ]


def benefit_lines(measure: Measure) -> list[str]:
    """What the measure offers, one line each: the 申报指南 fields staff have filled in first
    ("支持内容：…"), then what its text states (`Benefit.line`, read by ingest; prefetched by
    `Measure.objects.for_list()`). The one place the finder page, the finder API and alerts read
    benefits from."""
    lines = [f"{label}：{value}" for label, value in staff_benefits(measure)]
    lines.extend(b.line for b in measure.benefits.all())
    return lines
