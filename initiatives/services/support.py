"""Residents' initiatives (proposing, the coordinators' review, the proposer's changes) and
organisations' offers (posting, changing, closing). The pairing of the two is matching's
(matching/support.py): it hears of an approved initiative or a posted offer through
`support_changed` and suggests pairs at once."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.models import Initiative, InitiativeMessage, InitiativeNeed, Offer, Support
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for

Kind = Notification.Kind

# Sent, inside the transaction of the change, with `initiative=` when one is approved or
# withdrawn, and with `offer=` when an offer is posted, changed or closed: matching brings the
# pairs for it up to date (in a savepoint of its own, so that its failure never undoes the
# change itself).
support_changed = Signal()


class SupportError(ValidationError):
    """Something about an initiative or offer that cannot happen; the message is for people."""


def _changed(**about):
    support_changed.send(sender=None, **about)


# --- Initiatives ------------------------------------------------------------------------------


def _needs_save(initiative: Initiative, needs: list[dict]) -> None:
    """Make the initiative's needs exactly `needs` ({kind, amount, details}); a need that
    stays keeps what it has received."""
    kept = {need.kind: need for need in initiative.needs.all()}
    wanted = {item["kind"]: item for item in needs}
    initiative.needs.exclude(kind__in=list(wanted)).filter(received=0, met_at__isnull=True).delete()
    for kind, item in wanted.items():
        need = kept.get(kind) or InitiativeNeed(initiative=initiative, kind=kind)
        need.amount = item.get("amount") if Support(kind).unit is not None else None
        need.details = item.get("details", "")
        if need.amount is not None and need.received >= need.amount and need.met_at is None:
            need.met_at = timezone.now()
        need.save()


def initiative_propose(*, proposer, needs: list[dict], **fields) -> Initiative:
    """A logged-in resident proposes an initiative; the coordinators are told."""
    if not needs:
        raise SupportError(_("Choose at least one kind of support you need."), code="no_needs")
    with transaction.atomic():
        initiative = Initiative(proposer=proposer, **fields)
        initiative.full_clean()
        initiative.save()
        _needs_save(initiative, needs)
        notifications_create_for(
            get_user_model().objects.coordinators(),
            kind=Kind.INITIATIVE_SUBMITTED,
            subject=gettext_lazy("New initiative to review: %(title)s"),
            body=gettext_lazy(
                "%(name)s proposes '%(title)s' in %(neighbourhood)s and asks for support. "
                "Review it in the admin."
            ),
            params={
                "name": proposer.get_full_name() or proposer.email,
                "title": initiative.title,
                "neighbourhood": initiative.neighbourhood,
            },
            link=reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        )
    return initiative


def initiative_update(
    *, initiative: Initiative, by, needs: list[dict], message: str = "", **fields
):
    """The proposer changes their initiative while it waits for review or after changes were
    asked; the latter sends it back for review."""
    if not initiative.is_editable:
        raise SupportError(
            _("An initiative that is %(status)s can no longer be changed.")
            % {"status": initiative.get_status_display().lower()},
            code="not_editable",
        )
    if not needs:
        raise SupportError(_("Choose at least one kind of support you need."), code="no_needs")
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if not initiative.is_editable:
            raise SupportError(_("This initiative has just been reviewed."), code="reviewed")
        for name, value in fields.items():
            setattr(initiative, name, value)
        resubmitted = initiative.can("resubmit")
        if resubmitted:
            initiative.status = initiative.STEPS["resubmit"][1]
        initiative.full_clean()
        initiative.save()
        _needs_save(initiative, needs)
        if message:
            InitiativeMessage.objects.create(initiative=initiative, author=by, body=message)
        if resubmitted:
            notifications_create_for(
                get_user_model().objects.coordinators(),
                kind=Kind.INITIATIVE_SUBMITTED,
                subject=gettext_lazy("Changed initiative to review: %(title)s"),
                body=gettext_lazy(
                    "%(name)s changed '%(title)s' as you asked. Review it again in the admin."
                ),
                params={"name": by.get_full_name() or by.email, "title": initiative.title},
                link=reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
            )
    return initiative


# The steps a coordinator takes, the notification each sends, and whether a message is needed.
REVIEW = {
    "approve": (
        Kind.INITIATIVE_APPROVED,
        gettext_lazy("Your initiative '%(title)s' is approved"),
        gettext_lazy(
            "Good news: '%(title)s' is now on the site, where organisations can offer the "
            "support it needs. Follow it on your initiatives page.%(message)s"
        ),
        False,
    ),
    "ask-changes": (
        Kind.INITIATIVE_CHANGES_ASKED,
        gettext_lazy("A question about your initiative '%(title)s'"),
        gettext_lazy(
            "The coordinators ask you to change something before '%(title)s' goes on the "
            "site:%(message)s"
        ),
        True,
    ),
    "decline": (
        Kind.INITIATIVE_DECLINED,
        gettext_lazy("Your initiative '%(title)s' is not approved"),
        gettext_lazy("The coordinators cannot approve '%(title)s':%(message)s"),
        True,
    ),
}


def initiative_review(*, initiative: Initiative, step: str, by, message: str = "") -> Initiative:
    """A coordinator approves an initiative, asks for changes, or declines it; the proposer is
    told, with the coordinator's message (required when asking for changes or declining)."""
    if step not in REVIEW:
        raise SupportError(_("Unknown step."), code="step")
    kind, subject, body, message_required = REVIEW[step]
    message = message.strip()
    if message_required and not message:
        raise SupportError(
            _("Write a message to the proposer: what should change, or why not."),
            code="message_required",
        )
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if not initiative.can(step):
            raise SupportError(
                _("An initiative that is %(status)s cannot take this step.")
                % {"status": initiative.get_status_display().lower()},
                code="transition",
            )
        initiative.status = Initiative.STEPS[step][1]
        initiative.reviewed_by, initiative.reviewed_at = by, timezone.now()
        initiative.save(update_fields=["status", "reviewed_by", "reviewed_at", "updated_at"])
        if message:
            InitiativeMessage.objects.create(
                initiative=initiative, author=by, by_coordinator=True, step=step, body=message
            )
        notifications_create_for(
            [initiative.proposer],
            kind=kind,
            subject=subject,
            body=body,
            params={"title": initiative.title, "message": f"\n\n{message}" if message else ""},
            link=reverse("matching:my_initiatives"),
        )
        if initiative.is_public:
            _changed(initiative=initiative)
    return initiative


def initiative_withdraw(*, initiative: Initiative, by) -> Initiative:
    """The proposer takes their initiative back; what was still open for it ends."""
    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if not initiative.can("withdraw"):
            raise SupportError(_("This initiative cannot be withdrawn now."), code="transition")
        initiative.status = Initiative.Status.WITHDRAWN
        initiative.save(update_fields=["status", "updated_at"])
        _changed(initiative=initiative)
    return initiative


def initiative_message(*, initiative: Initiative, by, body: str) -> InitiativeMessage:
    """The proposer writes to the coordinators about their initiative."""
    body = body.strip()
    if not body:
        raise SupportError(_("Write a message."), code="empty")
    with transaction.atomic():
        message = InitiativeMessage.objects.create(initiative=initiative, author=by, body=body)
        notifications_create_for(
            get_user_model().objects.coordinators(),
            kind=Kind.INITIATIVE_SUBMITTED,
            subject=gettext_lazy("A message about the initiative '%(title)s'"),
            body=gettext_lazy("The proposer writes:\n\n%(body)s"),
            params={"title": initiative.title, "body": body},
            link=reverse("admin:initiatives_initiative_change", args=[initiative.pk]),
        )
    return message


# --- Offers -----------------------------------------------------------------------------------


def offer_save(*, offer: Offer) -> Offer:
    """Post a new offer or save a changed one. Something counted starts with all of it left;
    a changed total keeps what was already given."""
    with transaction.atomic():
        if offer.support.unit is None:
            offer.quantity = offer.remaining = None
        elif offer.pk is None:
            offer.remaining = offer.quantity
        else:
            before = Offer.objects.select_for_update().get(pk=offer.pk)
            given = (before.quantity or 0) - (before.remaining or 0)
            if offer.quantity is not None and offer.quantity < given:
                raise SupportError(
                    _("%(given)s has already been given; the total cannot be less.")
                    % {"given": given},
                    code="below_given",
                )
            offer.remaining = None if offer.quantity is None else offer.quantity - given
        if offer.kind != Support.MONEY:
            offer.max_amount = None
        offer.full_clean()
        offer.save()
        _changed(offer=offer)
    return offer


def offer_set_status(*, offer: Offer, status: str) -> Offer:
    """The organisation stops offering it (closed: the pairings still waiting for an answer
    end) or offers it again (open: it is suggested again)."""
    if status not in Offer.Status.values:
        raise SupportError(_("Unknown status."), code="status")
    with transaction.atomic():
        offer.status = status
        offer.save(update_fields=["status", "updated_at"])
        _changed(offer=offer)
    return offer


# --- An approved initiative becomes an activity -----------------------------------------------


def initiative_activity_defaults(initiative: Initiative) -> dict:
    """What making an initiative an activity starts from: the organisation and address of the
    room booked for its date (an agreed room offer), else its own place; its own times; the
    people it expects, else the booked room's capacity."""
    booking = (
        initiative.bookings.filter(date=initiative.date)
        .select_related("offer__organisation")
        .order_by("pk")
        .first()
        if initiative.date
        else None
    )
    room = booking.offer if booking is not None else None
    return {
        "organisation": room.organisation if room is not None else None,
        "address": room.address if room is not None and room.address else initiative.place,
        "start_time": initiative.start_time,
        "end_time": initiative.end_time,
        "capacity": initiative.participants or (room.capacity if room is not None else None),
    }


def initiative_make_activity(
    *,
    initiative: Initiative,
    organisation=None,
    kind: str,
    audience: str = "",
    address: str = "",
    capacity: int | None = None,
    start_time=None,
    end_time=None,
):
    """A coordinator makes an approved initiative with a date an activity of an organisation,
    with one session on that date, so that people can sign up; the initiative links to it.
    Its title, description, neighbourhood and audience come from the initiative; what is not
    given, from initiative_activity_defaults. Refused, with nothing saved, when the initiative
    is not approved, has no date, or is an activity already."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import translation

    from initiatives.models import Activity, Session
    from initiatives.services.signups import session_save

    with transaction.atomic():
        initiative = Initiative.objects.select_for_update().get(pk=initiative.pk)
        if initiative.activity_id is not None:
            raise SupportError(_("This initiative is an activity already."), code="has_activity")
        if not initiative.is_public:
            raise SupportError(
                _("Only an approved initiative can become an activity."), code="not_approved"
            )
        if initiative.date is None:
            raise SupportError(
                _("The initiative has no date yet: give it a date first."), code="no_date"
            )
        defaults = initiative_activity_defaults(initiative)
        organisation = organisation or defaults["organisation"]
        address = (address or defaults["address"] or "").strip()
        start_time = start_time or defaults["start_time"]
        end_time = end_time or defaults["end_time"]
        capacity = capacity or defaults["capacity"]
        problems = {}
        if organisation is None:
            problems["organisation"] = _("Choose the organisation that organises it.")
        elif not organisation.is_approved:
            problems["organisation"] = _("This organisation is not approved yet.")
        if kind not in Activity.Kind.values:
            problems["kind"] = _("Choose the kind of activity.")
        if not address:
            problems["address"] = _("Give the address.")
        if start_time is None:
            problems["start_time"] = _("Give the start time.")
        if end_time is None:
            problems["end_time"] = _("Give the end time.")
        elif start_time is not None and end_time <= start_time:
            problems["end_time"] = _("The end time is before the start time.")
        if not capacity:
            problems["capacity"] = _("For how many people?")
        if problems:
            raise SupportError(problems, code="incomplete")
        description = initiative.description
        if initiative.audience:
            # The activity's text is in the language the proposer wrote in; the line added
            # to it is in the site's first language, not the coordinator's.
            with translation.override(settings.LANGUAGE_CODE):
                description += "\n\n" + _("For whom: %(audience)s") % {
                    "audience": initiative.audience
                }
        activity = Activity(
            organisation=organisation,
            title=initiative.title,
            description=description,
            kind=kind,
            audience=audience or Activity.Audience.EVERYONE,
            neighbourhood=initiative.neighbourhood,
            address=address,
        )
        activity.full_clean()
        activity.save()
        zone = ZoneInfo(settings.TIME_ZONE)
        session = Session(
            activity=activity,
            starts_at=datetime.combine(initiative.date, start_time, tzinfo=zone),
            ends_at=datetime.combine(initiative.date, end_time, tzinfo=zone),
            capacity=capacity,
        )
        session.full_clean()
        session_save(session=session)
        initiative.activity = activity
        initiative.save(update_fields=["activity", "updated_at"])
    return activity
