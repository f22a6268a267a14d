"""Demand meets supply in the admin (issue 15): coordinators review initiatives, make an
approved one an activity, keep offers, answer pairings, and pair goods requests with offers."""

import datetime
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from initiatives.models import (
    Activity,
    Initiative,
    InitiativeMessage,
    Offer,
    RoomBooking,
    Session,
)
from matching import support
from matching.models import HelpRequest, SupportMatch
from mpact.factories import (
    HelpRequestFactory,
    InitiativeFactory,
    NeighbourhoodFactory,
    OfferFactory,
    SupportMatchFactory,
)
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english(client):
    """The pages in English, so that the texts below stay true when translations arrive."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _review(client, initiative, step, message=""):
    url = reverse("admin:initiatives_initiative_review", args=[initiative.pk])
    return client.post(url, {"step": step, "message": message})


# --- The list and the change page -------------------------------------------------------------


def test_waiting_for_review_comes_first_and_the_status_filters(coordinator_client):
    approved = InitiativeFactory(approved=True)
    waiting = InitiativeFactory()
    approved.created_at = timezone.now() + timedelta(minutes=1)  # newer, yet after `waiting`
    approved.save()
    url = reverse("admin:initiatives_initiative_changelist")
    rows = list(coordinator_client.get(url).context["cl"].result_list)
    assert rows == [waiting, approved]
    filtered = coordinator_client.get(url, {"status__exact": "approved"})
    assert list(filtered.context["cl"].result_list) == [approved]


def test_the_change_page_shows_needs_thread_and_the_allowed_steps(coordinator_client):
    initiative = InitiativeFactory(needs=[("room", None), ("money", 150)])
    InitiativeMessage.objects.create(
        initiative=initiative, author=initiative.proposer, body="Kan het ook in het buurthuis?"
    )
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    page = coordinator_client.get(url).content.decode()
    assert "Kan het ook in het buurthuis?" in page
    assert "Money" in page and "A room" in page
    review = reverse("admin:initiatives_initiative_review", args=[initiative.pk])
    assert f'action="{review}"' in page
    for step in ("approve", "ask-changes", "decline"):
        assert f'name="step" value="{step}"' in page
    assert "Make it an activity" not in page  # not approved yet


def test_an_approved_initiative_offers_no_review_step_but_make_it_an_activity(
    coordinator_client,
):
    initiative = InitiativeFactory(approved=True)
    page = coordinator_client.get(
        reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    ).content.decode()
    assert 'name="step"' not in page
    assert reverse("admin:initiatives_initiative_make_activity", args=[initiative.pk]) in page


def test_coordinators_cannot_add_initiatives_past_the_service(coordinator_client):
    assert coordinator_client.get(reverse("admin:initiatives_initiative_add")).status_code == 403


# --- Review -----------------------------------------------------------------------------------


def test_approve(coordinator_client, coordinator):
    initiative = InitiativeFactory()
    response = _review(coordinator_client, initiative, "approve")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:initiatives_initiative_change", args=[initiative.pk]
    )
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.APPROVED
    assert initiative.reviewed_by == coordinator
    assert Notification.objects.filter(
        user=initiative.proposer, kind="initiative_approved"
    ).exists()


def test_ask_for_changes_with_a_message(coordinator_client, coordinator):
    initiative = InitiativeFactory()
    response = _review(coordinator_client, initiative, "ask-changes", "Welke datum precies?")
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.CHANGES_REQUESTED
    message = initiative.messages.get()
    assert (message.body, message.step, message.by_coordinator, message.author) == (
        "Welke datum precies?",
        "ask-changes",
        True,
        coordinator,
    )
    notification = Notification.objects.get(
        user=initiative.proposer, kind="initiative_changes_asked"
    )
    assert "Welke datum precies?" in notification.body


@pytest.mark.parametrize("step", ["decline", "ask-changes"])
def test_declining_or_asking_without_a_message_is_refused_and_nothing_changes(
    coordinator_client, step
):
    initiative = InitiativeFactory()
    response = _review(coordinator_client, initiative, step, "   ")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a message to the proposer" in page
    assert 'aria-invalid="true"' in page  # the error is at the message box
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED
    assert initiative.reviewed_by is None
    assert not initiative.messages.exists()
    assert not Notification.objects.filter(user=initiative.proposer).exists()


def test_a_step_that_is_not_allowed_is_refused_and_the_typed_text_is_kept(coordinator_client):
    initiative = InitiativeFactory(approved=True)
    response = _review(coordinator_client, initiative, "ask-changes", "Graag een andere zaal")
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot take this step" in page
    assert "Graag een andere zaal" in page  # what was typed is in the box again
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.APPROVED
    assert not initiative.messages.exists()


def test_an_unknown_step_is_refused(coordinator_client):
    initiative = InitiativeFactory()
    response = _review(coordinator_client, initiative, "withdraw", "Weg ermee")
    assert response.status_code == 400
    assert "Weg ermee" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED


def test_the_review_page_keeps_the_text_when_a_message_is_missing(coordinator_client):
    initiative = InitiativeFactory()
    url = reverse("admin:initiatives_initiative_review", args=[initiative.pk])
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(url, {"message": "Nog even nadenken"})  # no button
    assert response.status_code == 400
    assert "Choose one of the review steps." in response.content.decode()
    assert "Nog even nadenken" in response.content.decode()
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED


# --- Make it an activity ----------------------------------------------------------------------


def _agreed_room(initiative, org_admin):
    """The room of an organisation agreed for the initiative's date, as both sides would."""
    offer = OfferFactory(
        organisation=org_admin.organisations.first(),
        neighbourhood=initiative.neighbourhood,
        address="Buurthuis De Linde, Lindelaan 4",
    )
    match = support.support_ask(
        offer=offer, by=initiative.proposer, side="need", need=initiative.needs.get(kind="room")
    )
    support.support_accept(match=match, side="offer", by=org_admin)
    return offer


def test_make_it_an_activity(coordinator_client, org_admin):
    initiative = InitiativeFactory(
        approved=True,
        start_time=datetime.time(18, 0),
        end_time=datetime.time(21, 0),
        participants=25,
    )
    offer = _agreed_room(initiative, org_admin)
    url = reverse("admin:initiatives_initiative_make_activity", args=[initiative.pk])
    form = coordinator_client.get(url).context["form"]
    assert form["organisation"].value() == offer.organisation.pk  # the booked room's
    assert form["address"].value() == "Buurthuis De Linde, Lindelaan 4"
    assert form["capacity"].value() == 25
    response = coordinator_client.post(
        url,
        {
            "organisation": offer.organisation.pk,
            "kind": Activity.Kind.COOKING,
            "audience": Activity.Audience.EVERYONE,
            "address": "Buurthuis De Linde, Lindelaan 4",
            "start_time": "18:00",
            "end_time": "21:00",
            "capacity": 25,
        },
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:initiatives_activity_change", args=[activity.pk])
    assert (activity.title, activity.neighbourhood, activity.organisation) == (
        initiative.title,
        initiative.neighbourhood,
        offer.organisation,
    )
    assert activity.description.startswith(initiative.description)
    assert initiative.audience in activity.description
    session = activity.sessions.get()
    starts = timezone.localtime(session.starts_at)
    assert (starts.date(), starts.time()) == (initiative.date, datetime.time(18, 0))
    assert timezone.localtime(session.ends_at).time() == datetime.time(21, 0)
    assert session.capacity == 25
    initiative.refresh_from_db()
    assert initiative.activity == activity
    activity.refresh_from_db()
    assert activity.next_session_at == session.starts_at  # on the public list
    # A second time: refused, nothing more made.
    again = coordinator_client.post(
        url,
        {
            "organisation": offer.organisation.pk,
            "kind": Activity.Kind.COOKING,
            "audience": Activity.Audience.EVERYONE,
            "address": "Elders",
            "start_time": "18:00",
            "end_time": "21:00",
            "capacity": 25,
        },
    )
    assert again.status_code == 400
    assert "an activity already" in again.content.decode()
    assert Activity.objects.count() == 1 and Session.objects.count() == 1


def test_without_a_room_the_place_is_the_address(coordinator_client, organisation):
    initiative = InitiativeFactory(approved=True, place="Het park achter de school")
    form = coordinator_client.get(
        reverse("admin:initiatives_initiative_make_activity", args=[initiative.pk])
    ).context["form"]
    assert form["address"].value() == "Het park achter de school"
    assert form["organisation"].value() is None


@pytest.mark.parametrize(
    "initiative_fields",
    [{"approved": True, "date": None}, {"approved": False}],
    ids=["no date", "not approved"],
)
def test_make_it_an_activity_is_refused_and_nothing_is_saved(
    coordinator_client, organisation, initiative_fields
):
    initiative = InitiativeFactory(**initiative_fields)
    response = coordinator_client.post(
        reverse("admin:initiatives_initiative_make_activity", args=[initiative.pk]),
        {
            "organisation": organisation.pk,
            "kind": Activity.Kind.MEETING,
            "audience": Activity.Audience.EVERYONE,
            "address": "Lindelaan 4",
            "start_time": "18:00",
            "end_time": "21:00",
            "capacity": 20,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "no date yet" in page or "Only an approved initiative" in page
    assert "Lindelaan 4" in page  # what was typed stays
    assert not Activity.objects.exists() and not Session.objects.exists()
    initiative.refresh_from_db()
    assert initiative.activity is None


def test_an_end_before_the_start_is_refused_at_the_field(coordinator_client, organisation):
    initiative = InitiativeFactory(approved=True)
    response = coordinator_client.post(
        reverse("admin:initiatives_initiative_make_activity", args=[initiative.pk]),
        {
            "organisation": organisation.pk,
            "kind": Activity.Kind.MEETING,
            "audience": Activity.Audience.EVERYONE,
            "address": "Lindelaan 4",
            "start_time": "21:00",
            "end_time": "18:00",
            "capacity": 20,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["end_time"]
    assert not Activity.objects.exists()


# --- Offers -----------------------------------------------------------------------------------


def _offer_data(offer, **changes):
    data = {
        "organisation": offer.organisation_id,
        "title": offer.title,
        "description": offer.description,
        "neighbourhood": offer.neighbourhood_id,
        "address": offer.address,
        "available_from": offer.available_from.isoformat(),
        "available_until": "",
        "capacity": offer.capacity or "",
        "quantity": offer.quantity or "",
        "max_amount": "",
        "delivery": offer.delivery,
        "conditions": "",
        "bookings-TOTAL_FORMS": 0,
        "bookings-INITIAL_FORMS": 0,
    }
    data.update(changes)
    return data


def test_a_changed_total_keeps_what_was_given(coordinator_client):
    offer = OfferFactory(kind="goods", quantity=10, delivery="pick_up")
    Offer.objects.filter(pk=offer.pk).update(remaining=6)  # 4 given
    url = reverse("admin:initiatives_offer_change", args=[offer.pk])
    response = coordinator_client.post(url, _offer_data(offer, quantity=8))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (8, 4)
    refused = coordinator_client.post(url, _offer_data(offer, quantity=3))
    assert refused.status_code == 200
    assert "has already been given" in refused.content.decode()
    offer.refresh_from_db()
    assert (offer.quantity, offer.remaining) == (8, 4)


def test_a_new_offer_in_the_admin_starts_with_all_of_it_left(coordinator_client, organisation):
    neighbourhood = NeighbourhoodFactory()
    response = coordinator_client.post(
        reverse("admin:initiatives_offer_add"),
        {
            "organisation": organisation.pk,
            "kind": "goods",
            "title": "Tafels en stoelen",
            "description": "Twintig klapstoelen en vier tafels.",
            "neighbourhood": neighbourhood.pk,
            "address": "",
            "available_from": timezone.localdate().isoformat(),
            "quantity": 24,
            "delivery": "pick_up",
            "bookings-TOTAL_FORMS": 0,
            "bookings-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer = Offer.objects.get()
    assert (offer.quantity, offer.remaining, offer.status) == (24, 24, Offer.Status.OPEN)


def test_offer_list_filters_and_close_and_reopen(coordinator_client):
    room, goods = OfferFactory(), OfferFactory(kind="goods", quantity=5)
    url = reverse("admin:initiatives_offer_changelist")
    assert list(
        coordinator_client.get(url, {"kind__exact": "goods"}).context["cl"].result_list
    ) == [goods]
    coordinator_client.post(url, {"action": "close_offers", ACTION_CHECKBOX_NAME: [room.pk]})
    room.refresh_from_db()
    assert room.status == Offer.Status.CLOSED
    coordinator_client.post(url, {"action": "reopen_offers", ACTION_CHECKBOX_NAME: [room.pk]})
    room.refresh_from_db()
    assert room.status == Offer.Status.OPEN


def test_an_offers_bookings_are_shown_read_only(coordinator_client, org_admin):
    initiative = InitiativeFactory(approved=True)
    offer = _agreed_room(initiative, org_admin)
    page = coordinator_client.get(reverse("admin:initiatives_offer_change", args=[offer.pk]))
    assert initiative.title in page.content.decode()
    assert 'name="bookings-0-date"' not in page.content.decode()


# --- Pairings ---------------------------------------------------------------------------------


def _act(client, action, *matches):
    return client.post(
        reverse("admin:matching_supportmatch_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [match.pk for match in matches]},
        follow=True,
    )


def test_the_pairings_list_says_what_each_is_for_and_why(coordinator_client):
    match = SupportMatchFactory()
    page = coordinator_client.get(reverse("admin:matching_supportmatch_changelist"))
    text = page.content.decode()
    assert match.need.initiative.title in text
    assert "same neighbourhood" in text
    assert match.offer.title in text


def test_both_yeses_from_the_admin_agree_and_book_the_room(coordinator_client, coordinator):
    match = SupportMatchFactory()
    first = _act(coordinator_client, "say_yes_need_side", match)
    assert any("Yes said" in message for message in _messages(first))
    match.refresh_from_db()
    assert (match.status, match.need_side_by) == (SupportMatch.Status.OPEN, coordinator)
    second = _act(coordinator_client, "say_yes_offer_side", match)
    assert any("agreed by both sides" in message for message in _messages(second))
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.AGREED
    booking = RoomBooking.objects.get(offer=match.offer)
    assert (booking.date, booking.initiative) == (match.date, match.need.initiative)
    assert match.booking == booking
    page = coordinator_client.get(reverse("admin:matching_supportmatch_changelist")).content
    assert coordinator.name in page.decode()  # who said yes


def test_decline_and_what_cannot_be_answered_is_said(coordinator_client):
    match = SupportMatchFactory()
    response = _act(coordinator_client, "decline", match)
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.DECLINED
    assert any("declined" in message for message in _messages(response))
    again = _act(coordinator_client, "say_yes_need_side", match)
    assert any("already" in message for message in _messages(again))
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.DECLINED


def test_the_pairing_page_answers_for_one_pairing(coordinator_client):
    match = SupportMatchFactory()
    url = reverse("admin:matching_supportmatch_change", args=[match.pk])
    page = coordinator_client.get(url).content.decode()
    assert 'value="say_yes_need_side"' in page and 'value="decline"' in page
    assert reverse("admin:initiatives_initiative_change", args=[match.need.initiative_id]) in page
    coordinator_client.post(
        reverse("admin:matching_supportmatch_changelist"),
        {"action": "say_yes_offer_side", "index": 0, ACTION_CHECKBOX_NAME: match.pk},
    )
    match.refresh_from_db()
    assert match.offer_side_at is not None


def test_pairings_cannot_be_added_or_deleted_in_the_admin(coordinator_client):
    match = SupportMatchFactory()
    assert coordinator_client.get(reverse("admin:matching_supportmatch_add")).status_code == 403
    delete = reverse("admin:matching_supportmatch_delete", args=[match.pk])
    assert coordinator_client.get(delete).status_code == 403


def test_the_initiative_page_lists_its_pairings(coordinator_client):
    match = SupportMatchFactory()
    page = coordinator_client.get(
        reverse("admin:initiatives_initiative_change", args=[match.need.initiative_id])
    ).content.decode()
    assert reverse("admin:matching_supportmatch_change", args=[match.pk]) in page


# --- A newcomer's request for goods -----------------------------------------------------------


def test_goods_request_paired_from_the_admin(coordinator_client, coordinator, org_admin):
    neighbourhood = NeighbourhoodFactory()
    request = HelpRequestFactory(
        kind=HelpRequest.Kind.GOODS,
        description="Een bed en een tafel voor een nieuw huis.",
        neighbourhood=neighbourhood,
        opened=True,
    )
    offer = OfferFactory(
        organisation=org_admin.organisations.first(),
        kind="goods",
        title="Meubels uit de kringloop",
        quantity=10,
        delivery="delivered",
        neighbourhood=neighbourhood,
    )
    change = reverse("admin:matching_helprequest_change", args=[request.pk])
    page = coordinator_client.get(change).content.decode()
    url = reverse("admin:matching_helprequest_goods_offers", args=[request.pk])
    assert f'action="{url}"' in page
    response = coordinator_client.post(url, follow=True)
    assert any("1 goods offer suggested" in message for message in _messages(response))
    match = SupportMatch.objects.get(help_request=request)
    assert match.offer == offer
    assert "Meubels uit de kringloop" in response.content.decode()  # the inline
    again = coordinator_client.post(url, follow=True)
    assert any("No new goods offers" in message for message in _messages(again))
    # The coordinator answers for the request; the organisation's yes agrees it.
    _act(coordinator_client, "say_yes_need_side", match)
    support.support_accept(match=match, side="offer", by=org_admin)
    match.refresh_from_db()
    request.refresh_from_db()
    offer.refresh_from_db()
    assert match.status == SupportMatch.Status.AGREED
    assert request.status == HelpRequest.Status.MATCHED
    assert offer.remaining == 9


def test_other_requests_have_no_goods_offers(coordinator_client):
    request = HelpRequestFactory(opened=True)  # language practice
    page = coordinator_client.get(
        reverse("admin:matching_helprequest_change", args=[request.pk])
    ).content.decode()
    url = reverse("admin:matching_helprequest_goods_offers", args=[request.pk])
    assert url not in page
    response = coordinator_client.post(url, follow=True)
    assert any("Only a request for goods" in message for message in _messages(response))
    assert not SupportMatch.objects.exists()


def test_a_goods_request_not_open_is_not_paired(coordinator_client):
    request = HelpRequestFactory(kind=HelpRequest.Kind.GOODS, in_intake=True)
    OfferFactory(kind="goods", quantity=3, neighbourhood=request.neighbourhood)
    response = coordinator_client.post(
        reverse("admin:matching_helprequest_goods_offers", args=[request.pk]), follow=True
    )
    assert any("open for matching" in message for message in _messages(response))
    assert not SupportMatch.objects.exists()


# --- From outside -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "resident", "org_admin"])
def test_nobody_but_coordinators_reaches_the_new_admin_pages(client, request, who):
    initiative = InitiativeFactory()
    approved = InitiativeFactory(approved=True)
    match = SupportMatchFactory()
    goods = HelpRequestFactory(kind=HelpRequest.Kind.GOODS, opened=True)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    posts = [
        (reverse("admin:initiatives_initiative_review", args=[initiative.pk]), {"step": "approve"}),
        (
            reverse("admin:initiatives_initiative_make_activity", args=[approved.pk]),
            {"kind": "meeting", "address": "x", "start_time": "18:00", "end_time": "20:00"},
        ),
        (reverse("admin:matching_helprequest_goods_offers", args=[goods.pk]), {}),
        (
            reverse("admin:matching_supportmatch_changelist"),
            {"action": "say_yes_need_side", ACTION_CHECKBOX_NAME: [match.pk]},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        if who == "anonymous":
            assert response.status_code == 302 and "/login/" in response["Location"], url
        else:
            assert response.status_code == 404, url
    initiative.refresh_from_db()
    match.refresh_from_db()
    assert initiative.status == Initiative.Status.SUBMITTED
    assert not Activity.objects.exists()
    assert match.need_side_at is None
    assert not SupportMatch.objects.filter(help_request=goods).exists()


def test_a_coordinators_change_to_an_approved_initiative_brings_the_pairings_up_to_date(
    coordinator_client,
):
    initiative = InitiativeFactory(approved=True)
    offer = OfferFactory(neighbourhood=initiative.neighbourhood)  # no signal from factories
    assert not SupportMatch.objects.exists()
    new_date = initiative.date + timedelta(days=1)
    url = reverse("admin:initiatives_initiative_change", args=[initiative.pk])
    data = {
        "title": initiative.title,
        "description": initiative.description,
        "audience": initiative.audience,
        "neighbourhood": initiative.neighbourhood_id,
        "place": "",
        "date": new_date.isoformat(),
        "start_time": "",
        "end_time": "",
        "participants": initiative.participants,
        "needs-TOTAL_FORMS": 1,
        "needs-INITIAL_FORMS": 1,
        "needs-0-id": initiative.needs.get().pk,
        "needs-0-initiative": initiative.pk,
        "messages-TOTAL_FORMS": 0,
        "messages-INITIAL_FORMS": 0,
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    initiative.refresh_from_db()
    assert initiative.date == new_date
    match = SupportMatch.objects.get()
    assert (match.offer, match.date) == (offer, new_date)
