"""Page benchmark: the activity list and activity page under gunicorn on loopback.

Creates (or with --reuse keeps) a PostgreSQL database with 20,000 activities and 60,000
sessions, counts the queries of each page (bench/queries.py), starts gunicorn on 127.0.0.1 and
drives each URL with a fixed number of requests from a small threaded keep-alive client. The
trivial /health/ view on the same server is the ceiling. Results: bench/results/pages.json
(and a dated copy) plus a table on stdout. See bench/README.md.

Run through bench/run_pages.sh, or: .venv/bin/python bench/pages.py [--reuse] [--requests N]
"""

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
HOST = "127.0.0.1"  # the load generator talks to nothing else
ORDER = [
    "health",
    "list",
    "list_filter",
    "list_search",
    "list_filter_search",
    "activity",
    "opportunity_list",
    "opportunity_search",
    "volunteer",
]
# Pages only a logged-in person opens (measured with --logged-in only).
PERSONAL = {"volunteer"}
# The demo volunteer (seed_demo), whose session --logged-in uses.
BENCH_PERSON = "vrijwilliger@example.org"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Database -------------------------------------------------------------------------------


def table_counts(pg: str, db: str) -> tuple[int, int] | None:
    try:
        with psycopg.connect(f"{pg}/{db}", connect_timeout=5) as conn:
            activities = conn.execute("SELECT count(*) FROM initiatives_activity").fetchone()[0]
            sessions = conn.execute("SELECT count(*) FROM initiatives_session").fetchone()[0]
            return activities, sessions
    except psycopg.Error:
        return None


def recreate_database(pg: str, db: str) -> None:
    with psycopg.connect(f"{pg}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db}"')


def vacuum_analyze(pg: str, db: str) -> None:
    with psycopg.connect(f"{pg}/{db}", autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def manage(env: dict, *args: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(PYTHON), "manage.py", *args], cwd=ROOT, env=env, check=True)
    return time.perf_counter() - started


# --- CPU accounting from /proc (read only) ----------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from 3 (state) on


def cpu_by_pid(pids) -> dict[int, float]:
    result = {}
    for pid in pids:
        fields = _stat(pid)
        if fields:
            result[pid] = (int(fields[11]) + int(fields[12])) / TICK  # utime + stime
    return result


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two snapshots by the processes alive at the second one (a
    process that exited meanwhile is lost, one that started counts in full)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / TICK, sum(fields) / TICK


def children_of(parent: int) -> list[int]:
    result = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == parent:
                result.append(int(entry.name))
    return result


def postgres_pids(db: str) -> list[int]:
    """The PostgreSQL backends connected to `db` (their title names the database)."""
    result = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if title.startswith("postgres:") and f" {db} " in title:
                result.append(int(entry.name))
    return result


def wait_quiet(limit_seconds: float, threshold: float = 0.10) -> float:
    """Wait (up to `limit_seconds`) until the machine is idle (the benchmark itself is idle
    here); returns the busy share seen last."""
    deadline = time.monotonic() + limit_seconds
    said = False
    while True:
        busy_before, total_before = machine_busy()
        time.sleep(0.5)
        busy_after, total_after = machine_busy()
        busy = (busy_after - busy_before) / max(total_after - total_before, 1e-9)
        if busy <= threshold or time.monotonic() >= deadline:
            return busy
        if not said:
            log(f"  machine {busy:.0%} busy with other work; waiting for it to calm down")
            said = True


def seeded_as_wanted(counts, wanted) -> bool:
    """The generated activities and sessions, plus the few the demo itself adds (a talk
    session series, an initiative's activity): never fewer, at most 1% more."""
    return all(want <= have <= want * 1.01 for have, want in zip(counts, wanted, strict=True))


# --- Gunicorn -------------------------------------------------------------------------------


def server_env(*, database_url: str, static_root: Path) -> dict:
    """The environment the measured server (and its helpers) run in: production settings
    (DEBUG off) on the benchmark database, static files collected into `static_root`, and no
    REDIS_URL, so the cache is local memory per worker, as on a single server without Redis."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_STATIC_ROOT": str(static_root),
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": HOST,
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None)
    return env


def machine_info() -> dict:
    """What the figures were measured on."""
    return {
        "cpus": os.cpu_count(),
        "cpu_model": next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")
            ),
            platform.processor(),
        ),
        "python": platform.python_version(),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict, port: int, args, logfile: Path) -> subprocess.Popen:
    command = [
        str(GUNICORN),
        "mpact.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--backlog",
        "256",
        "--log-level",
        "warning",
        "--error-logfile",
        str(logfile),
        "--pid",
        str(logfile.with_suffix(".pid")),  # run_pages.sh's trap uses it as a backstop
    ]
    log(f"gunicorn: {' '.join(command[1:])}")
    # Own process group, so stopping it takes the workers along.
    env = {**env, "DJANGO_SETTINGS_MODULE": args.app_settings}
    if args.page_cache is not None:
        env["PUBLIC_PAGE_CACHE_SECONDS"] = str(args.page_cache)
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)


def stop_gunicorn(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    log(f"stopping gunicorn (pid {proc.pid})")
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def page_cache_seconds(env: dict, args) -> int | None:
    """PUBLIC_PAGE_CACHE_SECONDS as gunicorn's workers see it (None: the app has none)."""
    if args.page_cache is not None:
        return args.page_cache
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(getattr(settings, 'PUBLIC_PAGE_CACHE_SECONDS', None))"
    )
    out = subprocess.run(
        [str(PYTHON), "-c", code],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": args.app_settings},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return None if out == "None" else int(out)


def wait_ready(port: int, proc: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"gunicorn exited with {proc.returncode}; see its log")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/health/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("gunicorn did not answer /health/ in time")


# --- Load generator -------------------------------------------------------------------------


def run_load(
    port: int, path: str, total: int, concurrency: int, max_seconds: float, headers=None
) -> dict:
    """`total` GETs of `path` from `concurrency` threads, each with one keep-alive connection
    (http.client reconnects when the server closes it). Stops early at `max_seconds`.
    `headers` go with every request (a session cookie: logged in)."""
    lock = threading.Lock()
    issued = 0
    samples: list[tuple[float, float, bool]] = []  # (start, latency s, ok)
    errors: dict[str, int] = {}
    start_gate = threading.Event()
    deadline = 0.0

    def take() -> bool:
        nonlocal issued
        with lock:
            if issued >= total or time.perf_counter() > deadline:
                return False
            issued += 1
            return True

    def client():
        conn = http.client.HTTPConnection(HOST, port, timeout=60)
        local, local_errors = [], {}
        start_gate.wait()
        while take():
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers or {})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if not ok:
                    key = f"HTTP {response.status}"
                    local_errors[key] = local_errors.get(key, 0) + 1
            except (OSError, http.client.HTTPException) as exc:
                ok = False
                key = type(exc).__name__
                local_errors[key] = local_errors.get(key, 0) + 1
                conn.close()
            local.append((started, time.perf_counter() - started, ok))
        conn.close()
        with lock:
            samples.extend(local)
            for key, count in local_errors.items():
                errors[key] = errors.get(key, 0) + count

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_before = time.process_time()
    began = time.perf_counter()
    deadline = began + max_seconds
    start_gate.set()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    client_cpu = time.process_time() - cpu_before

    return {
        "samples": samples,
        "errors": errors,
        "wall_s": wall,
        "client_cpu_s": client_cpu,
    }


def summarise(samples, errors: dict, wall: float, total: int) -> dict:
    latencies = sorted(latency * 1000 for _, latency, _ in samples)
    count = len(samples)
    failed = sum(1 for *_, ok in samples if not ok)

    def pct(p):
        return latencies[min(count - 1, int(round(p / 100 * (count - 1))))]

    return {
        "requests": count,
        "errors": failed,
        "error_kinds": errors,
        "wall_s": round(wall, 3),
        "rps": round(count / wall, 1) if wall else 0.0,
        "median_ms": round(statistics.median(latencies), 2) if count else None,
        "p95_ms": round(pct(95), 2) if count else None,
        "p99_ms": round(pct(99), 2) if count else None,
        "max_ms": round(latencies[-1], 2) if count else None,
        "truncated_by_time": count < total,
    }


def run_gated(port, path, args, workers) -> dict:
    """Load `path` in bursts of at most `args.burst_seconds`, measuring after each burst how
    much of the machine's CPU went to other work (anything but gunicorn, the bench database's
    backends and this client). A burst where that share exceeded `args.foreign_limit` is
    thrown away and run again once the machine is quiet: on a shared machine (a test suite
    running beside the benchmark) the figures would otherwise measure the neighbours.
    Stops at `args.requests` kept requests or after `args.max_seconds`."""
    deadline = time.monotonic() + args.max_seconds
    kept, errors = [], {}
    wall = app = db = client = machine = 0.0
    bursts = rejected = 0
    while len(kept) < args.requests and time.monotonic() < deadline:
        if args.quiet_wait:
            wait_quiet(min(args.quiet_wait, max(0.0, deadline - time.monotonic())))
        app_before, db_before = cpu_by_pid(workers), cpu_by_pid(postgres_pids(args.db))
        busy_before, total_before = machine_busy()
        burst = run_load(
            port,
            path,
            args.requests - len(kept),
            args.concurrency,
            min(args.burst_seconds, max(0.1, deadline - time.monotonic())),
            headers=args.headers,
        )
        busy_after, total_after = machine_busy()
        b_app = cpu_delta(app_before, cpu_by_pid(workers))
        b_db = cpu_delta(db_before, cpu_by_pid(postgres_pids(args.db)))
        b_busy = busy_after - busy_before
        capacity = max(total_after - total_before, 1e-9)
        foreign = max(0.0, b_busy - b_app - b_db - burst["client_cpu_s"]) / capacity
        bursts += 1
        if foreign > args.foreign_limit:
            rejected += 1
            log(f"  burst discarded: {foreign:.0%} of the CPU went to other work")
            continue
        kept.extend(burst["samples"])
        for key, count in burst["errors"].items():
            errors[key] = errors.get(key, 0) + count
        wall += burst["wall_s"]
        app, db, client, machine = (
            app + b_app,
            db + b_db,
            client + burst["client_cpu_s"],
            machine + b_busy,
        )
    stats = summarise(kept, errors, wall, args.requests)
    n = max(stats["requests"], 1)
    stats["cpu_ms_per_request"] = {
        "app": round(app * 1000 / n, 2),
        "postgres": round(db * 1000 / n, 2),
        "client": round(client * 1000 / n, 2),
        "machine": round(machine * 1000 / n, 2),
    }
    # What 2 cores could serve if app and database were the only work: a cross-check of req/s
    # that other load on the machine hardly affects.
    per_request = (app + db) / n
    stats["cpu_bound_rps"] = round((os.cpu_count() or 1) / per_request, 1) if per_request else None
    stats["bursts"] = {"kept": bursts - rejected, "discarded": rejected}
    return stats


def add_fractions_of_ceiling(pages: dict) -> None:
    """Each page's req/s (and CPU-bound req/s) as a share of the trivial view's, pages["health"]."""
    ceiling = pages["health"]["rps"] or 1
    cpu_ceiling = pages["health"]["cpu_bound_rps"] or 1
    for stats in pages.values():
        stats["fraction_of_ceiling"] = round(stats["rps"] / ceiling, 3)
        stats["fraction_of_ceiling_cpu_bound"] = round(
            (stats["cpu_bound_rps"] or 0) / cpu_ceiling, 3
        )


def warm_up(port: int, urls: dict, requests: int, concurrency: int, headers=None) -> None:
    for path in urls.values():
        run_load(port, path, requests, concurrency, 60, headers=headers)


def login_cookie(env: dict) -> dict:
    """A session of the demo volunteer in the bench database, as a request header."""
    made = subprocess.run(
        [str(PYTHON), "manage.py", "shell", "-c", _MAKE_SESSION],
        cwd=ROOT,
        env={**env, "BENCH_PERSON": BENCH_PERSON},
        check=True,
        capture_output=True,
        text=True,
    )
    return {"Cookie": f"sessionid={made.stdout.strip().splitlines()[-1]}"}


_MAKE_SESSION = """
import os
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
user = get_user_model().objects.get(email=os.environ["BENCH_PERSON"])
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


# --- Main -----------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="M-Pact page benchmark (see bench/README.md)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the bench database when it already has the right size",
    )
    parser.add_argument("--db", default="mpact_bench")
    parser.add_argument(
        "--pg",
        default="postgres://postgres@127.0.0.1:5432",
        help="server URL without database name (trust auth by default)",
    )
    parser.add_argument("--activities", type=int, default=20_000)
    parser.add_argument("--sessions-per-activity", type=int, default=3)
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--volunteers", type=int, default=50_000)
    parser.add_argument(
        "--logged-in",
        action="store_true",
        help=f"every request with the session of {BENCH_PERSON} (the demo volunteer): what "
        "a logged-in person gets, which the public page cache never serves; adds their own "
        "page (volunteer)",
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=100, help="warm-up requests per URL")
    parser.add_argument(
        "--max-seconds", type=float, default=240, help="time bound per URL, waiting included"
    )
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=30,
        help="before each burst, wait up to this many seconds for other work on the machine "
        "to calm down (0: don't)",
    )
    parser.add_argument(
        "--burst-seconds",
        type=float,
        default=5,
        help="load is applied in bursts of at most this long",
    )
    parser.add_argument(
        "--foreign-limit",
        type=float,
        default=0.10,
        help="discard a burst when more than this share of the machine's CPU went to "
        "processes other than the benchmark's (1: keep all)",
    )
    parser.add_argument(
        "--page-cache",
        type=int,
        default=None,
        metavar="SECONDS",
        help="PUBLIC_PAGE_CACHE_SECONDS for gunicorn (the micro-cache of public pages for "
        "anonymous visitors); default: the settings' default. 0 measures every request "
        "rendered. Queries are always counted with it off.",
    )
    parser.add_argument(
        "--app-settings",
        default="bench.settings",
        help="settings module for gunicorn only (a variant to compare); queries are "
        "always counted with bench.settings",
    )
    parser.add_argument(
        "--cache",
        default="local",
        choices=["local", "redis"],
        help="the server's cache: local memory per worker (no REDIS_URL), or Redis "
        "(--redis-url, flushed first), as in production",
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="interleave: each round loads every URL in turn with --requests/--rounds "
        "requests; ratios to the trivial view are taken per round (median and spread)",
    )
    parser.add_argument("--tag", default="", help="suffix for the result files")
    parser.add_argument("--only", nargs="*", choices=ORDER, help="measure only these URLs")
    parser.add_argument("--out-dir", type=Path, default=BENCH / "results")
    args = parser.parse_args()

    args.out_dir.mkdir(parents=True, exist_ok=True)
    static_root = Path(tempfile.mkdtemp(prefix="mpact-bench-static-"))
    env = server_env(database_url=f"{args.pg}/{args.db}", static_root=static_root)
    if args.cache == "redis":
        import redis

        redis.Redis.from_url(args.redis_url).flushdb()
        env["REDIS_URL"] = args.redis_url

    gunicorn = None

    def on_signal(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    try:
        result = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine_info(),
            "config": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        }

        # Static files for the manifest storage, into a throwaway STATIC_ROOT: first, as with
        # DEBUG off every other command (migrate, seed_demo) refuses to run without them.
        manage(env, "collectstatic", "--no-input", "-v0")

        # 1. Database: reuse when asked and the size is right, else drop and recreate.
        wanted = (args.activities, args.activities * args.sessions_per_activity)
        counts = table_counts(args.pg, args.db) if args.reuse else None
        if counts is not None and seeded_as_wanted(counts, wanted):
            log(f"reusing {args.db}: {counts[0]} activities, {counts[1]} sessions")
            result["seed_seconds"] = None
            manage(env, "migrate", "--no-input", "-v0")
        else:
            log(f"recreating database {args.db}")
            recreate_database(args.pg, args.db)
            log(f"migrate: {manage(env, 'migrate', '--no-input', '-v0'):.1f} s")
            seconds = manage(
                env,
                "seed_demo",
                "--activities",
                str(args.activities),
                "--sessions-per-activity",
                str(args.sessions_per_activity),
                "--opportunities",
                str(args.opportunities),
                "--volunteers",
                str(args.volunteers),
            )
            log(f"seed_demo: {seconds:.1f} s")
            result["seed_seconds"] = round(seconds, 2)
            counts = table_counts(args.pg, args.db)
            if not seeded_as_wanted(counts, wanted):
                sys.exit(f"seeded {counts}, expected {wanted}")
        started = time.perf_counter()
        vacuum_analyze(args.pg, args.db)
        log(f"VACUUM ANALYZE: {time.perf_counter() - started:.1f} s")
        result["database"] = {"name": args.db, "activities": counts[0], "sessions": counts[1]}

        # 2. Queries per page and EXPLAIN ANALYZE (also picks the concrete URLs).
        queries_file = args.out_dir / "queries.json"
        subprocess.run(
            [str(PYTHON), str(BENCH / "queries.py"), "--out", str(queries_file)],
            cwd=ROOT,
            # Count what a render costs, as the person measured.
            env={
                **env,
                "PUBLIC_PAGE_CACHE_SECONDS": "0",
                "BENCH_PERSON": BENCH_PERSON if args.logged_in else "",
            },
            check=True,
        )
        queries = json.loads(queries_file.read_text())
        urls = {
            name: queries["urls"][name]
            for name in ORDER
            if (not args.only or name in args.only) and (args.logged_in or name not in PERSONAL)
        }
        if "health" not in urls:
            urls = {"health": queries["urls"]["health"], **urls}
        result["urls"] = urls
        result["queries"] = {
            name: {
                k: page[k]
                for k in (
                    "queries",
                    "results_found",
                    "slowest_query_ms",
                    "median_sql_ms",
                    "median_python_ms",
                )
            }
            for name, page in queries["pages"].items()
        }
        result["explain"] = {
            name: {k: v for k, v in e.items() if k not in ("plan", "sql")}
            for name, e in queries["explain"].items()
        }

        # 3. Gunicorn on loopback.
        port = free_port()
        gunicorn = start_gunicorn(env, port, args, args.out_dir / "gunicorn.log")
        wait_ready(port, gunicorn)
        workers = children_of(gunicorn.pid)
        log(f"gunicorn ready on {HOST}:{port}, {len(workers)} workers")
        result["gunicorn"] = {
            "workers": args.workers,
            "worker_class": args.worker_class,
            "threads": args.threads,
            "settings": args.app_settings,
            "page_cache_seconds": page_cache_seconds(env, args),
            "cache": args.cache,
        }

        args.headers = login_cookie(env) if args.logged_in else None
        result["logged_in"] = args.logged_in
        log(f"warming up ({args.warmup} requests per URL)")
        warm_up(port, urls, args.warmup, args.concurrency, args.headers)

        # 4. Load: in each round every URL in turn, so that a change in the machine's speed
        # touches all of them alike; the ratio to the trivial view is taken within a round.
        rounds = []
        per_round = argparse.Namespace(**{**vars(args), "requests": args.requests // args.rounds})
        for number in range(args.rounds):
            measured = {}
            for name, path in urls.items():
                log(
                    f"round {number + 1}/{args.rounds}, {name}: {per_round.requests} × GET "
                    f"{path} (concurrency {args.concurrency})"
                )
                stats = run_gated(port, path, per_round, workers)
                stats["queries"] = queries["pages"][name]["queries"]
                stats["path"] = path
                measured[name] = stats
                log(
                    f"  {stats['rps']} req/s, median {stats['median_ms']} ms, "
                    f"p95 {stats['p95_ms']} ms, errors {stats['errors']}, bursts kept/discarded "
                    f"{stats['bursts']['kept']}/{stats['bursts']['discarded']}"
                )
            add_fractions_of_ceiling(measured)
            rounds.append(measured)
        pages = {}
        for name in urls:
            fractions = [measured[name]["fraction_of_ceiling"] for measured in rounds]
            # The round with the median ratio stands for the page; every round is kept.
            middle = sorted(rounds, key=lambda m: m[name]["fraction_of_ceiling"])[len(rounds) // 2]
            pages[name] = {
                **middle[name],
                "fraction_of_ceiling_rounds": fractions,
                "fraction_of_ceiling_median": round(statistics.median(fractions), 3),
                "cpu_ms_per_request_rounds": [
                    measured[name]["cpu_ms_per_request"]["app"] for measured in rounds
                ],
            }
        result["rounds"] = rounds
        result["load_average_at_end"] = os.getloadavg()
        result["pages"] = pages
        list_pages = [name for name in pages if name.startswith("list")]
        result["list_reaches_half_ceiling"] = all(
            pages[name]["fraction_of_ceiling"] >= 0.5 for name in list_pages
        )
    finally:
        stop_gunicorn(gunicorn)
        shutil.rmtree(static_root, ignore_errors=True)

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    tag = f"-{args.tag}" if args.tag else ""
    for target in (args.out_dir / f"pages{tag}.json", args.out_dir / f"pages{tag}-{stamp}.json"):
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    log(f"results: {args.out_dir / f'pages{tag}.json'} (and pages{tag}-{stamp}.json)")


def print_table(result: dict) -> None:
    m, g = result["machine"], result["gunicorn"]
    settings = g.get("settings", "bench.settings")
    print(
        f"\n{result['date']}  {m['cpus']} cores ({m['cpu_model']}), Python {m['python']}, "
        f"gunicorn {g['workers']}×{g['worker_class']}"
        + (f"/{g['threads']} threads" if g["worker_class"] == "gthread" else "")
        + f", {result['config']['concurrency']} client threads"
        + (f", settings {settings}" if settings != "bench.settings" else "")
        + f", public page cache {g.get('page_cache_seconds')} s"
        + f" in {'Redis' if g.get('cache') == 'redis' else 'local memory'}"
        + f", {len(result.get('rounds', [])) or 1} interleaved round(s)"
        + (", logged in" if result.get("logged_in") else ", not logged in")
    )
    db = result["database"]
    seed = result.get("seed_seconds")
    print(
        f"{db['activities']} activities, {db['sessions']} sessions"
        + (f", seeded in {seed:.1f} s" if seed else " (reused)")
    )
    header = (
        f"{'page':<20} {'queries':>7} {'requests':>8} {'req/s':>8} {'median ms':>9} "
        f"{'p95 ms':>8} {'errors':>6} {'of ceiling':>10} {'CPU ms app+pg':>14} "
        f"{'CPU-bound req/s':>15}"
    )
    print(header)
    print("-" * len(header))
    for name, s in result["pages"].items():
        cpu = s["cpu_ms_per_request"]
        rounds = s.get("fraction_of_ceiling_rounds", [s["fraction_of_ceiling"]])
        print(
            f"{name:<20} {s['queries']:>7} {s['requests']:>8} {s['rps']:>8.1f} "
            f"{s['median_ms']:>9.1f} {s['p95_ms']:>8.1f} {s['errors']:>6} "
            f"{s['fraction_of_ceiling']:>10.1%} {cpu['app']:>7.1f}+{cpu['postgres']:<6.1f} "
            f"{s['cpu_bound_rps'] or 0:>15.0f}  rounds " + " ".join(f"{r:.1%}" for r in rounds)
        )
    print(
        "queries: per render (counted with the page cache off). CPU ms: per request, in "
        "gunicorn's workers and in the bench database's backends. CPU-bound req/s: cores ÷ "
        "that, the rate if nothing else ran."
    )
    verdict = "yes" if result["list_reaches_half_ceiling"] else "NO"
    print(f"List pages at ≥ 50% of the ceiling: {verdict}")


if __name__ == "__main__":
    main()
