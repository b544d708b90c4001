"""Small template helpers for the public pages."""

import re
from decimal import Decimal

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# Anything that looks like a tag but is not <mark> or </mark>.
_NOT_MARK = re.compile(r"<(?!/?mark>)[^>]*>")


@register.filter
def snippet(html: str) -> str:
    """A search snippet: the engine escapes the source text and adds <mark>; any other tag is
    dropped here as well, so a slip in the engine cannot put markup on the page."""
    return mark_safe(_NOT_MARK.sub("", html or ""))


@register.filter
def qty(value) -> str:
    """1000.0000 → 1000, 1.5000 → 1.5 (quantities are stored with four decimals)."""
    if value is None:
        return ""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    text = format(value.normalize(), "f")
    return text


@register.filter
def get_item(mapping, key):
    """mapping[key], or None: for labels looked up by a value known only at render time."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
