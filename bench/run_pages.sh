#!/usr/bin/env bash
# Page benchmark: seeds 20,000 activities / 60,000 sessions into a separate PostgreSQL database
# (mpact_bench), counts queries per page, and load-tests the list and activity pages under
# gunicorn on 127.0.0.1 against /health/ as the ceiling. Arguments go to bench/pages.py, e.g.
#   bench/run_pages.sh --reuse             keep the bench database when it has the right size
#   bench/run_pages.sh --requests 500      fewer requests per URL
# Results: bench/results/pages.json, bench/results/queries.json (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib.sh
[ -x .venv/bin/gunicorn ] || bin/setup
ensure_postgres
mkdir -p bench/results
pidfile=bench/results/gunicorn.pid

stop_gunicorn() {
  # pages.py stops gunicorn itself; this is the backstop if pages.py was killed outright.
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null && grep -q gunicorn "/proc/$pid/cmdline" 2>/dev/null; then
      echo "[bench] stopping leftover gunicorn $pid"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

.venv/bin/python bench/pages.py "$@" &
bench=$!
trap 'kill -TERM "$bench" 2>/dev/null; wait "$bench" 2>/dev/null; stop_gunicorn' INT TERM
trap 'stop_gunicorn' EXIT
wait "$bench"
