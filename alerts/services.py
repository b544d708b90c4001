"""Sign-up, confirmation, unsubscribe and the digests: every write of the alerts app.

Double opt-in: a sign-up stores a pending subscription and mails a link signed with a timestamp;
only a confirmed subscription gets digests. Every email carries a one-click unsubscribe link
(and the List-Unsubscribe headers of RFC 2369/8058). Rate limits count rows in the database, so
several app servers share them.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .matching import Item, Profile, matched_items, profile_of, refresh_content_states
from .models import ContentState, SignupAttempt, Subscription

log = logging.getLogger(__name__)

CONFIRM_SALT = "alerts.confirm"


class TooManySignups(Exception):
    """The address or the client asked too often; nothing was stored or sent."""


def keyed_hash(purpose: str, value: str) -> str:
    return salted_hmac(f"alerts.{purpose}", value, algorithm="sha256").hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def mask_email(email: str) -> str:
    """z***@e***.org: enough for a superuser to tell two apart, never the address."""
    local, _, domain = email.partition("@")
    name, dot, tld = domain.rpartition(".")
    return f"{local[:1]}***@{name[:1]}***{dot}{tld}" if name else f"{local[:1]}***@***"


def site_url(path: str) -> str:
    base = getattr(settings, "SITE_URL", "").rstrip("/")
    if not base:
        raise ImproperlyConfigured("SITE_URL must be set to send alerts (https://your.host)")
    return base + path


def confirm_url(subscription: Subscription) -> str:
    token = signing.dumps(str(subscription.key), salt=CONFIRM_SALT, compress=False)
    return site_url(reverse("alerts:confirm", args=[token]))


def unsubscribe_url(subscription: Subscription) -> str:
    return site_url(reverse("alerts:unsubscribe", args=[subscription.key]))


def _check_rate(email_hash: str, client_hash: str, now: datetime) -> None:
    attempts = SignupAttempt.objects.filter(at__gte=now - timedelta(days=1))
    per_address = attempts.filter(email_hash=email_hash).count()
    per_client = attempts.filter(client_hash=client_hash, at__gte=now - timedelta(hours=1)).count()
    if (
        per_address >= settings.ALERTS_SIGNUPS_PER_ADDRESS_PER_DAY
        or per_client >= settings.ALERTS_SIGNUPS_PER_CLIENT_PER_HOUR
    ):
        raise TooManySignups


def subscription_request(*, profile: Profile, email: str, client: str) -> Subscription:
    """Store (or find) the subscription and mail the confirmation link; a confirmed one gets a
    note that it already exists instead. Raises ValidationError for a bad address and
    TooManySignups when the address or client has asked too often."""
    email = normalise_email(email)
    validate_email(email)
    email_hash, client_hash = keyed_hash("email", email), keyed_hash("client", client)
    now = timezone.now()
    with transaction.atomic():
        _check_rate(email_hash, client_hash, now)
        SignupAttempt.objects.create(email_hash=email_hash, client_hash=client_hash)
        subscription = Subscription.objects.filter(
            email_hash=email_hash, kind=profile.kind, query=profile.query
        ).first()
        if subscription is None:
            subscription = Subscription(
                email=email,
                email_hash=email_hash,
                kind=profile.kind,
                query=profile.query,
                label=profile.label[:300],
            )
            subscription.full_clean()
            try:
                with transaction.atomic():
                    subscription.save()
            except IntegrityError:  # the same sign-up, twice at once
                subscription = Subscription.objects.get(
                    email_hash=email_hash, kind=profile.kind, query=profile.query
                )
    template = "already" if subscription.is_confirmed else "confirm"
    _send(subscription, template, {"confirm_url": confirm_url(subscription)})
    return subscription


@transaction.atomic
def subscription_confirm(*, token: str) -> Subscription | None:
    """Confirm by the emailed link; None when the link is forged, expired or its subscription
    was cancelled. Confirming twice changes nothing."""
    max_age = timedelta(days=settings.ALERTS_CONFIRM_DAYS)
    try:
        key = signing.loads(token, salt=CONFIRM_SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    subscription = Subscription.objects.select_for_update().filter(key=key).first()
    if subscription is not None and not subscription.is_confirmed:
        subscription.confirmed_at = subscription.checked_at = timezone.now()
        subscription.save(update_fields=["confirmed_at", "checked_at"])
    return subscription


@transaction.atomic
def subscription_cancel(*, key) -> Subscription | None:
    """Forget the subscription and its address; returns what it was (the address cleared), or
    None when there was none: unsubscribing twice is fine."""
    subscription = Subscription.objects.select_for_update().filter(key=key).first()
    if subscription is None:
        return None
    subscription.delete()
    subscription.email = ""
    return subscription


@dataclass
class DigestRun:
    changed_items: int = 0
    checked: int = 0
    sent: int = 0
    failed: int = 0
    purged: int = 0
    lines: list[str] = field(default_factory=list)


def alerts_send(*, dry_run: bool = False, now: datetime | None = None) -> DigestRun:
    """Look for what changed, then mail each confirmed subscription what it matches among it.
    A subscription whose mail fails keeps its place and gets the news on the next run."""
    now = now or timezone.now()
    run = DigestRun()
    site_url("/")  # fail before doing anything when links cannot be written
    if not dry_run:
        run.changed_items = refresh_content_states(now)
        run.purged = _purge(now)
    connection = get_connection()
    matches: dict[tuple[str, str], dict[str, Item]] = {}  # subscriptions sharing a profile
    ids = list(
        Subscription.objects.filter(confirmed_at__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            subscription = (
                Subscription.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            )
            if subscription is None:
                continue
            run.checked += 1
            news = digest_items(subscription, matches)
            if not news:
                if not dry_run:
                    subscription.checked_at = now
                    subscription.save(update_fields=["checked_at"])
                continue
            run.lines.append(f"{subscription.pk}: {len(news)} 条")
            if dry_run:
                continue
            try:
                _send(subscription, "digest", {"news": news}, connection=connection)
            except Exception:  # a mail server's refusal must not stop the others' digests
                log.exception("alert digest %s not sent", subscription.pk)
                run.failed += 1
                continue
            subscription.checked_at = subscription.last_sent_at = now
            subscription.sent_count += 1
            subscription.save(update_fields=["checked_at", "last_sent_at", "sent_count"])
            run.sent += 1
    return run


@dataclass(frozen=True)
class News:
    item: Item
    change: str  # ContentState.Change label


def digest_items(
    subscription: Subscription, matches: dict[tuple[str, str], dict[str, Item]] | None = None
) -> list[News]:
    """The subscription's matches that are new or changed since it was last checked; `matches`
    keeps each profile's matches for the other subscriptions of the same run."""
    matches = {} if matches is None else matches
    profile = profile_of(subscription)
    if profile is None:
        return []
    key = (profile.kind, profile.query)
    if key not in matches:
        matches[key] = matched_items(profile)
    items = matches[key]
    states = ContentState.objects.filter(
        key__in=list(items), changed_at__gt=subscription.checked_at
    ).order_by("key")
    order = list(items)
    news = [News(items[s.key], s.get_change_display()) for s in states]
    return sorted(news, key=lambda n: order.index(n.item.key))


def _purge(now: datetime) -> int:
    """Unconfirmed sign-ups whose link expired, and rate-limit records older than a day."""
    expired = now - timedelta(days=settings.ALERTS_CONFIRM_DAYS)
    pending, _ = Subscription.objects.filter(
        confirmed_at__isnull=True, created_at__lt=expired
    ).delete()
    SignupAttempt.objects.filter(at__lt=now - timedelta(days=1)).delete()
    return pending


def _send(subscription: Subscription, template: str, context: dict, connection=None) -> None:
    profile = profile_of(subscription)
    context = {
        "subscription": subscription,
        "label": subscription.label,
        "page_url": site_url(profile.url) if profile else site_url("/"),
        "unsubscribe_url": unsubscribe_url(subscription),
        "site": site_url(""),
        "days": settings.ALERTS_CONFIRM_DAYS,
        **context,
    }
    subject = render_to_string(f"alerts/email/{template}_subject.txt", context)
    body = render_to_string(f"alerts/email/{template}.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
        connection=connection,
    )
    message.send()
