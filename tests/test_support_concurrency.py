"""Agreements on one offer at the same moment, on PostgreSQL: real threads, real connections,
as in tests/test_race.py. Each thread loads its own objects, waits at a barrier right before
support_accept, and closes its own connection at the end. Notifications are written as usual;
only handing them to the broker is recorded instead.

The last tests need no threads and run on both backends: the database itself refuses a second
booking of a room for a date, whatever the services do."""

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from initiatives.models import InitiativeNeed, Offer, RoomBooking
from matching import support
from matching.models import SupportMatch
from mpact.factories import InitiativeFactory, NeighbourhoodFactory, OfferFactory
from mpact.notifications import tasks as notification_tasks
from tests import racing

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3  # each race is run a few times over, on fresh objects


@pytest.fixture
def enqueued(monkeypatch):
    """Notification ids handed to the broker (after their transaction committed)."""
    ids = []
    lock = threading.Lock()

    def record(*, notification_id):
        with lock:
            ids.append(notification_id)
        return True

    monkeypatch.setattr(notification_tasks, "notification_enqueue", record)
    return ids


def run_together(jobs):
    return racing.run_together(jobs, refusal=support.SupportMatchError)


def offer_side_says_yes(match_pk, by_pk):
    def prepare():
        return SupportMatch.objects.get(pk=match_pk), get_user_model().objects.get(pk=by_pk)

    def act(subject):
        match, by = subject
        return support.support_accept(match=match, side="offer", by=by).status

    return prepare, act


def _asked(offer, initiative):
    """The proposer asks for the offer for the initiative's only need: the need side's yes."""
    return support.support_ask(
        offer=offer, by=initiative.proposer, side="need", need=initiative.needs.get()
    )


def _race_offer_side(matches, org_admin):
    outcomes = run_together([offer_side_says_yes(m.pk, org_admin.pk) for m in matches])
    assert not [o for o in outcomes if o[0] == "crash"], outcomes
    # The one that comes second is told, in words, that it cannot happen: its pairing was
    # ended by the first (code "closed"), or found impossible (code "refused").
    for outcome in outcomes:
        assert outcome in {
            ("ok", SupportMatch.Status.AGREED),
            ("refused", "closed"),
            ("refused", "refused"),
        }
    return outcomes


# --- Two initiatives, one room, one date ------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_room_on_one_date_goes_to_exactly_one_initiative(
    round_, organisation, org_admin, enqueued
):
    place = NeighbourhoodFactory()
    day = timezone.localdate() + timedelta(days=12 + round_)
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    first, second = (
        InitiativeFactory(approved=True, neighbourhood=place, date=day) for _ in range(2)
    )
    matches = [_asked(room, first), _asked(room, second)]

    outcomes = _race_offer_side(matches, org_admin)

    assert Counter(outcome[0] for outcome in outcomes) == {"ok": 1, "refused": 1}
    assert [o for o in outcomes if o[0] == "ok"] == [("ok", SupportMatch.Status.AGREED)]
    booking = RoomBooking.objects.get(offer=room)  # exactly one
    assert booking.date == day
    statuses = {m.pk: m.status for m in SupportMatch.objects.filter(offer=room)}
    winner = matches[[o[0] for o in outcomes].index("ok")]
    loser = matches[[o[0] for o in outcomes].index("refused")]
    assert statuses == {
        winner.pk: SupportMatch.Status.AGREED,
        loser.pk: SupportMatch.Status.EXPIRED,
    }
    winner.refresh_from_db()
    assert winner.booking == booking and booking.initiative == winner.need.initiative
    # Only the winner's need is met.
    assert InitiativeNeed.objects.get(pk=winner.need_id).is_met
    assert not InitiativeNeed.objects.get(pk=loser.need_id).is_met


# --- Two needs of five, five left -------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_five_goods_left_go_to_exactly_one_need_of_five(round_, organisation, org_admin, enqueued):
    place = NeighbourhoodFactory()
    goods = OfferFactory(organisation=organisation, neighbourhood=place, kind="goods", quantity=5)
    first, second = (
        InitiativeFactory(approved=True, neighbourhood=place, needs=[("goods", 5)])
        for _ in range(2)
    )
    matches = [_asked(goods, first), _asked(goods, second)]
    assert [m.units for m in matches] == [5, 5]

    outcomes = _race_offer_side(matches, org_admin)

    assert Counter(outcome[0] for outcome in outcomes) == {"ok": 1, "refused": 1}
    goods.refresh_from_db()
    assert goods.remaining == 0  # never below
    agreed = SupportMatch.objects.get(offer=goods, status=SupportMatch.Status.AGREED)
    assert agreed.units == 5
    assert SupportMatch.objects.filter(offer=goods, status=SupportMatch.Status.EXPIRED).count() == 1
    assert sorted(
        InitiativeNeed.objects.filter(pk__in=[m.need_id for m in matches]).values_list(
            "received", flat=True
        )
    ) == [0, 5]
    assert not Offer.objects.offered().filter(pk=goods.pk).exists()


# --- One need, two rooms ----------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_one_need_gets_one_of_two_rooms_offered_at_the_same_moment(
    round_, organisation, org_admin, enqueued
):
    place = NeighbourhoodFactory()
    rooms = [OfferFactory(organisation=organisation, neighbourhood=place) for _ in range(2)]
    initiative = InitiativeFactory(approved=True, neighbourhood=place)
    matches = [_asked(room, initiative) for room in rooms]

    outcomes = _race_offer_side(matches, org_admin)

    assert Counter(outcome[0] for outcome in outcomes) == {"ok": 1, "refused": 1}
    assert RoomBooking.objects.filter(initiative=initiative).count() == 1
    assert sorted(
        SupportMatch.objects.filter(need__initiative=initiative).values_list("status", flat=True)
    ) == [SupportMatch.Status.AGREED, SupportMatch.Status.EXPIRED]


# --- Both sides of one pairing say yes at the same moment ----------------------------------------


@pytest.mark.postgres
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_both_sides_saying_yes_at_once_agree_exactly_once(
    round_, organisation, org_admin, enqueued
):
    place = NeighbourhoodFactory()
    goods = OfferFactory(organisation=organisation, neighbourhood=place, kind="goods", quantity=9)
    initiative = InitiativeFactory(approved=True, neighbourhood=place, needs=[("goods", 4)])
    match = SupportMatch.objects.create(
        offer=goods, need=initiative.needs.get(), units=4, source=SupportMatch.Source.ENGINE
    )

    def says_yes(side, user_pk):
        def prepare():
            return SupportMatch.objects.get(pk=match.pk), get_user_model().objects.get(pk=user_pk)

        def act(subject):
            pairing, by = subject
            return support.support_accept(match=pairing, side=side, by=by).status

        return prepare, act

    outcomes = run_together(
        [says_yes("need", initiative.proposer_id), says_yes("offer", org_admin.pk)]
    )

    # Whoever comes second sees both yeses and agrees; the units are taken once.
    assert sorted(o[1] for o in outcomes) == [SupportMatch.Status.AGREED, SupportMatch.Status.OPEN]
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.AGREED and match.units == 4
    goods.refresh_from_db()
    assert goods.remaining == 5
    assert initiative.needs.get().received == 4


# --- The database refuses a double booking by itself --------------------------------------------


def test_the_database_refuses_a_second_booking_of_a_room_for_a_date():
    """On both backends: the unique constraint, not the services' lock, is the last word."""
    room = OfferFactory()
    day = timezone.localdate() + timedelta(days=5)
    RoomBooking.objects.create(offer=room, date=day)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoomBooking.objects.create(offer=room, date=day)
    assert RoomBooking.objects.filter(offer=room).count() == 1
    # Another date, or another room on that date, is fine.
    RoomBooking.objects.create(offer=room, date=day + timedelta(days=1))
    RoomBooking.objects.create(offer=OfferFactory(), date=day)
    assert RoomBooking.objects.filter(date=day).count() == 2


@pytest.mark.postgres
def test_two_bookings_written_at_the_same_moment_without_any_lock_one_fails():
    room = OfferFactory()
    day = timezone.localdate() + timedelta(days=5)

    def book():
        def prepare():
            return Offer.objects.get(pk=room.pk)

        def act(offer):
            try:
                with transaction.atomic():
                    return RoomBooking.objects.create(offer=offer, date=day).pk
            except IntegrityError:
                return "integrity error"

        return prepare, act

    outcomes = run_together([book(), book()])
    assert sorted(str(o[1]) for o in outcomes) == sorted(
        [str(RoomBooking.objects.get(offer=room).pk), "integrity error"]
    )
