import json
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from initiatives import selectors as initiative_selectors
from initiatives.models import Activity
from matching import selectors as matching_selectors
from mpact.cache import cache_public_page, person_fragment
from mpact.notifications import sms
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_mark_read, short_link_target, texts_reply
from mpact.users.forms import ContactSettingsForm
from volunteers import selectors as volunteer_selectors


@login_required
def volunteer_dashboard(request):
    """A person's own page as a volunteer: matches offered to them, opportunities suggested to
    them, their profile, responses, sign-ups and hours. It reads several apps (their
    selectors), so it lives here, above them all (README: the apps' dependency order).

    What is below the header is kept per person (mpact/cache.py, person_fragment) until
    something it shows changes (person_changed); the header is rendered for each request."""
    user = request.user

    def content(csrf_token):
        hours = initiative_selectors.hours_of(user)
        offers, for_you = matching_selectors.volunteer_suggestions(user, offers=20, suggestions=10)
        return render_to_string(
            "volunteers/dashboard_content.html",
            {
                "profile": volunteer_selectors.profile_of(user),
                "memberships": initiative_selectors.memberships_of(user),
                "responses": initiative_selectors.responses_of(user)[:50],
                "signups": initiative_selectors.signups_of(user)[:50],
                "hours": hours.select_related("organisation", "opportunity", "activity")[:20],
                "monthly": list(hours.monthly_totals()[:12]),
                "offers": offers,
                "for_you": for_you,
                "csrf_token": csrf_token,
            },
        )

    return render(
        request,
        "volunteers/dashboard.html",
        {"content": person_fragment(request, "volunteer", content)},
    )


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


csp_logger = logging.getLogger("mpact.csp")
# A browser's violation report is well under a kilobyte or two; anything much larger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024


def _csp_violations(report):
    """The violations in a report: report-uri's {"csp-report": {...}}, or the Reporting API's
    list of {"type": "csp-violation", "body": {...}} (report-to), should we switch to it."""
    if isinstance(report, dict) and isinstance(report.get("csp-report"), dict):
        return [report["csp-report"]]
    if isinstance(report, list):
        return [
            item["body"]
            for item in report
            if isinstance(item, dict) and isinstance(item.get("body"), dict)
        ]
    return []


@csrf_exempt  # browsers send reports without a token, and there is nothing to forge
@require_POST
def csp_report(request):
    """Where browsers report what the Content Security Policy blocked (settings.py): logged at
    WARNING so that a page the policy breaks, or an injection attempt, shows in the logs.

    Anyone can post here, so the body is read only up to a small limit and logged as JSON (one
    line: a crafted report cannot forge log lines)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    body = request.read(CSP_REPORT_MAX_BYTES + 1)
    if len(body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        violations = _csp_violations(json.loads(body))
    except ValueError:
        violations = []
    if not violations:
        return HttpResponseBadRequest()
    for violation in violations:
        csp_logger.warning(
            "Content Security Policy violation: %s", json.dumps(violation, sort_keys=True)
        )
    return HttpResponse(status=204)


def privacy(request):
    return render(request, "privacy.html", {"version": settings.PRIVACY_STATEMENT_VERSION})


@login_required
def notification_list(request):
    page = Paginator(Notification.objects.for_user(request.user), 25).get_page(
        request.GET.get("page")
    )
    language = get_language()
    for notification in page.object_list:
        # In the language the person reads the site in now, where there is a version in it.
        notification.shown = notification.text_in(language)
    return render(request, "notifications/list.html", {"page": page, "now": timezone.now()})


@login_required
@require_POST
def notifications_read(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications")


@login_required
def notification_settings(request):
    """How the person wants to be reached: e-mail, text message or both, per group of
    messages, and their mobile number."""
    form = ContactSettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("Your choices are saved."))
            return redirect("notification_settings")
        messages.error(request, _("Please check the fields marked below."))
    return render(
        request,
        "notifications/settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def short_link(request, code):
    """/k/<code>: a text message's short link, on to where it leads (or the 404 page)."""
    target = short_link_target(code)
    if target is None:
        raise Http404
    return redirect(target)


@csrf_exempt
@require_POST
def sms_inbound(request):
    """A reply to a text message, posted by the provider (settings.SMS_BACKEND checks that it
    is): STOP stops text messages for that number, START resumes them."""
    reply = sms.backend().inbound(request)
    if reply is None:
        return HttpResponseForbidden()
    phone, text = reply
    texts_reply(phone=phone, intent=sms.reply_intent(text))
    # An empty TwiML answer: no reply text (providers send their own STOP confirmation).
    return HttpResponse("<Response/>", content_type="text/xml")
