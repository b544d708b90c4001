"""Two bureau staff save the same measure at the same instant, on a real SQLite file.

The suite's own database is in memory and wrapped in a transaction per test, so this runs in a
fresh process against a migrated and ingested file: both threads load version 1, meet at a
barrier, and save. Exactly one edit wins; the other gets VersionConflict; nothing is lost."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

RACE = """
import json, threading
import django
django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from policies.models import Measure
from policies.services import VersionConflict, measure_update

alice = get_user_model().objects.get(username="alice")
barrier = threading.Barrier(2)
outcomes = {}

def edit(name):
    measure = Measure.objects.get(number=5)
    barrier.wait()
    try:
        measure_update(measure=measure, user=alice, data={"body": name + "写的正文。"},
                       expected_version=measure.version)
        outcomes[name] = "saved"
    except VersionConflict as exc:
        outcomes[name] = "conflict v%d" % exc.current.version
    except Exception as exc:
        outcomes[name] = type(exc).__name__ + ": " + str(exc)
    finally:
        connection.close()

threads = [threading.Thread(target=edit, args=(n,)) for n in ("甲", "乙")]
for t in threads: t.start()
for t in threads: t.join()
m5 = Measure.objects.get(number=5)
print(json.dumps({"outcomes": outcomes, "body": m5.body, "version": m5.version},
                 ensure_ascii=False))
"""


def test_two_simultaneous_saves_one_wins_one_gets_the_conflict(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    manage = [sys.executable, "manage.py"]
    for command in (
        ["migrate", "-v0"],
        ["ingest"],
        ["bureau_staff", "alice", "--bureau", "市经信局"],
    ):
        subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    race = subprocess.run(
        [sys.executable, "-c", RACE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert race.returncode == 0, race.stderr
    result = json.loads(race.stdout.strip().splitlines()[-1])
    assert sorted(result["outcomes"].values()) == ["conflict v2", "saved"]
    winner = next(name for name, outcome in result["outcomes"].items() if outcome == "saved")
    assert result["body"] == f"{winner}写的正文。"
    assert result["version"] == 2
