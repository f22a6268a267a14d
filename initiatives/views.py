from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from initiatives import services
from initiatives.calendar import session_ics
from initiatives.filters import ActivityFilter
from initiatives.forms import GuestSignUpForm, MemberSignUpForm
from initiatives.models import Activity, Session, SignUp

PAGE_SIZE = 20


def activity_list(request):
    # Always bound (request.GET may be empty) so the listed() narrowing always applies.
    filterset = ActivityFilter(request.GET, queryset=Activity.objects.all())
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "initiatives/activity_list.html",
        {"filterset": filterset, "page": page, "querystring": query.urlencode()},
    )


def activity_detail(request, pk):
    activity = get_object_or_404(
        Activity.objects.published().select_related("organisation", "neighbourhood"), pk=pk
    )
    sessions = list(activity.sessions.upcoming())
    my_signups = {}
    if request.user.is_authenticated:
        my_signups = {
            signup.session_id: signup
            for signup in SignUp.objects.active().filter(
                session__in=sessions, email=request.user.email
            )
        }
    for session in sessions:
        session.my_signup = my_signups.get(session.pk)
    return render(
        request,
        "initiatives/activity_detail.html",
        {"activity": activity, "sessions": sessions, "languages": activity.languages.all()},
    )


def _signable_session(pk):
    return get_object_or_404(
        Session.objects.select_related("activity__organisation", "activity__neighbourhood"),
        pk=pk,
        activity__in=Activity.objects.published(),
    )


@require_http_methods(["GET", "POST"])
def session_signup(request, pk):
    session = _signable_session(pk)
    form_class = MemberSignUpForm if request.user.is_authenticated else GuestSignUpForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            signup = services.signup_create(
                session=session,
                user=request.user if request.user.is_authenticated else None,
                name=form.cleaned_data.get("name", ""),
                email=form.cleaned_data.get("email", ""),
                join_waitlist=form.cleaned_data["join_waitlist"],
            )
        except services.SignUpError as error:
            form.add_error(None, error)
            # It may have filled up meanwhile: the page then offers the waiting list.
            session.refresh_from_db(fields=["seats_taken", "capacity"])
        else:
            return redirect(services.signup_status_url(signup))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "initiatives/session_signup.html",
        {"session": session, "activity": session.activity, "form": form},
        status=status,
    )


def signup_status(request, token):
    try:
        signup = services.signup_from_token(token, purpose=services.VIEW_SALT)
    except services.SignUpError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    return render(
        request,
        "initiatives/signup_status.html",
        {
            "signup": signup,
            "session": signup.session,
            "activity": signup.session.activity,
            "cancel_url": services.signup_cancel_url(signup) if signup.is_active else "",
        },
    )


@require_http_methods(["GET", "POST"])
def signup_cancel(request, token):
    try:
        signup = services.signup_from_token(token, purpose=services.CANCEL_SALT)
    except services.SignUpError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    error = None
    if request.method == "POST":
        try:
            services.signup_cancel(signup=signup)
        except services.SignUpError as exc:
            error = exc
        else:
            messages.success(request, _("Your sign-up has been cancelled."))
            return redirect(signup.session.activity)
    return render(
        request,
        "initiatives/signup_cancel.html",
        {"signup": signup, "session": signup.session, "error": error},
        status=400 if error else 200,
    )


def session_calendar(request, pk):
    session = _signable_session(pk)
    response = HttpResponse(session_ics(session), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="activiteit-{session.pk}.ics"'
    return response


@login_required
def my_signups(request):
    signups = (
        SignUp.objects.filter(email=request.user.email)
        .select_related("session__activity")
        .order_by("-session__starts_at")
    )
    return render(request, "initiatives/my_signups.html", {"signups": signups})
