#!/usr/bin/env bash
# Matching benchmark: seeds 20,000 volunteers, 5,000 open help requests and 2,000 published
# opportunities (and 1/16, 1/4 and twice that) into separate PostgreSQL databases
# (mpact_bench_matching, mpact_bench_matching_1_16, mpact_bench_matching_1_4,
# mpact_bench_matching_x2) and, on a fresh copy of each (<database>_work, dropped afterwards),
# measures what a real run meets, each run in a fresh process:
#   first         the first run on freshly seeded data;
#   second        a run right after, nothing changed (should add no suggestion);
#   after change  10% of the open requests and published opportunities changed, then a run.
# Per run: wall time, peak RSS, queries, suggestions added, total score, needs served, pricing
# rounds, pairs priced and added, bound == total. The first sequence's runs are checked against
# an independent solve over every feasible pair (where it fits) and a greedy first fit.
# Arguments go to bench/matching.py, e.g.
#   bench/run_matching.sh --scale 1/64 --repeat 1   a quick check at 1/64
#   bench/run_matching.sh --reuse                   keep databases that have the right size
#   bench/run_matching.sh --scale 1 --profile       also profile a sequence with cProfile
# Results: bench/results/matching.json (gitignored).
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib.sh
[ -x .venv/bin/python ] || bin/setup
ensure_postgres
mkdir -p bench/results
exec .venv/bin/python bench/matching.py "$@"
