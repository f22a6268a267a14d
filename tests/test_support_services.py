"""Demand meets supply (issue 15), the services one by one: the coordinators' review of an
initiative, the proposer's changes, counted offers shared out until used up, money with a
maximum per initiative, goods for a newcomer's help request, and what ends when an offer
closes or an initiative is withdrawn. The concurrent cases are in
tests/test_support_concurrency.py; the engine's rules in tests/test_support_engine.py."""

from datetime import timedelta

import pytest
from django.utils import timezone

from initiatives import services
from initiatives.models import Initiative, InitiativeMessage, Offer, RoomBooking
from initiatives.services.support import SupportError
from matching import support
from matching.models import HelpRequest, SupportMatch
from mpact.factories import (
    HelpRequestFactory,
    InitiativeFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OfferFactory,
    SupportMatchFactory,
    UserFactory,
)
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db

Status = Initiative.Status
Match = SupportMatch.Status


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services leave for after the commit (support_changed → suggestions)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _kinds_for(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# --- The coordinators' review -----------------------------------------------------------------

# Written out here, not read from Initiative.STEPS: (step, from) → to, and the notification.
ALLOWED = {
    ("approve", Status.SUBMITTED): Status.APPROVED,
    ("ask-changes", Status.SUBMITTED): Status.CHANGES_REQUESTED,
    ("decline", Status.SUBMITTED): Status.DECLINED,
    ("decline", Status.CHANGES_REQUESTED): Status.DECLINED,
}
NOTIFICATION = {
    "approve": Notification.Kind.INITIATIVE_APPROVED,
    "ask-changes": Notification.Kind.INITIATIVE_CHANGES_ASKED,
    "decline": Notification.Kind.INITIATIVE_DECLINED,
}
REVIEW_CASES = [(step, status) for step in NOTIFICATION for status in Status]


@pytest.mark.parametrize(
    ("step", "status"), REVIEW_CASES, ids=[f"{s}-from-{t}" for s, t in REVIEW_CASES]
)
def test_each_review_step_from_each_status(step, status, coordinator, resident, committed):
    initiative = InitiativeFactory(status=status, proposer=resident)
    message = "Kunt u de datum en de plek nog noemen?"
    if (step, status) in ALLOWED:
        with committed():
            services.initiative_review(
                initiative=initiative, step=step, by=coordinator, message=message
            )
        initiative.refresh_from_db()
        assert initiative.status == ALLOWED[step, status]
        assert initiative.reviewed_by == coordinator and initiative.reviewed_at is not None
        assert _kinds_for(resident) == [NOTIFICATION[step]]
        told = Notification.objects.get(user=resident)
        assert message in told.body and initiative.title in told.subject
        assert (
            Notification.objects.exclude(user=resident).filter(kind=NOTIFICATION[step]).count() == 0
        )
        saved = InitiativeMessage.objects.get(initiative=initiative)
        assert (saved.body, saved.step, saved.by_coordinator, saved.author) == (
            message,
            step,
            True,
            coordinator,
        )
    else:
        with pytest.raises(SupportError) as refused:
            services.initiative_review(
                initiative=initiative, step=step, by=coordinator, message=message
            )
        assert refused.value.code == "transition"
        initiative.refresh_from_db()
        assert initiative.status == status
        assert initiative.reviewed_by is None and initiative.reviewed_at is None
        assert not Notification.objects.filter(user=resident).exists()
        assert not InitiativeMessage.objects.filter(initiative=initiative).exists()


def test_the_allowed_table_above_is_the_models(coordinator):
    """The table written out above and the model's STEPS say the same for the review steps."""
    for step in NOTIFICATION:
        froms, to = Initiative.STEPS[step]
        assert {(step, s): to for s in froms} == {k: v for k, v in ALLOWED.items() if k[0] == step}


@pytest.mark.parametrize("step", ["ask-changes", "decline"])
@pytest.mark.parametrize("message", ["", "   \n "])
def test_asking_changes_or_declining_needs_a_message(step, message, coordinator, resident):
    initiative = InitiativeFactory(proposer=resident)
    with pytest.raises(SupportError) as refused:
        services.initiative_review(
            initiative=initiative, step=step, by=coordinator, message=message
        )
    assert refused.value.code == "message_required"
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED and initiative.reviewed_by is None
    assert not Notification.objects.filter(user=resident).exists()
    assert not initiative.messages.exists()


def test_approving_needs_no_message(coordinator, resident, committed):
    initiative = InitiativeFactory(proposer=resident)
    with committed():
        services.initiative_review(initiative=initiative, step="approve", by=coordinator)
    initiative.refresh_from_db()
    assert initiative.status == Status.APPROVED and not initiative.messages.exists()
    assert _kinds_for(resident) == [Notification.Kind.INITIATIVE_APPROVED]


def test_an_unknown_step_is_refused(coordinator):
    initiative = InitiativeFactory()
    with pytest.raises(SupportError):
        services.initiative_review(
            initiative=initiative, step="withdraw", by=coordinator, message="x"
        )
    initiative.refresh_from_db()
    assert initiative.status == Status.SUBMITTED


# --- The proposer's changes -------------------------------------------------------------------


def test_changes_after_changes_were_asked_send_it_back_for_review(coordinator, resident, committed):
    initiative = InitiativeFactory(proposer=resident, needs=[("room", None), ("money", 100)])
    with committed():
        services.initiative_review(
            initiative=initiative, step="ask-changes", by=coordinator, message="Welke datum?"
        )
    initiative.refresh_from_db()
    assert initiative.status == Status.CHANGES_REQUESTED and initiative.is_editable
    new_date = timezone.localdate() + timedelta(days=40)
    updated = services.initiative_update(
        initiative=initiative,
        by=resident,
        needs=[{"kind": "room"}, {"kind": "goods", "amount": 12, "details": "Pannen"}],
        message="De datum staat er nu in.",
        date=new_date,
        participants=25,
    )
    updated.refresh_from_db()
    assert updated.status == Status.SUBMITTED
    assert (updated.date, updated.participants) == (new_date, 25)
    assert {(n.kind, n.amount, n.details) for n in updated.needs.all()} == {
        ("room", None, ""),
        ("goods", 12, "Pannen"),
    }  # money is gone (nothing had been received)
    answer = updated.messages.get(by_coordinator=False)
    assert (answer.body, answer.author) == ("De datum staat er nu in.", resident)
    # Waiting for review again: the coordinator can approve it now.
    services.initiative_review(initiative=updated, step="approve", by=coordinator)
    updated.refresh_from_db()
    assert updated.status == Status.APPROVED


def test_changes_while_waiting_keep_it_waiting(resident):
    initiative = InitiativeFactory(proposer=resident)
    services.initiative_update(
        initiative=initiative, by=resident, needs=[{"kind": "room"}], title="Nieuwe titel"
    )
    initiative.refresh_from_db()
    assert (initiative.status, initiative.title) == (Status.SUBMITTED, "Nieuwe titel")


@pytest.mark.parametrize("status", [Status.APPROVED, Status.DECLINED, Status.WITHDRAWN])
def test_a_reviewed_initiative_can_no_longer_be_changed(status, resident):
    initiative = InitiativeFactory(proposer=resident, status=status)
    title = initiative.title
    with pytest.raises(SupportError) as refused:
        services.initiative_update(
            initiative=initiative,
            by=resident,
            needs=[{"kind": "goods", "amount": 3}],
            title="Anders",
        )
    assert refused.value.code == "not_editable"
    initiative.refresh_from_db()
    assert (initiative.status, initiative.title) == (status, title)
    assert [n.kind for n in initiative.needs.all()] == ["room"]


def test_a_change_needs_at_least_one_need(resident):
    initiative = InitiativeFactory(proposer=resident)
    with pytest.raises(SupportError) as refused:
        services.initiative_update(initiative=initiative, by=resident, needs=[], title="Anders")
    assert refused.value.code == "no_needs"
    initiative.refresh_from_db()
    assert initiative.title != "Anders"


# --- Counted offers ---------------------------------------------------------------------------


def _both_say_yes(match, *, need_by, offer_by):
    support.support_accept(match=match, side="need", by=need_by)
    return support.support_accept(match=match, side="offer", by=offer_by)


def _goods_offer(organisation, neighbourhood, **extra):
    fields = {
        "organisation": organisation,
        "kind": "goods",
        "title": "Pannen en borden",
        "description": "Keukenspullen uit een opgeheven kantine.",
        "neighbourhood": neighbourhood,
        "quantity": 10,
    }
    fields.update(extra)
    return services.offer_save(offer=Offer(**fields))


def test_goods_are_shared_out_until_used_up(organisation, org_admin, committed):
    place = NeighbourhoodFactory()
    first, second, third = (
        InitiativeFactory(approved=True, neighbourhood=place, needs=[("goods", amount)])
        for amount in (6, 6, 3)
    )
    with committed():
        offer = _goods_offer(organisation, place)
    assert (offer.quantity, offer.remaining) == (10, 10)
    matches = {m.need.initiative_id: m for m in SupportMatch.objects.filter(offer=offer)}
    assert set(matches) == {first.pk, second.pk, third.pk}  # suggested when it was posted

    with committed():
        agreed = _both_say_yes(matches[first.pk], need_by=first.proposer, offer_by=org_admin)
    assert (agreed.status, agreed.units) == (Match.AGREED, 6)
    offer.refresh_from_db()
    assert offer.remaining == 4
    need = first.needs.get()
    assert (need.received, need.is_met, need.still_needed) == (6, True, 0)
    assert Offer.objects.offered().filter(pk=offer.pk).exists()

    with committed():
        agreed = _both_say_yes(matches[second.pk], need_by=second.proposer, offer_by=org_admin)
    assert (agreed.status, agreed.units) == (Match.AGREED, 4)  # what was left, not the 6 asked
    offer.refresh_from_db()
    assert offer.remaining == 0 and offer.is_used_up
    need = second.needs.get()
    assert (need.received, need.is_met, need.still_needed) == (4, False, 2)
    assert not Offer.objects.offered().filter(pk=offer.pk).exists()
    assert SupportMatch.objects.get(pk=matches[third.pk].pk).status == Match.EXPIRED
    # Nothing of it is suggested again, though the second still needs two.
    assert support.support_suggest() == 0
    assert SupportMatch.objects.filter(offer=offer, status=Match.OPEN).count() == 0
    # Both sides heard of each agreement.
    assert _kinds_for(second.proposer).count(Notification.Kind.SUPPORT_AGREED) == 1
    assert _kinds_for(org_admin).count(Notification.Kind.SUPPORT_AGREED) == 2


def test_money_is_given_up_to_the_maximum_per_initiative(organisation, org_admin, committed):
    place = NeighbourhoodFactory()
    big = InitiativeFactory(approved=True, neighbourhood=place, needs=[("money", 500)])
    small = InitiativeFactory(approved=True, neighbourhood=place, needs=[("money", 100)])
    with committed():
        fund = services.offer_save(
            offer=Offer(
                organisation=organisation,
                kind="money",
                title="Buurtfonds",
                description="Kleine bijdragen.",
                neighbourhood=place,
                quantity=1000,
                max_amount=250,
            )
        )
    matches = {m.need.initiative_id: m for m in SupportMatch.objects.filter(offer=fund)}
    assert {pk: m.units for pk, m in matches.items()} == {big.pk: 250, small.pk: 100}

    with committed():
        agreed = _both_say_yes(matches[big.pk], need_by=big.proposer, offer_by=org_admin)
        _both_say_yes(matches[small.pk], need_by=small.proposer, offer_by=org_admin)
    assert agreed.units == 250
    fund.refresh_from_db()
    assert fund.remaining == 1000 - 250 - 100
    need = big.needs.get()
    assert (need.received, need.is_met, need.still_needed) == (250, False, 250)
    need = small.needs.get()
    assert (need.received, need.is_met) == (100, True)


def test_a_maximum_per_initiative_is_only_kept_for_money(organisation):
    offer = _goods_offer(organisation, NeighbourhoodFactory(), max_amount=3)
    offer.refresh_from_db()
    assert offer.max_amount is None


# --- A newcomer's request for goods -----------------------------------------------------------


def test_a_newcomers_request_for_goods_is_matched_once_both_say_yes(
    organisation, org_admin, committed
):
    place = NeighbourhoodFactory()
    request = HelpRequestFactory(kind=HelpRequest.Kind.GOODS, opened=True, neighbourhood=place)
    assert request.status == HelpRequest.Status.OPEN
    # Not these: another kind of help, and a request for goods still in intake.
    HelpRequestFactory(opened=True, neighbourhood=place)
    HelpRequestFactory(kind=HelpRequest.Kind.GOODS, in_intake=True, neighbourhood=place)
    offer = OfferFactory(organisation=organisation, kind="goods", quantity=5, neighbourhood=place)
    room = OfferFactory(organisation=organisation, neighbourhood=place)

    assert support.support_suggest() == 1
    match = SupportMatch.objects.get()
    assert (match.help_request, match.offer, match.units) == (request, offer, 1)
    assert match.offer != room

    coordinator = request.assigned_to
    with committed():
        support.support_accept(match=match, side="need", by=coordinator)
        request.refresh_from_db()
        assert request.status == HelpRequest.Status.OPEN  # one yes is not enough
        agreed = support.support_accept(match=match, side="offer", by=org_admin)
    assert agreed.status == Match.AGREED
    request.refresh_from_db()
    assert request.status == HelpRequest.Status.MATCHED
    assert request.status_changes.filter(
        to_status=HelpRequest.Status.MATCHED, by=coordinator
    ).exists()
    offer.refresh_from_db()
    assert offer.remaining == 4
    assert Notification.Kind.SUPPORT_AGREED in _kinds_for(coordinator)
    assert support.support_suggest() == 0  # a matched request is not suggested anything else


# --- Suggestions: declined pairs, a second run --------------------------------------------------


def test_support_suggest_is_idempotent_and_keeps_to_the_best_three(organisation):
    place = NeighbourhoodFactory()
    initiative = InitiativeFactory(approved=True, neighbourhood=place)
    rooms = [OfferFactory(organisation=organisation, neighbourhood=place) for _ in range(4)]
    assert support.support_suggest() == 3
    assert support.support_suggest() == 0
    assert SupportMatch.objects.count() == 3
    need = initiative.needs.get()
    assert set(SupportMatch.objects.values_list("offer_id", flat=True)) == {r.pk for r in rooms[:3]}
    assert set(SupportMatch.objects.values_list("need_id", flat=True)) == {need.pk}


def test_a_declined_pair_is_not_suggested_again(organisation, org_admin, resident):
    place = NeighbourhoodFactory()
    initiative = InitiativeFactory(approved=True, neighbourhood=place, proposer=resident)
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    assert support.support_suggest() == 1
    match = SupportMatch.objects.get()
    support.support_accept(match=match, side="need", by=resident)
    support.support_decline(match=match, side="offer", by=org_admin, reason="  Verbouwing  ")
    match.refresh_from_db()
    assert (match.status, match.decline_reason) == (Match.DECLINED, "Verbouwing")
    assert Notification.Kind.SUPPORT_DECLINED in _kinds_for(resident)  # they had said yes
    assert support.support_suggest() == 0
    assert support.support_suggest(initiative=initiative) == 0
    assert support.support_suggest(offer=room) == 0
    assert SupportMatch.objects.count() == 1
    # Another room is still suggested for the same need.
    other = OfferFactory(organisation=organisation, neighbourhood=place)
    assert support.support_suggest() == 1
    assert SupportMatch.objects.get(status=Match.OPEN).offer == other
    # And a decided pairing cannot be answered again.
    with pytest.raises(support.SupportMatchError):
        support.support_accept(match=match, side="offer", by=org_admin)


def test_asking_for_an_offer_and_being_offered_it_agrees(organisation, org_admin, resident):
    place = NeighbourhoodFactory()
    initiative = InitiativeFactory(approved=True, neighbourhood=place, proposer=resident)
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    need = initiative.needs.get()
    asked = support.support_ask(offer=room, by=resident, side="need", need=need)
    assert (asked.status, asked.source, asked.date) == (Match.OPEN, "need_side", initiative.date)
    assert Notification.Kind.SUPPORT_ASKED in _kinds_for(org_admin)
    agreed = support.support_ask(offer=room, by=org_admin, side="offer", need=need)
    assert (agreed.pk, agreed.status) == (asked.pk, Match.AGREED)
    assert RoomBooking.objects.get(offer=room).date == initiative.date
    with pytest.raises(support.SupportMatchError) as refused:
        support.support_ask(offer=room, by=resident, side="need", need=need)
    assert refused.value.code == "agreed"


def test_asking_for_a_room_booked_that_date_is_refused_at_once(organisation, resident):
    place = NeighbourhoodFactory()
    day = timezone.localdate() + timedelta(days=9)
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    RoomBooking.objects.create(offer=room, date=day)
    initiative = InitiativeFactory(approved=True, neighbourhood=place, date=day, proposer=resident)
    with pytest.raises(support.SupportMatchError) as refused:
        support.support_ask(offer=room, by=resident, side="need", need=initiative.needs.get())
    assert refused.value.code == "refused"
    assert not SupportMatch.objects.exists()
    # The day after is free.
    later = InitiativeFactory(approved=True, neighbourhood=place, date=day + timedelta(days=1))
    assert support.support_ask(offer=room, by=later.proposer, side="need", need=later.needs.get())


def test_who_answers_for_which_side(organisation, org_admin, resident):
    initiative = InitiativeFactory(approved=True, proposer=resident)
    match = SupportMatchFactory(
        offer=OfferFactory(organisation=organisation, neighbourhood=initiative.neighbourhood),
        need=initiative.needs.get(),
    )
    assert support.sides_of(match, resident) == ["need"]
    assert support.sides_of(match, org_admin) == ["offer"]
    assert support.sides_of(match, UserFactory()) == []
    other_member = UserFactory()
    MembershipFactory(user=other_member)  # of another organisation
    assert support.sides_of(match, other_member) == []


# --- What ends when an offer closes or an initiative is withdrawn -------------------------------


def test_closing_an_offer_ends_its_open_pairings_and_reopening_suggests_again(
    organisation, org_admin, committed
):
    place = NeighbourhoodFactory()
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    other_room = OfferFactory(organisation=organisation, neighbourhood=place)
    today = timezone.localdate()
    agreed_one = InitiativeFactory(
        approved=True, neighbourhood=place, date=today + timedelta(days=10)
    )
    waiting = InitiativeFactory(approved=True, neighbourhood=place, date=today + timedelta(days=11))
    assert support.support_suggest() == 4
    agreed = SupportMatch.objects.get(offer=room, need__initiative=agreed_one)
    _both_say_yes(agreed, need_by=agreed_one.proposer, offer_by=org_admin)
    assert SupportMatch.objects.get(offer=room, need__initiative=waiting).status == Match.OPEN

    with committed():
        services.offer_set_status(offer=room, status="closed")
    assert SupportMatch.objects.get(pk=agreed.pk).status == Match.AGREED  # agreed stands
    assert SupportMatch.objects.get(offer=room, need__initiative=waiting).status == Match.EXPIRED
    # The other room's offer to the initiative still waiting is untouched.
    assert SupportMatch.objects.get(offer=other_room, need__initiative=waiting).status == Match.OPEN
    assert not Offer.objects.offered().filter(pk=room.pk).exists()

    with committed():
        services.offer_set_status(offer=room, status="open")
    assert SupportMatch.objects.filter(offer=room, status=Match.OPEN).count() == 1


def test_withdrawing_an_initiative_ends_its_open_pairings(organisation, resident, committed):
    place = NeighbourhoodFactory()
    for _ in range(2):
        OfferFactory(organisation=organisation, neighbourhood=place)
    mine = InitiativeFactory(approved=True, neighbourhood=place, proposer=resident)
    theirs = InitiativeFactory(approved=True, neighbourhood=place)
    assert support.support_suggest() == 4

    with committed():
        services.initiative_withdraw(initiative=mine, by=resident)
    mine.refresh_from_db()
    assert mine.status == Status.WITHDRAWN
    assert set(
        SupportMatch.objects.filter(need__initiative=mine).values_list("status", flat=True)
    ) == {Match.EXPIRED}
    assert set(
        SupportMatch.objects.filter(need__initiative=theirs).values_list("status", flat=True)
    ) == {Match.OPEN}
    assert support.support_suggest() == 0  # nothing new for a withdrawn initiative
    with pytest.raises(SupportError):
        services.initiative_withdraw(initiative=mine, by=resident)


def test_a_total_below_what_was_given_is_refused(organisation, org_admin):
    place = NeighbourhoodFactory()
    initiative = InitiativeFactory(approved=True, neighbourhood=place, needs=[("goods", 6)])
    offer = _goods_offer(organisation, place)
    match = support.support_ask(
        offer=offer, by=initiative.proposer, side="need", need=initiative.needs.get()
    )
    support.support_accept(match=match, side="offer", by=org_admin)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (10, 4)

    offer.quantity = 5
    with pytest.raises(SupportError) as refused:
        services.offer_save(offer=offer)
    assert refused.value.code == "below_given"
    offer = Offer.objects.get(pk=offer.pk)
    assert (offer.quantity, offer.remaining) == (10, 4)

    offer.quantity = 8
    services.offer_save(offer=offer)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (8, 2)
    offer.quantity = 6  # exactly what was given: allowed, and used up
    services.offer_save(offer=offer)
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining, offer.is_used_up) == (6, 0, True)


# --- What an agreement tells, and what a withdrawal gives back ---------------------------------


def test_after_the_first_agreement_the_others_see_what_is_left(organisation, org_admin):
    place = NeighbourhoodFactory()
    first, second = (
        InitiativeFactory(approved=True, neighbourhood=place, needs=[("goods", 6)])
        for _ in range(2)
    )
    offer = _goods_offer(organisation, place)
    matches = {m.need.initiative_id: m for m in SupportMatch.objects.filter(offer=offer)}
    assert matches[second.pk].units == 6
    _both_say_yes(matches[first.pk], need_by=first.proposer, offer_by=org_admin)
    other = SupportMatch.objects.get(pk=matches[second.pk].pk)
    assert other.units == 4
    assert any("4" in reason and "6" in reason for reason in other.reasons["en"])
    assert not any("all of the 6" in reason for reason in other.reasons["en"])


def test_an_agreement_gives_each_side_the_others_contact(organisation, org_admin):
    organisation.contact_name, organisation.email = "Olga Contact", "info@buurtgroep.example"
    organisation.save()
    offer = OfferFactory(organisation=organisation)
    initiative = InitiativeFactory(approved=True, neighbourhood=offer.neighbourhood)
    match = SupportMatchFactory(offer=offer, need=initiative.needs.get())
    _both_say_yes(match, need_by=initiative.proposer, offer_by=org_admin)
    to_proposer = Notification.objects.get(user=initiative.proposer, kind="support_agreed")
    assert "info@buurtgroep.example" in to_proposer.body and "Olga Contact" in to_proposer.body
    to_member = Notification.objects.get(user=org_admin, kind="support_agreed")
    assert initiative.proposer.email in to_member.body


def test_withdrawing_gives_back_the_room_and_the_units_and_tells_the_organisation(
    organisation, org_admin
):
    place = NeighbourhoodFactory()
    initiative = InitiativeFactory(
        approved=True, neighbourhood=place, needs=[("room", None), ("goods", 6)]
    )
    room = OfferFactory(organisation=organisation, neighbourhood=place)
    goods = _goods_offer(organisation, place)
    support.support_suggest()  # the room came from a factory, not through offer_save
    assert SupportMatch.objects.filter(need__initiative=initiative).count() == 2
    for match in SupportMatch.objects.filter(need__initiative=initiative):
        _both_say_yes(match, need_by=initiative.proposer, offer_by=org_admin)
    goods.refresh_from_db()
    assert goods.remaining == 4
    assert not Offer.objects.offered(on=initiative.date).filter(pk=room.pk).exists()
    told = Notification.objects.filter(user=org_admin, kind="support_declined").count()

    services.initiative_withdraw(initiative=initiative, by=initiative.proposer)

    goods.refresh_from_db()
    assert goods.remaining == 10
    assert not RoomBooking.objects.filter(offer=room).exists()
    assert Offer.objects.offered(on=initiative.date).filter(pk=room.pk).exists()
    assert set(
        SupportMatch.objects.filter(need__initiative=initiative).values_list("status", flat=True)
    ) == {Match.EXPIRED}
    assert Notification.objects.filter(user=org_admin, kind="support_declined").count() == told + 2


def test_a_changed_initiative_goes_back_to_the_coordinators(coordinator, resident):
    initiative = InitiativeFactory(proposer=resident, status=Status.CHANGES_REQUESTED)
    services.initiative_update(
        initiative=initiative, by=resident, needs=[{"kind": "room"}], title="Beter zo"
    )
    notice = Notification.objects.get(user=coordinator, kind="initiative_submitted")
    assert "Beter zo" in notice.subject


def test_goods_for_a_request_without_a_neighbourhood_are_refused(organisation, org_admin):
    request = HelpRequestFactory(kind="goods", status="open", neighbourhood=None)
    offer = _goods_offer(organisation, NeighbourhoodFactory())
    with pytest.raises(support.SupportMatchError):
        support.support_ask(offer=offer, by=org_admin, side="offer", help_request=request)
    assert not SupportMatch.objects.exists()


def test_a_declined_offer_makes_room_for_the_next_best(organisation, org_admin, resident):
    place = NeighbourhoodFactory()
    InitiativeFactory(approved=True, neighbourhood=place, proposer=resident)
    rooms = [OfferFactory(organisation=organisation, neighbourhood=place) for _ in range(4)]
    assert support.support_suggest() == 3
    suggested = {m.offer_id for m in SupportMatch.objects.all()}
    fourth = ({r.pk for r in rooms} - suggested).pop()
    declined = SupportMatch.objects.first()
    support.support_decline(match=declined, side="need", by=resident)
    assert support.support_suggest() == 1
    open_now = set(SupportMatch.objects.filter(status=Match.OPEN).values_list("offer", flat=True))
    assert open_now == (suggested - {declined.offer_id}) | {fourth}


def test_the_hourly_run_suggests_and_ends_what_passed(organisation):
    from matching.tasks import suggest_support

    place = NeighbourhoodFactory()
    soon = InitiativeFactory(approved=True, neighbourhood=place)
    OfferFactory(organisation=organisation, neighbourhood=place)
    assert suggest_support() == 1
    match = SupportMatch.objects.get()
    # The day passes without an answer: the next run ends the pairing, and suggests nothing.
    Initiative.objects.filter(pk=soon.pk).update(date=timezone.localdate() - timedelta(days=1))
    assert suggest_support() == 0
    match.refresh_from_db()
    assert match.status == Match.EXPIRED
