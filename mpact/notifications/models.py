from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliveryQuerySet(models.QuerySet):
    def undelivered(self):
        return self.filter(sent_at__isnull=True, failed_at__isnull=True)

    def due_for_delivery(self, now=None):
        """Undelivered rows nobody holds: never claimed, or claimed by a worker that died."""
        now = now or timezone.now()
        stale = now - timedelta(seconds=settings.NOTIFICATION_CLAIM_TIMEOUT_SECONDS)
        return self.undelivered().filter(
            Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale),
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
        )


class Delivery(models.Model):
    """Something a worker sends once, however often it is tried (an e-mail, a text message):
    claimed before sending, retried with backoff, given up and shown to coordinators after
    NOTIFICATION_MAX_ATTEMPTS (mpact/notifications/delivery.py owns these rules)."""

    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_delivered(self) -> bool:
        return self.sent_at is not None


class NotificationQuerySet(DeliveryQuerySet):
    def for_user(self, user):
        return self.filter(user=user)

    def undelivered(self):
        # A notification the person wants by text message only has no e-mail to deliver.
        return super().undelivered().filter(by_email=True)


class Notification(Delivery):
    """A message to one person, written in the same transaction as the change that causes it.

    A worker delivers it by e-mail (unless the person chose text messages only for its kind:
    `by_email`), and by text message where they chose that (`TextMessage`); the person also
    sees it on the site. Delivery claims the row
    first so that it happens once, however often it is attempted.
    """

    class Kind(models.TextChoices):
        """What a notification is about: every kind the site writes, in one place. The values
        are stored in existing rows; add new kinds, never rename a value."""

        # Sign-ups (initiatives/services/signups.py)
        SIGNUP_CONFIRMED = "signup_confirmed", _("sign-up confirmed")
        SIGNUP_PROMOTED = "signup_promoted", _("moved up from the waiting list")
        SIGNUP_WAITLISTED = "signup_waitlisted", _("put on the waiting list")
        SESSION_REMINDER = "session_reminder", _("session reminder")
        # Organisations and their volunteer opportunities (initiatives/services/)
        ORGANISATION_REGISTERED = "organisation_registered", _("organisation registered")
        ORGANISATION_APPROVED = "organisation_approved", _("organisation approved")
        ORGANISATION_INVITATION = "organisation_invitation", _("invitation to an organisation")
        RESPONSE_RECEIVED = "response_received", _("response received")
        RESPONSE_ACCEPTED = "response_accepted", _("response accepted")
        RESPONSE_DECLINED = "response_declined", _("response declined")
        HOURS_CONFIRMED = "hours_confirmed", _("hours confirmed")
        HOURS_REJECTED = "hours_rejected", _("hours not confirmed")
        # Help requests (matching/services.py)
        HELP_REQUEST_NEW = "help_request_new", _("new help request")
        HELP_REQUEST_ASSIGNED = "help_request_assigned", _("help request assigned")
        HELP_REQUEST_STALE = "help_request_stale", _("help request waiting")
        REFERRAL_FOLLOW_UP = "referral_follow_up", _("referral follow-up")
        # Matching (matching/suggestions.py, matching/services.py)
        MATCH_OFFERED = "match_offered", _("match offered")
        MATCH_ACCEPTED = "match_accepted", _("match accepted")
        MATCH_WITHDRAWN = "match_withdrawn", _("match withdrawn")
        SUGGESTIONS_TO_REVIEW = "suggestions_to_review", _("suggestions to review")
        OPPORTUNITIES_FOR_YOU = "opportunities_for_you", _("opportunities for you")
        # A coordinator's message to everyone signed up for a session (initiatives/admin.py)
        SESSION_MESSAGE = "session_message", _("message about a session")
        # Trajectories (matching/trajectories.py)
        TRAJECTORY_STARTED = "trajectory_started", _("trajectory started")
        CHECK_IN_DUE = "check_in_due", _("check-in due")
        CHECK_IN_OVERDUE = "check_in_overdue", _("check-in overdue")
        TRAJECTORY_COMPLETED = "trajectory_completed", _("trajectory completed")
        # Residents' initiatives and organisations' offers (initiatives/services/support.py,
        # matching/support.py)
        INITIATIVE_SUBMITTED = "initiative_submitted", _("initiative to review")
        INITIATIVE_APPROVED = "initiative_approved", _("initiative approved")
        INITIATIVE_CHANGES_ASKED = "initiative_changes_asked", _("changes asked to an initiative")
        INITIATIVE_DECLINED = "initiative_declined", _("initiative declined")
        SUPPORT_ASKED = "support_asked", _("support asked or offered")
        SUPPORT_AGREED = "support_agreed", _("support agreed")
        SUPPORT_DECLINED = "support_declined", _("support declined")

        @property
        def group(self) -> str:
            """The group a person chooses a channel for (User.reach_<group>_by), or "" for
            kinds that only go by e-mail (coordinators' work, organisations' business)."""
            return KIND_GROUPS.get(self, "")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    email = models.EmailField(_("e-mail address"))
    by_email = models.BooleanField(_("by e-mail"), default=True)
    kind = models.CharField(_("kind"), max_length=50, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    # The language the text was written in; the e-mail's own words use it too.
    language = models.CharField(_("language"), max_length=10, blank=True)
    # For an account, the same subject and body in the site's other languages, {"en":
    # [subject, body], ...}, so that the list on the site follows a language switch.
    versions = models.JSONField(_("in other languages"), default=dict, blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_mimetype = models.CharField(max_length=100, blank=True)
    attachment_content = models.TextField(blank=True)

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_undelivered",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self):
        return f"{self.subject} → {self.email}"

    def text_in(self, language: str) -> tuple[str, str, str]:
        """(subject, body, the language they are in): in `language` when there is a version
        in it, else as written."""
        if language and language != self.language and language in self.versions:
            subject, body = self.versions[language]
            return subject, body, language
        return self.subject, self.body, self.language


Kind = Notification.Kind
# Which kinds a person may choose text messages for, by group (User.channels_for).
KIND_GROUPS = {
    Kind.SIGNUP_CONFIRMED: "confirmations",
    Kind.SIGNUP_PROMOTED: "confirmations",
    Kind.SIGNUP_WAITLISTED: "confirmations",
    Kind.RESPONSE_ACCEPTED: "confirmations",
    Kind.RESPONSE_DECLINED: "confirmations",
    Kind.HOURS_CONFIRMED: "confirmations",
    Kind.SESSION_REMINDER: "reminders",
    Kind.SESSION_MESSAGE: "reminders",
    Kind.CHECK_IN_DUE: "reminders",
    Kind.CHECK_IN_OVERDUE: "reminders",
    Kind.INITIATIVE_APPROVED: "confirmations",
    Kind.INITIATIVE_CHANGES_ASKED: "confirmations",
    Kind.INITIATIVE_DECLINED: "confirmations",
    Kind.MATCH_OFFERED: "proposals",
    Kind.OPPORTUNITIES_FOR_YOU: "proposals",
}


class TextMessage(Delivery):
    """A notification's text message to one phone number: short, in the person's language,
    with a short link where there is something to do (`ShortLink`). Delivered like the
    e-mail, by the backend settings.SMS_BACKEND names (mpact/notifications/sms.py)."""

    notification = models.ForeignKey(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="texts",
    )
    phone = models.CharField(_("phone number"), max_length=20)
    body = models.CharField(_("text"), max_length=480)
    provider_id = models.CharField(_("provider's message id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="textmessage_undelivered",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.body[:40]} → {self.phone}"


class ShortLink(models.Model):
    """A short address for a long link, for text messages: /k/<code> sends the visitor on to
    `path` (which carries its own signature where it grants anything, like a sign-up's status
    link). The code is random (about 60 bits), so it cannot be guessed."""

    code = models.CharField(max_length=16, unique=True)
    path = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("short link")
        verbose_name_plural = _("short links")

    def __str__(self):
        return f"/k/{self.code} → {self.path}"
