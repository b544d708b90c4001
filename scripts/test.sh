#!/usr/bin/env bash
# The whole suite. With DATABASE_URL set it runs once against that database; otherwise on SQLite
# and then, if a PostgreSQL server answers on 127.0.0.1:5432, on PostgreSQL too (a throw-away
# test database that pytest-django creates and drops). CI sets REQUIRE_POSTGRES=1.
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}

# The browser tests (tests/browser/) drive Debian's chromium; install it once if it is missing.
# Without it they skip, except under CI=true where they fail.
if ! command -v chromium >/dev/null; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  if command -v apt-get >/dev/null && { [ -z "$SUDO" ] || command -v sudo >/dev/null; }; then
    echo "== installing chromium for the browser tests =="
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei; } >/dev/null \
      || echo "could not install chromium; the browser tests will skip (or fail under CI)" >&2
  else
    echo "chromium is not installed (apt-get install chromium chromium-driver); browser tests will skip" >&2
  fi
fi

run_suite() {
  local label=$1
  echo "== tests on $label =="
  set +e
  python -m pytest "${@:2}"
  local rc=$?
  set -e
  # pytest's exit 5 means no test ran: a failure for us.
  if [ "$rc" -ne 0 ]; then
    echo "tests on $label failed (pytest exit $rc)" >&2
    exit "$rc"
  fi
}

if [ -n "${DATABASE_URL:-}" ]; then
  run_suite "$DATABASE_URL" "$@"
  exit 0
fi

DATABASE_URL= run_suite SQLite "$@"

if python - "$PG_URL" <<'PY' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PY
then
  DATABASE_URL=$PG_URL run_suite PostgreSQL "$@"
else
  if [ "${REQUIRE_POSTGRES:-0}" = 1 ]; then
    echo "PostgreSQL is required here but no server answers at $PG_URL" >&2
    exit 1
  fi
  echo "PostgreSQL: skipped (no server answers at $PG_URL); the suite ran on SQLite only"
fi
