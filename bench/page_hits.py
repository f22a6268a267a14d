"""CPU per request of the list pages against the trivial view, in one process.

Not logged in, a list page is the public page cache's hit; logged in (--logged-in, the demo
volunteer's session), it is the header rendered for the person around the list kept as a
fragment, and around their own page (/vrijwilliger/), kept for them (mpact/cache.py,
person_fragment).

The load benchmark (bench/pages.py) measures under gunicorn, where two cores shared by the
client, the workers, PostgreSQL and Redis make single figures noisy. This one calls Django's
WSGI handler directly, many times per page, interleaved over rounds, and reports CPU time
(user + system) per request: the cost a cache hit adds over /health/, which the middleware
stack and the server cost both pay. Needs a seeded bench database (bench/run_pages.sh); it
migrates it, and collects the static files it needs (--static-root) the first time.

    .venv/bin/python bench/page_hits.py --cache redis   # REDIS_URL for the cache, as in production
    .venv/bin/python bench/page_hits.py --cache local   # local memory per process
    .venv/bin/python bench/page_hits.py --cache redis --logged-in
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ("health", "/health/", ""),
    ("list", "/activiteiten/", ""),
    ("list_filter", "/activiteiten/", "kind=cooking&when=week"),
    ("list_search", "/activiteiten/", "q=koken"),
    ("opportunity_list", "/vacatures/", ""),
    ("opportunity_search", "/vacatures/", "q=taalmaatje"),
]
# With --logged-in: the person's own page too (bench/pages.py's BENCH_PERSON).
PERSONAL = [("volunteer", "/vrijwilliger/", "")]
BENCH_PERSON = "vrijwilliger@example.org"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", choices=["local", "redis"], default="redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/mpact_bench")
    parser.add_argument("--static-root", default="/tmp/mpact-bench-hits-static")
    parser.add_argument("--requests", type=int, default=1000, help="per page and round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tag", default="", help="suffix of the results file")
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help=f"as {BENCH_PERSON} (a session cookie on every request); adds their own page",
    )
    args = parser.parse_args()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        BENCH_STATIC_ROOT=args.static_root,
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 50,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=args.db,
        LOG_LEVEL="WARNING",
    )
    os.environ.pop("REDIS_URL", None)
    if args.cache == "redis":
        os.environ["REDIS_URL"] = args.redis_url
    if not (Path(args.static_root) / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0", "--skip-checks"],
            cwd=ROOT,
            check=True,
        )
    # As bench/pages.py does with --reuse: a database seeded before a migration gets it.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, check=True
    )
    sys.path.insert(0, str(ROOT))
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    pages = PAGES + (PERSONAL if args.logged_in else [])
    cookie = {}
    if args.logged_in:
        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            get_user_model,
        )
        from django.contrib.sessions.backends.db import SessionStore

        person = get_user_model().objects.get(email=BENCH_PERSON)
        session = SessionStore()
        session.update(
            {
                SESSION_KEY: str(person.pk),
                BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                HASH_SESSION_KEY: person.get_session_auth_hash(),
            }
        )
        session.create()
        cookie = {"HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}

    def hit(path, query):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            **cookie,
        }
        statuses = []
        body = b"".join(app(environ, lambda status, headers: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}?{query}: {statuses[0]}")
        return body

    for _name, path, query in pages:  # render once, then only hits
        for _ in range(20):
            hit(path, query)
    time.sleep(1.5)  # let the process's subscription to the version channel come up
    cpu = {name: [] for name, _p, _q in pages}
    for _round in range(args.rounds):
        for name, path, query in pages:
            started = time.process_time()
            for _ in range(args.requests):
                hit(path, query)
            cpu[name].append((time.process_time() - started) * 1000 / args.requests)
    health = statistics.median(cpu["health"])
    who = "logged in" if args.logged_in else "not logged in"
    result = {
        "cache": args.cache,
        "logged_in": args.logged_in,
        "requests": args.requests,
        "rounds": args.rounds,
        "pages": {},
    }
    print(f"cache: {args.cache}, {who}; CPU ms per request, median of {args.rounds} rounds (range)")
    for name, values in cpu.items():
        median = statistics.median(values)
        result["pages"][name] = {
            "cpu_ms_median": round(median, 3),
            "cpu_ms_rounds": [round(v, 3) for v in values],
            "share_of_trivial_view": round(health / median, 3),
        }
        print(
            f"  {name:<18} {median:6.3f} ({min(values):.3f}-{max(values):.3f})  "
            f"{health / median:6.1%} of the trivial view's rate"
        )
    tag = f"-{args.tag}" if args.tag else ""
    who = "-logged-in" if args.logged_in else ""
    out = ROOT / "bench" / "results" / f"page_hits-{args.cache}{who}{tag}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
