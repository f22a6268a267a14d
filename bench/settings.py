"""mpact.settings for the page benchmark, with one change: STATIC_ROOT.

Production settings use whitenoise's manifest storage, so `{% static %}` needs the manifest that
collectstatic writes into STATIC_ROOT. STATIC_ROOT is fixed in mpact.settings (BASE_DIR /
"staticfiles"); the benchmark collects into a throwaway folder instead, named by
BENCH_STATIC_ROOT, so it leaves nothing behind in the work tree. Everything else (DEBUG,
DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS, middleware, templates) comes from mpact.settings and
the environment unchanged.
"""

import os
from pathlib import Path

from mpact.settings import *  # noqa: F403

if os.environ.get("BENCH_STATIC_ROOT"):
    STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
