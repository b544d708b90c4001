"""Server-side search latency at 1k, 10k and 100k provisions, against a naive icontains search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h3bench \\
        .venv/bin/python bench/search_bench.py [--sizes 1000,10000,100000] [--repeat 5]

Re-creates the named PostgreSQL database (never point it at a database you care about),
migrates, ingests the bundled documents, then grows a synthetic corpus (`manage.py synth`) to
each size in turn. At each size every query of tests/search_queries.toml runs once to warm up,
then `--repeat` times timed: `search.search()` as the API and pages call it (count,
ranking, facets, snippets of the first page), and `naive_search()` (icontains on the whole
query). Prints p50/p95 per size, the speed-up, how latency grows with the corpus, and the
segmentation throughput. Goals (issue 3): p95 <= 30 ms at 100k, >= 50x faster than icontains
at 100k, latency growing far slower than the corpus.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/searchux_bench \
        .venv/bin/python bench/search_bench.py --peer tantivy --sizes 100000 [--reuse] [--drop]

With `--peer tantivy` (pip install -e '.[bench]'), each size also gets a tantivy index built from
the same token columns, and every query is timed through both, alternately, in this process:
the portal's `search()` (count, ranking, facets, snippets) and tantivy's top 20 with an exact
count, both from the same parsed query (`parse_query`, timed on both sides). It prints both
p50/p95, the ratio and how many counts agree. Goal (issue 13): the portal within 3x of tantivy's
p95 at 100k, p95 <= 30 ms at 1M. `--reuse` keeps a database that already holds the corpus
(no re-creation), `--drop` drops the database at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def recreate_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    maintenance = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def server_memory() -> str:
    """What the figures depend on beyond the code: PostgreSQL's buffer cache beside the index's
    size, and whether its shared memory sits in huge pages (readable here only for a server on
    this host, from /proc/meminfo)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('shared_buffers'), current_setting('huge_pages'),"
            " pg_size_pretty(pg_relation_size('portal_searchentry')),"
            " pg_size_pretty(pg_relation_size('portal_searchentry_vector_gin'))"
        )
        buffers, huge, heap, gin = cursor.fetchone()
    line = f"shared_buffers {buffers} (entries {heap}, GIN index {gin}), huge_pages={huge}"
    host = connection.settings_dict.get("HOST") or "localhost"
    if host in ("localhost", "127.0.0.1", "::1") or host.startswith("/"):
        try:
            info = dict(
                (k.strip(), v.split()[0])
                for k, v in (
                    row.split(":", 1) for row in Path("/proc/meminfo").read_text().splitlines()
                )
            )
            total, free = int(info["HugePages_Total"]), int(info["HugePages_Free"])
            line += f"; this host's huge pages: {total - free} in use of {total}"
        except (OSError, KeyError, IndexError, ValueError):
            pass
    return line


def timed(fn, queries: list[str], repeat: int, per_query: dict | None = None) -> list[float]:
    samples = []
    for _ in range(repeat):
        for q in queries:
            started = time.perf_counter()
            fn(q)
            ms = (time.perf_counter() - started) * 1000
            samples.append(ms)
            if per_query is not None:
                per_query.setdefault(q, []).append(ms)
    return samples


def segmentation_throughput() -> float:
    """Characters per second of index segmentation over the real documents, cache cleared."""
    from policies.models import Measure
    from replies.models import ReplySection
    from search.segmentation import segmenter

    seg = segmenter()
    texts = [
        m.title + m.body
        for m in Measure.objects.exclude(document__source_file__startswith="synth-")
    ]
    texts += [s.heading + s.text for s in ReplySection.objects.all()]
    chars, seconds = 0, 0.0
    for _ in range(5):
        seg._sentence_tokens.cache_clear()
        started = time.perf_counter()
        for text in texts:
            seg.index_tokens(text)
        seconds += time.perf_counter() - started
        chars += sum(map(len, texts))
    return chars / seconds


def drop_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    maintenance = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(url: str) -> bool:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    maintenance = url.rsplit("/", 1)[0].replace("postgres://", "postgresql://") + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def peer_run(queries: list[str], repeat: int, size: int) -> None:
    """The portal and tantivy on the same corpus and parsed queries, alternately, one process."""
    from bench.tantivy_peer import TantivyPeer
    from search import search
    from search.entities import entity_map
    from search.query import parse_query
    from search.related_words import vocabulary
    from search.segmentation import segmenter

    peer = TantivyPeer()
    try:
        docs = peer.build()
        print(f"tantivy: indexed {docs:,} entries in {peer.seconds_building:.1f} s")

        def tantivy_search(q: str):
            return peer.search(parse_query(q, segmenter(), entity_map, vocabulary), limit=20)

        ours, theirs = [], []
        same = comparable = 0
        errors: list[float] = []  # estimated counts against tantivy's exact ones
        strategies: dict[str, str] = {}
        per_query: dict[str, list[float]] = {}
        for q in queries:  # warm-up, and the counts compared
            mine, (count, _) = search(q, limit=20), tantivy_search(q)
            strategies[q] = mine.strategy or "exact"
            parsed = parse_query(q, segmenter(), entity_map, vocabulary)
            tokens_only = all(t.matchable and not t.substring for t in parsed.terms)
            if not tokens_only or mine.mode != "all":
                continue
            if mine.count_exact:
                comparable += 1
                same += mine.count == count
            elif count:
                errors.append(abs(mine.count - count) / count)
        for _ in range(repeat):
            for q in queries:
                started = time.perf_counter()
                search(q, limit=20)
                ms = (time.perf_counter() - started) * 1000
                ours.append(ms)
                per_query.setdefault(q, []).append(ms)
                started = time.perf_counter()
                tantivy_search(q)
                theirs.append((time.perf_counter() - started) * 1000)
        o50, o95 = percentile(ours, 50), percentile(ours, 95)
        t50, t95 = percentile(theirs, 50), percentile(theirs, 95)
        print(
            f"{size:>10} portal p50 {o50:6.2f} ms p95 {o95:6.2f} ms | tantivy p50 {t50:6.2f} ms"
            f" p95 {t95:6.2f} ms | ratio p50 {o50 / t50:5.1f}x p95 {o95 / t95:5.1f}x"
            f" (goal <= 3x at p95)",
            flush=True,
        )
        print(
            f"{'':>10} counts: {same}/{comparable} exact portal counts equal tantivy's (queries of"
            f" tokens only); {len(errors)} marked estimates (above WINDOW matches) are off by"
            f" {statistics.median(errors or [0]):.0%} median, {max(errors or [0]):.0%} at most"
        )
        slowest = sorted(per_query, key=lambda q: -statistics.median(per_query[q]))[:3]
        print(
            f"{'':>10} slowest (portal): "
            + "; ".join(
                f"{q} {statistics.median(per_query[q]):.1f} ms ({strategies[q]})" for q in slowest
            ),
            flush=True,
        )
    finally:
        peer.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--naive-repeat", type=int, default=2)
    ap.add_argument("--peer", choices=["tantivy"], help="also time a dedicated engine")
    ap.add_argument("--reuse", action="store_true", help="keep a database holding the corpus")
    ap.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = ap.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print(
            "set DATABASE_URL to a PostgreSQL database this benchmark may re-create",
            file=sys.stderr,
        )
        return 2
    # As in production: DEBUG off (Django then keeps no log of queries).
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "search-bench-only")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    reuse = args.reuse and database_exists(url)
    if not reuse:
        recreate_database(url)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from search import search
    from search.champions import WINDOW
    from search.evaluation import load_queries
    from search.models import SearchEntry
    from search.naive import naive_search
    from search.synth import make_corpus

    call_command("migrate", verbosity=0)
    if not reuse:
        with open(os.devnull, "w") as devnull:
            call_command("ingest", verbosity=0, stdout=devnull)
    queries = [q["q"] for q in load_queries()]
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.peer:
        from policies.models import Measure

        for size in sizes:
            have = Measure.objects.filter(document__source_file__startswith="synth-").count()
            if have < size:
                report = make_corpus(size - have, seed=size)
                print(
                    f"synth: {report.provisions:,} provisions in {report.seconds_writing:.0f} s"
                    f" + {report.seconds_indexing:.0f} s indexing"
                )
                with connection.cursor() as cursor:
                    cursor.execute("VACUUM (ANALYZE) portal_searchentry")
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"machine load average (1, 5, 15 min): {load} on {os.cpu_count()} cores")
            print(
                f"{size:,} provisions, {SearchEntry.objects.count():,} entries, "
                f"{len(queries)} queries x {args.repeat}, PostgreSQL "
                f"{connection.pg_version // 10000}"
            )
            print(server_memory())
            peer_run(queries, args.repeat, size)
        connection.close()
        if args.drop:
            drop_database(url)
        return 0
    print(
        f"{len(queries)} queries (tests/search_queries.toml), PostgreSQL {getattr(connection, 'pg_version', 0) // 10000}"
    )
    print(f"segmentation: {segmentation_throughput():,.0f} characters/s (index tokens, cold cache)")
    print()
    header = f"{'provisions':>10} {'entries':>8} {'p50 ms':>7} {'p95 ms':>7} {'max ms':>7}"
    header += f" {'icontains p50':>13} {'p95':>7} {'speed-up p50':>12} {'p95':>6} {'>WINDOW':>8}"
    print(header)
    made = 0
    rows = []
    for size in sizes:
        report = make_corpus(size - made, seed=size)
        made = size
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) portal_searchentry")
            cursor.execute("VACUUM (ANALYZE) policies_measure")
            cursor.execute("VACUUM (ANALYZE) replies_replysection")
        entries = SearchEntry.objects.count()
        warm = {q: search(q, limit=20) for q in queries}  # warm-up
        counts = {q: r.count for q, r in warm.items()}
        per_query: dict[str, list[float]] = {}
        ours = timed(lambda q: search(q, limit=20), queries, args.repeat, per_query)
        for q in queries[:3]:
            naive_search(q)  # warm-up
        naive = timed(lambda q: naive_search(q, limit=20), queries, args.naive_repeat)
        p50, p95 = percentile(ours, 50), percentile(ours, 95)
        n50, n95 = percentile(naive, 50), percentile(naive, 95)
        large = sum(1 for c in counts.values() if c > WINDOW)
        rows.append((size, p50, p95))
        print(
            f"{size:>10} {entries:>8} {p50:7.1f} {p95:7.1f} {max(ours):7.1f} {n50:13.1f} {n95:7.1f}"
            f" {n50 / p50:11.0f}x {n95 / p95:5.0f}x {large:>5}/{len(queries)}",
            flush=True,
        )
        print(
            f"{'':>10} synth: {report.seconds_indexing:.1f} s to segment and index "
            f"{report.indexed_chars:,} characters ({report.indexed_chars / report.seconds_indexing:,.0f}/s,"
            f" repeated sentences cached); median matches {statistics.median(counts.values()):,.0f}",
            flush=True,
        )
        slowest = sorted(per_query, key=lambda q: -statistics.median(per_query[q]))[:3]
        print(
            f"{'':>10} slowest: "
            + "; ".join(
                f"{q} {statistics.median(per_query[q]):.1f} ms ({counts[q]:,} matches,"
                f" {warm[q].strategy})"
                for q in slowest
            ),
            flush=True,
        )
    if len(rows) > 1:
        (s0, a50, a95), (s1, b50, b95) = rows[0], rows[-1]
        print()
        print(
            f"corpus x{s1 / s0:.0f} ({s0:,} -> {s1:,}): p50 x{b50 / a50:.1f}, p95 x{b95 / a95:.1f}"
        )
    connection.close()
    if args.drop:
        drop_database(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
