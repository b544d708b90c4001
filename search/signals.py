"""Keep search entries current on every write: ingest, staff edits, admin and API all save
through the ORM, so these receivers see them all. Derived data only, never domain logic.

Receivers only note what changed (no query); the entries are rebuilt once per transaction, when
it commits or when a search inside it needs them (search.index.mark_dirty).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model
from django.db.models.signals import ModelSignal, m2m_changed, post_delete, post_save

from enterprises.models import EnterpriseTier
from policies.models import (
    Bureau,
    BureauAlias,
    Measure,
    PolicyDocument,
    Responsibility,
    Target,
    Theme,
)
from replies.models import Reply, ReplySection, ReportedFigure

from .entities import clear_entity_cache
from .index import mark_dirty
from .models import RelatedWord
from .related_words import forget_rows


def measure_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_dirty("measure+targets", [instance.pk])


def responsibility_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        mark_dirty("measure+targets", [instance.measure_id])


def m2m_of(kind: str, reverse_kind: str):
    """A receiver for a many-to-many field of `kind` objects (reverse: of `reverse_kind`)."""

    def receiver(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            mark_dirty(kind, [instance.pk])
        elif pk_set:
            mark_dirty(kind, pk_set)
        else:  # cleared from the other side: whatever used it
            mark_dirty(reverse_kind, [instance.pk])

    return receiver


def simple(kind: str):
    def receiver(sender, instance, raw=False, **kwargs):
        if not raw:
            mark_dirty(kind, [instance.pk])

    return receiver


def vocabulary_changed(kind: str):
    """Bureaus, aliases, tiers, themes and document titles are names queries match and facet
    labels show: forget the cached vocabulary, and rebuild what shows the name."""

    def receiver(sender, instance, raw=False, created=False, **kwargs):
        clear_entity_cache()
        if raw:
            return
        if isinstance(instance, BureauAlias):
            mark_dirty("bureau", [instance.bureau_id])
        elif created:
            if kind == "bureau+uses":
                mark_dirty("bureau", [instance.pk])
        else:
            mark_dirty(kind, [instance.pk])

    return receiver


def related_words_changed(sender, instance, raw=False, **kwargs):
    forget_rows()  # applied at query time: nothing to re-index


_measure_m2m = m2m_of("measure+targets", "measure+targets")
_RECEIVERS: list[tuple[ModelSignal, type[Model], Callable[..., None]]] = [
    (post_save, Measure, measure_changed),
    (post_delete, Measure, measure_changed),
    (post_save, Responsibility, responsibility_changed),
    (post_delete, Responsibility, responsibility_changed),
    (m2m_changed, Measure.tiers.through, m2m_of("measure+targets", "tier")),
    (m2m_changed, Measure.themes.through, m2m_of("measure+targets", "theme")),
    (post_save, Target, simple("target")),
    (post_delete, Target, simple("target")),
    (post_save, ReplySection, simple("reply_section")),
    (post_delete, ReplySection, simple("reply_section")),
    (m2m_changed, ReplySection.themes.through, m2m_of("reply_section", "theme")),
    (m2m_changed, ReplySection.tiers.through, m2m_of("reply_section", "tier")),
    (post_save, Reply, simple("reply+parts")),
    (post_delete, Reply, simple("reply")),
    (m2m_changed, Reply.co_bureaus.through, m2m_of("reply+parts", "bureau+uses")),
    (post_save, ReportedFigure, simple("figure")),
    (post_delete, ReportedFigure, simple("figure")),
    (post_save, Bureau, vocabulary_changed("bureau+uses")),
    (post_delete, Bureau, vocabulary_changed("bureau")),
    (post_save, BureauAlias, vocabulary_changed("bureau")),
    (post_delete, BureauAlias, vocabulary_changed("bureau")),
    (post_save, EnterpriseTier, vocabulary_changed("tier")),
    (post_delete, EnterpriseTier, vocabulary_changed("tier")),
    (post_save, Theme, vocabulary_changed("theme")),
    (post_delete, Theme, vocabulary_changed("theme")),
    (post_save, PolicyDocument, vocabulary_changed("document")),
    (post_save, RelatedWord, related_words_changed),
    (post_delete, RelatedWord, related_words_changed),
]


def connect() -> None:
    for signal, sender, receiver in _RECEIVERS:
        uid = f"search.{signal.__class__.__name__}.{id(signal)}.{sender._meta.label}"
        signal.connect(receiver, sender=sender, dispatch_uid=uid)
