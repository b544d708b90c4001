from django import template

from policies.guide import guide_items, guide_provided

register = template.Library()
register.filter("guide_items", guide_items)
register.filter("guide_provided", guide_provided)
