#!/usr/bin/env bash
# Opportunity list benchmark: seeds 50,000 volunteer profiles and 10,000 opportunities into a
# separate PostgreSQL database (mpact_bench_volunteers), counts queries per page, runs EXPLAIN
# ANALYZE on the list's SQL, and load-tests the opportunity pages under gunicorn on 127.0.0.1,
# with and without the public page cache, against /health/ as the ceiling. Arguments go to
# bench/opportunities.py, e.g.
#   bench/run_opportunities.sh --reuse            keep the database when it has the right size
#   bench/run_opportunities.sh --requests 300     fewer requests per URL
#   bench/run_opportunities.sh --modes uncached   only fresh renders
# Results: bench/results/opportunities.json (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib.sh
[ -x .venv/bin/gunicorn ] || bin/setup
ensure_postgres
mkdir -p bench/results
pidfile=bench/results/gunicorn-opportunities.pid

stop_gunicorn() {
  # opportunities.py stops gunicorn itself; this is the backstop if it was killed outright.
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null && grep -q gunicorn "/proc/$pid/cmdline" 2>/dev/null; then
      echo "[bench] stopping leftover gunicorn $pid"
      kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  fi
}

.venv/bin/python bench/opportunities.py "$@" &
bench=$!
trap 'kill -TERM "$bench" 2>/dev/null; wait "$bench" 2>/dev/null; stop_gunicorn' INT TERM
trap 'stop_gunicorn' EXIT
wait "$bench"
