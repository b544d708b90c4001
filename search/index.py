"""Writes SearchEntry rows: one per object of each kind the apps register (search.registry:
measures, reply sections, targets, reported figures, bureaus).

`index_objects(kind, ids)` is what signals call on every write; `reindex()` rebuilds in bulk
(the `reindex` command, a dictionary change, the synthetic corpus). A row is only written when
something in it changed, so re-running ingest leaves the index untouched.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable

from django.db import connection, transaction
from django.utils import timezone

from search.models import SearchEntry
from search.segmentation import seg_version, segmenter, squash

from . import registry
from .entities import bureau_token, theme_token, tier_token
from .registry import Source

log = logging.getLogger(__name__)

BATCH = 1000


# --- rows ---------------------------------------------------------------------------------------

_FIELDS = [
    "document_id",
    "title",
    "body",
    "url",
    "extra",
    "facet_keys",
    "title_tokens",
    "body_tokens",
    "keyword_tokens",
    "plain",
    "boost",
    "seg_version",
]


def entry_boost(source: Source) -> float:
    return registry.get(source.kind).boost_for(source)


def entry_values(source: Source) -> dict:
    """The SearchEntry field values for a source (this is where segmentation happens)."""
    seg = segmenter()
    keywords = [bureau_token(pk) for pk, _ in source.bureaus]
    lead = keywords[:1] if registry.get(source.kind).lead_bureau else []
    keywords += [tier_token(pk) for pk, _, _ in source.tiers]
    keywords += [theme_token(pk) for pk, _, _ in source.themes]
    facet_keys = [f"b:{pk}" for pk, _ in source.bureaus]
    facet_keys += [f"t:{slug}" for _, slug, _ in source.tiers]
    facet_keys += [f"m:{slug}" for _, slug, _ in source.themes]
    if source.document:
        facet_keys.append(f"d:{source.document[0]}")
    return {
        "document_id": source.document[0] if source.document else None,
        "title": source.title[:400],
        "body": source.body,
        "url": source.url,
        "extra": source.extra,
        "facet_keys": " ".join(dict.fromkeys(facet_keys)),
        # A measure's lead bureau weighs like its title: 经信局 ranks what 市经信局 leads first.
        "title_tokens": " ".join(seg.index_tokens(source.title_text) + lead),
        "body_tokens": " ".join(seg.index_tokens(source.body)),
        "keyword_tokens": " ".join(dict.fromkeys(keywords)),
        "plain": f"{squash(source.title_text)} {squash(source.body)}",
        "boost": entry_boost(source),
        "seg_version": seg_version(),
    }


def index_objects(kind: str, ids: Iterable[int]) -> int:
    """Create, update or delete the entries of these objects; returns how many rows changed."""
    ids = sorted(set(ids))
    changed = 0
    for start in range(0, len(ids), BATCH):
        changed += _index_batch(kind, ids[start : start + BATCH])
    return changed


def _index_batch(kind: str, ids: list[int]) -> int:
    existing = {e.object_id: e for e in SearchEntry.objects.filter(kind=kind, object_id__in=ids)}
    new, updated = [], []
    seen = set()
    for source in registry.get(kind).sources(ids):
        seen.add(source.object_id)
        values = entry_values(source)
        entry = existing.get(source.object_id)
        if entry is None:
            new.append(SearchEntry(kind=kind, object_id=source.object_id, **values))
        elif any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            updated.append(entry)
    gone = [entry.pk for object_id, entry in existing.items() if object_id not in seen]
    with transaction.atomic():
        if new:
            SearchEntry.objects.bulk_create(new, batch_size=500)
        if updated:
            # bulk_update leaves auto_now fields alone; champion lists rely on updated_at.
            now = timezone.now()
            for entry in updated:
                entry.updated_at = now
            SearchEntry.objects.bulk_update(updated, [*_FIELDS, "updated_at"], batch_size=500)
        if gone:
            SearchEntry.objects.filter(pk__in=gone).delete()
    return len(new) + len(updated) + len(gone)


def remove_objects(kind: str, ids: Iterable[int]) -> None:
    SearchEntry.objects.filter(kind=kind, object_id__in=list(ids)).delete()


# --- deferred indexing --------------------------------------------------------------------------
# A measure saved by ingest fires a dozen signals (the row, each responsibility, tiers, themes,
# targets). Signals only note what changed; the entries are rebuilt once, when the transaction
# commits, or earlier when a search in the same transaction needs them. Rebuilding reads the
# database, so it is right whatever happened in between (a rollback, a deletion).

_pending = threading.local()


def mark_dirty(kind: str, ids: Iterable[int]) -> None:
    """Note that these objects' entries must be rebuilt (signals call this; no query here).

    `kind` is an entry kind or one of EXPANSIONS, resolved to entry kinds when flushing."""
    ids = set(ids)
    if not ids:
        return
    items: dict[str, set[int]] = _pending.__dict__.setdefault("items", {})
    items.setdefault(kind, set()).update(ids)
    # The write itself has succeeded by then: a failure to index is logged, not raised, and
    # `manage.py reindex --all` repairs what it left stale.
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(flush_pending, robust=True)
    else:
        try:
            flush_pending()
        except Exception:
            log.exception("search index: could not index %s %s", kind, sorted(ids))


def _expansions() -> dict:
    from policies.models import Measure, Target
    from replies.models import Reply, ReplySection, ReportedFigure

    def ids(queryset) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    # What else shows an object's data: a measure's targets carry its title and bureaus, a
    # reply's sections and figures its bureau, and names are facet labels everywhere.
    return {
        "measure+targets": lambda pks: [
            ("measure", pks),
            ("target", ids(Target.objects.filter(measure__in=pks))),
        ],
        "reply+parts": lambda pks: [
            ("reply", pks),
            ("reply_section", ids(ReplySection.objects.filter(reply__in=pks))),
            ("figure", ids(ReportedFigure.objects.filter(reply__in=pks))),
        ],
        "document": lambda pks: [
            ("measure+targets", ids(Measure.objects.filter(document__in=pks))),
            ("reply+parts", ids(Reply.objects.filter(document__in=pks))),
        ],
        "bureau+uses": lambda pks: [
            ("bureau", pks),
            ("measure+targets", ids(Measure.objects.filter(responsibilities__bureau__in=pks))),
            ("reply+parts", ids(Reply.objects.filter(bureau__in=pks))),
            ("reply+parts", ids(Reply.objects.filter(co_bureaus__in=pks))),
        ],
        "tier": lambda pks: [
            ("measure+targets", ids(Measure.objects.filter(tiers__in=pks))),
            ("reply_section", ids(ReplySection.objects.filter(tiers__in=pks))),
            ("target", ids(Target.objects.filter(tier__in=pks))),
            ("figure", ids(ReportedFigure.objects.filter(tier__in=pks))),
        ],
        "theme": lambda pks: [
            ("measure+targets", ids(Measure.objects.filter(themes__in=pks))),
            ("reply_section", ids(ReplySection.objects.filter(themes__in=pks))),
        ],
    }


def flush_pending() -> None:
    """Rebuild the entries noted by `mark_dirty` (a no-op when there are none)."""
    items: dict[str, set[int]] = _pending.__dict__.get("items", {})
    if not items:
        return
    expansions = _expansions()
    while items:
        pseudo = next((k for k in items if k in expansions), None)
        if pseudo is not None:
            for kind, pks in expansions[pseudo](items.pop(pseudo)):
                if pks:
                    items.setdefault(kind, set()).update(pks)
            continue
        kind, pks = items.popitem()
        index_objects(kind, pks)


def reindex(kinds: Iterable[str] | None = None, *, stale_only: bool = False) -> dict[str, int]:
    """Bring every entry of these kinds in line with its object; returns rows changed per kind.

    With `stale_only`, only objects without an entry or whose entry was segmented by another
    segmenter version are re-segmented (what ingest does; cheap when nothing changed).
    """
    flush_pending()
    report = {}
    for kind in kinds or registry.names():
        model = registry.get(kind).model_class()
        object_ids = set(model.objects.values_list("pk", flat=True))
        entries = SearchEntry.objects.filter(kind=kind)
        if stale_only:
            indexed = dict(entries.values_list("object_id", "seg_version"))
            version = seg_version()
            todo = {pk for pk in object_ids if indexed.get(pk) != version}
            orphans = set(indexed) - object_ids
        else:
            todo = object_ids
            orphans = set(entries.values_list("object_id", flat=True)) - object_ids
        changed = index_objects(kind, todo) if todo else 0
        if orphans:
            remove_objects(kind, orphans)
        report[kind] = changed + len(orphans)
    return report


def refresh_after_ingest() -> None:
    """The one call at the end of ingest (inside its transaction): signals have kept the entries
    of every written object current; this catches what signals cannot see (a dictionary change
    since the last run), recomputes related passages and, on PostgreSQL, the champion lists."""
    from .champions import rebuild_champions
    from .related import rebuild_related_passages

    flush_pending()
    changed = reindex(stale_only=True)
    if any(changed.values()):
        log.info("search index refreshed after ingest: %s", changed)
    rebuild_related_passages()
    if connection.vendor == "postgresql":
        rebuild_champions()
