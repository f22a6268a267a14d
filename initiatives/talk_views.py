"""Talk sessions in an organisation's own pages (issue 14): plan a series of sessions, the
host's attendance register of one session, and the figures per month of an activity.

The series form is for the organisation's members (as its other pages); the register and the
figures are also open to coordinators, who see every organisation's (initiatives/access.py).
Anyone else gets 404."""

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from initiatives import selectors, services
from initiatives.access import host_organisation_or_404, membership_or_404
from initiatives.forms import AttendanceForm, SeriesForm
from initiatives.models import Activity, Session, SignUp


def _render(request, template, organisation, membership, context, status=200):
    context.update({"membership": membership, "organisation": organisation})
    return render(request, template, context, status=status)


def _add_errors(form, error: services.TalkError):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def series_form(request, slug, pk):
    membership = membership_or_404(request, slug)
    activity = get_object_or_404(Activity, pk=pk, organisation=membership.organisation)
    form = SeriesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        start = data["first_start"]
        end = datetime.combine(start.date(), data["end_time"])
        try:
            sessions = services.sessions_generate(
                activity=activity,
                first_start=start,
                duration=end - datetime.combine(start.date(), start.time()),
                every_weeks=data["every_weeks"],
                count=data["count"],
                until=data["until"],
                capacity=data["capacity"],
            )
        except services.TalkError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d session is planned.",
                    "%(count)d sessions are planned.",
                    len(sessions),
                )
                % {"count": len(sessions)},
            )
            return redirect("initiatives:manage_activity_edit", slug=slug, pk=activity.pk)
    return _render(
        request,
        "initiatives/manage/series_form.html",
        membership.organisation,
        membership,
        {"form": form, "activity": activity},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request, slug, activity_pk, pk):
    organisation, membership = host_organisation_or_404(request, slug)
    session = get_object_or_404(
        Session.objects.select_related("activity"),
        pk=pk,
        activity_id=activity_pk,
        activity__organisation=organisation,
    )
    signups = list(
        SignUp.objects.filter(session=session, status=SignUp.Status.CONFIRMED).order_by(
            "name", "pk"
        )
    )
    initial = {"came": [signup.pk for signup in signups if signup.attended]}
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        session=session,
        signups=signups,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            walk_in = None
            if form.has_walk_in:
                walk_in = services.walk_in_add(
                    session=session,
                    first_name=data["first_name"],
                    age_group=data["age_group"],
                    first_time=data["first_time"],
                )
            services.attendance_save(session=session, came=set(data["came"]))
        except services.TalkError as error:
            _add_errors(form, error)
        else:
            if walk_in:
                messages.success(
                    request,
                    _("Saved. %(name)s is added as a walk-in.") % {"name": walk_in.first_name},
                )
            else:
                messages.success(request, _("Saved."))
            return redirect(
                "initiatives:manage_attendance",
                slug=slug,
                activity_pk=session.activity_id,
                pk=session.pk,
            )
    return _render(
        request,
        "initiatives/manage/attendance.html",
        organisation,
        membership,
        {
            "form": form,
            "session": session,
            "activity": session.activity,
            "signups": signups,
            "walk_ins": session.walk_ins.all(),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def figures(request, slug, pk):
    organisation, membership = host_organisation_or_404(request, slug)
    activity = get_object_or_404(Activity, pk=pk, organisation=organisation)
    return _render(
        request,
        "initiatives/manage/figures.html",
        organisation,
        membership,
        {
            "activity": activity,
            "months": selectors.activity_figures(activity),
            "sessions": activity.sessions.filter(is_cancelled=False).order_by("-starts_at")[:60],
        },
    )
