"""Trajectories (trajecten, issue 14): six months of guidance for one participant by a buddy
or a guide, with goals scored at the start and at every check-in, ending with a certificate;
and the success stories that come out of them. The rules live in matching/trajectories.py."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpact.core.models import BilingualName

SCORES = Q(score__gte=1, score__lte=5)


class Goal(BilingualName):
    """A goal from the standard list coordinators manage in the admin (Mi na Mi's goals for
    participants: knowing what you are stuck on, a stronger self-image, ...)."""

    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta(BilingualName.Meta):
        ordering = ["position", "name_nl"]
        verbose_name = _("trajectory goal")
        verbose_name_plural = _("trajectory goals")


class TrajectoryQuerySet(models.QuerySet):
    def overdue(self, today=None):
        """Running trajectories whose planned check-in is more than the grace period late."""
        today = today or timezone.localdate()
        return self.filter(status=Trajectory.Status.RUNNING, overdue_on__lte=today)

    def overdue_first(self, today=None):
        """Overdue ones first (longest overdue on top), then by the next planned check-in."""
        today = today or timezone.localdate()
        return self.annotate(
            overdue_rank=Case(
                When(Q(status=Trajectory.Status.RUNNING, overdue_on__lte=today), then=Value(1)),
                default=Value(0),
                output_field=models.IntegerField(),
            )
        ).order_by("-overdue_rank", "next_check_in_on", "pk")

    def of_guide(self, user):
        """The trajectories a person guides: as a volunteer buddy or as a staff guide."""
        return self.filter(Q(guide_volunteer__user=user) | Q(guide_staff=user))


class Trajectory(models.Model):
    """One participant guided for (by default) six months by a volunteer buddy or a staff
    member. Check-ins are planned every TRAJECTORY_CHECKIN_WEEKS weeks: `next_check_in_on` is
    the next one, `overdue_on` the day it counts as overdue; the two reminder columns are
    claimed once per planned check-in (cleared when one is logged)."""

    class Kind(models.TextChoices):
        BUDDY = "buddy", _("Buddy trajectory")
        PERSONAL = "personal", _("Personal trajectory")

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    class Language(models.TextChoices):
        DUTCH = "nl", _("Dutch")
        ENGLISH = "en", _("English")

    participant = models.ForeignKey(
        "matching.Participant",
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    guide_volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile",
        verbose_name=_("buddy (volunteer)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trajectories",
    )
    guide_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("guide (staff member)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guided_trajectories",
    )
    suggestion = models.OneToOneField(
        "matching.MatchSuggestion",
        verbose_name=_("from the match"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trajectory",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.BUDDY)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("planned end"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.RUNNING
    )
    end_reason = models.CharField(_("why it ended early"), max_length=300, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    next_check_in_on = models.DateField(_("next check-in"), null=True, blank=True)
    overdue_on = models.DateField(_("check-in overdue from"), null=True, blank=True)
    due_reminded_at = models.DateTimeField(_("reminded of the check-in"), null=True, blank=True)
    overdue_reminded_at = models.DateTimeField(
        _("reminded of the overdue check-in"), null=True, blank=True
    )
    certificate_language = models.CharField(
        _("language of the certificate"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        help_text=_("Empty: the participant's language (Dutch unless they use English)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="trajectory_ends_after_start",
                violation_error_message=_("The planned end must come after the start."),
            ),
            models.CheckConstraint(
                condition=Q(guide_volunteer__isnull=False, guide_staff__isnull=True)
                | Q(guide_volunteer__isnull=True, guide_staff__isnull=False),
                name="trajectory_has_one_guide",
                violation_error_message=_("Choose one guide: a volunteer or a staff member."),
            ),
            models.CheckConstraint(
                condition=~Q(status="ended_early") | ~Q(end_reason=""),
                name="trajectory_ended_early_has_a_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "overdue_on"], name="trajectory_overdue")]

    def __str__(self):
        return f"{self.participant} ({self.get_kind_display().lower()}, {self.starts_on:%d-%m-%Y})"

    @property
    def guide_user(self):
        """The account of whoever guides: the buddy's, or the staff member."""
        return self.guide_volunteer.user if self.guide_volunteer_id else self.guide_staff

    @property
    def guide_name(self) -> str:
        return str(self.guide_user)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.RUNNING
            and self.overdue_on is not None
            and self.overdue_on <= today
        )

    def is_check_in_due(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.RUNNING
            and self.next_check_in_on is not None
            and self.next_check_in_on <= today
        )

    @staticmethod
    def planned_after(day):
        """The next check-in after a check-in (or the start) on `day`, and its overdue day."""
        planned = day + timedelta(weeks=settings.TRAJECTORY_CHECKIN_WEEKS)
        return planned, planned + timedelta(days=settings.TRAJECTORY_CHECKIN_OVERDUE_DAYS)


class TrajectoryGoal(models.Model):
    """One goal of a trajectory: from the standard list, or in the participant's own words;
    scored 1 (not at all) to 5 (fully) at the start."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey(
        Goal, verbose_name=_("goal"), on_delete=models.PROTECT, null=True, blank=True
    )
    own_words = models.CharField(_("in the participant's own words"), max_length=200, blank=True)
    score = models.PositiveSmallIntegerField(_("score at the start (1-5)"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("goal of a trajectory")
        verbose_name_plural = _("goals of the trajectory")
        constraints = [
            models.CheckConstraint(
                condition=SCORES,
                name="trajectory_goal_score_1_to_5",
                violation_error_message=_("A score is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | ~Q(own_words=""),
                name="trajectory_goal_chosen_or_own_words",
                violation_error_message=_("Choose a goal or write it in own words."),
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.goal_id and self.own_words:
            return f"{self.goal.name}: {self.own_words}"
        return self.goal.name if self.goal_id else self.own_words


class CheckIn(models.Model):
    """A conversation between the participant and their guide, with a score per goal."""

    class HowItWent(models.TextChoices):
        GOOD = "good", _("Good")
        MIXED = "mixed", _("Mixed")
        HARD = "hard", _("Difficult")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="check_ins")
    held_on = models.DateField(_("date"))
    how_it_went = models.CharField(_("how it went"), max_length=10, choices=HowItWent.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self):
        return f"{self.held_on:%d-%m-%Y}: {self.get_how_it_went_display()}"


class CheckInScore(models.Model):
    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="scores")
    goal = models.ForeignKey(TrajectoryGoal, on_delete=models.CASCADE, related_name="scores")
    score = models.PositiveSmallIntegerField(_("score (1-5)"))

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.CheckConstraint(condition=SCORES, name="check_in_score_1_to_5"),
            models.UniqueConstraint(fields=["check_in", "goal"], name="one_score_per_goal"),
        ]

    def __str__(self):
        return f"{self.goal}: {self.score}"


class SuccessStory(models.Model):
    """What a trajectory brought, told by the buddy or the participant, with the participant's
    explicit consent; public only once a coordinator approved it, under the first name or
    anonymously as chosen."""

    class ShownAs(models.TextChoices):
        FIRST_NAME = "first_name", _("With the participant's first name")
        ANONYMOUS = "anonymous", _("Anonymously")

    trajectory = models.ForeignKey(Trajectory, on_delete=models.CASCADE, related_name="stories")
    text = models.TextField(_("the story"), max_length=3000)
    shown_as = models.CharField(
        _("shown"), max_length=12, choices=ShownAs.choices, default=ShownAs.FIRST_NAME
    )
    consent = models.BooleanField(_("the participant agrees to publication"), default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("success story")
        verbose_name_plural = _("success stories")
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="story_has_consent"),
        ]

    def __str__(self):
        return self.text[:60]

    @property
    def author_shown(self) -> str:
        if self.shown_as == self.ShownAs.FIRST_NAME:
            return self.trajectory.participant.first_name
        return str(_("Anonymous"))
