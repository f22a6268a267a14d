#!/usr/bin/env bash
# Matching benchmark: seeds 20,000 volunteers, 5,000 open help requests and 2,000 published
# opportunities (and 1/4 and 1/16 of that) into separate PostgreSQL databases
# (mpact_bench_matching, mpact_bench_matching_1_4, mpact_bench_matching_1_16) and measures one
# full matching run per size in a fresh process: wall time, peak RSS, queries, candidates,
# suggestions, total score, needs served, against a greedy first-fit baseline. Arguments go to
# bench/matching.py, e.g.
#   bench/run_matching.sh --scale 1/64 --repeat 1   a quick check at 1/64
#   bench/run_matching.sh --reuse                   keep databases that have the right size
#   bench/run_matching.sh --scale 1 --profile       also profile a run with cProfile
# Results: bench/results/matching.json (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib.sh
[ -x .venv/bin/python ] || bin/setup
ensure_postgres
mkdir -p bench/results
exec .venv/bin/python bench/matching.py "$@"
