"""A synthetic corpus for benchmarks: N provisions made from the real documents' sentences.

Each provision takes a real measure as its template (title, bureaus, tiers, themes and about
half of its sentences) and mixes in sentences from elsewhere in the documents, so term
frequencies, lengths and facets look like the real ones at any scale. Provisions live in their
own documents (source file `synth-NNNN`, 1,000 provisions each) and are written in bulk.
"""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass

from django.db import connection, transaction

from .related import SYNTHETIC_PREFIX

PER_DOCUMENT = 1000
_SENTENCE = re.compile(r"[^。；]+[。；]")


@dataclass
class SynthReport:
    provisions: int
    documents: int
    seconds_writing: float
    seconds_indexing: float
    indexed_chars: int


def _pool():
    from policies.models import Measure
    from replies.models import ReplySection

    measures = list(
        Measure.objects.exclude(document__source_file__startswith=SYNTHETIC_PREFIX)
        .prefetch_related("responsibilities", "tiers", "themes")
        .order_by("pk")
    )
    if not measures:
        raise ValueError("no real measures to learn from: run `manage.py ingest` first")
    sentences = []
    for text in [m.body for m in measures] + list(
        ReplySection.objects.exclude(text="").values_list("text", flat=True)
    ):
        sentences += [s.strip() for s in _SENTENCE.findall(text) if len(s.strip()) > 8]
    return measures, sentences


def delete_synthetic() -> int:
    """Remove an earlier synthetic corpus; returns how many documents went."""
    from policies.models import PolicyDocument

    docs = list(PolicyDocument.objects.filter(source_file__startswith=SYNTHETIC_PREFIX))
    for doc in docs:
        with transaction.atomic():
            doc.delete()
    return len(docs)


def make_corpus(provisions: int, *, seed: int = 1) -> SynthReport:
    """Write `provisions` synthetic measures and index them (bulk; no per-row signals)."""
    from policies.models import Chapter, Measure, PolicyDocument, Responsibility

    from .champions import rebuild_champions
    from .index import index_objects

    rng = random.Random(seed)
    templates, sentences = _pool()
    start = time.perf_counter()
    documents = (provisions + PER_DOCUMENT - 1) // PER_DOCUMENT
    existing = PolicyDocument.objects.filter(source_file__startswith=SYNTHETIC_PREFIX).count()
    new_ids: list[int] = []
    chars = 0
    for d in range(documents):
        with transaction.atomic():
            doc = PolicyDocument.objects.create(
                title=f"合成语料 {existing + d + 1:04d}",
                kind=PolicyDocument.Kind.MEASURES,
                status="合成",
                source_file=f"{SYNTHETIC_PREFIX}{existing + d + 1:04d}",
            )
            chapter = Chapter.objects.create(document=doc, number=1, title="合成措施")
            count = min(PER_DOCUMENT, provisions - d * PER_DOCUMENT)
            rows, picks = [], []
            for n in range(count):
                template = rng.choice(templates)
                own = _SENTENCE.findall(template.body) or [template.body]
                body = rng.sample(own, max(1, len(own) // 2))
                body += rng.sample(sentences, rng.randint(1, 4))
                rng.shuffle(body)
                text = "".join(body)
                chars += len(text) + len(template.title)
                rows.append(
                    Measure(
                        document=doc,
                        chapter=chapter,
                        number=n + 1,
                        title=template.title,
                        body=text,
                    )
                )
                picks.append(template)
            created = Measure.objects.bulk_create(rows, batch_size=500)
            Responsibility.objects.bulk_create(
                [
                    Responsibility(measure=m, bureau_id=r.bureau_id, role=r.role, order=r.order)
                    for m, t in zip(created, picks, strict=True)
                    for r in t.responsibilities.all()
                ],
                batch_size=2000,
            )
            for field in ("tiers", "themes"):
                descriptor = getattr(Measure, field)
                through = descriptor.through
                column = next(
                    f.attname
                    for f in through._meta.concrete_fields
                    if f.related_model is descriptor.rel.model
                )
                through.objects.bulk_create(
                    [
                        through(measure_id=m.pk, **{column: related.pk})
                        for m, t in zip(created, picks, strict=True)
                        for related in getattr(t, field).all()
                    ],
                    batch_size=2000,
                )
            new_ids += [m.pk for m in created]
    written = time.perf_counter()
    index_objects("measure", new_ids)
    indexed = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE portal_searchentry")
        rebuild_champions(force=True)
    return SynthReport(provisions, documents, written - start, indexed - written, chars)
