"""Opportunity list benchmark: 50,000 volunteer profiles and 10,000 opportunities.

Creates (or with --reuse keeps) the PostgreSQL database mpact_bench_volunteers, seeds it with
seed_demo (200 activities × 2 sessions, 10,000 opportunities, 50,000 volunteers), then

1. counts the queries of each page through Django's test client (page cache off), times them,
   and runs EXPLAIN ANALYZE on the list's main and count queries (is the GIN index
   opportunity_search_dutch used?);
2. starts gunicorn on 127.0.0.1 twice, with the public page cache (the default,
   PUBLIC_PAGE_CACHE_SECONDS=30) and without it (=0: a fresh render per request, what
   logged-in people get), and drives each public URL with the bounded keep-alive load
   generator of bench/pages.py, against /health/ on the same server as the ceiling.

Results: bench/results/opportunities.json (and a dated copy) plus tables on stdout. See
bench/README.md. Run through bench/run_opportunities.sh, or:

    .venv/bin/python bench/opportunities.py [--reuse] [--requests N] [--modes cached uncached]
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from bench import pages as foundation  # noqa: E402  (load generator, gunicorn, database helpers)

PYTHON = ROOT / ".venv" / "bin" / "python"
HOST = foundation.HOST  # 127.0.0.1 only
SEARCH_INDEX = "opportunity_search_dutch"
PUBLIC = [
    "health",
    "list",
    "list_skill_hood",
    "list_language_filters",
    "list_search",
    "list_search_filters",
    "opportunity",
]
LOGGED_IN = ["volunteer_dashboard", "volunteer_list"]
log = foundation.log


# --- Database -------------------------------------------------------------------------------


def table_counts(pg: str, db: str) -> dict | None:
    tables = {
        "activities": "initiatives_activity",
        "sessions": "initiatives_session",
        "opportunities": "initiatives_opportunity",
        "volunteer_profiles": "volunteers_volunteerprofile",
        "volunteer_languages": "volunteers_volunteerlanguage",
        "users": "users_user",
    }
    try:
        with psycopg.connect(f"{pg}/{db}", connect_timeout=5) as conn:
            result = {}
            for name, table in tables.items():
                exists = conn.execute("SELECT to_regclass(%s)", [table]).fetchone()[0]
                result[name] = (
                    conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                    if exists
                    else None
                )
            return result
    except psycopg.Error:
        return None


def counts_ok(counts: dict | None, args) -> bool:
    """The seeded sizes: seed_demo adds the demo volunteer's profile to the N it makes."""
    return bool(
        counts
        and counts["opportunities"] == args.opportunities
        and counts["volunteer_profiles"] in (args.volunteers, args.volunteers + 1)
        and counts["activities"] == args.activities
        and counts["sessions"] == args.activities * args.sessions_per_activity
    )


# --- Django half: queries per page, timings, EXPLAIN (runs in a child with the bench env) ----


def django_part(out: Path, repeat: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ["PUBLIC_PAGE_CACHE_SECONDS"] = "0"  # count and time what a render costs
    import django

    django.setup()
    # bench/queries.py's measure() and explain() are reused as they are.
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client

    from bench import queries as foundation_queries
    from initiatives.models import Neighbourhood, Opportunity
    from mpact.users.models import User
    from volunteers.models import Skill, VolunteerProfile

    public = Opportunity.objects.public()
    # The skill with the most public opportunities, and the neighbourhood with most of those.
    skill = (
        Skill.objects.annotate(n=Count("opportunity", filter=Q(opportunity__in=public)))
        .order_by("-n", "pk")
        .first()
    )
    hood = (
        Neighbourhood.objects.annotate(
            n=Count("opportunity", filter=Q(opportunity__in=public.filter(skills=skill)))
        )
        .order_by("-n", "pk")
        .first()
    )
    first = public.order_by("-created_at", "-pk").first()
    if skill is None or hood is None or first is None:
        sys.exit("The benchmark database has no public opportunities: seed it first.")
    volunteer = (
        User.objects.filter(
            email="vrijwilliger@example.org", volunteer_profile__isnull=False
        ).first()
        or VolunteerProfile.objects.select_related("user").order_by("pk").first().user
    )

    urls = {
        "health": "/health/",
        "list": "/vacatures/",
        "list_skill_hood": f"/vacatures/?skill={skill.slug}&neighbourhood={hood.pk}",
        "list_language_filters": "/vacatures/?language=ar&dutch=B1&newcomers=on&no_vog=on",
        "list_search": "/vacatures/?q=taalmaatje",
        "list_search_filters": "/vacatures/?q=tolk&commitment=weekly&no_vog=on",
        "opportunity": f"/vacatures/{first.pk}/",
        "volunteer_dashboard": "/vrijwilliger/",
        "volunteer_list": "/vacatures/",
    }

    anonymous = Client(SERVER_NAME=HOST)
    logged_in = Client(SERVER_NAME=HOST)
    logged_in.force_login(volunteer)
    pages = {}
    for name, path in urls.items():
        client = logged_in if name in LOGGED_IN else anonymous
        page = foundation_queries.measure(client, path, repeat)
        if page["status"] != 200:
            sys.exit(f"{path} answered {page['status']}")
        for query in page["query_list"]:
            query["kind"] = kind_of(query["sql"])
        page["logged_in"] = name in LOGGED_IN
        pages[name] = page

    explains = {}
    for name, page in pages.items():
        if not name.startswith("list"):
            continue
        for query in page["query_list"]:
            if query["kind"] in ("main", "count"):
                # Three runs, the median by execution time: one run is at the mercy of noise.
                runs = sorted(
                    (foundation_queries.explain(query["sql"]) for _ in range(3)),
                    key=lambda run: run["execution_ms"] or 0.0,
                )
                result = runs[1]
                explains[f"{name}:{query['kind']}"] = {
                    "sql": query["sql"],
                    "execution_ms": result["execution_ms"],
                    "planning_ms": result["planning_ms"],
                    "indexes_used": result["indexes_used"],
                    f"uses_{SEARCH_INDEX}": SEARCH_INDEX in result["indexes_used"],
                    "seq_scans": sorted(set(re.findall(r"Seq Scan on (\w+)", result["plan"]))),
                    "plan": result["plan"],
                }

    data = {
        "database": connection.settings_dict["NAME"],
        "picked": {
            "skill": skill.slug,
            "neighbourhood": f"{hood.pk} ({hood})",
            "opportunity": first.pk,
            "volunteer": volunteer.email,
        },
        "urls": urls,
        "pages": pages,
        "explain": explains,
    }
    out.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def kind_of(sql: str) -> str:
    if sql.startswith("SELECT COUNT(*)") and '"initiatives_opportunity"' in sql:
        return "count"
    if 'FROM "initiatives_opportunity"' in sql and " LIMIT " in sql:
        return "main"
    if "initiatives_opportunity_skills" in sql or "initiatives_opportunity_languages" in sql:
        return "prefetch"
    return "other"


def describe(query: dict) -> str:
    labels = {
        "count": "COUNT(*) for the paginator",
        "main": "page of opportunities",
    }
    if query["kind"] in labels:
        return labels[query["kind"]]
    table = re.search(r'FROM "(\w+)"', query["sql"])
    prefix = "prefetch: " if query["kind"] == "prefetch" else ""
    return prefix + f"SELECT … FROM {table.group(1) if table else '?'}"


# --- Load -----------------------------------------------------------------------------------


def load_mode(mode: str, env: dict, urls: dict, queries: dict, args) -> dict:
    """One gunicorn, every public URL under load; returns the per-page figures."""
    load_args = argparse.Namespace(
        workers=args.workers,
        worker_class=args.worker_class,
        threads=args.threads,
        app_settings="bench.settings",
        page_cache=None if mode == "cached" else 0,
        requests=args.requests,
        concurrency=args.concurrency,
        max_seconds=args.max_seconds,
        quiet_wait=args.quiet_wait,
        burst_seconds=args.burst_seconds,
        foreign_limit=args.foreign_limit,
        db=args.db,
    )
    port = foundation.free_port()
    logfile = args.out_dir / "gunicorn-opportunities.log"
    gunicorn = foundation.start_gunicorn(env, port, load_args, logfile)
    try:
        foundation.wait_ready(port, gunicorn)
        workers = foundation.children_of(gunicorn.pid)
        cache_seconds = foundation.page_cache_seconds(env, load_args)
        log(
            f"[{mode}] gunicorn ready on {HOST}:{port}, {len(workers)} workers, page cache "
            f"{cache_seconds} s"
        )
        log(f"[{mode}] warming up ({args.warmup} requests per URL)")
        foundation.warm_up(port, urls, args.warmup, args.concurrency)
        pages = {}
        for name, path in urls.items():
            log(f"[{mode}] {name}: {args.requests} × GET {path} (concurrency {args.concurrency})")
            stats = foundation.run_gated(port, path, load_args, workers)
            stats["path"] = path
            stats["queries"] = queries["pages"][name]["queries"]
            pages[name] = stats
            log(
                f"  {stats['rps']} req/s, median {stats['median_ms']} ms, p95 {stats['p95_ms']} "
                f"ms, errors {stats['errors']}, bursts kept/discarded "
                f"{stats['bursts']['kept']}/{stats['bursts']['discarded']}"
            )
    finally:
        foundation.stop_gunicorn(gunicorn)
    foundation.add_fractions_of_ceiling(pages)
    return {
        "gunicorn": {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "settings": "bench.settings",
            "page_cache_seconds": cache_seconds,
        },
        "pages": pages,
    }


def foundation_ceiling() -> dict | None:
    """/health/ from the foundation benchmark's last run (bench/pages.py), when there is one."""
    path = BENCH / "results" / "pages.json"
    try:
        data = json.loads(path.read_text())
        health = data["pages"]["health"]
    except (OSError, KeyError, ValueError):
        return None
    return {
        "file": str(path.relative_to(ROOT)),
        "date": data.get("date"),
        "rps": health.get("rps"),
        "median_ms": health.get("median_ms"),
        "p95_ms": health.get("p95_ms"),
        "page_cache_seconds": data.get("gunicorn", {}).get("page_cache_seconds"),
    }


# --- Main -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if it has the right size"
    )
    parser.add_argument("--db", default="mpact_bench_volunteers")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--activities", type=int, default=200)
    parser.add_argument("--sessions-per-activity", type=int, default=2)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--volunteers", type=int, default=50_000)
    parser.add_argument("--requests", type=int, default=1000, help="requests per URL and mode")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=50, help="warm-up requests per URL")
    parser.add_argument("--max-seconds", type=float, default=150, help="time bound per URL")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quiet-wait", type=float, default=30)
    parser.add_argument("--burst-seconds", type=float, default=5)
    parser.add_argument("--foreign-limit", type=float, default=0.10)
    parser.add_argument("--repeat", type=int, default=10, help="test-client renders per page")
    parser.add_argument(
        "--modes",
        nargs="*",
        default=["cached", "uncached"],
        choices=["cached", "uncached"],
        help="cached: PUBLIC_PAGE_CACHE_SECONDS as configured (30); uncached: 0",
    )
    parser.add_argument("--only", nargs="*", choices=PUBLIC, help="load only these URLs")
    parser.add_argument("--out-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--django-part", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.django_part:
        django_part(args.django_part, args.repeat)
        return

    args.out_dir.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="mpact-bench-static-"))
    env = foundation.server_env(database_url=f"{args.pg}/{args.db}", static_root=static_root)
    env.pop("PUBLIC_PAGE_CACHE_SECONDS", None)  # the modes decide

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": foundation.machine_info(),
            "config": {
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in vars(args).items()
                if k != "django_part"
            },
        }

        # Static files for the manifest storage, into a throwaway STATIC_ROOT: first, as with
        # DEBUG off every other command (migrate, seed_demo) refuses to run without them.
        foundation.manage(env, "collectstatic", "--no-input", "-v0")

        # 1. Database.
        counts = table_counts(args.pg, args.db) if args.reuse else None
        if counts_ok(counts, args):
            log(f"reusing {args.db}: {counts}")
            result["seed_seconds"] = None
            foundation.manage(env, "migrate", "--no-input", "-v0")
        else:
            log(f"recreating database {args.db}")
            foundation.recreate_database(args.pg, args.db)
            migrate_s = foundation.manage(env, "migrate", "--no-input", "-v0")
            log(f"migrate: {migrate_s:.1f} s")
            seed_args = [
                "seed_demo",
                "--activities", str(args.activities),
                "--sessions-per-activity", str(args.sessions_per_activity),
                "--opportunities", str(args.opportunities),
                "--volunteers", str(args.volunteers),
            ]  # fmt: skip
            log(f"manage.py {' '.join(seed_args)}")
            seed_s = foundation.manage(env, *seed_args)
            log(f"seed_demo: {seed_s:.1f} s")
            result["migrate_seconds"] = round(migrate_s, 2)
            result["seed_seconds"] = round(seed_s, 2)
            counts = table_counts(args.pg, args.db)
            if not counts_ok(counts, args):
                sys.exit(f"seeded {counts}, not the sizes asked for")
        started = time.perf_counter()
        foundation.vacuum_analyze(args.pg, args.db)
        log(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")
        result["database"] = {"name": args.db, **counts}

        # 2. Queries per page, test-client timings, EXPLAIN ANALYZE.
        queries_file = args.out_dir / "opportunities-queries.json"
        log("queries per page and EXPLAIN ANALYZE (test client, page cache off)")
        if args.quiet_wait:  # the timings of this part are not gated like the load is
            busy = foundation.wait_quiet(args.quiet_wait * 4)
            result["machine_busy_before_render_timings"] = round(busy, 2)
        subprocess.run(
            [str(PYTHON), str(Path(__file__).resolve()), "--django-part", str(queries_file),
             "--repeat", str(args.repeat)],
            cwd=ROOT,
            env={**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"},
            check=True,
        )  # fmt: skip
        queries = json.loads(queries_file.read_text())
        result["picked"] = queries["picked"]
        result["urls"] = queries["urls"]
        result["queries"] = {
            name: {
                "path": page["path"],
                "logged_in": page["logged_in"],
                "queries": page["queries"],
                "results_found": page["results_found"],
                "median_wall_ms": page["median_wall_ms"],
                "median_sql_ms": page["median_sql_ms"],
                "median_python_ms": page["median_python_ms"],
                "slowest_query_ms": page["slowest_query_ms"],
                "query_list": [
                    {"ms": q["ms"], "kind": q["kind"], "what": describe(q)}
                    for q in page["query_list"]
                ],
            }
            for name, page in queries["pages"].items()
        }
        result["explain"] = queries["explain"]
        result["search_index_used"] = {
            name: e[f"uses_{SEARCH_INDEX}"]
            for name, e in queries["explain"].items()
            if name.startswith("list_search")
        }

        # 3. Gunicorn on loopback, with and without the public page cache.
        urls = {
            name: queries["urls"][name]
            for name in PUBLIC
            if not args.only or name in args.only or name == "health"
        }
        result["load"] = {}
        for mode in args.modes:
            result["load"][mode] = load_mode(mode, env, urls, queries, args)
        result["foundation_ceiling"] = foundation_ceiling()
    finally:
        shutil.rmtree(static_root, ignore_errors=True)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for target in (
        args.out_dir / "opportunities.json",
        args.out_dir / f"opportunities-{stamp}.json",
    ):
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_tables(result)
    log(f"results: {args.out_dir / 'opportunities.json'} (and opportunities-{stamp}.json)")


def print_tables(result: dict) -> None:
    m, db = result["machine"], result["database"]
    seed = result.get("seed_seconds")
    print(
        f"\n{result['date']}  {m['cpus']} cores ({m['cpu_model']}), Python {m['python']}, "
        f"{result['config']['concurrency']} client threads"
    )
    print(
        f"{db['opportunities']} opportunities, {db['volunteer_profiles']} volunteer profiles, "
        f"{db['users']} users, {db['activities']} activities, {db['sessions']} sessions"
        + (f"; seeded in {seed:.1f} s" if seed else " (reused)")
    )

    print(
        "\nPer render (Django test client, page cache off, median of "
        f"{result['config']['repeat']}):"
    )
    header = (
        f"{'page':<22} {'queries':>7} {'found':>6} {'wall ms':>8} {'SQL ms':>7} "
        f"{'Python ms':>9} {'slowest q ms':>12}  path"
    )
    print(header)
    print("-" * len(header))
    for name, q in result["queries"].items():
        found = "" if q["results_found"] is None else q["results_found"]
        who = " (logged in)" if q["logged_in"] else ""
        print(
            f"{name:<22} {q['queries']:>7} {found:>6} {q['median_wall_ms']:>8.1f} "
            f"{q['median_sql_ms']:>7.1f} {q['median_python_ms']:>9.1f} "
            f"{q['slowest_query_ms']:>12.1f}  {q['path']}{who}"
        )

    print("\nEXPLAIN ANALYZE (main = the page of rows, count = the paginator's count):")
    for name, e in result["explain"].items():
        print(
            f"  {name:<30} exec {e['execution_ms']:>7.2f} ms  {SEARCH_INDEX}: "
            f"{'yes' if e[f'uses_{SEARCH_INDEX}'] else 'no ':<3}  indexes: "
            f"{', '.join(e['indexes_used']) or '-'}  seq scans: {', '.join(e['seq_scans']) or '-'}"
        )

    for mode, run in result.get("load", {}).items():
        g = run["gunicorn"]
        print(
            f"\nUnder load, {mode}: gunicorn {g['workers']}×{g['worker_class']}, public page "
            f"cache {g['page_cache_seconds']} s"
        )
        header = (
            f"{'page':<22} {'queries':>7} {'requests':>8} {'req/s':>8} {'median ms':>9} "
            f"{'p95 ms':>8} {'errors':>6} {'of ceiling':>10} {'CPU ms app+pg':>14}"
        )
        print(header)
        print("-" * len(header))
        for name, s in run["pages"].items():
            cpu = s["cpu_ms_per_request"]
            print(
                f"{name:<22} {s['queries']:>7} {s['requests']:>8} {s['rps']:>8.1f} "
                f"{s['median_ms']:>9.1f} {s['p95_ms']:>8.1f} {s['errors']:>6} "
                f"{s['fraction_of_ceiling']:>10.1%} {cpu['app']:>7.1f}+{cpu['postgres']:<6.1f}"
            )
    ceiling = result.get("foundation_ceiling")
    if ceiling:
        print(
            f"\nFoundation benchmark's /health/ ({ceiling['file']}, {ceiling['date']}): "
            f"{ceiling['rps']} req/s, median {ceiling['median_ms']} ms, p95 {ceiling['p95_ms']} ms"
        )


if __name__ == "__main__":
    main()
