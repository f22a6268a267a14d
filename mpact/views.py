from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from initiatives.models import Activity
from mpact.cache import cache_public_page
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_mark_read


@cache_public_page
def home(request):
    upcoming = Activity.objects.listed().order_by("next_starts_at", "pk")[:6]
    return render(request, "home.html", {"upcoming": upcoming})


def health(request):
    """A trivial view: load balancers poll it, and benchmarks use it as the ceiling."""
    return HttpResponse("ok", content_type="text/plain")


@csrf_exempt
@require_POST
def set_language(request):
    """Django's language switch, and for a logged-in person also remembered on the account,
    so that e-mails to them come in that language too.

    No CSRF token: the worst a forged request can do is switch someone's language, and a
    token in every page's header would make the public pages impossible to share from the
    cache (mpact/cache.py)."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        get_user_model().objects.filter(pk=request.user.pk).update(language=language)
    return response


def privacy(request):
    return render(request, "privacy.html", {"version": settings.PRIVACY_STATEMENT_VERSION})


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "notifications/list.html", {"page": page, "now": timezone.now()})


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications")
