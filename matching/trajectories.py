"""Trajectories (issue 14): a buddy or guide helps one participant for TRAJECTORY_MONTHS
months. Each step is one function: start (from an accepted buddy match, or a coordinator
enrols a participant with a guide), log a check-in, remind the guide once when a check-in is
due and once when it is overdue, pause, resume, end early (with a reason), complete; the
certificate's signed link; success stories, public after a coordinator's approval."""

import calendar
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from matching.models import (
    CheckIn,
    CheckInScore,
    HelpRequest,
    MatchSuggestion,
    SuccessStory,
    Trajectory,
    TrajectoryGoal,
)
from matching.services import HelpRequestError
from mpact.notifications.models import Notification
from mpact.notifications.services import Recipient, notifications_create_for
from volunteers.models import VolunteerProfile

Kind = Notification.Kind
Status = Trajectory.Status
CERTIFICATE_SALT = "matching.trajectory.certificate"


class TrajectoryError(HelpRequestError):
    """A trajectory change that cannot happen; the message says why, for the person."""


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- Starting ---------------------------------------------------------------------------------


def _goals_add(trajectory: Trajectory, goals) -> None:
    """`goals`: (Goal or None, own words, score at the start) for each goal."""
    for goal, own_words, score in goals:
        own_words = (own_words or "").strip()
        if goal is None and not own_words:
            continue
        _check_score(score)
        TrajectoryGoal.objects.create(
            trajectory=trajectory, goal=goal, own_words=own_words[:200], score=score
        )


def trajectory_goal_add(*, trajectory: Trajectory, goal=None, own_words="", score: int):
    """One more goal (from the list, or in the participant's own words) with its score now."""
    if goal is None and not (own_words or "").strip():
        raise TrajectoryError(_("Choose a goal or write it in own words."), code="goal")
    _goals_add(trajectory, [(goal, own_words, score)])
    return trajectory.goals.order_by("-pk").first()


def _check_score(score) -> None:
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise TrajectoryError(
            _("A score is a whole number from 1 to 5, not %(score)s.") % {"score": score},
            code="score",
        )


def _create(*, participant, guide, kind, by, starts_on, ends_on, goals, suggestion=None):
    today = timezone.localdate()
    starts_on = starts_on or today
    ends_on = ends_on or add_months(starts_on, settings.TRAJECTORY_MONTHS)
    if ends_on <= starts_on:
        raise TrajectoryError(_("The planned end must come after the start."), code="dates")
    guide_fields = (
        {"guide_volunteer": guide}
        if isinstance(guide, VolunteerProfile)
        else {"guide_staff": guide}
    )
    if not isinstance(guide, VolunteerProfile) and not getattr(guide, "is_staff", False):
        raise TrajectoryError(_("A guide is a volunteer or a staff member."), code="guide")
    next_on, overdue_on = Trajectory.planned_after(starts_on)
    with transaction.atomic():
        trajectory = Trajectory.objects.create(
            participant=participant,
            suggestion=suggestion,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            next_check_in_on=next_on,
            overdue_on=overdue_on,
            created_by=by,
            **guide_fields,
        )
        _goals_add(trajectory, goals)
        notifications_create_for(
            [trajectory.guide_user],
            kind=Kind.TRAJECTORY_STARTED,
            subject=gettext_lazy("Your trajectory with %(name)s has started"),
            body=gettext_lazy(
                "The trajectory runs from %(start)s to %(end)s. The first check-in is planned "
                "for %(next)s: log it on the trajectory's page."
            ),
            params={
                "name": participant.first_name,
                "start": starts_on.strftime("%d-%m-%Y"),
                "end": ends_on.strftime("%d-%m-%Y"),
                "next": next_on.strftime("%d-%m-%Y"),
            },
            link=reverse("matching:trajectory_detail", args=[trajectory.pk]),
        )
    return trajectory


def trajectory_start_from_match(
    *, suggestion: MatchSuggestion, by=None, starts_on=None, ends_on=None, goals=()
) -> Trajectory:
    """A buddy trajectory from an accepted buddy match: the volunteer is the buddy."""
    if suggestion.status != MatchSuggestion.Status.ACCEPTED or suggestion.help_request_id is None:
        raise TrajectoryError(
            _("A trajectory starts from a match the volunteer accepted."), code="not_accepted"
        )
    if suggestion.help_request.kind != HelpRequest.Kind.BUDDY:
        raise TrajectoryError(_("Only a buddy match becomes a buddy trajectory."), code="kind")
    if Trajectory.objects.filter(suggestion=suggestion).exists():
        raise TrajectoryError(_("This match already has a trajectory."), code="exists")
    return _create(
        participant=suggestion.help_request.participant,
        guide=suggestion.volunteer,
        kind=Trajectory.Kind.BUDDY,
        by=by,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals,
        suggestion=suggestion,
    )


def trajectory_enrol(
    *,
    participant,
    guide,
    by,
    kind=Trajectory.Kind.PERSONAL,
    starts_on=None,
    ends_on=None,
    goals=(),
) -> Trajectory:
    """A coordinator enrols a participant with a guide: a volunteer or a staff member."""
    return _create(
        participant=participant,
        guide=guide,
        kind=kind,
        by=by,
        starts_on=starts_on,
        ends_on=ends_on,
        goals=goals,
    )


# --- Check-ins --------------------------------------------------------------------------------


def check_in_log(
    *, trajectory: Trajectory, by, held_on: date, how_it_went: str, note="", scores=None, now=None
) -> CheckIn:
    """Log a check-in with a score (1-5) per goal of the trajectory, {TrajectoryGoal pk: score};
    the next one is planned TRAJECTORY_CHECKIN_WEEKS weeks after it. Refused, with nothing
    saved: a date in the future or before the start, a score out of range, a trajectory that
    is not running."""
    today = timezone.localdate(now or timezone.now())
    scores = scores or {}
    if trajectory.status != Status.RUNNING:
        raise TrajectoryError(
            _("This trajectory is '%(status)s': check-ins are logged while it runs.")
            % {"status": trajectory.get_status_display()},
            code="status",
        )
    if held_on > today:
        raise TrajectoryError(_("A check-in cannot be in the future."), code="future")
    if held_on < trajectory.starts_on:
        raise TrajectoryError(
            _("A check-in cannot be before the trajectory started (%(start)s).")
            % {"start": trajectory.starts_on.strftime("%d-%m-%Y")},
            code="before_start",
        )
    if how_it_went not in CheckIn.HowItWent.values:
        raise TrajectoryError(_("Say how the check-in went."), code="how")
    goal_ids = set(trajectory.goals.values_list("pk", flat=True))
    if set(scores) - goal_ids:
        raise TrajectoryError(_("A score is for a goal of this trajectory."), code="goal")
    for score in scores.values():
        _check_score(score)
    with transaction.atomic():
        check_in = CheckIn.objects.create(
            trajectory=trajectory,
            held_on=held_on,
            how_it_went=how_it_went,
            note=note.strip(),
            by=by,
            created_at=now or timezone.now(),
        )
        CheckInScore.objects.bulk_create(
            CheckInScore(check_in=check_in, goal_id=goal_id, score=score)
            for goal_id, score in scores.items()
        )
        latest = max(held_on, *trajectory.check_ins.values_list("held_on", flat=True))
        next_on, overdue_on = Trajectory.planned_after(latest)
        Trajectory.objects.filter(pk=trajectory.pk).update(
            next_check_in_on=next_on,
            overdue_on=overdue_on,
            due_reminded_at=None,
            overdue_reminded_at=None,
        )
    trajectory.refresh_from_db()
    return check_in


def check_ins_remind(*, now=None) -> int:
    """Tell each guide once when a running trajectory's check-in is due, and once more when it
    is overdue (TRAJECTORY_CHECKIN_OVERDUE_DAYS later). The reminder's column is claimed in the
    transaction that writes the notification, so however often this runs each goes once.
    Returns how many reminders were written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    running = Trajectory.objects.filter(status=Status.RUNNING).select_related(
        "participant", "guide_volunteer__user", "guide_staff"
    )
    sent = 0
    steps = [
        (
            "overdue_reminded_at",
            running.filter(overdue_on__lte=today, overdue_reminded_at__isnull=True),
            Kind.CHECK_IN_OVERDUE,
            gettext_lazy("The check-in with %(name)s is overdue"),
            gettext_lazy(
                "The check-in planned for %(date)s has not been logged yet. Meet %(name)s "
                "and log how it went on the trajectory's page, or tell your coordinator."
            ),
        ),
        (
            "due_reminded_at",
            running.filter(next_check_in_on__lte=today, due_reminded_at__isnull=True),
            Kind.CHECK_IN_DUE,
            gettext_lazy("Time for a check-in with %(name)s"),
            gettext_lazy(
                "A check-in with %(name)s is planned for %(date)s. Afterwards, log how it "
                "went and the scores per goal on the trajectory's page."
            ),
        ),
    ]
    for column, due, kind, subject, body in steps:
        for trajectory in due:
            with transaction.atomic():
                claimed = Trajectory.objects.filter(
                    pk=trajectory.pk,
                    status=Status.RUNNING,
                    next_check_in_on=trajectory.next_check_in_on,
                    **{f"{column}__isnull": True},
                ).update(**{column: now})
                if not claimed:
                    continue
                if column == "overdue_reminded_at":
                    # Overdue includes due: no separate 'due' message after this one.
                    Trajectory.objects.filter(pk=trajectory.pk, due_reminded_at=None).update(
                        due_reminded_at=now
                    )
                notifications_create_for(
                    [trajectory.guide_user],
                    kind=kind,
                    subject=subject,
                    body=body,
                    params={
                        "name": trajectory.participant.first_name,
                        "date": trajectory.next_check_in_on.strftime("%d-%m-%Y"),
                    },
                    link=reverse("matching:trajectory_detail", args=[trajectory.pk]),
                )
                sent += 1
    return sent


# --- Pause, resume, end, complete -------------------------------------------------------------


def _move(trajectory, *, from_statuses, to, **fields) -> Trajectory:
    with transaction.atomic():
        updated = Trajectory.objects.filter(pk=trajectory.pk, status__in=from_statuses).update(
            status=to, **fields
        )
        trajectory.refresh_from_db()
        if not updated:
            raise TrajectoryError(
                _("This trajectory is already '%(status)s'.")
                % {"status": trajectory.get_status_display()},
                code="status",
            )
    return trajectory


def trajectory_pause(*, trajectory: Trajectory, by=None) -> Trajectory:
    """No check-ins, no reminders while paused."""
    return _move(trajectory, from_statuses=[Status.RUNNING], to=Status.PAUSED)


def trajectory_resume(*, trajectory: Trajectory, by=None, now=None) -> Trajectory:
    """Running again; the next check-in is planned from today."""
    today = timezone.localdate(now or timezone.now())
    next_on, overdue_on = Trajectory.planned_after(today)
    return _move(
        trajectory,
        from_statuses=[Status.PAUSED],
        to=Status.RUNNING,
        next_check_in_on=next_on,
        overdue_on=overdue_on,
        due_reminded_at=None,
        overdue_reminded_at=None,
    )


# The statuses a trajectory can end early from (the admin offers the step only then).
ENDS_EARLY_FROM = (Status.RUNNING, Status.PAUSED)


def trajectory_end_early(*, trajectory: Trajectory, by=None, reason: str, now=None) -> Trajectory:
    reason = (reason or "").strip()
    if not reason:
        raise TrajectoryError(_("Say why the trajectory ends early."), code="reason")
    return _move(
        trajectory,
        from_statuses=ENDS_EARLY_FROM,
        to=Status.ENDED_EARLY,
        end_reason=reason[:300],
        ended_at=now or timezone.now(),
    )


def trajectory_complete(*, trajectory: Trajectory, by=None, now=None) -> Trajectory:
    """The coordinator completes the trajectory; the participant (when there is an address to
    reach them) and the guide hear of it, the participant with the certificate's link."""
    now = now or timezone.now()
    with transaction.atomic():
        trajectory = _move(
            trajectory,
            from_statuses=[Status.RUNNING, Status.PAUSED],
            to=Status.COMPLETED,
            completed_at=now,
            ended_at=now,
        )
        participant = trajectory.participant
        recipients = [trajectory.guide_user]
        if participant.user_id:
            recipients.append(participant.user)
        elif participant.email:
            recipients.append(Recipient(email=participant.email))
        notifications_create_for(
            recipients,
            kind=Kind.TRAJECTORY_COMPLETED,
            subject=gettext_lazy("Congratulations: the trajectory of %(name)s is completed"),
            body=gettext_lazy(
                "The trajectory of %(name)s is completed. The certificate can be downloaded "
                "through the link."
            ),
            params={"name": participant.first_name},
            link=certificate_url(trajectory),
        )
    return trajectory


# --- The participant's signed link and the certificate ----------------------------------------


def trajectory_token(trajectory: Trajectory) -> str:
    return signing.dumps(trajectory.pk, salt=CERTIFICATE_SALT)


def trajectory_url(trajectory: Trajectory) -> str:
    return reverse("matching:trajectory_status", args=[trajectory_token(trajectory)])


def certificate_url(trajectory: Trajectory) -> str:
    return reverse("matching:trajectory_certificate", args=[trajectory_token(trajectory)])


def trajectory_from_token(token: str) -> Trajectory:
    try:
        pk = signing.loads(token, salt=CERTIFICATE_SALT)
    except signing.BadSignature:
        raise TrajectoryError(_("This link is not valid."), code="bad_link") from None
    try:
        return Trajectory.objects.select_related(
            "participant", "guide_volunteer__user", "guide_staff"
        ).get(pk=pk)
    except Trajectory.DoesNotExist:
        raise TrajectoryError(_("This trajectory no longer exists."), code="bad_link") from None


def certificate_language(trajectory: Trajectory, chosen: str = "") -> str:
    """The certificate's language: the one asked for, the one set on the trajectory, else the
    participant's (English for someone who uses the site in English; otherwise Dutch, the
    language of the organisation and of the certificate's reader)."""
    for language in (chosen, trajectory.certificate_language):
        if language in Trajectory.Language.values:
            return language
    user = trajectory.participant.user
    return "en" if user is not None and user.language == "en" else "nl"


def certificate_pdf(*, trajectory: Trajectory, language: str = "") -> bytes:
    """The certificate as a PDF; refused for a trajectory that is not completed."""
    from matching.certificates import certificate_render

    if trajectory.status != Status.COMPLETED:
        raise TrajectoryError(
            _("A certificate is made once the trajectory is completed."), code="not_completed"
        )
    return certificate_render(trajectory, certificate_language(trajectory, language))


def organisation_name() -> str:
    from django.contrib.sites.models import Site

    return Site.objects.get_current().name or "M-Pact"


# --- Success stories --------------------------------------------------------------------------


def story_write(
    *, trajectory: Trajectory, by=None, text: str, consent: bool, shown_as: str
) -> SuccessStory:
    """A success story by the buddy or the participant: only with the participant's explicit
    consent; it waits for a coordinator's approval before it is public."""
    text = (text or "").strip()
    if not consent:
        raise TrajectoryError(
            _("A story is shared only with the participant's explicit consent."), code="consent"
        )
    if not text:
        raise TrajectoryError(_("Write the story."), code="text")
    if shown_as not in SuccessStory.ShownAs.values:
        raise TrajectoryError(_("Choose how the participant is named."), code="shown_as")
    return SuccessStory.objects.create(
        trajectory=trajectory, text=text[:3000], consent=True, shown_as=shown_as, written_by=by
    )


def story_approve(*, story: SuccessStory, by, now=None) -> SuccessStory:
    SuccessStory.objects.filter(pk=story.pk, approved_at__isnull=True).update(
        approved_at=now or timezone.now(), approved_by=by
    )
    story.refresh_from_db()
    return story


def staff_guides():
    return get_user_model().objects.filter(is_staff=True, is_active=True)
