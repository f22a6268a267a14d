"""Queries per page, their times, and EXPLAIN ANALYZE of the list page's SQL.

Runs the benchmarked pages through Django's test client against the benchmark database and
captures every query (CaptureQueriesContext). Also picks the concrete URLs the load test uses
(a neighbourhood that has cooking activities this week, the first activity of the list), so
both halves of the benchmark look at the same pages.

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=postgres://…/mpact_bench \
        SECRET_KEY=x ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false \
        .venv/bin/python bench/queries.py --out bench/results/queries.json

bench/pages.py runs it for you with that environment.
"""

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# Measure what rendering costs: the micro-cache of public pages stays off here.
os.environ.setdefault("PUBLIC_PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from initiatives.filters import ActivityFilter  # noqa: E402
from initiatives.models import Activity, Session  # noqa: E402
from mpact.core.models import Neighbourhood  # noqa: E402

INDEX_NAMES = ("activity_search_dutch", "session_activity_start")
RESULT_COUNT = re.compile(r'id="results-title"[^>]*>\s*(\d+)')
PLAN_INDEX = re.compile(r"(?:Index(?: Only)? Scan(?: Backward)? using|Bitmap Index Scan on) (\w+)")


def listed_count(params: dict) -> int:
    return ActivityFilter(QueryDict(urlencode(params)), queryset=Activity.objects.all()).qs.count()


def pick_urls() -> dict:
    """The URLs the benchmark measures, with concrete ids from this database."""
    cooking_week = {"kind": "cooking", "when": "week"}
    hoods = [
        (listed_count({**cooking_week, "neighbourhood": h.pk}), h)
        for h in Neighbourhood.objects.all()
    ]
    count, hood = max(hoods, key=lambda pair: (pair[0], -pair[1].pk))
    first = ActivityFilter(QueryDict(""), queryset=Activity.objects.all()).qs.first()
    if first is None:
        sys.exit("The benchmark database lists no activities: seed it first.")
    return {
        "health": "/health/",
        "list": "/activiteiten/",
        "list_filter": "/activiteiten/?"
        + urlencode({"kind": "cooking", "neighbourhood": hood.pk, "when": "week"}),
        "list_search": "/activiteiten/?" + urlencode({"q": "koken"}),
        "list_filter_search": "/activiteiten/?"
        + urlencode({"q": "taalcafe", "kind": "language_cafe", "free": "on"}),
        "activity": f"/activiteiten/{first.pk}/",
        "opportunity_list": "/vacatures/",
        "opportunity_search": "/vacatures/?" + urlencode({"q": "taalmaatje"}),
        "volunteer": "/vrijwilliger/",
    }


def explain(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    execution = re.search(r"Execution Time: ([\d.]+) ms", plan)
    planning = re.search(r"Planning Time: ([\d.]+) ms", plan)
    used = sorted(set(PLAN_INDEX.findall(plan)))
    # PostgreSQL compiles a query to machine code when its estimated cost passes
    # jit_above_cost; for an OLTP page that compile time is pure overhead.
    jit = re.search(r"JIT:.*?Total ([\d.]+) ms", plan, re.S)
    return {
        "jit_ms": float(jit.group(1)) if jit else None,
        "execution_ms": float(execution.group(1)) if execution else None,
        "planning_ms": float(planning.group(1)) if planning else None,
        "indexes_used": used,
        **{f"uses_{name}": name in used for name in INDEX_NAMES},
        "plan": plan,
    }


def kind_of(sql: str) -> str:
    if '"initiatives_activity"' not in sql:
        return "other"
    if "COUNT(*)" in sql:
        return "count"
    if " LIMIT " in sql:
        return "main"
    return "other"


class Timer:
    """An execute wrapper that times each query to the microsecond (CaptureQueriesContext
    rounds to the millisecond); it runs inside the capture, so the lists line up."""

    def __init__(self):
        self.seconds = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds.append(time.perf_counter() - started)


def describe(sql: str) -> str:
    """A one-line label for a query: its kind and the table it reads."""
    table = re.search(r'FROM "(\w+)"', sql)
    prefix = "server-side cursor: " if sql.startswith("DECLARE") else ""
    what = {"count": "COUNT(*) for the paginator", "main": "page of activities"}.get(kind_of(sql))
    return prefix + (what or f"SELECT … FROM {table.group(1) if table else '?'}")


def measure(client: Client, path: str, repeat: int) -> dict:
    client.get(path)  # warm: templates, URL resolver, translations, connection
    runs = []
    for _ in range(repeat):
        timer = Timer()
        with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path)
            wall = time.perf_counter() - started
        assert len(timer.seconds) == len(ctx.captured_queries)
        runs.append((wall, list(zip(timer.seconds, ctx.captured_queries, strict=True)), response))
    wall, queries, response = runs[-1]
    timed = [(seconds * 1000, q["sql"]) for seconds, q in queries]
    slowest_ms, slowest_sql = max(timed, default=(0.0, ""))
    body = response.content.decode()
    found = RESULT_COUNT.search(body)
    sql_ms = [sum(seconds for seconds, _ in qs) * 1000 for _, qs, _ in runs]
    wall_ms = [w * 1000 for w, _, _ in runs]
    return {
        "path": path,
        "status": response.status_code,
        "bytes": len(response.content),
        "queries": len(queries),
        "results_found": int(found.group(1)) if found else None,
        "median_wall_ms": round(statistics.median(wall_ms), 2),
        "median_sql_ms": round(statistics.median(sql_ms), 2),
        "median_python_ms": round(
            statistics.median(w - s for w, s in zip(wall_ms, sql_ms, strict=True)), 2
        ),
        "slowest_query_ms": round(slowest_ms, 2),
        "slowest_query": slowest_sql,
        "query_list": [{"ms": round(ms, 3), "kind": kind_of(sql), "sql": sql} for ms, sql in timed],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the results here as JSON")
    parser.add_argument("--repeat", type=int, default=5, help="test-client runs per page")
    args = parser.parse_args()

    urls = pick_urls()
    client = Client(SERVER_NAME="127.0.0.1")
    person = os.environ.get("BENCH_PERSON")
    if person:  # what a logged-in person's pages cost (bench/pages.py --logged-in)
        client.force_login(get_user_model().objects.get(email=person))
    else:
        urls.pop("volunteer")
    pages = {name: measure(client, path, args.repeat) for name, path in urls.items()}

    explains = {}
    for name, page in pages.items():
        if not name.startswith("list"):
            continue
        for query in page["query_list"]:
            if query["kind"] in ("main", "count"):
                explains[f"{name}:{query['kind']}"] = {"sql": query["sql"], **explain(query["sql"])}

    data = {
        "database": connection.settings_dict["NAME"],
        "activities": Activity.objects.count(),
        "sessions": Session.objects.count(),
        "upcoming_sessions": Session.objects.upcoming().count(),
        "urls": urls,
        "pages": pages,
        "explain": explains,
    }
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(data, indent=2, ensure_ascii=False))

    print(
        f"Database {data['database']}: {data['activities']} activities, "
        f"{data['sessions']} sessions ({data['upcoming_sessions']} upcoming)\n"
    )
    print(
        f"{'page':<20} {'queries':>7} {'found':>6} {'wall ms':>8} {'SQL ms':>7} "
        f"{'Python ms':>9} {'slowest ms':>10}  path"
    )
    for name, page in pages.items():
        found = "" if page["results_found"] is None else page["results_found"]
        print(
            f"{name:<20} {page['queries']:>7} {found:>6} {page['median_wall_ms']:>8.1f} "
            f"{page['median_sql_ms']:>7.1f} {page['median_python_ms']:>9.1f} "
            f"{page['slowest_query_ms']:>10.1f}  {page['path']}"
        )
    print("\nQueries per page (ms, what):")
    for name, page in pages.items():
        print(f"  {name}:")
        for query in page["query_list"]:
            print(f"    {query['ms']:8.2f}  {describe(query['sql'])}")
    print("\nSlowest query per page:")
    for name, page in pages.items():
        print(f"  {name} ({page['slowest_query_ms']:.1f} ms): {page['slowest_query'][:300]}…")
    print("\nEXPLAIN ANALYZE (list pages; count = paginator count, main = the page of rows):")
    for name, result in explains.items():
        print(
            f"  {name:<28} exec {result['execution_ms']:>7.2f} ms  plan "
            f"{result['planning_ms']:>5.2f} ms  "
            + (f"JIT {result['jit_ms']:.1f} ms  " if result["jit_ms"] else "")
            + f"indexes: {', '.join(result['indexes_used']) or '-'}"
        )
    key = "list_filter_search:main"
    if key in explains:
        print(f"\nPlan of {key}:\n{explains[key]['plan']}")


if __name__ == "__main__":
    main()
