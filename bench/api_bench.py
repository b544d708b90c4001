"""Throughput and p95 latency of the API under gunicorn on PostgreSQL, beside a trivial view.

    .venv/bin/python bench/api_bench.py [--database-url URL] [--duration 5] [--rounds 3]

Serves the real project (DEBUG off, every middleware on) with gunicorn on 127.0.0.1, loads it
with wrk on loopback, and prints requests/s, p50/p95/p99 latency and errors for:

- a trivial Django view returning a constant JSON (the ceiling: middleware + WSGI only),
- `/api/v1/measures/?page_size=25`,
- `/api/v1/search/?q=融资`.

Goal: the list endpoint at 50% or more of the trivial view's requests/s, with zero errors. A
second server with the measures-list cache off (api/caching.py) shows what it buys.
Needs `wrk` (Debian: `apt-get install wrk`) and a PostgreSQL server; the benchmark's own
database (default `postgres://postgres@127.0.0.1:5432/zjtx_bench`) is dropped, created, migrated
and ingested on every run.

This file is also the Django settings module and URLconf of the served site, so the trivial view
runs behind exactly the same settings and middleware as the API.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ != "__main__":
    # ----- imported by gunicorn's Django: settings + URLconf (DJANGO_SETTINGS_MODULE=api_bench)
    from portal.settings import *  # noqa: F403

    ROOT_URLCONF = "api_bench"
    # The second server of the run answers with the measures-list cache off, for comparison.
    API_CACHE_SECONDS = int(os.environ.get("BENCH_API_CACHE_SECONDS", "30"))

    def __getattr__(name: str):
        # `urlpatterns` is built on first use: at settings time the apps are not loaded yet.
        if name != "urlpatterns":
            raise AttributeError(name)
        from django.http import JsonResponse
        from django.urls import include, path

        def constant(request):
            return JsonResponse({"status": "ok", "items": [1, 2, 3]})

        return [path("bench/constant/", constant), path("", include("portal.urls"))]


# (label, server, path): server 1 is the same site with the measures-list cache off.
TARGETS = [
    ("trivial view (constant JSON)", 0, "/bench/constant/"),
    ("measures list, page_size=25", 0, "/api/v1/measures/?page_size=25"),
    ("search q=融资", 0, "/api/v1/search/?q=" + urllib.parse.quote("融资")),
    ("  (measures list, cache off)", 1, "/api/v1/measures/?page_size=25"),
]

# wrk prints no p95 by itself: a done() hook reports the figures as one JSON line.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.status, summary.errors.timeout))
end
"""


def fresh_database(url: str) -> None:
    """Drop and create the benchmark's own database, so every run starts from the same data."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def wait_until_up(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/bench/constant/", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def run_wrk(url: str, duration: int, connections: int, script: str) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "-s", script, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / figures["seconds"]
    figures["errors"] = sum(figures[k] for k in ("connect", "read", "write", "status", "timeout"))
    return figures


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zjtx_bench"
        ),
    )
    ap.add_argument("--duration", type=int, default=5, help="seconds per measured run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--connections", type=int, default=8)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--port", type=int, default=8104)
    args = ap.parse_args()

    fresh_database(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # The rate limits (60/min anonymous) would answer 429s: the benchmark measures the work.
        "THROTTLE_ANON": "none",
        "THROTTLE_USER": "none",
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*manage, "ingest"], env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)

    bases = [f"http://127.0.0.1:{args.port}", f"http://127.0.0.1:{args.port + 1}"]
    servers = [
        subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "portal.wsgi:application",
                f"--bind={base.removeprefix('http://')}",
                f"--workers={args.workers}",
                "--pythonpath",
                f"{ROOT},{ROOT / 'bench'}",
                "--log-level=warning",
            ],
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "api_bench",
                "BENCH_API_CACHE_SECONDS": "30" if n == 0 else "0",
            },
            cwd=ROOT,
        )
        for n, base in enumerate(bases)
    ]
    try:
        for base in bases:
            wait_until_up(base)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        for _, server, path in TARGETS:
            # Warm-up: caches, connections, lazy imports.
            run_wrk(bases[server] + path, 2, args.connections, script.name)
        # Rounds alternate the endpoints, so a change in the machine's load between runs does
        # not favour one of them; each endpoint's median round is reported.
        runs: dict[str, list[dict]] = {label: [] for label, _, _ in TARGETS}
        for _ in range(args.rounds):
            for label, server, path in TARGETS:
                url = bases[server] + path
                runs[label].append(run_wrk(url, args.duration, args.connections, script.name))
        os.unlink(script.name)
        results = {
            label: sorted(rs, key=lambda r: r["rps"])[len(rs) // 2] for label, rs in runs.items()
        }
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
        for process in servers:
            process.wait(timeout=30)

    print(
        f"gunicorn {args.workers} sync workers, wrk 2 threads × {args.connections} connections, "
        f"{args.rounds} alternating rounds of {args.duration} s per endpoint (median shown), "
        "PostgreSQL, DEBUG off, loopback"
    )
    print(f"{'endpoint':32} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    errors = {label: sum(r["errors"] for r in rs) for label, rs in runs.items()}
    for label, r in results.items():
        print(
            f"{label:32} {r['rps']:8.0f} {r['p50_ms']:8.2f} {r['p95_ms']:8.2f} "
            f"{r['p99_ms']:8.2f} {errors[label]:7d}"
        )
    trivial = results[TARGETS[0][0]]["rps"]
    listing = results[TARGETS[1][0]]
    share = listing["rps"] / trivial
    ok = share >= 0.5 and not any(errors.values())
    print(f"measures list at {share:.0%} of the trivial view's throughput (goal ≥ 50%, no errors)")
    print("goal met" if ok else "goal NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
