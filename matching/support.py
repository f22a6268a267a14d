"""Demand meets supply: pairing offers with initiatives' needs and with newcomers' requests
for goods. The rules are the support engine's (matching/support_engine.py); this module reads
the database into it, stores suggestions, and owns the agreement: both sides say yes, and
then, in one transaction with the offer locked, the room is booked for the date (one booking
per room per date, also enforced by a unique constraint) or the units are taken from what is
left.

Who answers for which side: the initiative's proposer for its needs (a coordinator for a
newcomer's request), a member of the offering organisation for the offer; coordinators can
answer for both in the admin.
"""

import logging
from collections import defaultdict
from dataclasses import replace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from initiatives.models import (
    Initiative,
    InitiativeNeed,
    Membership,
    Offer,
    RoomBooking,
    Support,
)
from initiatives.services.support import support_changed
from matching import support_engine as engine
from matching.models import HelpRequest, SupportMatch
from mpact.notifications.models import Notification
from mpact.notifications.services import notifications_create_for

logger = logging.getLogger(__name__)
Kind = Notification.Kind
NEED_SIDE, OFFER_SIDE = "need", "offer"
SIDES = (NEED_SIDE, OFFER_SIDE)
TOP_K = 3  # suggestions per need


class SupportMatchError(ValidationError):
    """A pairing that cannot happen; the message is for people."""


# --- Reading the database into the engine ---------------------------------------------------


def open_needs():
    """Initiatives' needs that are still looking (InitiativeNeed.objects.open())."""
    return InitiativeNeed.objects.open()


def open_goods_requests():
    return HelpRequest.objects.open_for_matching().filter(
        kind=HelpRequest.Kind.GOODS, neighbourhood__isnull=False
    )


def _point(neighbourhood) -> tuple[float, float]:
    return float(neighbourhood.latitude), float(neighbourhood.longitude)


def need_data(need: InitiativeNeed, today) -> engine.SupportNeed:
    initiative = need.initiative
    lat, lon = _point(initiative.neighbourhood)
    return engine.SupportNeed(
        id=("need", need.pk),
        kind=need.kind,
        lat=lat,
        lon=lon,
        date=initiative.date,
        people=initiative.participants,
        amount=need.still_needed,
        accessible=initiative.accessible,
        waiting_days=max(0, (today - timezone.localdate(initiative.created_at)).days),
        words=engine.support_words(need.details),
    )


def request_data(help_request: HelpRequest, today) -> engine.SupportNeed:
    lat, lon = _point(help_request.neighbourhood)
    return engine.SupportNeed(
        id=("request", help_request.pk),
        kind=Support.GOODS,
        lat=lat,
        lon=lon,
        waiting_days=max(0, (today - timezone.localdate(help_request.created_at)).days),
        words=engine.support_words(help_request.description),
    )


def offer_data(offer: Offer, booked: frozenset) -> engine.SupportOffer:
    lat, lon = _point(offer.neighbourhood)
    return engine.SupportOffer(
        id=offer.pk,
        kind=offer.kind,
        lat=lat,
        lon=lon,
        available_from=offer.available_from,
        available_until=offer.available_until,
        weekdays=offer.weekdays,
        capacity=offer.capacity,
        accessible=offer.accessible,
        remaining=offer.remaining,
        max_amount=offer.max_amount,
        booked=booked,
        words=engine.support_words(offer.title, offer.description),
    )


def _offers(offers, today) -> dict[int, engine.SupportOffer]:
    """The engine's view of `offers` (a queryset), in two queries: the offers, and the
    future bookings of the rooms among them."""
    rows = list(offers.select_related("neighbourhood"))
    booked = defaultdict(set)
    rooms = [offer.pk for offer in rows if offer.kind == Support.ROOM]
    for offer_id, day in RoomBooking.objects.filter(
        offer_id__in=rooms, date__gte=today
    ).values_list("offer_id", "date"):
        booked[offer_id].add(day)
    return {offer.pk: offer_data(offer, frozenset(booked[offer.pk])) for offer in rows}


def _subject_data(match: SupportMatch, today) -> engine.SupportNeed:
    if match.need_id:
        return need_data(match.need, today)
    return request_data(match.help_request, today)


def _reasons(need: engine.SupportNeed, offer: engine.SupportOffer, today) -> tuple[int, dict]:
    """The score and its reasons in every language of the site."""
    reasons, points = {}, 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            points, words = engine.score(need, offer, today)
            reasons[code] = list(words)
    return points, reasons


# --- Suggestions ------------------------------------------------------------------------------


def support_suggest(*, initiative=None, offer=None) -> int:
    """Suggest offers for open needs: all of them, or those of one initiative, or the needs
    one offer could serve. Each need gets its TOP_K best offers that pass the hard rules; a
    pair already in play, or declined before, is not suggested again. Suggestions that are no
    longer possible (the offer closed or used up, the need met) end first. Returns how many
    suggestions were made."""
    today = timezone.localdate()
    support_expire_impossible(initiative=initiative, offer=offer)
    needs = open_needs().select_related("initiative__neighbourhood")
    requests = open_goods_requests().select_related("neighbourhood")
    offers = Offer.objects.offered()
    if initiative is not None:
        needs = needs.filter(initiative=initiative)
        requests = requests.none()
        offers = offers.filter(kind__in=initiative.needs.values("kind"))
    if offer is not None:
        needs = needs.filter(kind=offer.kind)
        requests = requests if offer.kind == Support.GOODS else requests.none()
    engine_offers = _offers(offers, today)
    subjects = {("need", n.pk): n for n in needs}
    subjects.update({("request", r.pk): r for r in requests})
    # A pair declined before is left out, so that the next best offer takes its place.
    declined = defaultdict(set)
    for need_id, request_id, offer_id in SupportMatch.objects.filter(
        status=SupportMatch.Status.DECLINED
    ).values_list("need_id", "help_request_id", "offer_id"):
        declined[("need", need_id) if need_id else ("request", request_id)].add(offer_id)
    data = [
        replace(item, excluded=frozenset(declined[item.id]))
        for item in [need_data(n, today) for n in needs]
        + [request_data(r, today) for r in requests]
    ]
    found = engine.candidates(data, engine_offers.values(), today=today, top_k=TOP_K)
    if offer is not None:
        # Only the pairs with this offer are new; the others were suggested before.
        found = [c for c in found if c.volunteer_id == offer.pk]
    if not found:
        return 0
    taken = set(
        SupportMatch.objects.filter(offer_id__in={c.volunteer_id for c in found})
        .filter(status__in=SupportMatch.IN_PLAY)
        .values_list("need_id", "help_request_id", "offer_id")
    )
    data_by_id = {d.id: d for d in data}
    made = 0
    for candidate in found:
        kind, pk = candidate.need_id
        key = (
            (pk, None, candidate.volunteer_id)
            if kind == "need"
            else (None, pk, candidate.volunteer_id)
        )
        if key in taken:
            continue
        need_item = data_by_id[candidate.need_id]
        offer_item = engine_offers[candidate.volunteer_id]
        points, reasons = _reasons(need_item, offer_item, today)
        try:
            with transaction.atomic():
                SupportMatch.objects.create(
                    offer_id=candidate.volunteer_id,
                    need=subjects[candidate.need_id] if kind == "need" else None,
                    help_request=subjects[candidate.need_id] if kind == "request" else None,
                    date=need_item.date if offer_item.kind == Support.ROOM else None,
                    units=engine.units_for(need_item, offer_item),
                    source=SupportMatch.Source.ENGINE,
                    score=points,
                    reasons=reasons,
                )
        except IntegrityError:  # made at the same moment by another run: that one stands
            continue
        made += 1
    return made


def support_expire_impossible(*, initiative=None, offer=None) -> int:
    """End the open pairings that can no longer happen: the offer closed or used up, the
    initiative no longer approved, the need met, the request no longer open."""
    today = timezone.localdate()
    matches = SupportMatch.objects.open()
    if initiative is not None:
        matches = matches.filter(need__initiative=initiative)
    if offer is not None:
        matches = matches.filter(offer=offer)
    gone = matches.filter(
        Q(offer__status=Offer.Status.CLOSED)
        | Q(offer__remaining=0)
        | Q(offer__available_until__lt=today)
        | (Q(need__isnull=False) & ~Q(need__initiative__status=Initiative.Status.APPROVED))
        | Q(need__met_at__isnull=False)
        | Q(need__initiative__date__lt=today)
        | (Q(help_request__isnull=False) & ~Q(help_request__status=HelpRequest.Status.OPEN))
    )
    return gone.update(status=SupportMatch.Status.EXPIRED, decided_at=timezone.now())


def support_release(*, initiative: Initiative) -> int:
    """A withdrawn initiative gives back what was agreed for it: the rooms booked for it from
    today on are free again, and what was counted goes back to what is left of each offer.
    The organisations are told. Returns how many agreements ended."""
    today = timezone.localdate()
    agreed = list(
        SupportMatch.objects.filter(
            need__initiative=initiative, status=SupportMatch.Status.AGREED
        ).select_related("offer__organisation", "need__initiative", "booking")
    )
    if not agreed:
        return 0
    # The offers locked in one order (see support_accept), then their pairings.
    offers = {
        offer.pk: offer
        for offer in Offer.objects.select_for_update()
        .filter(pk__in={m.offer_id for m in agreed})
        .order_by("pk")
    }
    now = timezone.now()
    for match in agreed:
        offer = offers[match.offer_id]
        if match.booking is not None and match.booking.date >= today:
            match.booking.delete()
            match.booking = None
        elif offer.remaining is not None and match.units:
            offer.remaining = min(offer.quantity or 0, offer.remaining + match.units)
            offer.save(update_fields=["remaining"])
        match.status, match.decided_at = SupportMatch.Status.EXPIRED, now
        match.save(update_fields=["status", "decided_at", "booking"])
        _notify_offer_side(
            match,
            kind=Kind.SUPPORT_DECLINED,
            subject=gettext_lazy("Withdrawn: '%(subject)s'"),
            body=gettext_lazy(
                "The initiative '%(subject)s' is withdrawn, so what you agreed to give it is "
                "yours again: '%(offer)s' is offered again."
            ),
            params=_params(match),
        )
    return len(agreed)


@receiver(support_changed)
def _on_support_changed(sender, initiative=None, offer=None, **kwargs):
    """An initiative approved or withdrawn, an offer posted, changed or closed: the pairs for
    it are brought up to date at once, in the same transaction. A withdrawn initiative first
    gives back what was agreed for it (part of the withdrawal: a failure there fails it).
    The suggestions that follow run in a savepoint: a failure there is rolled back and
    logged, not raised (the change itself is saved); the hourly run
    (matching.tasks.suggest_support) catches up."""
    if initiative is not None and initiative.status == Initiative.Status.WITHDRAWN:
        support_release(initiative=initiative)
    try:
        with transaction.atomic():
            support_suggest(initiative=initiative, offer=offer)
    except Exception:
        logger.exception("Suggesting support failed; the hourly run will try again.")


# --- Asking, answering, agreeing --------------------------------------------------------------


def sides_of(match: SupportMatch, user) -> list[str]:
    """For which sides of `match` the person may answer: the proposer for the initiative's
    need, a member of the organisation for its offer; a coordinator answers for a newcomer's
    request (in the admin)."""
    sides = []
    if match.need_id and match.need.initiative.proposer_id == user.pk:
        sides.append(NEED_SIDE)
    if Membership.objects.filter(organisation_id=match.offer.organisation_id, user=user).exists():
        sides.append(OFFER_SIDE)
    return sides


def _refusal(match: SupportMatch, today) -> str | None:
    offer = match.offer
    if offer.status != Offer.Status.OPEN:
        return _("This offer is no longer offered.")
    if match.need_id and match.need.initiative.status != Initiative.Status.APPROVED:
        return _("This initiative is not open for support.")
    if match.need_id and match.need.is_met:
        return _("This need has been met already.")
    if match.help_request_id and not match.help_request.is_open:
        return _("This help request is no longer open.")
    # The bookings on the date it is needed: a pairing being asked for has no date of its own
    # yet (support_ask sets it after this check).
    subject = _subject_data(match, today)
    booked = frozenset(
        RoomBooking.objects.filter(offer=offer, date=subject.date).values_list("date", flat=True)
        if subject.date
        else ()
    )
    return engine.refusal(subject, offer_data(offer, booked), today)


def _notify_need_side(match, *, kind, subject, body, params):
    if match.need_id:
        recipients = [match.need.initiative.proposer]
        link = reverse("matching:initiative_detail", args=[match.need.initiative_id])
    else:
        request = match.help_request
        recipients = (
            [request.assigned_to]
            if request.assigned_to
            else get_user_model().objects.coordinators()
        )
        link = reverse("admin:matching_supportmatch_change", args=[match.pk])
    notifications_create_for(
        recipients, kind=kind, subject=subject, body=body, params=params, link=link
    )


def _notify_offer_side(match, *, kind, subject, body, params):
    members = match.offer.organisation.memberships.select_related("user").filter(
        user__is_active=True
    )
    notifications_create_for(
        [m.user for m in members],
        kind=kind,
        subject=subject,
        body=body,
        params=params,
        link=reverse("matching:manage_offers", args=[match.offer.organisation.slug]),
    )


def _params(match) -> dict:
    subject = match.need.initiative.title if match.need_id else _("a help request for goods")
    return {"offer": match.offer.title, "subject": subject}


def support_ask(*, offer: Offer, by, side: str, need=None, help_request=None) -> SupportMatch:
    """One side asks directly: the proposer asks for an offer for one of their needs, or the
    organisation offers its offer to a need. A pair already waiting takes this as that side's
    yes (and may so be agreed)."""
    if side not in SIDES or (need is None) == (help_request is None):
        raise SupportMatchError(_("Choose what the support is for."), code="subject")
    today = timezone.localdate()
    with transaction.atomic():
        existing = (
            SupportMatch.objects.in_play()
            .filter(offer=offer, need=need, help_request=help_request)
            .first()
        )
        if existing is not None:
            if existing.status == SupportMatch.Status.AGREED:
                raise SupportMatchError(_("This has been agreed already."), code="agreed")
            return support_accept(match=existing, side=side, by=by)
        if help_request is not None and help_request.neighbourhood_id is None:
            raise SupportMatchError(
                _("Give the help request a neighbourhood first."), code="no_neighbourhood"
            )
        match = SupportMatch(offer=offer, need=need, help_request=help_request)
        refused = _refusal(match, today)
        if refused:
            raise SupportMatchError(refused, code="refused")
        need_item = _subject_data(match, today)
        offer_item = offer_data(offer, frozenset())
        match.score, match.reasons = _reasons(need_item, offer_item, today)
        match.date = need_item.date if offer.kind == Support.ROOM else None
        match.units = engine.units_for(need_item, offer_item)
        match.source = (
            SupportMatch.Source.NEED_SIDE if side == NEED_SIDE else SupportMatch.Source.OFFER_SIDE
        )
        setattr(match, f"{side}_side_at", timezone.now())
        setattr(match, f"{side}_side_by", by)
        match.save()
        _tell_other_side(match, side)
    return match


def _tell_other_side(match, side):
    if side == NEED_SIDE:
        _notify_offer_side(
            match,
            kind=Kind.SUPPORT_ASKED,
            subject=gettext_lazy("Your offer '%(offer)s' is asked for"),
            body=gettext_lazy(
                "'%(subject)s' would like to use '%(offer)s'. Say yes or no on your "
                "organisation's offers page."
            ),
            params=_params(match),
        )
    else:
        _notify_need_side(
            match,
            kind=Kind.SUPPORT_ASKED,
            subject=gettext_lazy("Support offered for '%(subject)s'"),
            body=gettext_lazy(
                "An organisation offers '%(offer)s' for '%(subject)s'. Say yes or no on its page."
            ),
            params=_params(match),
        )


def support_accept(*, match: SupportMatch, side: str, by) -> SupportMatch:
    """One side says yes. When both have, the pairing is agreed: the room is booked for the
    date or the units are taken, with the offer locked, and both sides are told. Raises
    SupportMatchError when it can no longer happen (the pairing then ends)."""
    if side not in SIDES:
        raise SupportMatchError(_("Unknown side."), code="side")
    today = timezone.localdate()
    refused = None
    with transaction.atomic():
        # Lock in one order: what the pairing is for (the need or the request), the offer,
        # then the pairing, so that agreements on the same offer or for the same need happen
        # one after the other. An agreement ends the other open pairings of its offer and need
        # (_agree); had each answer locked its own pairing first, two at once would each hold
        # the pairing the other ends while waiting for the offer the other holds: a deadlock.
        keys = (
            SupportMatch.objects.filter(pk=match.pk)
            .values("need_id", "help_request_id", "offer_id")
            .get()
        )
        if keys["need_id"]:
            InitiativeNeed.objects.select_for_update().get(pk=keys["need_id"])
        else:
            HelpRequest.objects.select_for_update().get(pk=keys["help_request_id"])
        offer = Offer.objects.select_for_update().get(pk=keys["offer_id"])
        match = SupportMatch.objects.select_for_update().get(pk=match.pk)
        if not match.is_open:
            raise SupportMatchError(
                _("This pairing is %(status)s already.")
                % {"status": match.get_status_display().lower()},
                code="closed",
            )
        if getattr(match, f"{side}_side_at") is not None:
            return match  # said before (a second click): nothing new to tell
        setattr(match, f"{side}_side_at", timezone.now())
        setattr(match, f"{side}_side_by", by)
        if match.need_side_at is None or match.offer_side_at is None:
            match.save()
            _tell_other_side(match, side)
            return match
        # Both said yes, with the offer locked (above) and read after the lock.
        match.offer = offer
        refused = _refusal(match, today)
        if refused is None:
            refused = _agree(match, offer)
        if refused is not None:
            SupportMatch.objects.filter(pk=match.pk).update(
                status=SupportMatch.Status.EXPIRED, decided_at=timezone.now()
            )
    if refused is not None:
        raise SupportMatchError(refused, code="refused")
    return match


def _agree(match: SupportMatch, offer: Offer) -> str | None:
    """Record the agreement (inside support_accept's transaction); a refusal in words if the
    room turned out to be booked at the same moment."""
    now = timezone.now()
    subject = _subject_data(match, timezone.localdate())
    if offer.kind == Support.ROOM and match.date is not None:
        try:
            with transaction.atomic():
                match.booking = RoomBooking.objects.create(
                    offer=offer,
                    date=match.date,
                    initiative=match.need.initiative if match.need_id else None,
                )
        except IntegrityError:
            return _("The room is already booked on that date.")
    today = timezone.localdate()
    offer_item = offer_data(offer, frozenset())
    units = engine.units_for(subject, offer_item)
    # The reasons as they are now (what is left may have changed since the suggestion).
    match.score, match.reasons = _reasons(subject, offer_item, today)
    if units is not None:
        match.units = units
        Offer.objects.filter(pk=offer.pk).update(remaining=F("remaining") - units)
        offer.refresh_from_db(fields=["remaining"])
    match.status, match.decided_at = SupportMatch.Status.AGREED, now
    match.save()
    if match.need_id:
        need = InitiativeNeed.objects.select_for_update().get(pk=match.need_id)
        need.received += units or 0
        if need.amount is None or need.support.unit is None or need.received >= need.amount:
            need.met_at = now
        need.save(update_fields=["received", "met_at"])
        match.need = need
    else:
        from matching import services

        services.help_request_mark_matched(
            help_request=match.help_request,
            by=match.need_side_by,
            reason=_("Goods agreed: %(offer)s") % {"offer": offer.title},
        )
    # What the agreement made impossible ends: other pairs for a met need, this room on this
    # date, or everything of an offer that is used up.
    others = SupportMatch.objects.open().exclude(pk=match.pk)
    if match.need_id and match.need.is_met:
        others.filter(need=match.need).update(status=SupportMatch.Status.EXPIRED, decided_at=now)
    if match.help_request_id:
        others.filter(help_request=match.help_request).update(
            status=SupportMatch.Status.EXPIRED, decided_at=now
        )
    if match.booking is not None:
        others.filter(offer=offer, date=match.date).update(
            status=SupportMatch.Status.EXPIRED, decided_at=now
        )
    if offer.is_used_up:
        others.filter(offer=offer).update(status=SupportMatch.Status.EXPIRED, decided_at=now)
    elif offer.remaining is not None:
        # What the others would get now that less is left, and their reasons with it.
        for other in others.filter(offer=offer).select_related(
            "need__initiative__neighbourhood", "help_request__neighbourhood"
        ):
            other_subject = _subject_data(other, today)
            other.units = engine.units_for(other_subject, offer_data(offer, frozenset()))
            other.score, other.reasons = _reasons(
                other_subject, offer_data(offer, frozenset()), today
            )
            other.save(update_fields=["units", "score", "reasons"])
    subject_line = gettext_lazy("Agreed: '%(offer)s' for '%(subject)s'")
    _notify_need_side(
        match,
        kind=Kind.SUPPORT_AGREED,
        subject=subject_line,
        body=gettext_lazy(
            "Both sides said yes: '%(offer)s' supports '%(subject)s'. Contact "
            "%(organisation)s to arrange the details: %(contact)s"
        ),
        params={**_params(match), **offer_side_contact(offer)},
    )
    _notify_offer_side(
        match,
        kind=Kind.SUPPORT_AGREED,
        subject=subject_line,
        body=gettext_lazy(
            "Both sides said yes: '%(offer)s' supports '%(subject)s'. Contact %(name)s to "
            "arrange the details: %(contact)s"
        ),
        params={**_params(match), **need_side_contact(match)},
    )
    return None


def offer_side_contact(offer: Offer) -> dict:
    """Whom the initiative contacts once agreed: the organisation's contact details."""
    organisation = offer.organisation
    details = [organisation.contact_name, organisation.email, organisation.phone]
    contact = ", ".join(part for part in details if part)
    return {
        "organisation": organisation.name,
        "contact": contact or organisation.get_absolute_url(),
    }


def need_side_contact(match: SupportMatch) -> dict:
    """Whom the organisation contacts once agreed: the proposer (who said yes, so agreed to be
    contacted), or for a newcomer's request the coordinator who answered for it."""
    person = match.need.initiative.proposer if match.need_id else match.need_side_by
    if person is None:
        return {"name": _("the coordinators"), "contact": ""}
    return {"name": person.get_full_name() or person.email, "contact": person.email}


def support_decline(*, match: SupportMatch, side: str, by, reason: str = "") -> SupportMatch:
    """One side says no; a side that had said yes is told."""
    if side not in SIDES:
        raise SupportMatchError(_("Unknown side."), code="side")
    with transaction.atomic():
        match = SupportMatch.objects.select_for_update().get(pk=match.pk)
        if not match.is_open:
            raise SupportMatchError(
                _("This pairing is %(status)s already.")
                % {"status": match.get_status_display().lower()},
                code="closed",
            )
        match.status, match.decided_at = SupportMatch.Status.DECLINED, timezone.now()
        match.decline_reason = reason.strip()[:300]
        match.save(update_fields=["status", "decided_at", "decline_reason"])
        declined = {
            "kind": Kind.SUPPORT_DECLINED,
            "subject": gettext_lazy("Not agreed: '%(offer)s' for '%(subject)s'"),
            "body": gettext_lazy("The other side has said no to '%(offer)s' for '%(subject)s'."),
            "params": _params(match),
        }
        if side == NEED_SIDE and match.offer_side_at:
            _notify_offer_side(match, **declined)
        if side == OFFER_SIDE and match.need_side_at:
            _notify_need_side(match, **declined)
    return match
