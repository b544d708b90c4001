"""Bureau contact cards (联系方式): what an owner sees wherever a bureau is named as responsible,
and the one service through which a bureau's staff edit it (pages, API and admin alike).

The bundled documents give no phone numbers, so a card starts empty and staff fill it in. Until a
bureau gives a phone, the card offers the city's hotline 12345 instead, marked as such: an owner
always has a number to call, and never one that was made up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet

from .history import describe_change
from .models import Bureau

HOTLINE_PHONE = "12345"
HOTLINE_NAME = "武汉市12345政务服务便民热线"

# Model field -> key in the API's `contact` object (CONTRACT.md), in the card's order.
CONTACT_FIELDS: dict[str, str] = {
    "contact_office": "office",
    "contact_phone": "phone",
    "contact_address": "address",
    "contact_website": "website",
    "contact_hours": "hours",
}


class BureauVersionConflict(Exception):
    """The card changed since the editor loaded it; nothing was written."""

    def __init__(self, current: Bureau):
        super().__init__(f"联系方式已被他人修改（当前版本 {current.version}）")
        self.current = current


@dataclass(frozen=True)
class ContactCard:
    """A bureau's card as shown: `phone` is the hotline where `hotline` is true."""

    bureau: Bureau
    office: str
    phone: str
    address: str
    website: str
    hours: str
    hotline: bool

    @property
    def hotline_name(self) -> str:
        return HOTLINE_NAME if self.hotline else ""

    @property
    def filled(self) -> int:
        """How many of the five fields the bureau has filled in (the staff workspace's share)."""
        return sum(bool(getattr(self.bureau, name).strip()) for name in CONTACT_FIELDS)


def contact_card(bureau: Bureau) -> ContactCard:
    values = {key: getattr(bureau, name).strip() for name, key in CONTACT_FIELDS.items()}
    hotline = not values["phone"]
    if hotline:
        values["phone"] = HOTLINE_PHONE
    return ContactCard(bureau=bureau, hotline=hotline, **values)


def bureau_contact(bureau: Bureau) -> dict[str, str]:
    """The API's `contact` object: the bureau's own values, empty strings where unknown."""
    return {key: getattr(bureau, name) for name, key in CONTACT_FIELDS.items()}


def user_can_edit_bureau(user, bureau: Bureau) -> bool:
    """Superusers edit every card; staff edit their own bureau's."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bureau.memberships.filter(user=user).exists()


def editable_bureaus(user) -> QuerySet[Bureau]:
    if not user.is_authenticated or not user.is_active:
        return Bureau.objects.none()
    if user.is_superuser:
        return Bureau.objects.all()
    return Bureau.objects.filter(memberships__user=user)


def bureau_contact_update(
    *, bureau: Bureau, user, data: dict[str, Any], expected_version: int, reason: str = ""
) -> Bureau:
    """Apply `data` (keys of the API's `contact`: office, phone, address, website, hours; the
    ones left out keep their value) if the card is still at `expected_version`.

    Raises BureauVersionConflict when it moved on, PermissionDenied for another bureau's card and
    ValidationError with Chinese messages (keyed by the API's names) for bad values. An edit that
    changes nothing writes nothing and keeps the version."""
    if not user_can_edit_bureau(user, bureau):
        raise PermissionDenied("您不是该单位的工作人员，不能修改其联系方式。")
    keys = {key: name for name, key in CONTACT_FIELDS.items()}
    unknown = set(data) - set(keys)
    if unknown:
        raise ValidationError(
            {k: f"未知的字段；可修改的是 {'、'.join(keys)}" for k in sorted(unknown)}
        )
    with transaction.atomic():
        current = Bureau.objects.select_for_update().get(pk=bureau.pk)
        changes = {
            keys[key]: " ".join(str(value or "").split())
            for key, value in data.items()
            if " ".join(str(value or "").split()) != getattr(current, keys[key])
        }
        if current.version != expected_version:
            raise BureauVersionConflict(current)
        if not changes:
            return current
        # The conditional UPDATE is the compare-and-swap that also holds on SQLite.
        if not Bureau.objects.filter(pk=current.pk, version=expected_version).update(
            version=expected_version + 1
        ):
            current.refresh_from_db()
            raise BureauVersionConflict(current)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version = expected_version + 1
        try:
            current.full_clean(exclude=["name", "short_name", "kind"])
        except ValidationError as exc:
            raise ValidationError(
                {CONTACT_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}
            ) from None
        describe_change(current, user=user, reason=reason or "编辑联系方式")
        current.save()
    return current


def responsibility_contact(responsibility) -> dict[str, Any]:
    """Whom to call about a measure, as the finder API gives it: the responsible bureau, its
    role, and its card, the hotline standing in (`hotline` true) where it has no phone."""
    card = contact_card(responsibility.bureau)
    return {
        "bureau": {"id": card.bureau.pk, "name": card.bureau.name},
        "role": responsibility.role,
        "office": card.office,
        "phone": card.phone,
        "address": card.address,
        "website": card.website,
        "hotline": card.hotline,
    }
