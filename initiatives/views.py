from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from initiatives import services
from initiatives.calendar import session_ics
from initiatives.filters import ActivityFilter, OpportunityFilter
from initiatives.forms import (
    GuestSignUpForm,
    MemberSignUpForm,
    OrganisationRegisterForm,
    ResponseForm,
)
from initiatives.models import Activity, Opportunity, Organisation, Response, Session, SignUp
from mpact.cache import cache_public_page, cached_fragment, request_key
from mpact.submissions import submit_once

PAGE_SIZE = 20


def _list_page(request, template, content_template, filterset):
    """A list page: a filter form and one page of results below the site's header.

    What is below the header is the same for everyone asking with the same query in the same
    language, logged in or not: it is kept as a fragment (mpact/cache.py) and only the header
    is rendered per person. `filterset()` is called only when the fragment must be rendered."""

    def content():
        found = filterset()
        page = Paginator(found.qs, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        querystring = query.urlencode()
        # The filter form depends on the filters chosen and the language only (not the page).
        filters = cached_fragment(
            f"filters:{request.path}:{get_language()}:{querystring}",
            lambda: render_to_string("includes/filter_fields.html", {"filterset": found}),
        )
        return render_to_string(
            content_template,
            {"filterset": found, "filters": filters, "page": page, "querystring": querystring},
        )

    return render(
        request, template, {"content": cached_fragment(request_key(request, "list"), content)}
    )


@cache_public_page
def activity_list(request):
    return _list_page(
        request,
        "initiatives/activity_list.html",
        "initiatives/activity_list_content.html",
        # Always bound (request.GET may be empty) so the listed() narrowing always applies.
        lambda: ActivityFilter(request.GET, queryset=Activity.objects.all()),
    )


@cache_public_page
def activity_detail(request, pk):
    activity = get_object_or_404(
        Activity.objects.published()
        .select_related("organisation", "neighbourhood")
        .with_translation(),
        pk=pk,
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


# --- Opportunities ----------------------------------------------------------------------------


@cache_public_page
def opportunity_list(request):
    return _list_page(
        request,
        "initiatives/opportunity_list.html",
        "initiatives/opportunity_list_content.html",
        lambda: OpportunityFilter(
            request.GET,
            queryset=Opportunity.objects.listed(),
        ),
    )


def _visible_opportunity(request, pk):
    """Public opportunities for everyone; an organisation's members also see its drafts."""
    opportunity = get_object_or_404(
        Opportunity.objects.select_related("organisation", "neighbourhood").with_translation(),
        pk=pk,
    )
    no_longer_open = opportunity.status in (Opportunity.Status.FILLED, Opportunity.Status.CLOSED)
    if opportunity.is_open or (no_longer_open and opportunity.organisation.is_approved):
        return opportunity
    if (
        request.user.is_authenticated
        and opportunity.organisation.memberships.filter(user=request.user).exists()
    ):
        return opportunity
    raise Http404


@cache_public_page
@require_http_methods(["GET", "POST"])
def opportunity_detail(request, pk):
    opportunity = _visible_opportunity(request, pk)
    form = ResponseForm(request.POST if request.method == "POST" else None)
    my_response = None
    if request.user.is_authenticated:
        my_response = Response.objects.filter(
            opportunity=opportunity, volunteer=request.user
        ).first()
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())

        def create():
            try:
                services.response_create(
                    opportunity=opportunity,
                    volunteer=request.user,
                    message=form.cleaned_data["message"],
                )
            except services.ResponseError as error:
                form.add_error(None, error)
                return None
            messages.success(request, _("Your response is sent. The organisation lets you know."))
            return redirect(opportunity)

        if form.is_valid() and (response := submit_once(request, form, create)):
            return response
    return render(
        request,
        "initiatives/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "skills": opportunity.skills.all(),
            "languages": opportunity.languages.all(),
            "form": form,
            "my_response": my_response,
            "has_profile": request.user.is_authenticated
            and hasattr(request.user, "volunteer_profile"),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Organisations ----------------------------------------------------------------------------


def organisation_detail(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, approved_at__isnull=False)
    return render(
        request,
        "initiatives/organisation_detail.html",
        {
            "organisation": organisation,
            "activities": Activity.objects.listed()
            .filter(organisation=organisation)
            .order_by("next_starts_at", "pk")[:20],
            "opportunities": organisation.opportunities.listed()[:20],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    form = OrganisationRegisterForm(request.POST if request.method == "POST" else None)

    def create():
        data = dict(form.cleaned_data)
        organisation = services.organisation_register(
            user=request.user, neighbourhoods=data.pop("neighbourhoods"), **data
        )
        messages.success(
            request,
            _(
                "Thank you. A coordinator checks your registration; until then what you post is "
                "not public yet, but you can already prepare it."
            ),
        )
        return redirect("initiatives:manage_dashboard", slug=organisation.slug)

    if request.method == "POST" and form.is_valid():
        return submit_once(request, form, create)
    return render(
        request,
        "initiatives/organisation_register.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    try:
        invitation = services.invitation_from_token(token)
    except services.OrganisationError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=400)
    error = None
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except services.OrganisationError as exc:
            error = exc
        else:
            messages.success(
                request, _("Welcome to %(name)s.") % {"name": invitation.organisation.name}
            )
            return redirect("initiatives:manage_dashboard", slug=invitation.organisation.slug)
    return render(
        request,
        "initiatives/invitation_accept.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )
