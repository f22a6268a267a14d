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


def initiative_update(*, initiative: Initiative, by, needs: list[dict], message: str = "", **fields):
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
        if initiative.can("resubmit"):
            initiative.status = initiative.STEPS["resubmit"][1]
        initiative.full_clean()
        initiative.save()
        _needs_save(initiative, needs)
        if message:
            InitiativeMessage.objects.create(initiative=initiative, author=by, body=message)
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


def offer_close(*, offer: Offer) -> Offer:
    """The organisation stops offering it; the pairings still waiting for an answer end."""
    with transaction.atomic():
        offer.status = Offer.Status.CLOSED
        offer.save(update_fields=["status", "updated_at"])
        _changed(offer=offer)
    return offer


def offer_reopen(*, offer: Offer) -> Offer:
    with transaction.atomic():
        offer.status = Offer.Status.OPEN
        offer.save(update_fields=["status", "updated_at"])
        _changed(offer=offer)
    return offer
