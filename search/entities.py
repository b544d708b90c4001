"""Entity tokens: how structured fields (bureaus, tiers, themes) enter the full-text index.

An entry stores `xb<id>` for each bureau responsible for it, `xt<id>` for each tier it names and
`xm<id>` for each theme, in its keyword column. A query word that is a bureau alias or tier name
matches that token as well as the text, so 经信局 finds the measures 市经信局 is responsible for
even where the body never names it; facet filters require the token.
"""

from __future__ import annotations

import threading
import time

from search.segmentation import squash

CACHE_SECONDS = 60


def bureau_token(pk: int) -> str:
    return f"xb{pk}"


def tier_token(pk: int) -> str:
    return f"xt{pk}"


def theme_token(pk: int) -> str:
    return f"xm{pk}"


_lock = threading.Lock()
_cache: dict[str, tuple[float, dict]] = {}


def _cached(name: str, build) -> dict:
    """A per-process value rebuilt after CACHE_SECONDS, or sooner when signals clear it (the
    vocabulary changes at ingest, in this process or another)."""
    hit = _cache.get(name)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    value = build()
    with _lock:
        _cache[name] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def clear_entity_cache() -> None:
    with _lock:
        _cache.clear()


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
