from django import template

from policies.guide import (
    benefit_lines,
    guide_filled,
    guide_items,
    guide_missing,
    guide_provided,
    staff_benefits,
)

register = template.Library()
register.filter("guide_items", guide_items)
register.filter("guide_provided", guide_provided)
register.filter("guide_filled", guide_filled)
register.filter("guide_missing", guide_missing)
register.filter("staff_benefits", staff_benefits)
register.filter("benefit_lines", benefit_lines)
