"""Matching: the runs that compute suggestions, and the suggestions themselves (a volunteer
for a help request, or an opportunity for a volunteer), with their workflow states."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from matching.models.casework import HelpRequest


class MatchRun(models.Model):
    """One run of the matching engine. At most one runs at a time: a partial unique index on
    the running status is the lock, and a run that stayed 'running' past the time limit (a
    crashed worker) is marked failed before a new one starts."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Schedule")
        MANUAL = "manual", _("Started by a coordinator")

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    candidates = models.PositiveIntegerField(_("candidates"), default=0)
    suggestions = models.PositiveIntegerField(_("new suggestions"), default=0)
    total_score = models.PositiveBigIntegerField(_("total score"), default=0)
    # The proof that the assignment is the best over every feasible pair (engine.Certificate):
    # pricing rounds, pairs checked and added, and the bound no assignment could beat.
    pricing_rounds = models.PositiveIntegerField(_("pricing rounds"), default=0)
    pairs_priced = models.PositiveBigIntegerField(_("pairs priced"), default=0)
    pairs_added = models.PositiveIntegerField(_("pairs added by pricing"), default=0)
    bound = models.PositiveBigIntegerField(_("bound on the total score"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.UniqueConstraint(
                fields=["status"], condition=Q(status="running"), name="one_running_match_run"
            )
        ]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def seconds(self):
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()


class MatchSuggestion(models.Model):
    """A volunteer suggested for a help request or for an organisation's opportunity, with the
    score and the reasons in words.

    A suggestion for a help request waits for a coordinator's approval before the volunteer
    sees it. A suggestion for an opportunity (public anyway) goes straight to the volunteer's
    page and weekly e-mail: responding to the opportunity accepts it, 'not for me' declines it.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved by a coordinator")
        REJECTED = "rejected", _("Rejected by a coordinator")
        ACCEPTED = "accepted", _("Accepted by the volunteer")
        DECLINED = "declined", _("Declined by the volunteer")
        EXPIRED = "expired", _("Expired")

    ACTIVE = [Status.PROPOSED, Status.APPROVED, Status.ACCEPTED]

    help_request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    opportunity = models.ForeignKey(
        "initiatives.Opportunity",
        verbose_name=_("volunteer opportunity"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="suggestions",
    )
    volunteer = models.ForeignKey(
        "volunteers.VolunteerProfile", on_delete=models.CASCADE, related_name="suggestions"
    )
    run = models.ForeignKey(MatchRun, on_delete=models.SET_NULL, null=True, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    # The reasons in words, per language of the site: {"nl": [...], "en": [...]}.
    reasons = models.JSONField(_("reasons"), default=dict)
    # The points of each part of the score (engine.PARTS: language, skills, times, distance,
    # preference, waiting, load), for the comparison screen.
    points = models.JSONField(_("points per part"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    created_at = models.DateTimeField(_("suggested"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reject_reason = models.CharField(_("why rejected"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("offered to the volunteer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("sent in the weekly e-mail"), null=True, blank=True)

    class Meta:
        ordering = ["help_request", "opportunity", "-score"]
        verbose_name = _("match suggestion")
        verbose_name_plural = _("match suggestions")
        constraints = [
            # Never the same pair twice while one is still in play.
            models.UniqueConstraint(
                fields=["help_request", "volunteer"],
                condition=Q(status__in=["proposed", "approved", "accepted"]),
                name="one_active_suggestion_per_pair",
            ),
            models.UniqueConstraint(
                fields=["opportunity", "volunteer"],
                condition=Q(status__in=["proposed", "approved", "accepted"]),
                name="one_active_opportunity_suggestion_per_pair",
            ),
            models.CheckConstraint(
                condition=Q(help_request__isnull=False, opportunity__isnull=True)
                | Q(help_request__isnull=True, opportunity__isnull=False),
                name="suggestion_for_a_request_or_an_opportunity",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer} → {self.need} ({self.score})"

    @property
    def point_parts(self) -> list[tuple]:
        """(name, points) of each part of the score that counted, for the comparison screen."""
        from matching.engine import PART_WORDS, PARTS

        return [(PART_WORDS[part], self.points[part]) for part in PARTS if self.points.get(part)]

    @property
    def need(self):
        """The help request or opportunity this suggestion is for."""
        return self.help_request or self.opportunity

    @property
    def reason_words(self) -> list[str]:
        """The reasons in the active language, else in the site's default language."""
        if isinstance(self.reasons, list):  # written by hand, in one language
            return self.reasons
        for language in (get_language() or "", settings.LANGUAGE_CODE):
            if self.reasons.get(language[:2]):
                return self.reasons[language[:2]]
        return next(iter(self.reasons.values()), [])
