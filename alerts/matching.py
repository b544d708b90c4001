"""What a subscription watches, and what changed.

A profile is a finder query or a search, kept as the page's own parameters in a canonical query
string, so the alert's link opens the very page the owner saw. The items it matches are found
by the finder and the search engine themselves (never a second copy of their rules), and
measures and replies are fingerprinted so the digest can say what is new or changed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.http import QueryDict
from django.urls import reverse

import search as search_engine
from enterprises.finder import find_measures, finder_query
from enterprises.models import EnterpriseTier
from policies.filters import search_filters
from policies.lookups import clean_text
from policies.models import Measure
from replies.models import Reply, ReplySection

from .models import ContentState, Subscription

SEARCH_LIMIT = search_engine.MAX_LIMIT
GUIDE_FIELDS = (
    "guide_eligibility",
    "guide_conditions",
    "guide_support",
    "guide_procedure",
    "guide_period",
    "guide_office",
    "guide_phone",
    "guide_address",
)


@dataclass(frozen=True)
class Profile:
    kind: str  # Subscription.Kind
    query: str  # canonical query string of the finder or search page
    label: str  # what the owner picked, in words

    @property
    def url(self) -> str:
        name = "enterprises:finder" if self.kind == Subscription.Kind.FINDER else "policies:search"
        return f"{reverse(name)}?{self.query}"


@dataclass(frozen=True)
class Item:
    key: str  # "measure:16", "reply:3"
    title: str
    url: str

    @property
    def kind_label(self) -> str:
        return "措施" if self.key.startswith("measure:") else "提案答复"


def _canonical(pairs: list[tuple[str, str]]) -> str:
    query = QueryDict(mutable=True)
    for name, value in sorted(pairs):
        query.appendlist(name, value)
    return query.urlencode()


def profile_from(kind: str, params: QueryDict) -> tuple[Profile | None, list[str]]:
    """A profile from a finder's or search page's parameters; None (with the reasons) when
    there is nothing to watch."""
    if kind == Subscription.Kind.FINDER:
        return _finder_profile(params)
    if kind == Subscription.Kind.SEARCH:
        return _search_profile(params)
    return None, ["未知的提醒类型"]


def _finder_profile(params: QueryDict) -> tuple[Profile | None, list[str]]:
    query = finder_query(
        tier=clean_text(params.get("tier"), 100),
        industry=clean_text(params.get("industry"), 100),
        needs=[clean_text(n, 50) for n in params.getlist("need")],
    )
    if query.problems or query.is_empty:
        return None, query.problems or ["请先选择企业类型、行业或需求"]
    pairs, words = [], []
    if query.tier:
        pairs.append(("tier", query.tier.slug))
        words.append(query.tier.name)
    if query.industry:
        pairs.append(("industry", query.industry.slug))
        words.append(query.industry.name)
    if query.needs:
        pairs += [("need", t.slug) for t in query.needs]
        words.append("需求：" + "、".join(t.name for t in query.needs))
    return Profile(Subscription.Kind.FINDER, _canonical(pairs), " · ".join(words)), []


def _search_profile(params: QueryDict) -> tuple[Profile | None, list[str]]:
    q = clean_text(params.get("q"))
    if not q:
        return None, ["请输入搜索内容"]
    kwargs, picked = search_filters(params)
    if picked.problems:
        return None, picked.problems
    pairs, words = [("q", q)], [f"“{q}”"]
    chosen = picked.chosen
    if "type" in chosen:
        pairs.append(("type", kwargs["types"][0]))
        words.append(chosen["type"])
    for name in ("bureau", "tier", "theme"):
        if name in chosen:
            obj = chosen[name]
            pairs.append((name, str(obj.pk) if name == "bureau" else obj.slug))
            words.append(str(obj.short_name if name == "bureau" else obj.name))
    if "document" in chosen:
        pairs.append(("document", str(chosen["document"].pk)))
        words.append(chosen["document"].title[:30])
    return Profile(Subscription.Kind.SEARCH, _canonical(pairs), " · ".join(words)), []


def profile_of(subscription: Subscription) -> Profile | None:
    """The subscription's profile as the data stands now (None if a tier or theme vanished)."""
    profile, _ = profile_from(subscription.kind, QueryDict(subscription.query))
    return profile


def matched_items(profile: Profile) -> dict[str, Item]:
    """Everything the profile's page would list, by key."""
    params = QueryDict(profile.query)
    items: dict[str, Item] = {}
    if profile.kind == Subscription.Kind.FINDER:
        query = finder_query(
            tier=params.get("tier", ""),
            industry=params.get("industry", ""),
            needs=params.getlist("need"),
        )
        for match in find_measures(query).matches:
            m = match.measure
            items[f"measure:{m.pk}"] = Item(
                f"measure:{m.pk}", f"{m.number}. {m.title}", m.get_absolute_url()
            )
        sections = ReplySection.objects.none()
        if query.needs:
            sections = ReplySection.objects.filter(themes__in=query.needs)
        elif query.tier:
            standing = EnterpriseTier.objects.standing(query.tier)
            sections = ReplySection.objects.filter(tiers__in=[s.tier for s in standing])
        for reply in Reply.objects.filter(pk__in=sections.values("reply_id")).order_by("pk"):
            items[f"reply:{reply.pk}"] = Item(
                f"reply:{reply.pk}", reply.title, reply.get_absolute_url()
            )
        return items
    kwargs, _ = search_filters(params)
    result = search_engine.search(params.get("q", ""), limit=SEARCH_LIMIT, **kwargs)
    measure_ids, reply_ids = [], []
    for hit in result.hits:
        if hit.type == "measure":
            measure_ids.append(hit.id)
        elif hit.type == "target" and hit.extra.get("measure_id"):
            measure_ids.append(hit.extra["measure_id"])
        elif hit.type in ("reply", "reply_section", "figure") and hit.extra.get("reply_id"):
            reply_ids.append(hit.extra["reply_id"])
    for m in Measure.objects.filter(pk__in=measure_ids).only("pk", "number", "title"):
        items[f"measure:{m.pk}"] = Item(
            f"measure:{m.pk}", f"{m.number}. {m.title}", m.get_absolute_url()
        )
    for r in Reply.objects.filter(pk__in=reply_ids).only("pk", "title"):
        items[f"reply:{r.pk}"] = Item(f"reply:{r.pk}", r.title, r.get_absolute_url())
    return items


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def fingerprints() -> dict[str, tuple[str, str]]:
    """Every measure's and reply's (content, guide) fingerprint, by key."""
    prints: dict[str, tuple[str, str]] = {}
    for m in Measure.objects.only("pk", "title", "body", *GUIDE_FIELDS).order_by("pk"):
        prints[f"measure:{m.pk}"] = (
            _digest(m.title, m.body),
            _digest(*(getattr(m, name) for name in GUIDE_FIELDS)),
        )
    sections: dict[int, list[str]] = {}
    for reply_id, heading, text in ReplySection.objects.order_by("reply_id", "order").values_list(
        "reply_id", "heading", "text"
    ):
        sections.setdefault(reply_id, []).extend((heading, text))
    for r in Reply.objects.only("pk", "title", "intro", "next_steps").order_by("pk"):
        prints[f"reply:{r.pk}"] = (
            _digest(r.title, r.intro, r.next_steps, *sections.get(r.pk, [])),
            "",
        )
    return prints


@transaction.atomic
def refresh_content_states(now: datetime) -> int:
    """Record what is new or changed since the last look; returns how many items changed.
    The very first look records everything as it stands, news to nobody."""
    current = fingerprints()
    known = {s.key: s for s in ContentState.objects.select_for_update()}
    first_look = not known
    new, changed = [], []
    for key, (content, guide) in current.items():
        state = known.get(key)
        if state is None:
            new.append(
                ContentState(
                    key=key,
                    content_hash=content,
                    guide_hash=guide,
                    changed_at=None if first_look else now,
                    change="" if first_look else ContentState.Change.NEW,
                )
            )
        elif (state.content_hash, state.guide_hash) != (content, guide):
            state.change = (
                ContentState.Change.CONTENT
                if state.content_hash != content
                else ContentState.Change.GUIDE
            )
            state.content_hash, state.guide_hash, state.changed_at = content, guide, now
            changed.append(state)
    ContentState.objects.bulk_create(new, ignore_conflicts=True)
    ContentState.objects.bulk_update(
        changed, ["content_hash", "guide_hash", "changed_at", "change"]
    )
    gone = [state.pk for key, state in known.items() if key not in current]
    ContentState.objects.filter(pk__in=gone).delete()
    return 0 if first_look else len(new) + len(changed)
