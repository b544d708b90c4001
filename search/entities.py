"""Entity tokens: how structured fields (bureaus, tiers, themes) enter the full-text index.

An entry stores `xb<id>` for each bureau responsible for it, `xt<id>` for each tier it names and
`xm<id>` for each theme, in its keyword column. A query word that is a bureau alias or tier name
matches that token as well as the text, so 经信局 finds the measures 市经信局 is responsible for
even where the body never names it; facet filters require the token.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from search.segmentation import squash

# How long a version lives without any change: changes that bypass the ORM's signals show after
# this long.
CACHE_SECONDS = 60
VERSION_KEY = "search:entities-version"


def bureau_token(pk: int) -> str:
    return f"xb{pk}"


def tier_token(pk: int) -> str:
    return f"xt{pk}"


def theme_token(pk: int) -> str:
    return f"xm{pk}"


_lock = threading.Lock()
# name -> (version, built at, value): the value this process built or fetched for a version.
_local: dict[str, tuple[str | None, float, Any]] = {}


def _shared_version() -> str | None:
    """The version of the entities every process agrees on, or None while the shared cache is
    unreachable. A change anywhere deletes it (clear_entity_cache); the next reader anywhere
    starts a new one."""
    version = cache.get(VERSION_KEY)
    if version is None:
        candidate = uuid.uuid4().hex
        if cache.add(VERSION_KEY, candidate, CACHE_SECONDS):
            return candidate
        version = cache.get(VERSION_KEY)  # another process started one first, or no cache
    return version


def _cached(name: str, build: Callable[[], Any]) -> Any:
    """`build()`'s value for the current shared version: from this process's memory while the
    version is unchanged (the same object, so callers may key on it), else from the shared
    cache, else built from the database and shared. Without a reachable shared cache, this
    process's copy serves for CACHE_SECONDS."""
    version = _shared_version()
    hit = _local.get(name)
    if hit is not None:
        if version is not None and hit[0] == version:
            return hit[2]
        if version is None and hit[1] + CACHE_SECONDS > time.monotonic():
            return hit[2]
    key = f"search:{name}:{version}"
    value = cache.get(key) if version is not None else None
    if value is None:
        value = build()
        if version is not None:
            cache.set(key, value, CACHE_SECONDS)
    with _lock:
        _local[name] = (version, time.monotonic(), value)
    return value


def clear_entity_cache() -> None:
    """The vocabulary changed (bureaus, tiers, themes, documents): every process reads it anew."""
    cache.delete(VERSION_KEY)
    with _lock:
        _local.clear()


def entity_map() -> dict[str, tuple[str, ...]]:
    """Squashed bureau names, short names and aliases and tier names and aliases -> tokens."""
    return _cached("entities", _build_entity_map)


def _build_entity_map() -> dict[str, tuple[str, ...]]:
    from enterprises.models import EnterpriseTier
    from policies.models import Bureau, BureauAlias

    names: dict[str, list[str]] = {}

    def add(name: str, token: str) -> None:
        key = squash(name)
        if key and token not in names.setdefault(key, []):
            names[key].append(token)

    for pk, name, short_name in Bureau.objects.values_list("pk", "name", "short_name"):
        add(name, bureau_token(pk))
        add(short_name, bureau_token(pk))
    for bureau_id, name in BureauAlias.objects.values_list("bureau_id", "name"):
        add(name, bureau_token(bureau_id))
    for pk, name, aliases in EnterpriseTier.objects.values_list("pk", "name", "aliases"):
        for tier_name in [name, *(aliases or [])]:
            add(tier_name, tier_token(pk))
    return {key: tuple(tokens) for key, tokens in names.items()}


def facet_labels() -> dict[str, str]:
    """Facet key (b:1, t:little-giant, m:financing, d:7) -> the label people read."""
    return _cached("labels", _build_facet_labels)


def _build_facet_labels() -> dict[str, str]:
    from enterprises.models import EnterpriseTier
    from policies.models import Bureau, PolicyDocument, Theme

    labels = {}
    for pk, name, short_name in Bureau.objects.values_list("pk", "name", "short_name"):
        labels[f"b:{pk}"] = short_name or name
    for slug, name in EnterpriseTier.objects.values_list("slug", "name"):
        labels[f"t:{slug}"] = name
    for slug, name in Theme.objects.values_list("slug", "name"):
        labels[f"m:{slug}"] = name
    for pk, title in PolicyDocument.objects.values_list("pk", "title"):
        labels[f"d:{pk}"] = title
    return labels


def tier_reach() -> dict[str, frozenset[str]]:
    """Tier slug -> the slugs of the tiers it stands on, itself included: what the `tier`
    filter keeps (EnterpriseTierQuerySet.standing), for the tier facet's counts."""
    return _cached("tier-reach", _build_tier_reach)


def _build_tier_reach() -> dict[str, frozenset[str]]:
    from enterprises.models import EnterpriseTier, standing_among

    tiers = list(EnterpriseTier.objects.all())
    return {t.slug: frozenset(s.tier.slug for s in standing_among(t, tiers)) for t in tiers}
