"""A bounded soak: gunicorn under a realistic mix of requests while faults happen.

    .venv/bin/python bench/soak.py [--duration 60] [--database-url URL] [--workers 4]

Loopback only and at most two minutes of load. It drops and re-creates its own PostgreSQL
database (default `postgres://postgres@127.0.0.1:5432/zjtx_soak`), migrates and ingests, starts
its own redis-server on a spare port and gunicorn (DEBUG off, every middleware, Redis cache and
throttling) on another, then runs N client threads over a mix of what owners, analysts and staff
do (pages, searches, API lists, CSV, details, PATCHes with If-Match, and a few hostile requests
that must be refused with a 4xx). While it runs:

- at 1/3 of the time it kills one gunicorn worker (SIGKILL; the master starts another),
- at 1/2 it stops its redis-server, and starts it again 5 s later.

It prints the requests, requests/s, the answers by status (4xx split into expected refusals and
others), connection errors, p50/p95/p99 latency, and per fault the recovery time: from the fault
to the last failed request (5xx or connection error) it caused, and for Redis how long after the
restart the cache held data again. Processes it started are the only ones it stops.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# method, path, body, headers, whether a 4xx is the expected answer
Request = tuple[str, str, bytes | None, dict[str, str], bool]

ROOT = Path(__file__).resolve().parent.parent
MAX_DURATION = 120


@dataclass
class Result:
    started: float
    seconds: float
    status: int  # 0: the connection failed
    expected_refusal: bool


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, result: Result) -> None:
        with self.lock:
            self.results.append(result)


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise SystemExit(f"no free port from {preferred}")


def fresh_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
         "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        if redis_keys(port) is not None:
            return process
        time.sleep(0.05)
    raise SystemExit("redis-server did not start")


def redis_keys(port: int) -> int | None:
    """How many keys the server holds, or None when it does not answer."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"DBSIZE\r\n")
            reply = sock.recv(64)
        return int(reply[1:].split(b"\r\n")[0]) if reply.startswith(b":") else None
    except (OSError, ValueError):
        return None


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(entry.name))
    return pids


def wait_until_up(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/tiers/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer in time")


def mix(token: str, measure_ids: list[int]) -> list[tuple[int, Callable[[], Request]]]:
    """(weight, request builder): method, path, body, headers, expected refusal."""
    q = urllib.parse.quote
    auth = {"Authorization": f"Token {token}"}

    def get(path: str, refusal: bool = False) -> Callable[[], Request]:
        return lambda: ("GET", path, None, {}, refusal)

    def patch() -> Request:
        pk = random.choice(measure_ids)
        body = json.dumps({"body": f"工作人员编辑 {random.random():.6f}"}).encode()
        # If-Match "*": several clients edit at once; the soak checks answers, not conflicts.
        headers = {**auth, "If-Match": "*", "Content-Type": "application/json"}
        return ("PATCH", f"/api/v1/measures/{pk}/", body, headers, False)

    return [
        (10, get("/")),
        (10, get("/measures/")),
        (8, get("/search/?q=" + q("融资"))),
        (6, get("/finder/?tier=little-giant&need=financing")),
        (12, get("/api/v1/measures/?page_size=25")),
        (6, lambda: get(f"/api/v1/measures/{random.choice(measure_ids)}/")()),
        (10, get("/api/v1/search/?q=" + q(random.choice(["融资", "人才", "用地", "上市"])))),
        (4, get("/api/v1/replies/")),
        (4, get("/api/v1/bureaus/?format=csv")),
        (3, get("/api/v1/stats/bureaus/")),
        (2, get("/themes/financing/feed/")),
        (3, patch),
        (1, get("/api/v1/tiers/%00/", refusal=True)),
        (1, get("/api/v1/measures/?page=abc", refusal=True)),
        (1, lambda: ("PATCH", f"/api/v1/measures/{measure_ids[0]}/", b"[" * 5000,
                     {**auth, "If-Match": "*", "Content-Type": "application/json"}, True)),
    ]  # fmt: skip


def client(
    port: int,
    until: float,
    choices: list[Callable[[], Request]],
    weights: list[int],
    run: Run,
) -> None:
    while time.monotonic() < until:
        method, path, body, headers, refusal = random.choices(choices, weights)[0]()
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            conn.close()
        except (OSError, http.client.HTTPException):
            status = 0
        run.add(Result(started, time.monotonic() - started, status, refusal))


def recovery(results: list[Result], fault_at: float, window_end: float) -> float:
    """Seconds from the fault to the last failed request after it (0: none failed)."""
    failed = [
        r.started + r.seconds
        for r in results
        if fault_at <= r.started < window_end and (r.status == 0 or r.status >= 500)
    ]
    return max(failed) - fault_at if failed else 0.0


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else 0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zjtx_soak"),
    )
    ap.add_argument("--duration", type=int, default=60, help=f"seconds of load (≤ {MAX_DURATION})")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--port", type=int, default=8120)
    ap.add_argument("--redis-port", type=int, default=6391)
    args = ap.parse_args()
    duration = min(args.duration, MAX_DURATION)
    port, redis_port = free_port(args.port), free_port(args.redis_port)

    fresh_database(args.database_url)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DATABASE_URL": args.database_url,
        "DEBUG": "false",
        "SECRET_KEY": "soak-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        # Every client is 127.0.0.1: limits high enough to serve, still counted in Redis.
        "THROTTLE_ANON": "1000000/min",
        "THROTTLE_USER": "1000000/min",
        "LOG_LEVEL": "ERROR",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    quiet: dict[str, Any] = {"env": env, "check": True, "cwd": ROOT, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "-v0"], **quiet)
    # DEBUG off serves hashed static files from the manifest, as in production.
    subprocess.run([*manage, "collectstatic", "--no-input", "-v0"], **quiet)
    subprocess.run([*manage, "ingest"], **quiet)
    subprocess.run([*manage, "createsuperuser", "--no-input", "--username", "soak",
                    "--email", "soak@example.org"], **quiet)  # fmt: skip
    token = subprocess.run(
        [*manage, "drf_create_token", "soak"], env=env, check=True, cwd=ROOT,
        capture_output=True, text=True,
    ).stdout.split()[2]  # fmt: skip
    ids = subprocess.run(
        [*manage, "shell", "-c",
         "from policies.models import Measure; print(*Measure.objects.values_list('pk', flat=True))"],
        env=env, check=True, cwd=ROOT, capture_output=True, text=True,
    ).stdout.strip().splitlines()[-1].split()  # fmt: skip
    measure_ids = [int(i) for i in ids]

    redis = start_redis(redis_port)
    gunicorn = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "portal.wsgi:application",
         f"--bind=127.0.0.1:{port}", f"--workers={args.workers}", "--timeout=30",
         "--log-level=warning", "--pythonpath", str(ROOT)],
        env=env,
        cwd=ROOT,
    )  # fmt: skip
    run = Run()
    faults: dict[str, float] = {}
    redis_back_after = None
    try:
        wait_until_up(port)
        choices_weights = mix(token, measure_ids)
        weights = [w for w, _ in choices_weights]
        choices = [c for _, c in choices_weights]
        start = time.monotonic()
        until = start + duration
        threads = [
            threading.Thread(target=client, args=(port, until, choices, weights, run), daemon=True)
            for _ in range(args.clients)
        ]
        for thread in threads:
            thread.start()

        time.sleep(duration / 3)
        victim = random.choice(worker_pids(gunicorn.pid))
        os.kill(victim, signal.SIGKILL)
        faults["worker killed"] = time.monotonic()

        time.sleep(max(0.0, start + duration / 2 - time.monotonic()))
        redis.terminate()
        redis.wait(timeout=10)
        faults["redis stopped"] = time.monotonic()
        time.sleep(5)
        redis = start_redis(redis_port)
        restarted = faults["redis restarted"] = time.monotonic()
        while time.monotonic() < until and redis_back_after is None:
            if (redis_keys(redis_port) or 0) > 0:
                redis_back_after = time.monotonic() - restarted
            time.sleep(0.1)
        for thread in threads:
            thread.join(timeout=60)
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=10)

    results = run.results
    latencies = sorted(r.seconds * 1000 for r in results if r.status)
    by_status: dict[str, int] = {}
    for r in results:
        if r.status == 0:
            key = "connection error"
        elif r.status >= 400 and r.expected_refusal:
            key = f"{r.status} (expected refusal)"
        else:
            key = str(r.status)
        by_status[key] = by_status.get(key, 0) + 1
    refusals_answered_2xx = sum(1 for r in results if r.expected_refusal and r.status < 400)

    print(
        f"gunicorn {args.workers} sync workers, {args.clients} client threads, {duration} s, "
        "PostgreSQL, Redis cache and throttling, DEBUG off, loopback"
    )
    print(f"requests: {len(results)} ({len(results) / duration:.0f}/s)")
    print("answers:  " + ", ".join(f"{k}: {v}" for k, v in sorted(by_status.items())))
    server_errors = sum(1 for r in results if r.status >= 500)
    connection_errors = by_status.get("connection error", 0)
    print(f"errors:   {server_errors} 5xx, {connection_errors} connection errors, "
          f"{refusals_answered_2xx} hostile requests not refused")  # fmt: skip
    if latencies:
        print(
            f"latency:  p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f}"
            f" ms, p99 {percentile(latencies, 99):.1f} ms"
        )
    end = start + duration
    killed, stopped = faults.get("worker killed"), faults.get("redis stopped")
    if killed:
        print(f"worker killed at {killed - start:.1f} s: recovered in "
              f"{recovery(results, killed, stopped or end):.2f} s (last failed request after it)")  # fmt: skip
    if stopped:
        print(f"redis stopped at {stopped - start:.1f} s for 5 s: recovered in "
              f"{recovery(results, stopped, end):.2f} s (last failed request after it); cache "
              f"held data again {redis_back_after if redis_back_after is not None else float('nan'):.1f} s "
              "after the restart")  # fmt: skip
    return 1 if server_errors or refusals_answered_2xx else 0


if __name__ == "__main__":
    raise SystemExit(main())
