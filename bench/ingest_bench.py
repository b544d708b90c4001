"""Time a cold `manage.py ingest` of the bundled documents into a fresh database, and print the
peak memory of each run and of a 5 MB file.

    .venv/bin/python bench/ingest_bench.py [--runs 3] [--database-url URL] [--big-mb 5]
                                           [--big-apply]

Each run is a new process (so jieba's start-up counts) against a freshly migrated SQLite file
unless --database-url is given. Prints wall-clock seconds and peak resident memory per run and
the best. Goals: < 3 s for the five documents; peak memory < 300 MB for any input.

The big file is a measures document of --big-mb megabytes (the bundled draft's chapters repeated
and renumbered, so every line is real text): planned with --dry-run (parse and plan, the part
whose memory grows with the file), and applied too with --big-apply (thousands of measures: slow).
A second big file, the same bytes without line breaks, shows the refusal of a giant field.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cn2an

ROOT = Path(__file__).resolve().parent.parent
MEASURES = ROOT / "fixtures" / "003_37a99eada62a0cb8.txt"


def run(cmd: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds, peak RSS in MB, exit code, last line of output) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    last = out.strip().splitlines()[-1] if out.strip() else ""
    return elapsed, usage.ru_maxrss / 1024, proc.returncode, last


def big_measures(megabytes: float) -> str:
    """The draft's five chapters repeated until the text is `megabytes` long, renumbered."""
    text = MEASURES.read_text(encoding="utf-8")
    start = text.index("一、建强优质中小企业梯队")
    end = text.index("本政策自公布之日起施行")
    head, body, closing = text[:start], text[start:end], text[end:]
    chapters = re.split(r"(?m)^(?=[一二三四五]、)", body)[1:]
    out, size, chapter_no, measure_no = [head], 0, 0, 0
    target = megabytes * 1024 * 1024
    while size < target:
        for chapter in chapters:
            chapter_no += 1

            def renumber(match):
                nonlocal measure_no
                measure_no += 1
                return f"{measure_no}."

            chapter = re.sub(
                r"(?m)^[一二三四五]、", f"{cn2an.an2cn(chapter_no)}、", chapter, count=1
            )
            chapter = re.sub(r"(?m)^\d{1,2}\s*[.．]", renumber, chapter)
            out.append(chapter)
            size += len(chapter.encode("utf-8"))
    out.append(closing)
    return "".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--database-url")
    ap.add_argument("--big-mb", type=float, default=5.0, help="size of the big file (MB)")
    ap.add_argument("--big-apply", action="store_true", help="also write the big file")
    args = ap.parse_args()
    manage = [sys.executable, str(ROOT / "manage.py")]
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.runs):
            url = args.database_url or f"sqlite:///{tmp}/bench-{len(times)}.sqlite3"
            env = {**os.environ, "DEBUG": "true", "DATABASE_URL": url, "MEDIA_ROOT": tmp}
            subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
            elapsed, peak, code, last = run([*manage, "ingest"], env)
            if code:
                print(f"ingest failed: {last}")
                return 1
            times.append(elapsed)
            peaks.append(peak)
            if args.database_url:
                subprocess.run([*manage, "flush", "--no-input"], env=env, check=True, cwd=ROOT)
        for i, (t, p) in enumerate(zip(times, peaks, strict=True), 1):
            print(f"run {i}: cold ingest of 5 files {t:.2f} s, peak memory {p:.0f} MB")
        print(f"best: {min(times):.2f} s (goal < 3 s, process start and jieba included)")

        # The big files, against the last database (holding the five documents).
        big = Path(tmp) / "big-measures.txt"
        big.write_text(big_measures(args.big_mb), encoding="utf-8")
        flat = Path(tmp) / "big-flat.txt"
        flat.write_bytes(big.read_bytes().replace(b"\n", b"")[: big.stat().st_size])
        over = Path(tmp) / "over-limit.txt"
        with over.open("wb") as fh:
            fh.truncate(50 * 1024 * 1024)
        env = {**os.environ, "DEBUG": "true", "DATABASE_URL": url, "MEDIA_ROOT": tmp}
        # A limit just above the big file, so it is taken in (the default is 5 MB).
        env["INGEST_MAX_BYTES"] = str(max(big.stat().st_size, flat.stat().st_size) + 1024)
        cases = [
            ("plan (--dry-run)", big, ["--dry-run"]),
            ("giant field", flat, ["--dry-run"]),
        ]
        if args.big_apply:
            cases.append(("plan and write", big, []))
        for label, path, extra in cases:
            elapsed, peak, code, last = run([*manage, "ingest", str(path), *extra], env)
            size = path.stat().st_size / 1024 / 1024
            verdict = "ok" if code == 0 else f"refused: {last[:110]}"
            print(
                f"{size:.1f} MB file, {label}: {elapsed:.1f} s, peak memory {peak:.0f} MB, {verdict}"
            )
        env.pop("INGEST_MAX_BYTES")
        elapsed, peak, code, last = run([*manage, "ingest", str(over)], env)
        print(
            f"50 MB file at the default limit: {elapsed:.1f} s, peak memory {peak:.0f} MB, "
            f"refused: {last[:90]}"
        )
    print("goal: peak memory < 300 MB for any input")
    return 0


if __name__ == "__main__":
    sys.exit(main())
