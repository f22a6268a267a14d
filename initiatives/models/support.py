"""Demand and supply (vraag en aanbod): residents' own initiatives with the support they need,
and the offers of organisations and companies (a room, goods, money, expertise, hands).

The pairing of a need with an offer is matching's (matching/models/support.py); what an
agreement uses up is recorded here, on the offer: a room's booking for one date
(`RoomBooking`, one per room per date, enforced by the database) and the units left of
anything counted (`Offer.remaining`)."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mpact.core.models import Neighbourhood
from mpact.core.workflow import transitions_of


class Support(models.TextChoices):
    """The kinds of support: what an initiative needs and what an offer gives, one list for
    both sides, so that a need and an offer fit when their kinds are the same."""

    ROOM = "room", _("A room")
    GOODS = "goods", _("Goods and materials")
    MONEY = "money", _("Money")
    EXPERTISE = "expertise", _("Advice and expertise")
    VOLUNTEERS = "volunteers", _("Volunteers")
    PUBLICITY = "publicity", _("Publicity")

    @property
    def unit(self):
        """What an amount of this kind counts (items, euros, hours, people), or None for the
        kinds that are not counted: a room is booked per date, publicity is not used up."""
        return SUPPORT_UNITS.get(self)

    @property
    def amount_label(self):
        return SUPPORT_AMOUNT_LABELS.get(self, "")


SUPPORT_UNITS = {
    Support.GOODS: pgettext_lazy("unit", "items"),
    Support.MONEY: pgettext_lazy("unit", "euros"),
    Support.EXPERTISE: pgettext_lazy("unit", "hours"),
    Support.VOLUNTEERS: pgettext_lazy("unit", "people"),
}
SUPPORT_AMOUNT_LABELS = {
    Support.GOODS: _("How many items"),
    Support.MONEY: _("Amount in euros"),
    Support.EXPERTISE: _("How many hours"),
    Support.VOLUNTEERS: _("How many volunteers"),
}
# Monday is bit 0, Sunday bit 6 (date.weekday()).
WEEKDAY_NAMES = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
ALL_WEEKDAYS = 0b1111111


def weekday_bit(day: datetime.date) -> int:
    return 1 << day.weekday()


class InitiativeQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Initiative.Status.APPROVED)

    def looking_for_support(self):
        """Approved, not in the past, and with a need that no agreement has met yet: the
        initiatives of InitiativeNeed.objects.open()."""
        return self.filter(Exists(InitiativeNeed.objects.open().filter(initiative=OuterRef("pk"))))


class InitiativeNeedQuerySet(models.QuerySet):
    def open(self):
        """Needs still looking for support, the one rule for it: of an approved initiative
        that is not in the past, and not met by an agreement."""
        today = timezone.localdate()
        return self.filter(
            initiative__status=Initiative.Status.APPROVED, met_at__isnull=True
        ).filter(Q(initiative__date__isnull=True) | Q(initiative__date__gte=today))


class Initiative(models.Model):
    """A resident's own initiative (a cooking evening for neighbours, a walking group for
    newcomers): what, for whom, where and when, and the support it needs. A coordinator
    reviews it before it is public."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes asked")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The review workflow, declared once: each step, the statuses it is taken from, and where
    # it leads. initiatives/services/support.py moves an initiative only through these; the
    # admin and the proposer's page offer the steps `can` allows.
    STEPS = {
        "approve": ({Status.SUBMITTED}, Status.APPROVED),
        "ask-changes": ({Status.SUBMITTED}, Status.CHANGES_REQUESTED),
        "decline": ({Status.SUBMITTED, Status.CHANGES_REQUESTED}, Status.DECLINED),
        "resubmit": ({Status.CHANGES_REQUESTED}, Status.SUBMITTED),
        "withdraw": (
            {Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.APPROVED},
            Status.WITHDRAWN,
        ),
    }
    TRANSITIONS = transitions_of(STEPS, Status)
    # The proposer may change the text while it waits or when changes are asked.
    EDITABLE = {Status.SUBMITTED, Status.CHANGES_REQUESTED}

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    title = models.CharField(_("what is your initiative"), max_length=200)
    description = models.TextField(_("tell about it"), max_length=3000)
    audience = models.CharField(
        _("for whom"),
        max_length=300,
        help_text=_("For example: neighbours from different backgrounds, newcomers, teenagers."),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.PROTECT
    )
    place = models.CharField(
        _("where"),
        max_length=250,
        blank=True,
        help_text=_("An address or a description. Leave empty if you still need a room."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    start_time = models.TimeField(_("from"), null=True, blank=True)
    end_time = models.TimeField(_("until"), null=True, blank=True)
    participants = models.PositiveSmallIntegerField(
        _("how many people do you expect"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    accessible = models.BooleanField(_("the place must be wheelchair accessible"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    activity = models.OneToOneField(
        "initiatives.Activity",
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="initiative",
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [models.Index(fields=["status", "date"], name="initiative_status_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="initiative_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("matching:initiative_detail", kwargs={"pk": self.pk})

    def can(self, step: str) -> bool:
        return self.status in self.STEPS[step][0]

    def next_steps(self) -> list[str]:
        return [step for step in self.STEPS if self.can(step)]

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE


class InitiativeNeed(models.Model):
    """One kind of support an initiative needs, with how much where that is counted."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="needs"
    )
    kind = models.CharField(_("kind of support"), max_length=20, choices=Support.choices)
    amount = models.PositiveIntegerField(
        _("how much"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    details = models.CharField(_("what exactly"), max_length=300, blank=True)
    # How much the agreements so far give (in the kind's unit), and when it was enough.
    received = models.PositiveIntegerField(_("received"), default=0)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)

    objects = InitiativeNeedQuerySet.as_manager()

    class Meta:
        ordering = ["initiative", "kind"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "kind"], name="one_need_per_kind")
        ]

    def __str__(self):
        return f"{self.initiative}: {self.get_kind_display()}"

    @property
    def support(self) -> Support:
        return Support(self.kind)

    @property
    def is_met(self) -> bool:
        return self.met_at is not None

    @property
    def still_needed(self) -> int | None:
        """How much is still needed in the kind's unit, or None when it is not counted."""
        if self.amount is None or self.support.unit is None:
            return None
        return max(0, self.amount - self.received)


class InitiativeMessage(models.Model):
    """A message between the coordinators and the proposer about an initiative: the review's
    questions and reasons, and the proposer's answers."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    by_coordinator = models.BooleanField(_("from a coordinator"), default=False)
    step = models.CharField(_("with the step"), max_length=20, blank=True)
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message about an initiative")
        verbose_name_plural = _("messages about initiatives")

    def __str__(self):
        return f"{self.initiative}: {self.body[:40]}"


class OfferQuerySet(models.QuerySet):
    def offered(self, on: datetime.date | None = None):
        """What can still be given: open, from an approved organisation, not past its last
        day, and not used up. With `on`, a room also has to be free that day."""
        today = timezone.localdate()
        offers = self.filter(
            status=Offer.Status.OPEN,
            organisation__approved_at__isnull=False,
        ).filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
        offers = offers.filter(Q(remaining__isnull=True) | Q(remaining__gt=0))
        if on is not None:
            offers = offers.filter(
                Q(available_until__isnull=True) | Q(available_until__gte=on),
                available_from__lte=on,
            ).exclude(kind=Support.ROOM, bookings__date=on)
            offers = offers.alias(day_bit=F("weekdays").bitand(weekday_bit(on))).filter(
                Q(weekdays=0) | Q(day_bit__gt=0)
            )
        return offers


class Offer(models.Model):
    """What an organisation or company offers (aanbod): a room, goods, a small grant,
    expertise, volunteers from its staff, or publicity."""

    class Status(models.TextChoices):
        OPEN = "open", _("Offered")
        CLOSED = "closed", _("No longer offered")

    class Delivery(models.TextChoices):
        PICK_UP = "pick_up", _("To be picked up")
        DELIVERED = "delivered", _("We deliver")
        EITHER = "either", _("Picked up or delivered")

    organisation = models.ForeignKey(
        "initiatives.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="offers",
    )
    kind = models.CharField(_("what do you offer"), max_length=20, choices=Support.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=3000)
    neighbourhood = models.ForeignKey(
        Neighbourhood, verbose_name=_("neighbourhood"), on_delete=models.PROTECT
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    available_from = models.DateField(_("available from"), default=timezone.localdate)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    # A room: on which days of the week (bits as weekday_bit; 0: every day), for how many
    # people, and whether a wheelchair can get in.
    weekdays = models.PositiveSmallIntegerField(
        _("on which days"), default=0, validators=[MaxValueValidator(ALL_WEEKDAYS)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("for how many people"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5000)],
    )
    accessible = models.BooleanField(_("wheelchair accessible"), default=False)
    # Goods, money, expertise, volunteers: how much in all (items, euros, hours, people) and
    # how much is left; None for rooms and publicity.
    quantity = models.PositiveIntegerField(
        _("how much in all"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    remaining = models.PositiveIntegerField(_("left"), null=True, blank=True)
    max_amount = models.PositiveIntegerField(
        _("at most per initiative (euros)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1_000_000)],
    )
    delivery = models.CharField(
        _("pick-up or delivery"), max_length=20, choices=Delivery.choices, blank=True
    )
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["status", "kind"], name="offer_status_kind")]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__isnull=True)
                | Q(quantity__isnull=False, remaining__lte=models.F("quantity")),
                name="offer_remaining_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(available_until__isnull=True)
                | Q(available_until__gte=models.F("available_from")),
                name="offer_until_after_from",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:offer_detail", kwargs={"pk": self.pk})

    @property
    def support(self) -> Support:
        return Support(self.kind)

    @property
    def is_used_up(self) -> bool:
        return self.remaining is not None and self.remaining <= 0

    @property
    def weekday_names(self) -> list:
        return [name for bit, name in enumerate(WEEKDAY_NAMES) if self.weekdays & (1 << bit)]

    def open_on(self, day: datetime.date) -> bool:
        """Whether the offer's own dates and days allow `day` (bookings aside)."""
        if day < self.available_from:
            return False
        if self.available_until is not None and day > self.available_until:
            return False
        return not self.weekdays or bool(self.weekdays & weekday_bit(day))


class RoomBooking(models.Model):
    """A room offer given for one date. The unique constraint is what makes a double booking
    impossible, whatever happens at the same moment."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="bookings")
    date = models.DateField(_("date"))
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)

    class Meta:
        ordering = ["date"]
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        constraints = [
            models.UniqueConstraint(fields=["offer", "date"], name="one_booking_per_room_per_date")
        ]

    def __str__(self):
        return f"{self.offer} – {self.date}"
