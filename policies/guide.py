"""The application guide (申报指南) of a measure: the fields bureau staff fill in.

The measure page (templates/policies/_guide.html) and the API (`measure_guide`) show the same
fields in the same order, each marked “暂未提供” until staff provide it.
"""

from __future__ import annotations

from typing import Any

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


def guide_provided(measure: Measure) -> bool:
    return any(getattr(measure, name).strip() for name in GUIDE_FIELDS)


def guide_items(measure: Measure) -> list[tuple[str, str]]:
    """(label, value) pairs; value is '' where staff have not filled the field in yet."""
    return [
        (str(Measure._meta.get_field(name).verbose_name), getattr(measure, name).strip())
        for name in GUIDE_FIELDS
    ]


def measure_guide(measure: Measure) -> dict[str, Any]:
    """The API's `guide` object: null for a field not yet provided, `provided` false if none is."""
    values = {key: (getattr(measure, name).strip() or None) for name, key in GUIDE_FIELDS.items()}
    return {"provided": any(values.values()), **values}
