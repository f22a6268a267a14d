"""Trajectory pages: the guide's own list and trajectory page (under the volunteer's space,
with the check-in form and the progress chart), the participant's page and certificate through
a signed link (or their account), and the public list of approved success stories. Anyone
else gets 404 for a guide's page; coordinators work in the admin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from matching import selectors, trajectories
from matching.forms import CheckInForm, SuccessStoryForm
from matching.models import SuccessStory, Trajectory


def _guide_trajectory_or_404(request, pk):
    from django.http import Http404

    try:
        return selectors.trajectory_with_progress(Trajectory.objects.of_guide(request.user), pk)
    except Trajectory.DoesNotExist:
        raise Http404 from None


def _progress_context(trajectory) -> dict:
    return {
        "trajectory": trajectory,
        "goals": list(trajectory.goals.all()),
        "check_ins": list(trajectory.check_ins.all()),
        "chart": selectors.progress_chart(trajectory),
    }


@login_required
@require_GET
def my_trajectories(request):
    """The trajectories this person guides, as a buddy or as a staff guide; overdue first."""
    return render(
        request,
        "matching/trajectory_list.html",
        {"trajectories": list(selectors.trajectories_of_guide(request.user))},
    )


def _detail(request, trajectory, *, check_in_form=None, story_form=None, status=200):
    context = _progress_context(trajectory)
    running = trajectory.status == Trajectory.Status.RUNNING
    context.update(
        check_in_form=(check_in_form or CheckInForm(goals=context["goals"])) if running else None,
        story_form=story_form or SuccessStoryForm(),
    )
    return render(request, "matching/trajectory_detail.html", context, status=status)


@login_required
@require_GET
def trajectory_detail(request, pk):
    return _detail(request, _guide_trajectory_or_404(request, pk))


@login_required
@require_POST
def check_in_create(request, pk):
    """The guide logs a check-in; refused (with the reason, nothing saved) when the service
    says no."""
    trajectory = _guide_trajectory_or_404(request, pk)
    form = CheckInForm(request.POST, goals=list(trajectory.goals.all()))
    if form.is_valid():
        try:
            trajectories.check_in_log(
                trajectory=trajectory,
                by=request.user,
                held_on=form.cleaned_data["held_on"],
                how_it_went=form.cleaned_data["how_it_went"],
                note=form.cleaned_data["note"],
                scores=form.scores(),
            )
        except trajectories.TrajectoryError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The check-in is saved. Thank you."))
            return redirect("matching:trajectory_detail", pk=trajectory.pk)
    return _detail(request, trajectory, check_in_form=form, status=400)


def _story(request, trajectory, on_error):
    form = SuccessStoryForm(request.POST)
    if form.is_valid():
        try:
            trajectories.story_write(
                trajectory=trajectory,
                by=request.user if request.user.is_authenticated else None,
                text=form.cleaned_data["text"],
                consent=form.cleaned_data["consent"],
                shown_as=form.cleaned_data["shown_as"],
            )
        except trajectories.TrajectoryError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Thank you for the story. A coordinator reads it before it is shown.")
            )
            return None
    return on_error(form)


@login_required
@require_POST
def guide_story_create(request, pk):
    trajectory = _guide_trajectory_or_404(request, pk)
    return _story(
        request, trajectory, lambda form: _detail(request, trajectory, story_form=form, status=400)
    ) or redirect("matching:trajectory_detail", pk=trajectory.pk)


def _from_token(request, token):
    try:
        return trajectories.trajectory_from_token(token), None
    except trajectories.TrajectoryError as error:
        return None, render(request, "initiatives/link_invalid.html", {"error": error}, status=400)


def _participant_page(request, trajectory, token, *, story_form=None, status=200):
    trajectory = selectors.trajectory_with_progress(Trajectory.objects.all(), trajectory.pk)
    context = _progress_context(trajectory)
    context.update(token=token, story_form=story_form or SuccessStoryForm())
    return render(request, "matching/trajectory_status.html", context, status=status)


@require_GET
def trajectory_status(request, token):
    """The participant's own trajectory, through the signed link in their messages."""
    trajectory, refused = _from_token(request, token)
    return refused or _participant_page(request, trajectory, token)


@require_POST
def participant_story_create(request, token):
    trajectory, refused = _from_token(request, token)
    if refused:
        return refused
    return _story(
        request,
        trajectory,
        lambda form: _participant_page(request, trajectory, token, story_form=form, status=400),
    ) or redirect("matching:trajectory_status", token=token)


def certificate_response(trajectory, language="") -> HttpResponse:
    """The certificate as a PDF download (the service refuses an unfinished trajectory)."""
    pdf = trajectories.certificate_pdf(trajectory=trajectory, language=language)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"certificaat-{trajectory.participant.first_name}".encode("ascii", "ignore").decode()
    response["Content-Disposition"] = f'inline; filename="{name or "certificaat"}.pdf"'
    return response


@require_GET
def trajectory_certificate(request, token):
    """The participant's certificate, through the signed link; ?taal=en for English."""
    trajectory, refused = _from_token(request, token)
    if refused:
        return refused
    try:
        return certificate_response(trajectory, request.GET.get("taal", ""))
    except trajectories.TrajectoryError as error:
        return render(request, "initiatives/link_invalid.html", {"error": error}, status=409)


@login_required
@require_GET
def my_trajectories_as_participant(request):
    """A participant with an account: their own trajectories, each with its signed page."""
    own = Trajectory.objects.filter(participant__user=request.user).select_related("participant")
    return render(
        request,
        "matching/my_trajectories.html",
        {"rows": [(t, trajectories.trajectory_url(t)) for t in own]},
    )


@require_GET
def story_list(request):
    """Approved success stories, newest first: a first name or 'anonymous', as chosen."""
    stories = (
        SuccessStory.objects.filter(approved_at__isnull=False)
        .select_related("trajectory__participant")
        .order_by("-approved_at")[:50]
    )
    return render(request, "matching/story_list.html", {"stories": stories})
