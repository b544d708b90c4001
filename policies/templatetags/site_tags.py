"""Small template helpers for the public pages."""

import re
from decimal import Decimal

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ingest.references import find_references

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


@register.filter
def link_references(text: str):
    """The text (escaped) with each 文号 it cites linked to that document's page.

    One query, and only for a text that cites a 文号 the portal holds a document for.
    """
    refs = find_references(text or "")
    if not refs:
        return text
    from policies.models import PolicyDocument

    urls = {
        d.reference_number: d.get_absolute_url()
        for d in PolicyDocument.objects.filter(
            reference_number__in={r.reference for r in refs}
        ).only("pk", "reference_number")
    }
    out, at = [], 0
    for ref in refs:
        url = urls.get(ref.reference)
        if url is None:
            continue
        out.append(conditional_escape(text[at : ref.start]))
        out.append(format_html('<a class="doc-ref" href="{}">{}</a>', url, ref.written))
        at = ref.end
    out.append(conditional_escape(text[at:]))
    return mark_safe("".join(out))
