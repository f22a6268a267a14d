from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from mpact.health.checks import readiness


@never_cache
@require_safe
def ready(request):
    """Readiness for an operator and the container healthchecks: 200 when the database, cache,
    broker, worker and beat are all well, else 503, with one short answer per check.

    Public like /health/ (which stays the trivial view load balancers and benchmarks use): the
    answers name components, never hosts, URLs or errors."""
    report = readiness()
    return JsonResponse(report.checks, status=200 if report.ok else 503)
