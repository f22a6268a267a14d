"""An organisation's own pages (beheer): its opportunities, activities and sessions, the
responses and hours to handle, and its members. Every view finds the organisation through
`membership_or_404`, so a person who is not a member gets 404 and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from initiatives import services
from initiatives.access import membership_or_404
from initiatives.forms import (
    ActivityForm,
    ActivityTranslationFormSet,
    DecisionForm,
    HoursDecisionForm,
    InvitationForm,
    OpportunityForm,
    OpportunityTranslationFormSet,
    SessionForm,
)
from initiatives.models import Activity, HoursEntry, Membership, Opportunity, Response, Session
from mpact.submissions import submit_once

TRANSLATIONS = "translations"  # the prefix of the translation forms


def _first(**condition):
    """An ordering that puts the rows matching `condition` first."""
    return Case(When(**condition, then=Value(0)), default=Value(1))


def _translations(formset_class, data, instance):
    """The translations part of an activity's or opportunity's form. A form sent without it
    (a page opened before translations existed) leaves the translations as they are."""
    if data is not None and f"{TRANSLATIONS}-TOTAL_FORMS" not in data:
        data = None
    return formset_class(data, instance=instance, prefix=TRANSLATIONS)


def _valid(form, translations) -> bool:
    """Both checked, so that every error shows at once."""
    return all([form.is_valid(), not translations.is_bound or translations.is_valid()])


def _save_with_translations(form, translations):
    """The object and its translations, together or not at all."""
    with transaction.atomic():
        saved = form.save()
        if translations.is_bound:
            translations.instance = saved
            translations.save()
    return saved


def _render(request, template, membership, context, status=200):
    context.update({"membership": membership, "organisation": membership.organisation})
    return render(request, template, context, status=status)


@login_required
def dashboard(request, slug):
    membership = membership_or_404(request, slug)
    organisation = membership.organisation
    opportunities = organisation.opportunities.annotate(
        pending=Count("responses", filter=Q(responses__status=Response.Status.PENDING)),
        accepted=Count("responses", filter=Q(responses__status=Response.Status.ACCEPTED)),
    ).order_by(_first(status=Opportunity.Status.PUBLISHED), "status", "-created_at")
    activities = organisation.activities.annotate(session_count=Count("sessions")).order_by("title")
    return _render(
        request,
        "initiatives/manage/dashboard.html",
        membership,
        {
            "opportunities": opportunities,
            "activities": activities,
            "pending_hours": HoursEntry.objects.filter(
                organisation=organisation, status=HoursEntry.Status.PENDING
            ).count(),
        },
    )


# --- Opportunities ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_form(request, slug, pk=None):
    membership = membership_or_404(request, slug)
    opportunity = (
        get_object_or_404(Opportunity, pk=pk, organisation=membership.organisation)
        if pk
        else Opportunity(organisation=membership.organisation)
    )
    data = request.POST if request.method == "POST" else None
    form = OpportunityForm(data, instance=opportunity)
    translations = _translations(OpportunityTranslationFormSet, data, opportunity)
    if request.method == "POST" and _valid(form, translations):
        opportunity = _save_with_translations(form, translations)
        if "publish" in request.POST and opportunity.status == Opportunity.Status.DRAFT:
            services.opportunity_set_status(
                opportunity=opportunity, status=Opportunity.Status.PUBLISHED
            )
        messages.success(request, _("The opportunity is saved."))
        return redirect("initiatives:manage_dashboard", slug=slug)
    return _render(
        request,
        "initiatives/manage/opportunity_form.html",
        membership,
        {"form": form, "translations": translations, "opportunity": opportunity},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def opportunity_duplicate(request, slug, pk):
    membership = membership_or_404(request, slug)
    opportunity = get_object_or_404(Opportunity, pk=pk, organisation=membership.organisation)
    copy = services.opportunity_duplicate(opportunity=opportunity)
    messages.success(request, _("A copy is made as a draft. Change what differs and publish it."))
    return redirect("initiatives:manage_opportunity_edit", slug=slug, pk=copy.pk)


@login_required
@require_POST
def opportunity_status(request, slug, pk):
    membership = membership_or_404(request, slug)
    opportunity = get_object_or_404(Opportunity, pk=pk, organisation=membership.organisation)
    status = request.POST.get("status", "")
    if status not in Opportunity.Status.values:
        messages.error(request, _("Unknown status."))
    else:
        try:
            services.opportunity_set_status(opportunity=opportunity, status=status)
        except services.ResponseError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("'%(title)s' is now %(status)s.")
                % {"title": opportunity.title, "status": opportunity.get_status_display().lower()},
            )
    return redirect("initiatives:manage_dashboard", slug=slug)


# --- Responses ------------------------------------------------------------------------------


@login_required
def responses(request, slug):
    membership = membership_or_404(request, slug)
    status = request.GET.get("status", Response.Status.PENDING)
    rows = (
        Response.objects.filter(opportunity__organisation=membership.organisation)
        .select_related("opportunity", "volunteer__volunteer_profile__neighbourhood")
        .order_by("-created_at")
    )
    if status in Response.Status.values:
        rows = rows.filter(status=status)
    return _render(
        request,
        "initiatives/manage/responses.html",
        membership,
        {
            "responses": rows[:200],
            "status": status,
            "statuses": Response.Status.choices,
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def response_decide(request, slug, pk):
    membership = membership_or_404(request, slug)
    response = get_object_or_404(Response, pk=pk, opportunity__organisation=membership.organisation)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
    else:
        try:
            services.response_decide(
                response=response,
                accept=form.cleaned_data["decision"] == "accept",
                reply=form.cleaned_data["reply"],
                by=request.user,
            )
        except services.ResponseError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your answer is sent to the volunteer."))
    return redirect("initiatives:manage_responses", slug=slug)


# --- Hours ----------------------------------------------------------------------------------


@login_required
def hours(request, slug):
    membership = membership_or_404(request, slug)
    entries = (
        HoursEntry.objects.filter(organisation=membership.organisation)
        .select_related("volunteer__volunteer_profile", "opportunity", "activity")
        # Waiting ones first, so that none drops off a busy organisation's page.
        .order_by(_first(status=HoursEntry.Status.PENDING), "-date", "-pk")[:200]
    )
    return _render(request, "initiatives/manage/hours.html", membership, {"entries": entries})


@login_required
@require_POST
def hours_decide(request, slug, pk):
    membership = membership_or_404(request, slug)
    entry = get_object_or_404(HoursEntry, pk=pk, organisation=membership.organisation)
    form = HoursDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose confirm or do not confirm."))
    else:
        try:
            services.hours_decide(
                entry=entry,
                confirm=form.cleaned_data["decision"] == "confirm",
                reply=form.cleaned_data["reply"],
                by=request.user,
            )
        except services.HoursError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Saved."))
    return redirect("initiatives:manage_hours", slug=slug)


# --- Members --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def members(request, slug):
    membership = membership_or_404(request, slug)
    organisation = membership.organisation
    form = None
    if membership.role == Membership.Role.ADMIN:
        form = InvitationForm(request.POST if request.method == "POST" else None)
    elif request.method == "POST":
        raise Http404

    def create():
        try:
            services.invitation_create(
                organisation=organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except services.OrganisationError as error:
            form.add_error("email", error)
            return None
        messages.success(request, _("The invitation is sent."))
        return redirect("initiatives:manage_members", slug=slug)

    if request.method == "POST" and form.is_valid():
        if response := submit_once(request, form, create):
            return response
    return _render(
        request,
        "initiatives/manage/members.html",
        membership,
        {
            "memberships": organisation.memberships.select_related("user").order_by("role"),
            "invitations": organisation.invitations.filter(accepted_at__isnull=True),
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def member_remove(request, slug, pk):
    membership = membership_or_404(request, slug, admin=True)
    target = get_object_or_404(Membership, pk=pk, organisation=membership.organisation)
    try:
        services.membership_remove(membership=target, by=request.user)
    except services.OrganisationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(name)s is removed.") % {"name": target.user})
    return redirect("initiatives:manage_members", slug=slug)


# --- Activities and sessions ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def activity_form(request, slug, pk=None):
    membership = membership_or_404(request, slug)
    activity = (
        get_object_or_404(Activity, pk=pk, organisation=membership.organisation)
        if pk
        else Activity(organisation=membership.organisation)
    )
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, request.FILES if data is not None else None, instance=activity)
    translations = _translations(ActivityTranslationFormSet, data, activity)
    if request.method == "POST" and _valid(form, translations):
        activity = _save_with_translations(form, translations)
        messages.success(request, _("The activity is saved. Add its sessions below."))
        return redirect("initiatives:manage_activity_edit", slug=slug, pk=activity.pk)
    return _render(
        request,
        "initiatives/manage/activity_form.html",
        membership,
        {
            "form": form,
            "translations": translations,
            "activity": activity,
            "sessions": activity.sessions.order_by("-starts_at") if activity.pk else [],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_form(request, slug, activity_pk, pk=None):
    membership = membership_or_404(request, slug)
    activity = get_object_or_404(Activity, pk=activity_pk, organisation=membership.organisation)
    session = (
        get_object_or_404(Session, pk=pk, activity=activity) if pk else Session(activity=activity)
    )
    form = SessionForm(request.POST if request.method == "POST" else None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(session=form.save(commit=False))
        except services.SignUpError as error:  # a sign-up came in since the form was opened
            form.add_error("capacity", error)
        else:
            messages.success(request, _("The session is saved."))
            return redirect("initiatives:manage_activity_edit", slug=slug, pk=activity.pk)
    return _render(
        request,
        "initiatives/manage/session_form.html",
        membership,
        {"form": form, "activity": activity, "session": session},
        status=400 if request.method == "POST" else 200,
    )
