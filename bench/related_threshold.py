"""Precision and recall of the related passages (search/related.py) against the hand-read gold
(tests/gold/003.toml, `[related]`), for the cut-offs around the ones in use.

    .venv/bin/python bench/related_threshold.py [--database-url URL]

Migrates a fresh SQLite database (unless --database-url is given), ingests the bundled documents,
then scores every (MIN_SCORE, PER_SECTION, THEME_WEIGHT) combination of the grid below and prints
the table, best F1 first, with the settings in use marked. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIN_SCORES = [x / 100 for x in range(8, 22, 2)]
PER_SECTIONS = [1, 2, 3, 1000]
THEME_WEIGHTS = [0.0, 0.15, 0.25]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp}/related.sqlite3"
        os.environ.setdefault("DEBUG", "true")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        call_command("ingest", stdout=StringIO())
        return report()


def report() -> int:
    import tomllib

    import search.related as related
    from ingest.evaluation.gold import GOLD_DIR
    from ingest.evaluation.policy import section_names
    from policies.models import Measure

    gold = tomllib.loads((GOLD_DIR / "003.toml").read_text(encoding="utf-8"))["related"]
    want = {(int(n), name) for n, names in gold.items() for name in names}
    names = section_names()
    numbers = dict(
        Measure.objects.filter(document__source_file__startswith="003_").values_list("pk", "number")
    )
    in_use = (related.MIN_SCORE, related.PER_SECTION, related.THEME_WEIGHT)
    rows = []
    for weight in THEME_WEIGHTS:
        for per_section in PER_SECTIONS:
            for min_score in MIN_SCORES:
                related.MIN_SCORE, related.PER_SECTION = min_score, per_section
                related.THEME_WEIGHT = weight
                got = {
                    (numbers[m], names[s])
                    for (m, s) in related.compute_related()
                    if m in numbers and s in names
                }
                tp = len(got & want)
                precision = tp / len(got) if got else 1.0
                recall = tp / len(want)
                f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
                rows.append((f1, precision, recall, len(got), min_score, per_section, weight))
    related.MIN_SCORE, related.PER_SECTION, related.THEME_WEIGHT = in_use
    rows.sort(reverse=True)
    print(f"{len(want)} gold pairs for {len(gold)} measures; TOP={related.TOP} per measure")
    print(f"{'F1':>6} {'prec':>6} {'recall':>6} {'shown':>6}  min_score per_section theme_weight")
    for f1, p, r, n, min_score, per_section, weight in rows[:20]:
        mark = "  <- in use" if (min_score, per_section, weight) == in_use else ""
        print(
            f"{f1:6.3f} {p:6.3f} {r:6.3f} {n:6d}  {min_score:9.2f} {per_section:11d} "
            f"{weight:12.2f}{mark}"
        )
    for row in rows[20:]:
        if row[4:] == in_use:
            print(f"in use: F1 {row[0]:.3f} precision {row[1]:.3f} recall {row[2]:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
