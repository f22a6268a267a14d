"""What-if timings for the list page's SQL, on the bench database, rolled back afterwards.

Takes the exact SQL that bench/queries.py captured (bench/results/queries.json) and times it
against variants that a code change would produce: JIT off, the search vector not selected
(`.alias()` instead of `.annotate()`), a stored generated tsvector column, and a denormalised
`next_starts_at` column on activities. Schema changes happen inside one transaction that is
rolled back, so the bench database is left as it was. Times are the PostgreSQL backend's CPU
time per execution (from /proc, so other load on the machine hardly skews them) and the
median wall time.

    .venv/bin/python bench/sql_whatif.py [--db mpact_bench] [--runs 15]
"""

import argparse
import json
import os
import re
import statistics
import time
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
TICK = os.sysconf("SC_CLK_TCK")
VECTOR = (
    '(setweight(to_tsvector(\'dutch\'::regconfig, COALESCE("initiatives_activity"."title", '
    "'')), 'A') || setweight(to_tsvector('dutch'::regconfig, "
    "COALESCE(\"initiatives_activity\".\"description\", '')), 'B'))"
)
STORED = '"initiatives_activity"."search_vector"'


def backend_cpu(conn) -> float:
    fields = Path(f"/proc/{conn.info.backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def measure(conn, sql: str, runs: int) -> dict:
    conn.execute(sql).fetchall()  # warm
    walls = []
    cpu_before = backend_cpu(conn)
    for _ in range(runs):
        started = time.perf_counter()
        conn.execute(sql).fetchall()
        walls.append(time.perf_counter() - started)
    cpu = (backend_cpu(conn) - cpu_before) / runs
    plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql).fetchall())
    return {
        "cpu_ms": round(cpu * 1000, 1),
        "median_ms": round(statistics.median(walls) * 1000, 1),
        "indexes": sorted(set(re.findall(r"(?:Scan using|Index Scan on) (\w+)", plan))),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="mpact_bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--queries", type=Path, default=BENCH / "results" / "queries.json")
    parser.add_argument("--out", type=Path, default=BENCH / "results" / "sql_whatif.json")
    args = parser.parse_args()

    captured = json.loads(args.queries.read_text())["explain"]
    sql = {name: entry["sql"] for name, entry in captured.items()}
    now = re.search(r"'(\d{4}-\d\d-\d\d [\d:.]+\+00:00)'::timestamptz", sql["list:main"]).group(1)
    results = {}

    def run(label, query, setup=None):
        if setup:
            conn.execute(setup)
        results[label] = measure(conn, query, args.runs)
        r = results[label]
        print(
            f"  {label:<62} CPU {r['cpu_ms']:>7.1f} ms  wall {r['median_ms']:>7.1f} ms  "
            f"{', '.join(r['indexes'])}",
            flush=True,
        )

    with psycopg.connect(f"{args.pg}/{args.db}") as conn:
        print(f"PostgreSQL backend CPU and median wall time per execution ({args.runs} runs):")
        print("Unfiltered list (/activiteiten/):")
        run("count, as now", sql["list:count"])
        run("page of rows, as now (jit on, the server default)", sql["list:main"])
        run("page of rows, SET jit = off", sql["list:main"], "SET jit = off")
        conn.execute("RESET jit")

        print("Search (/activiteiten/?q=koken) and filter + search:")
        for name in ("list_search", "list_filter_search"):
            run(f"{name}: count, as now", sql[f"{name}:count"])
            run(f"{name}: page of rows, as now", sql[f"{name}:main"])
            no_select = sql[f"{name}:main"].replace(f'{VECTOR} AS "search", ', "")
            assert no_select != sql[f"{name}:main"], "search column not found in the SQL"
            run(f"{name}: page, vector not selected (.alias)", no_select)

        # Stored generated column + GIN index on it (Django GeneratedField, db_persist=True).
        conn.execute(
            "ALTER TABLE initiatives_activity ADD COLUMN search_vector tsvector GENERATED "
            "ALWAYS AS (setweight(to_tsvector('dutch', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('dutch', coalesce(description, '')), 'B')) STORED"
        )
        conn.execute(
            "CREATE INDEX activity_search_vector ON initiatives_activity USING gin (search_vector)"
        )
        conn.execute("ANALYZE initiatives_activity")
        for name in ("list_search", "list_filter_search"):
            run(
                f"{name}: count, stored tsvector column",
                sql[f"{name}:count"].replace(VECTOR, STORED),
            )
            stored = sql[f"{name}:main"].replace(f'{VECTOR} AS "search", ', "")
            run(f"{name}: page, stored tsvector column", stored.replace(VECTOR, STORED))

        # Denormalised next upcoming session start on activities, kept up to date by the app
        # (session save/cancel) and a periodic sweep; the list orders by an index.
        conn.execute("ALTER TABLE initiatives_activity ADD COLUMN next_starts_at timestamptz")
        conn.execute(
            "CREATE INDEX activity_next_start ON initiatives_activity "
            "(next_starts_at, id) WHERE status = 'published'"
        )
        conn.execute(
            "UPDATE initiatives_activity a SET next_starts_at = (SELECT min(starts_at) FROM "
            "initiatives_session s WHERE s.activity_id = a.id AND NOT s.is_cancelled AND "
            f"s.starts_at >= '{now}')"
        )
        conn.execute("ANALYZE initiatives_activity")
        where = (
            'FROM "initiatives_activity" INNER JOIN "initiatives_organisation" ON '
            '("initiatives_activity"."organisation_id" = "initiatives_organisation"."id") '
            'WHERE "initiatives_organisation"."approved_at" IS NOT NULL AND '
            f'"initiatives_activity"."status" = \'published\' AND '
            f'"initiatives_activity"."next_starts_at" >= \'{now}\''
        )
        print("Unfiltered list with a denormalised, indexed activity.next_starts_at:")
        run("count", f"SELECT COUNT(*) {where}")
        main = sql["list:main"]
        select = main[: main.index(' FROM "initiatives_activity"')]
        select = select.replace(
            select[select.index('(SELECT U0."starts_at"') : select.index(' AS "next_starts_at"')],
            '"initiatives_activity"."next_starts_at"',
        )
        joins = (
            ' INNER JOIN "initiatives_neighbourhood" ON ("initiatives_activity".'
            '"neighbourhood_id" = "initiatives_neighbourhood"."id")'
        )
        run(
            "page of rows",
            f"{select} {where.replace(' WHERE', joins + ' WHERE', 1)} "
            'ORDER BY "initiatives_activity"."next_starts_at", "initiatives_activity"."id" '
            "LIMIT 20",
        )
        conn.rollback()
    args.out.write_text(json.dumps(results, indent=2))
    print(f"(all schema changes rolled back; results in {args.out})")


if __name__ == "__main__":
    main()
