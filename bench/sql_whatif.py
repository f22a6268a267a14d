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


def drop_select_column(sql: str, alias: str) -> str:
    """`sql` without the top-level SELECT column `... AS "alias"`, with the top-level ORDER BY's
    column positions renumbered (Django orders by position: ORDER BY 16 DESC)."""
    start = sql.index("SELECT ") + len("SELECT ")
    depth, quoted, spans, begin = 0, False, [], start
    for pos in range(start, len(sql)):
        ch = sql[pos]
        if quoted:
            quoted = ch != "'"
        elif ch == "'":
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif depth == 0 and ch == ",":
            spans.append((begin, pos))
            begin = pos + 1
        elif depth == 0 and sql.startswith(" FROM ", pos):
            spans.append((begin, pos))
            break
    index = next(i for i, (a, b) in enumerate(spans) if sql[a:b].strip().endswith(f'AS "{alias}"'))
    a, b = spans[index]
    if index + 1 < len(spans):
        b = spans[index + 1][0]  # the column and its comma
    else:
        a = spans[index - 1][1]  # the comma before it
    out = sql[:a] + (" " if index + 1 < len(spans) else "") + sql[b:]
    order = out.rindex("ORDER BY ")
    tail = re.sub(
        r"\b(\d+) (ASC|DESC)",
        lambda m: f"{int(m.group(1)) - (int(m.group(1)) > index + 1)} {m.group(2)}",
        out[order:],
    )
    return out[:order] + tail


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
    rows = conn.execute(sql).fetchall()
    return {
        "rows": [row[0] for row in rows],
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

    def run(label, query, setup=None, same_as=None):
        if setup:
            conn.execute(setup)
        results[label] = measure(conn, query, args.runs)
        r = results[label]
        if same_as is not None and r["rows"] != results[same_as]["rows"]:
            raise SystemExit(f"{label}: not the same rows as {same_as!r}; the variant is wrong")
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
        run(
            "page of rows, SET jit = off",
            sql["list:main"],
            "SET jit = off",
            same_as="page of rows, as now (jit on, the server default)",
        )
        conn.execute("RESET jit")

        print("Search (/activiteiten/?q=koken) and filter + search:")
        for name in ("list_search", "list_filter_search"):
            run(f"{name}: count, as now", sql[f"{name}:count"])
            run(f"{name}: page of rows, as now", sql[f"{name}:main"])
            no_select = drop_select_column(sql[f"{name}:main"], "search")
            run(
                f"{name}: page, vector not selected (.alias)",
                no_select,
                same_as=f"{name}: page of rows, as now",
            )

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
            stored = drop_select_column(sql[f"{name}:main"], "search").replace(VECTOR, STORED)
            run(
                f"{name}: page, stored tsvector column",
                stored,
                same_as=f"{name}: page of rows, as now",
            )

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
        run("denormalised: count", f"SELECT COUNT(*) {where}", same_as="count, as now")
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
            "denormalised: page of rows",
            f"{select} {where.replace(' WHERE', joins + ' WHERE', 1)} "
            'ORDER BY "initiatives_activity"."next_starts_at", "initiatives_activity"."id" '
            "LIMIT 20",
            same_as="page of rows, as now (jit on, the server default)",
        )
        conn.rollback()
    print("(every variant returned the same rows, in the same order, as the query it replaces)")
    for result in results.values():
        del result["rows"]
    args.out.write_text(json.dumps(results, indent=2))
    print(f"(all schema changes rolled back; results in {args.out})")


if __name__ == "__main__":
    main()
