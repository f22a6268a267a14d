"""Demand meets supply (issue 15): the services from proposal to agreement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from initiatives import services
from initiatives.models import Initiative, Offer, RoomBooking
from matching import support
from matching.models import SupportMatch
from mpact.factories import InitiativeFactory, NeighbourhoodFactory, OfferFactory
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db(transaction=False)


def _propose(resident, neighbourhood, **extra):
    fields = {
        "title": "Kookavond voor nieuwe buren",
        "description": "Samen koken en eten.",
        "audience": "Buren en nieuwkomers",
        "neighbourhood": neighbourhood,
        "date": timezone.localdate() + timedelta(days=14),
        "participants": 20,
    }
    fields.update(extra)
    return services.initiative_propose(
        proposer=resident, needs=[{"kind": "room"}, {"kind": "money", "amount": 150}], **fields
    )


def test_from_proposal_to_a_booked_room(
    resident, coordinator, organisation, org_admin, django_capture_on_commit_callbacks
):
    neighbourhood = NeighbourhoodFactory()
    with django_capture_on_commit_callbacks(execute=True):
        initiative = _propose(resident, neighbourhood)
    assert Notification.objects.filter(kind="initiative_submitted", user=coordinator).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_review(initiative=initiative, step="approve", by=coordinator)
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        offer = services.offer_save(
            offer=Offer(
                organisation=organisation,
                kind="room",
                title="Buurthuiszaal",
                description="Zaal",
                neighbourhood=neighbourhood,
                capacity=40,
            )
        )
    match = SupportMatch.objects.get(offer=offer)
    assert match.need.initiative == initiative and match.date == initiative.date
    assert match.reasons["nl"] and match.reasons["en"]
    with django_capture_on_commit_callbacks(execute=True):
        support.support_accept(match=match, side="need", by=resident)
        match = support.support_accept(match=match, side="offer", by=org_admin)
    assert match.status == SupportMatch.Status.AGREED
    assert RoomBooking.objects.filter(offer=offer, date=initiative.date).count() == 1
    assert not Offer.objects.offered(on=initiative.date).filter(pk=offer.pk).exists()
    assert (
        Offer.objects.offered(on=initiative.date + timedelta(days=1)).filter(pk=offer.pk).exists()
    )
    assert Notification.objects.filter(kind="support_agreed").count() >= 2


def test_a_second_initiative_cannot_book_the_same_room_on_the_same_date(
    resident, coordinator, org_admin
):
    offer = OfferFactory(organisation=org_admin.organisations.first())
    day = timezone.localdate() + timedelta(days=10)
    first = InitiativeFactory(
        approved=True, date=day, neighbourhood=offer.neighbourhood, proposer=resident
    )
    second = InitiativeFactory(approved=True, date=day, neighbourhood=offer.neighbourhood)
    a = support.support_ask(offer=offer, by=resident, side="need", need=first.needs.get())
    b = support.support_ask(offer=offer, by=second.proposer, side="need", need=second.needs.get())
    support.support_accept(match=a, side="offer", by=org_admin)
    with pytest.raises(support.SupportMatchError):
        support.support_accept(match=b, side="offer", by=org_admin)
    assert RoomBooking.objects.filter(offer=offer, date=day).count() == 1
    b.refresh_from_db()
    assert b.status == SupportMatch.Status.EXPIRED
