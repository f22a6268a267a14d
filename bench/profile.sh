#!/usr/bin/env bash
# Where a page's time goes (cProfile through Django's test client) against the bench database
# that bench/run_pages.sh seeded, with the same settings as the benchmark (DEBUG off, page
# cache off). Arguments go to bench/profile_pages.py, e.g.
#   bench/profile.sh /activiteiten/ "/activiteiten/?q=koken" -n 30 --components
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_SETTINGS_MODULE=bench.settings
export DATABASE_URL=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/mpact_bench}
export DEBUG=false SECURE_SSL_REDIRECT=false ALLOWED_HOSTS=127.0.0.1 LOG_LEVEL=WARNING
export SECRET_KEY=bench-only-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
export PUBLIC_PAGE_CACHE_SECONDS=0 PYTHONPATH=$PWD
unset REDIS_URL
BENCH_STATIC_ROOT=$(mktemp -d -t mpact-bench-static-XXXXXX)
export BENCH_STATIC_ROOT
trap 'rm -rf "$BENCH_STATIC_ROOT"' EXIT
.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/python bench/profile_pages.py "$@"
