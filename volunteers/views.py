from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from initiatives import services as initiative_services
from mpact.exports import csv_response
from mpact.submissions import submit_once
from volunteers import selectors, services
from volunteers.forms import HoursForm, VolunteerLanguageFormSet, VolunteerProfileForm
from volunteers.models import VolunteerProfile


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request):
    profile = selectors.profile_of(request.user) or VolunteerProfile(
        user=request.user, display_name=request.user.display_name
    )
    data = request.POST if request.method == "POST" else None
    form = VolunteerProfileForm(data, instance=profile)
    languages = VolunteerLanguageFormSet(data, instance=profile, prefix="languages")
    if request.method == "POST":
        if form.is_valid() and languages.is_valid():
            services.volunteer_profile_save(
                profile_form=form, languages_formset=languages, user=request.user
            )
            messages.success(request, _("Your profile is saved."))
            return redirect("volunteer_dashboard")
        messages.error(request, _("Please check the fields marked below."))
    return render(
        request,
        "volunteers/profile_form.html",
        {"form": form, "languages": languages, "is_new": profile.pk is None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def profile_public(request, pk):
    """What others see of a volunteer: only what they chose to show, only when logged in."""
    profile = get_object_or_404(
        VolunteerProfile.objects.select_related("neighbourhood", "user"), pk=pk
    )
    if not profile.is_visible_to(request.user):
        raise Http404
    return render(
        request,
        "volunteers/profile_public.html",
        {
            "profile": profile,
            "skills": profile.skills.all(),
            "languages": profile.languages.select_related("language"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def hours_create(request):
    opportunities, activities = initiative_services.hours_subjects(volunteer=request.user)
    form = HoursForm(
        request.POST if request.method == "POST" else None,
        opportunities=opportunities,
        activities=activities,
    )

    def create():
        try:
            initiative_services.hours_log(
                volunteer=request.user,
                date=form.cleaned_data["date"],
                hours=form.cleaned_data["hours"],
                note=form.cleaned_data["note"],
                **form.subject_kwargs(),
            )
        except initiative_services.HoursError as error:
            form.add_error(None, error)
            return None
        messages.success(request, _("Your hours are logged. The organisation confirms them."))
        return redirect("volunteer_dashboard")

    if request.method == "POST" and form.is_valid():
        if response := submit_once(request, form, create):
            return response
    return render(
        request,
        "volunteers/hours_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def hours_download(request):
    header, rows = initiative_services.hours_table(volunteer=request.user)
    return csv_response("mijn-uren.csv", header, rows)
