"""Help requests (hulpvragen), the people they are for, intake with one shared triage, and
referral to professional agencies. Participant and request details are special personal data:
only coordinators work with them, in the admin, and every view of a participant is logged."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpact.core.models import LanguageLevel
from mpact.core.workflow import transitions_of


class Agency(models.Model):
    """A professional agency coordinators refer people to."""

    class Kind(models.TextChoices):
        SOCIAL_TEAM = "social_team", _("District social team")
        DEBT = "debt", _("Debt counselling")
        LEGAL = "legal", _("Legal aid")
        REFUGEE = "refugee", _("Refugee support")
        GP = "gp", _("General practitioner")
        YOUTH = "youth", _("Youth work")
        HEALTH = "health", _("Mental health care")
        WORK = "work", _("Work and income")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what they do"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    neighbourhoods = models.ManyToManyField(
        "core.Neighbourhood", verbose_name=_("neighbourhoods served"), blank=True
    )
    languages = models.ManyToManyField(
        "core.Language", verbose_name=_("languages spoken"), blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self):
        return self.name


class Participant(models.Model):
    """A person helped, often without an account or e-mail address: a coordinator records
    them. One participant can have several help requests over time."""

    class Situation(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        ASYLUM_SEEKER = "asylum_seeker", _("Asylum seeker in a reception centre")
        STATUS_HOLDER = "status_holder", _("Status holder")
        OTHER = "other", _("Other")

    class ConsentMethod(models.TextChoices):
        ONLINE = "online", _("Online form")
        VERBAL = "verbal", _("Verbally, to a coordinator")
        WRITTEN = "written", _("In writing")
        INTERPRETER = "interpreter", _("Verbally, through an interpreter")

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participant",
    )
    languages = models.ManyToManyField(
        "core.Language", verbose_name=_("languages spoken"), blank=True
    )
    dutch_level = models.CharField(
        _("level of Dutch"), max_length=10, choices=LanguageLevel.choices, blank=True
    )
    situation = models.CharField(
        _("situation"), max_length=20, choices=Situation.choices, default=Situation.RESIDENT
    )
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    year_of_birth = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    consent_given = models.BooleanField(_("consent given"), default=False)
    consent_method = models.CharField(
        _("how consent was given"), max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_at = models.DateTimeField(_("consent given on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["first_name", "last_name"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.CheckConstraint(
                condition=Q(consent_given=False) | ~Q(consent_method=""),
                name="participant_consent_has_a_method",
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}".strip()


class ParticipantView(models.Model):
    """Who opened a participant's record, and when (AVG/GDPR accountability)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="views")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("viewed by"), on_delete=models.PROTECT
    )
    viewed_at = models.DateTimeField(_("viewed"), default=timezone.now)

    class Meta:
        ordering = ["-viewed_at"]
        verbose_name = _("view of a participant record")
        verbose_name_plural = _("views of participant records")

    def __str__(self):
        return f"{self.viewer} – {self.viewed_at:%Y-%m-%d %H:%M}"


class HelpRequestQuerySet(models.QuerySet):
    def waiting(self):
        return self.filter(status__in=HelpRequest.WAITING_STATUSES)

    def open_for_matching(self):
        return self.filter(status=HelpRequest.Status.OPEN)

    def untouched_since(self, moment):
        return self.waiting().filter(last_activity_at__lt=moment)


class HelpRequest(models.Model):
    """A help request (hulpvraag) from a participant, a resident with an account, or an
    organisation. It always ends somewhere known: matched, referred, closed or withdrawn."""

    class Kind(models.TextChoices):
        LANGUAGE = "language", _("Language practice")
        BUDDY = "buddy", _("A buddy")
        PAPERWORK = "paperwork", _("Paperwork and letters")
        VOLUNTEER_WORK = "volunteer_work", _("Finding volunteer work")
        GOODS = "goods", _("Goods")
        SOCIAL = "social", _("Social contact")
        MONEY = "money", _("Money worries")
        YOUTH = "youth", _("Youth")
        INFORMAL_CARE = "informal_care", _("Informal care")
        OTHER = "other", _("Other")
        # What organisations ask for
        MORE_VOLUNTEERS = "more_volunteers", _("More volunteers")
        ROOM = "room", _("A room")
        ADVICE = "advice", _("Advice")
        FUNDING = "funding", _("Funding")

    PERSONAL_KINDS = [
        Kind.LANGUAGE,
        Kind.BUDDY,
        Kind.PAPERWORK,
        Kind.VOLUNTEER_WORK,
        Kind.GOODS,
        Kind.SOCIAL,
        Kind.MONEY,
        Kind.YOUTH,
        Kind.INFORMAL_CARE,
        Kind.OTHER,
    ]
    ORGANISATION_KINDS = [Kind.MORE_VOLUNTEERS, Kind.ROOM, Kind.ADVICE, Kind.FUNDING, Kind.OTHER]

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_INTAKE = "in_intake", _("In intake")
        OPEN = "open", _("Open for matching")
        MATCHED = "matched", _("Matched")
        REFERRED = "referred", _("Referred")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    WAITING_STATUSES = [Status.NEW, Status.IN_INTAKE, Status.OPEN]

    # The workflow, declared once: each step, the statuses it can be taken from, and where it
    # leads. Services move a request only through these (matching/services.py), the admin
    # offers the steps a request can take now (`next_steps`), pages ask `can_become`.
    STEPS = {
        "start-intake": ({Status.NEW}, Status.IN_INTAKE),
        "intake": ({Status.IN_INTAKE}, Status.OPEN),
        "refer": ({Status.IN_INTAKE, Status.OPEN}, Status.REFERRED),
        "reopen": ({Status.REFERRED}, Status.OPEN),
        "match": ({Status.OPEN}, Status.MATCHED),
        "withdraw": ({Status.NEW, Status.IN_INTAKE, Status.OPEN}, Status.WITHDRAWN),
        "close": (
            {Status.NEW, Status.IN_INTAKE, Status.OPEN, Status.MATCHED, Status.REFERRED},
            Status.CLOSED,
        ),
    }
    # Which status a request may move to from each status (derived from STEPS).
    TRANSITIONS = transitions_of(STEPS, Status)

    class Urgency(models.TextChoices):
        LOW = "low", _("Can wait a few weeks")
        NORMAL = "normal", _("Within a week or two")
        HIGH = "high", _("Urgent")

    class Triage(models.TextChoices):
        # The 85-15-5 of the MVV text: most people are in control, some are vulnerable for a
        # while, a few need long-term support.
        IN_CONTROL = "in_control", _("In control")
        TEMPORARY = "temporary", _("Temporarily vulnerable")
        LONG_TERM = "long_term", _("Long-term support")

    kind = models.CharField(_("what kind of help"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("what is it about"), max_length=3000)
    languages = models.ManyToManyField(
        "core.Language", verbose_name=_("languages spoken"), blank=True
    )
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    availability = models.CharField(_("when available"), max_length=300, blank=True)
    # The same week mask as a volunteer's (volunteers.models.availability_bit), filled in by
    # the coordinator from what the person said; 0: any time, the matching then ignores times.
    available_slots = models.PositiveIntegerField(
        _("available times"),
        default=0,
        help_text=_("Only volunteers free at one of these times are suggested. None: any time."),
    )
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_requests",
    )
    organisation = models.ForeignKey(
        "initiatives.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="help_requests",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    triage = models.CharField(_("triage"), max_length=20, choices=Triage.choices, blank=True)
    triage_override_reason = models.CharField(
        _("why the triage differs from the assessment"), max_length=500, blank=True
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_help_requests",
        limit_choices_to={"is_staff": True},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("filed"), default=timezone.now, db_index=True)
    last_activity_at = models.DateTimeField(_("last handled"), default=timezone.now)
    stale_reminded_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["status", "last_activity_at"], name="request_queue")]
        constraints = [
            # Every request is for someone: a participant or an organisation, not both.
            models.CheckConstraint(
                condition=(Q(participant__isnull=False) & Q(organisation__isnull=True))
                | (Q(participant__isnull=True) & Q(organisation__isnull=False)),
                name="request_has_one_asker",
            )
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} – {self.asker_name}"

    def get_absolute_url(self):
        return reverse("admin:matching_helprequest_change", args=[self.pk])

    @property
    def asker_name(self) -> str:
        return str(self.organisation or self.participant)

    def can_become(self, status) -> bool:
        return status in self.TRANSITIONS[self.status]

    def next_steps(self) -> list[str]:
        """The workflow steps this request can take now, in STEPS' order."""
        return [step for step, (sources, _to) in self.STEPS.items() if self.status in sources]

    @property
    def is_open(self) -> bool:
        """Open for matching: the only status in which volunteers are suggested and offered."""
        return self.status == self.Status.OPEN

    def is_stale(self, now=None) -> bool:
        now = now or timezone.now()
        limit = timezone.timedelta(days=settings.HELP_REQUEST_STALE_DAYS)
        return self.status in self.WAITING_STATUSES and self.last_activity_at < now - limit


class StatusChange(models.Model):
    """One step in a request's timeline: who moved it, when, and why."""

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=HelpRequest.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=HelpRequest.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.TextField(_("why"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.from_status or '–'} → {self.to_status}"


class IntakeAssessment(models.Model):
    """The shared intake: self-reliance per life domain, 1 (acute problems) to 5 (fully
    self-reliant), in the style of the Dutch zelfredzaamheidsmatrix."""

    DOMAINS = [
        ("language", _("Language")),
        ("daily_activity", _("Daily activity")),
        ("social_network", _("Social network")),
        ("finances", _("Finances")),
        ("health", _("Health")),
        ("housing", _("Housing")),
    ]
    SCORE = [MinValueValidator(1), MaxValueValidator(5)]

    help_request = models.OneToOneField(
        HelpRequest, on_delete=models.CASCADE, related_name="intake"
    )
    language = models.PositiveSmallIntegerField(_("language"), validators=SCORE)
    daily_activity = models.PositiveSmallIntegerField(_("daily activity"), validators=SCORE)
    social_network = models.PositiveSmallIntegerField(_("social network"), validators=SCORE)
    finances = models.PositiveSmallIntegerField(_("finances"), validators=SCORE)
    health = models.PositiveSmallIntegerField(_("health"), validators=SCORE)
    housing = models.PositiveSmallIntegerField(_("housing"), validators=SCORE)
    assessed_triage = models.CharField(
        _("triage from the assessment"), max_length=20, choices=HelpRequest.Triage.choices
    )
    notes = models.TextField(_("intake notes"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(_("assessed"), default=timezone.now)

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    language__range=(1, 5),
                    daily_activity__range=(1, 5),
                    social_network__range=(1, 5),
                    finances__range=(1, 5),
                    health__range=(1, 5),
                    housing__range=(1, 5),
                ),
                name="intake_scores_1_to_5",
            )
        ]

    def __str__(self):
        return f"{self.help_request}: {self.get_assessed_triage_display()}"

    def scores(self) -> dict[str, int]:
        return {name: getattr(self, name) for name, _label in self.DOMAINS}

    @staticmethod
    def triage_for(scores: dict[str, int]) -> str:
        """Long-term when any domain is acute (1) or the average is below 2.5; temporarily
        vulnerable when any domain is not self-reliant (2) or the average is below 3.5; in
        control otherwise."""
        values = list(scores.values())
        average = sum(values) / len(values)
        if min(values) <= 1 or average < 2.5:
            return HelpRequest.Triage.LONG_TERM
        if min(values) <= 2 or average < 3.5:
            return HelpRequest.Triage.TEMPORARY
        return HelpRequest.Triage.IN_CONTROL


class RequestNote(models.Model):
    help_request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self):
        return self.text[:60]


class Referral(models.Model):
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="referrals"
    )
    agency = models.ForeignKey(Agency, verbose_name=_("agency"), on_delete=models.PROTECT)
    reason = models.TextField(_("why"))
    referred_on = models.DateField(_("referred on"), default=timezone.localdate)
    follow_up_on = models.DateField(_("follow up on"))
    follow_up_reminded_at = models.DateTimeField(
        _("follow-up reminder sent"), null=True, blank=True
    )
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_recorded_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-referred_on", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__gte=models.F("referred_on")),
                name="referral_follow_up_after_referral",
            )
        ]

    def __str__(self):
        return f"{self.help_request} → {self.agency}"
