"""The dedicated-engine peer for bench/search_bench.py: tantivy (the Rust library behind Quickwit)
over the very token columns the portal indexes, queried with the portal's own parsed terms.

Only the benchmark imports this (pip install -e '.[bench]'); the portal never does.
"""

from __future__ import annotations

import shutil
import tempfile
import time

# The portal's column weights (title, body, structured fields), as bm25 field boosts.
FIELDS = (("title", 5.0), ("body", 2.0), ("keywords", 1.0))


class TantivyPeer:
    def __init__(self) -> None:
        import tantivy

        self.tantivy = tantivy
        builder = tantivy.SchemaBuilder()
        builder.add_integer_field("id", stored=True, indexed=True)
        for name, _ in FIELDS:
            # The columns hold space-joined jieba tokens: split on spaces only, like FTS5's
            # unicode61 and PostgreSQL's 'simple' parser see them.
            builder.add_text_field(name, tokenizer_name="whitespace")
        self.schema = builder.build()
        self.path = tempfile.mkdtemp(prefix="tantivy-peer-")
        self.index = tantivy.Index(self.schema, path=self.path)
        self.searcher = None
        self.seconds_building = 0.0

    def build(self, batch: int = 5000) -> int:
        """Index every SearchEntry's token columns; returns the number of documents."""
        from search.models import SearchEntry

        started = time.perf_counter()
        writer = self.index.writer(heap_size=200_000_000, num_threads=1)
        n = 0
        rows = SearchEntry.objects.values_list(
            "id", "title_tokens", "body_tokens", "keyword_tokens"
        ).order_by("id")
        for pk, title, body, keywords in rows.iterator(chunk_size=batch):
            writer.add_document(
                self.tantivy.Document(id=pk, title=title, body=body, keywords=keywords)
            )
            n += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index.reload()
        self.searcher = self.index.searcher()
        self.seconds_building = time.perf_counter() - started
        return n

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def _token(self, token: str):
        q = self.tantivy.Query
        occur = self.tantivy.Occur
        return q.boolean_query(
            [
                (occur.Should, q.boost_query(q.term_query(self.schema, name, token), boost))
                for name, boost in FIELDS
            ]
        )

    def _term(self, term):
        """Any alternative of a portal Term, each needing all of its tokens; None when the term
        is matched by a substring only (tantivy holds tokens, not the text)."""
        q = self.tantivy.Query
        occur = self.tantivy.Occur
        alternatives = [
            q.boolean_query([(occur.Must, self._token(t)) for t in alt])
            for alt in term.alternatives + term.related
        ]
        if not alternatives:
            return None
        return q.boolean_query([(occur.Should, a) for a in alternatives])

    def query(self, parsed):
        occur = self.tantivy.Occur
        clauses = []
        for term in parsed.positive:
            if (sub := self._term(term)) is not None:
                clauses.append((occur.Must, sub))
        for term in parsed.negative:
            if (sub := self._term(term)) is not None:
                clauses.append((occur.MustNot, sub))
        if not any(o == occur.Must for o, _ in clauses):
            return None
        return self.tantivy.Query.boolean_query(clauses)

    def search(self, parsed, limit: int = 20) -> tuple[int, list[int]]:
        """(exact count, ids of the best `limit`), like the portal's count and first page."""
        query = self.query(parsed)
        if query is None:
            return 0, []
        result = self.searcher.search(query, limit, count=True)
        ids = [self.searcher.doc(address)["id"][0] for _, address in result.hits]
        return result.count, ids
