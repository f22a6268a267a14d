"""Pairings of demand and supply: an offer (initiatives.Offer) with an initiative's need or with
a newcomer's help request for goods. Suggested by the engine (matching/support.py) or asked
for by either side; agreed when both sides have said yes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from matching.models.casework import HelpRequest


class SupportMatchQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SupportMatch.Status.OPEN)

    def in_play(self):
        return self.filter(status__in=SupportMatch.IN_PLAY)


class SupportMatch(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        AGREED = "agreed", _("Agreed")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No longer possible")

    class Source(models.TextChoices):
        ENGINE = "engine", _("Suggested by the matching")
        NEED_SIDE = "need_side", _("Asked for by the initiative")
        OFFER_SIDE = "offer_side", _("Offered by the organisation")

    IN_PLAY = [Status.OPEN, Status.AGREED]

    offer = models.ForeignKey(
        "initiatives.Offer",
        verbose_name=_("offer"),
        on_delete=models.CASCADE,
        related_name="matches",
    )
    need = models.ForeignKey(
        "initiatives.InitiativeNeed",
        verbose_name=_("need of an initiative"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="matches",
    )
    help_request = models.ForeignKey(
        HelpRequest,
        verbose_name=_("help request"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="support_matches",
    )
    # A room is given for the initiative's date; anything counted for a number of units.
    date = models.DateField(_("date"), null=True, blank=True)
    units = models.PositiveIntegerField(_("how much"), null=True, blank=True)
    source = models.CharField(_("how it came"), max_length=20, choices=Source.choices)
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    reasons = models.JSONField(_("reasons"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    need_side_at = models.DateTimeField(_("yes from the initiative"), null=True, blank=True)
    need_side_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    offer_side_at = models.DateTimeField(_("yes from the organisation"), null=True, blank=True)
    offer_side_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decline_reason = models.CharField(_("why not"), max_length=300, blank=True)
    booking = models.OneToOneField(
        "initiatives.RoomBooking",
        verbose_name=_("room booking"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="match",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = SupportMatchQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("support match")
        verbose_name_plural = _("support matches")
        constraints = [
            models.CheckConstraint(
                condition=Q(need__isnull=False, help_request__isnull=True)
                | Q(need__isnull=True, help_request__isnull=False),
                name="support_match_for_a_need_or_a_request",
            ),
            # Never the same pair twice while one is in play.
            models.UniqueConstraint(
                fields=["need", "offer"],
                condition=Q(status__in=["open", "agreed"]),
                name="one_support_match_per_pair",
            ),
            models.UniqueConstraint(
                fields=["help_request", "offer"],
                condition=Q(status__in=["open", "agreed"]),
                name="one_goods_match_per_pair",
            ),
        ]

    def __str__(self):
        return f"{self.offer} → {self.need or self.help_request}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def waiting_for_need_side(self) -> bool:
        return self.is_open and self.need_side_at is None

    @property
    def waiting_for_offer_side(self) -> bool:
        return self.is_open and self.offer_side_at is None

    @property
    def reason_words(self) -> list[str]:
        """The reasons in the active language, else in the site's default language."""
        for language in (get_language() or "", settings.LANGUAGE_CODE):
            if self.reasons.get(language[:2]):
                return self.reasons[language[:2]]
        return next(iter(self.reasons.values()), [])
