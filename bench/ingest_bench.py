"""Time a cold `manage.py ingest` of the bundled documents into a fresh database.

    .venv/bin/python bench/ingest_bench.py [--runs 3] [--database-url URL]

Each run is a new process (so jieba's start-up counts) against a freshly migrated SQLite file
unless --database-url is given. Prints wall-clock seconds per run and the best. Goal: < 3 s.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
            env = {**os.environ, "DEBUG": "true", "DATABASE_URL": url}
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            started = time.perf_counter()
            subprocess.run([*manage, "ingest"], env=env, check=True, cwd=ROOT, capture_output=True)
            times.append(time.perf_counter() - started)
            if args.database_url:
                subprocess.run([*manage, "flush", "--no-input"], env=env, check=True, cwd=ROOT)
    for i, t in enumerate(times, 1):
        print(f"run {i}: cold ingest of 5 files {t:.2f} s")
    print(f"best: {min(times):.2f} s (goal < 3 s, process start and jieba included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
