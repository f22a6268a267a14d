"""Where a page's time goes: SQL, template rendering, forms, ORM, the rest.

Renders a page N times through Django's test client under cProfile and splits the time by
what the code is doing (by the function a frame belongs to, innermost category wins):

    .venv/bin/python bench/profile_pages.py /activiteiten/ "/activiteiten/?q=koken" -n 30

Run with the benchmark environment (bench/pages.py prints nothing of it; see bench/README.md),
against the seeded bench database. cProfile slows Python code down (roughly 1.5-2×) but not
the time spent waiting for PostgreSQL, so Python shares come out somewhat high.
"""

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
# Measure what rendering costs: the micro-cache of public pages stays off here.
os.environ.setdefault("PUBLIC_PAGE_CACHE_SECONDS", "0")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

# Function -> category, checked from the outermost caller inwards is not possible with
# pstats, so use exclusive (tottime) per file path, which is enough to see the split.
CATEGORIES = [
    ("SQL wait (psycopg)", ("psycopg/",)),
    ("ORM: SQL compile + model instances", ("django/db/models/",)),
    ("DB backend glue", ("django/db/backends/", "django/db/utils")),
    ("forms/widgets (filter form)", ("django/forms/", "django_filters/")),
    ("template engine", ("django/template/", "django/templatetags/")),
    (
        "i18n / formats / dates",
        (
            "django/utils/translation",
            "django/utils/formats",
            "django/utils/dateformat",
            "django/utils/timezone",
            "gettext",
            "django/utils/dates",
        ),
    ),
    ("URL reverse", ("django/urls/",)),
    (
        "HTML escaping / safestring",
        (
            "django/utils/html",
            "django/utils/safestring",
            "django/utils/functional",
            "html/__init__",
        ),
    ),
    (
        "middleware / request / response",
        (
            "django/middleware/",
            "django/contrib/sessions",
            "django/contrib/auth",
            "django/contrib/messages",
            "django/http/",
            "django/core/handlers",
            "allauth/",
            "whitenoise/",
            "django/test/",
        ),
    ),
    ("app code (initiatives, mpact)", ("/initiatives/", "/mpact/")),
]


def category(filename: str) -> str:
    for name, needles in CATEGORIES:
        if any(needle in filename for needle in needles):
            return name
    return "other (stdlib, builtins)"


class SqlTimer:
    def __init__(self):
        self.seconds = 0.0
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1


def backend_cpu() -> float:
    """CPU seconds used so far by this connection's PostgreSQL backend (from /proc)."""
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def profile(client: Client, path: str, n: int, top: int) -> None:
    client.get(path)  # warm up
    # Unprofiled timing first: real wall and SQL time per request, and CPU time of this
    # process and of its PostgreSQL backend, which other load on the machine does not inflate.
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        pg_before, cpu_before = backend_cpu(), time.process_time()
        started = time.perf_counter()
        for _ in range(n):
            client.get(path)
        wall = (time.perf_counter() - started) / n
        cpu = (time.process_time() - cpu_before) / n
        pg_cpu = (backend_cpu() - pg_before) / n
    sql = timer.seconds / n
    print(
        f"\n=== {path}: {wall * 1000:.1f} ms per request, of which SQL (execute, incl. "
        f"round trip) {sql * 1000:.1f} ms in {timer.count // n} queries, Python "
        f"{(wall - sql) * 1000:.1f} ms (no profiler)"
    )
    print(
        f"CPU per request: Django process {cpu * 1000:.1f} ms, its PostgreSQL backend "
        f"{pg_cpu * 1000:.1f} ms"
    )

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        client.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_category: dict[str, float] = {}
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        by_category[category(filename)] = by_category.get(category(filename), 0.0) + tottime
        total += tottime
    print(f"Exclusive time by category under cProfile ({total / n * 1000:.1f} ms per request):")
    for name, seconds in sorted(by_category.items(), key=lambda pair: -pair[1]):
        print(f"  {name:<38} {seconds / n * 1000:7.2f} ms  {seconds / total:6.1%}")

    # Inclusive time of a few landmarks.
    landmarks = {
        "Paginator.count (COUNT query)": ("paginator.py", "count"),
        "QuerySet._fetch_all (rows + prefetch)": ("query.py", "_fetch_all"),
        "BoundField.as_widget (filter form fields)": ("boundfield.py", "as_widget"),
        "Template.render (page, incl. lazy queries)": ("base.py", "render"),
        "reverse()": ("base.py", "reverse"),
        "date filter": ("defaultfilters.py", "date"),
        "BlockTranslateNode.render": ("i18n.py", "render"),
    }
    print("Inclusive time of landmarks:")
    for label, (file_end, func) in landmarks.items():
        best = max(
            (
                ct
                for (filename, _l, name), (_c, _n, _t, ct, _) in stats.stats.items()
                if filename.endswith(file_end) and name == func
            ),
            default=0.0,
        )
        print(f"  {label:<44} {best / n * 1000:7.2f} ms")
    print(f"Top {top} functions by exclusive time:")
    stats.sort_stats("tottime").print_stats(top)


LIST_TEMPLATE = "initiatives/activity_list.html"


def components(path: str, n: int) -> None:
    """Time the pieces of the list page separately (no profiler): queries, the filter form,
    the 20 activity cards, the page chrome (base.html), the whole template."""
    from urllib.parse import urlsplit

    from django.core.paginator import Paginator
    from django.template import engines
    from django.template.loader import get_template, render_to_string
    from django.test import RequestFactory

    from initiatives.filters import ActivityFilter
    from initiatives.models import Activity
    from initiatives.views import PAGE_SIZE

    request = RequestFactory(SERVER_NAME="127.0.0.1").get(path)
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage

    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    request.resolver_match = None

    def timed(fn):
        """CPU ms of this process per call (robust to other load on the machine)."""
        fn()
        started = time.process_time()
        for _ in range(n):
            fn()
        return (time.process_time() - started) / n * 1000

    def build():
        filterset = ActivityFilter(request.GET, queryset=Activity.objects.all())
        page = Paginator(filterset.qs, PAGE_SIZE).get_page(None)
        page.paginator.count  # noqa: B018
        page.object_list = list(page.object_list)
        return filterset, page

    filterset, page = build()
    card = get_template("includes/activity_card.html")
    chrome = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}x{% endblock %}'
    )
    context = {"filterset": filterset, "page": page, "querystring": urlsplit(path).query}
    print(f"Pieces of {path} (CPU ms of the Django process per request, no profiler, n={n}):")
    print(f"  {'filterset + count + rows + prefetch (SQL and ORM)':<52} {timed(build):7.2f}")
    print(
        f"  {'filter form: str() of every field (9 widgets)':<52} "
        f"{timed(lambda: [str(f) for f in filterset.form]):7.2f}"
    )
    print(
        f"  {'20 activity cards (includes/activity_card.html)':<52} "
        f"{timed(lambda: [card.render({'activity': a}, request) for a in page.object_list]):7.2f}"
    )
    print(
        f"  {'page chrome only (base.html, empty content)':<52} "
        f"{timed(lambda: chrome.render({}, request)):7.2f}"
    )
    print(
        f"  {'whole activity_list.html with evaluated rows':<52} "
        f"{timed(lambda: render_to_string(LIST_TEMPLATE, context, request)):7.2f}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=["/activiteiten/"])
    parser.add_argument("-n", type=int, default=20, help="requests per page")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument(
        "--components",
        action="store_true",
        help="also time the pieces of each list page separately",
    )
    args = parser.parse_args()
    client = Client(SERVER_NAME="127.0.0.1")
    for path in args.paths:
        profile(client, path, args.n, args.top)
        if args.components and path.split("?")[0] == "/activiteiten/":
            components(path, args.n)


if __name__ == "__main__":
    main()
