"""A synthetic corpus for benchmarks: N provisions made from the real documents' sentences.

Each provision takes a real measure as its template (title, bureaus, tiers, themes and about
half of its sentences) and mixes in sentences from elsewhere in the documents, so term
frequencies, lengths and facets look like the real ones at any scale. Provisions live in their
own documents (source file `synth-NNNN`, 1,000 provisions each).

Built for a million rows: every sentence is segmented once and a provision's token columns are
composed from its sentences' tokens (exactly what `Segmenter.index_tokens` gives for the whole
text, which segments sentence by sentence); a template's title, entity tokens and facet keys are
made once (`search.index.entry_values`). Rows go in by COPY on PostgreSQL (executemany on
SQLite), and for a load that at least doubles the index the GIN index is dropped first and
built once at the end. `reindex --all` afterwards changes nothing: the rows are the index's own.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from .related import SYNTHETIC_PREFIX

log = logging.getLogger(__name__)

PER_DOCUMENT = 1000
CHUNK_DOCUMENTS = 10  # documents written per transaction
_SENTENCE = re.compile(r"[^。；]+[。；]")
_ENDS = "。！？；!?;\n"  # Segmenter's sentence ends: tokens never span one


@dataclass
class SynthReport:
    provisions: int
    documents: int
    seconds_writing: float
    seconds_indexing: float  # segmenting and composing the entries, then building the index
    indexed_chars: int


@dataclass
class _Template:
    measure: object
    sentences: list[str]
    entry: dict  # entry_values of the template (title tokens, keywords, facets, boost)
    plain_title: str  # the title's letters and digits (an entry's `plain` starts with them)
    title_list: list[str] = field(default_factory=list)  # the entry's title and field tokens
    fields_list: list[str] = field(default_factory=list)
    responsibilities: list[tuple[int, str, int, str]] = field(default_factory=list)
    tiers: list[int] = field(default_factory=list)
    themes: list[int] = field(default_factory=list)


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


class _Sentences:
    """Each sentence's index tokens, split as `Segmenter.index_tokens` splits, and its squashed
    text, computed once however often the corpus repeats it."""

    def __init__(self) -> None:
        from .segmentation import _SENTENCE_END, segmenter, squash

        self.seg = segmenter()
        self.split = _SENTENCE_END.split
        self.squash = squash
        self.known: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {}

    def of(self, sentence: str) -> tuple[tuple[str, ...], tuple[str, ...], str]:
        found = self.known.get(sentence)
        if found is None:
            plain: list[str] = []
            dequoted: list[str] = []
            for piece in self.split(sentence):
                p, d = self.seg._sentence_tokens(piece)
                plain += p
                dequoted += d
            found = (tuple(plain), tuple(dequoted), self.squash(sentence))
            self.known[sentence] = found
        return found

    def body(self, parts: Sequence[str]) -> tuple[list[str], str]:
        """(body tokens, squashed body) of the concatenated sentences."""
        if any(s[-1:] not in _ENDS for s in parts[:-1]):  # a sentence would run into the next
            text = "".join(parts)
            return self.seg.index_tokens(text), self.squash(text)
        tokens: list[str] = []
        extra: list[str] = []
        squashed = []
        for sentence in parts:
            plain, dequoted, flat = self.of(sentence)
            tokens += plain
            extra += dequoted
            squashed.append(flat)
        if extra:  # words without their inner quotes, once each, after the rest (index_tokens)
            seen = set(tokens)
            for token in extra:
                if token not in seen:
                    tokens.append(token)
                    seen.add(token)
        return tokens, "".join(squashed)


def _templates(measures) -> list[_Template]:
    from policies.search_indexes import measure_sources

    from .index import entry_values
    from .segmentation import squash

    templates = []
    sources = {s.object_id: s for s in measure_sources([m.pk for m in measures])}
    for m in measures:
        source = sources[m.pk]
        source.document = None  # each provision's own document is added per row
        values = entry_values(source)
        templates.append(
            _Template(
                m,
                _SENTENCE.findall(m.body) or [m.body],
                values,
                squash(source.title_text),
                title_list=values["title_tokens"].split(),
                fields_list=values["keyword_tokens"].split(),
                responsibilities=[
                    (r.bureau_id, r.role, r.order, r.written_as) for r in m.responsibilities.all()
                ],
                tiers=[t.pk for t in m.tiers.all()],
                themes=[t.pk for t in m.themes.all()],
            )
        )
    return templates


def _prototype_row(model, **values) -> dict[str, object]:
    """Column -> database value of a new instance: every column a row needs, defaults included."""
    instance = model(**values)
    return {
        f.column: f.get_db_prep_save(f.pre_save(instance, True), connection)
        for f in model._meta.concrete_fields
    }


def _reserve_ids(table: str, n: int) -> list[int]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT min(v), max(v) FROM (SELECT nextval(pg_get_serial_sequence(%s, 'id')) v"
                " FROM generate_series(1, %s)) s",
                [table, n],
            )
            low, high = cursor.fetchone()
            if high - low + 1 != n:  # another session took ids meanwhile: never reuse those
                raise RuntimeError(f"{table}: ids were taken during the load, run it again")
            return list(range(low, high + 1))
        # SQLite (inside the transaction): past every id ever given, as AUTOINCREMENT does.
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"
            " coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
        return list(range(first, first + n))


def _write(table: str, rows: list[dict]) -> None:
    """COPY on PostgreSQL, executemany elsewhere (rows share their keys: the columns)."""
    if not rows:
        return
    columns = list(rows[0])
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({names}) VALUES ({marks})",
                [[row[c] for c in columns] for row in rows],
            )


class _Writer:
    """Rows of the synthetic provisions, their responsibilities, tiers, themes and entries:
    every column a row of each table needs (defaults from a prototype instance), and what
    differs per provision."""

    def __init__(self, champions) -> None:
        from policies.models import Measure, Responsibility

        from .models import SearchEntry
        from .segmentation import seg_version

        self.texts = _Sentences()
        self.champions = champions  # a champions.Collector on PostgreSQL, else None
        self.measure = _prototype_row(Measure, title="", body="", number=1)
        self.duty = _prototype_row(Responsibility, role="lead", order=1)
        self.entry = _prototype_row(SearchEntry, kind="measure", object_id=1)
        self.entry.update(seg_version=seg_version(), updated_at=timezone.now())
        for row in (self.measure, self.duty, self.entry):
            row.pop("id")
        self.extra = SearchEntry._meta.get_field("extra")
        self.through = {}
        for name in ("tiers", "themes"):
            descriptor = getattr(Measure, name)
            column = next(
                f.column
                for f in descriptor.through._meta.concrete_fields
                if f.related_model is descriptor.rel.model
            )
            self.through[name] = (descriptor.through._meta.db_table, ["measure_id", column])
        self.url = reverse("policies:measure_detail", args=[987654321]).replace("987654321", "{}")

    def write(self, ids: list[int], picks: list) -> tuple[int, float]:
        """Write the picked provisions; returns (characters of text, seconds composing the
        entries)."""
        measures = []
        for pk, (doc, chapter, number, template, body) in zip(ids, picks, strict=True):
            row = dict(self.measure, id=pk, document_id=doc.pk, chapter_id=chapter.pk)
            row.update(number=number, title=template.measure.title, body="".join(body))
            measures.append(row)
        _write("policies_measure", measures)
        _write(
            "policies_responsibility",
            [
                dict(self.duty, measure_id=pk, bureau_id=bureau, role=role, order=order)
                | {"written_as": written_as}
                for pk, pick in zip(ids, picks, strict=True)
                for bureau, role, order, written_as in pick[3].responsibilities
            ],
        )
        for name, (table, (left, right)) in self.through.items():
            _write(
                table,
                [
                    {left: pk, right: related}
                    for pk, pick in zip(ids, picks, strict=True)
                    for related in getattr(pick[3], name)
                ],
            )
        started = time.perf_counter()
        chars = 0
        entries = []
        entry_ids = _reserve_ids("portal_searchentry", len(ids))
        for entry_id, pk, (doc, _, number, template, body) in zip(
            entry_ids, ids, picks, strict=True
        ):
            body_tokens, squashed = self.texts.body(body)
            values = template.entry
            if self.champions is not None:
                self.champions.add(
                    entry_id,
                    template.title_list,
                    body_tokens,
                    template.fields_list,
                    values["boost"],
                )
            chars += len(template.measure.title) + sum(map(len, body))
            row = dict(self.entry, id=entry_id, object_id=pk, document_id=doc.pk)
            row["body"] = "".join(body)
            row.update(
                title=f"{number}. {template.measure.title}"[:400],
                url=self.url.format(pk),
                extra=self.extra.get_db_prep_save({"number": number}, connection),
                facet_keys=f"{values['facet_keys']} d:{doc.pk}".lstrip(),
                title_tokens=values["title_tokens"],
                body_tokens=" ".join(body_tokens),
                keyword_tokens=values["keyword_tokens"],
                plain=f"{template.plain_title} {squashed}",
                boost=values["boost"],
            )
            entries.append(row)
        composing = time.perf_counter() - started
        _write("portal_searchentry", entries)
        return chars, composing


def make_corpus(provisions: int, *, seed: int = 1) -> SynthReport:
    """Write `provisions` synthetic measures with their search entries (no per-row signals)."""
    from policies.models import Chapter, PolicyDocument

    from .champions import Collector
    from .ddl import TABLE, drop_vector_index, has_vector_index, vector_index
    from .models import SearchEntry

    rng = random.Random(seed)
    measures, sentences = _pool()
    started = time.perf_counter()
    templates = _templates(measures)
    champions = None
    if connection.vendor == "postgresql":
        # The champion lists are built from the tokens as they are written, after those of
        # the entries already there.
        champions = Collector()
        rows = SearchEntry.objects.values_list(
            "id", "title_tokens", "body_tokens", "keyword_tokens", "boost"
        ).order_by("id")
        for pk, title, text, fields, boost in rows.iterator(chunk_size=5000):
            champions.add(pk, title.split(), text.split(), fields.split(), boost)
    writer = _Writer(champions)
    documents = (provisions + PER_DOCUMENT - 1) // PER_DOCUMENT
    existing = PolicyDocument.objects.filter(source_file__startswith=SYNTHETIC_PREFIX).count()
    # A load that at least doubles the index: the GIN index is built once, at the end.
    big = connection.vendor == "postgresql" and provisions >= SearchEntry.objects.count()
    chars = 0
    seconds_indexing = 0.0
    try:
        if big and has_vector_index():
            with connection.cursor() as cursor:
                drop_vector_index(cursor)
        for first in range(0, documents, CHUNK_DOCUMENTS):
            with transaction.atomic():
                picks = []
                for d in range(first, min(documents, first + CHUNK_DOCUMENTS)):
                    doc = PolicyDocument.objects.create(
                        title=f"合成语料 {existing + d + 1:04d}",
                        kind=PolicyDocument.Kind.MEASURES,
                        status="合成",
                        source_file=f"{SYNTHETIC_PREFIX}{existing + d + 1:04d}",
                    )
                    chapter = Chapter.objects.create(document=doc, number=1, title="合成措施")
                    # The same draws, in the same order, as the corpus was always drawn with.
                    for n in range(min(PER_DOCUMENT, provisions - d * PER_DOCUMENT)):
                        template = rng.choice(templates)
                        own = template.sentences
                        body = rng.sample(own, max(1, len(own) // 2))
                        body += rng.sample(sentences, rng.randint(1, 4))
                        rng.shuffle(body)
                        picks.append((doc, chapter, n + 1, template, body))
                made, seconds = writer.write(_reserve_ids("policies_measure", len(picks)), picks)
                chars += made
                seconds_indexing += seconds
    finally:
        if big:
            building = time.perf_counter()
            with connection.cursor() as cursor:
                if not has_vector_index():
                    cursor.execute("SET maintenance_work_mem = '512MB'")
                    cursor.execute(vector_index())
                    cursor.execute("RESET maintenance_work_mem")
            seconds_indexing += time.perf_counter() - building
    written = time.perf_counter() - started - seconds_indexing
    if champions is not None:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {TABLE}")
        champions.write()
        seconds_indexing += time.perf_counter() - started
    return SynthReport(provisions, documents, written, seconds_indexing, chars)
