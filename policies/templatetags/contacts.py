import re

from django import template

from policies.contacts import contact_card

register = template.Library()
register.filter("contact_card", contact_card)


@register.filter
def phone_numbers(value: str) -> list[tuple[str, str]]:
    """(as written, tel: target) for each number in a phone field such as "027-1234、85551234转8"."""
    numbers = []
    for part in re.split(r"[、，,/;；]", value or ""):
        part = part.strip()
        if part:
            dial = re.sub(r"[^0-9+]", "", part.split("转")[0])
            numbers.append((part, dial))
    return numbers
