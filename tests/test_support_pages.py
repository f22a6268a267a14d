"""Demand meets supply (issue 15), from the outside: the proposer's form, an organisation's
offer form, the public lists and their query counts, and the answers on the pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from initiatives.models import Initiative, InitiativeNeed, Offer, RoomBooking
from matching.models import SupportMatch
from mpact.factories import (
    InitiativeFactory,
    NeighbourhoodFactory,
    OfferFactory,
    OrganisationFactory,
    SupportMatchFactory,
)

pytestmark = pytest.mark.django_db

CREATE = reverse("initiatives:initiative_create")


def _initiative_form(where, **changes):
    data = {
        "title": "Wandelgroep voor nieuwkomers",
        "description": "Elke zaterdag samen wandelen door het Volkspark.",
        "audience": "Nieuwkomers en buren",
        "neighbourhood": where.pk,
        "place": "",
        "date": (timezone.localdate() + timedelta(days=20)).isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "participants": "15",
        "need_room": "on",
        "details_room": "Een plek om na afloop koffie te drinken",
        "need_money": "on",
        "amount_money": "120",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- The proposer's form ----------------------------------------------------------------------


def test_a_resident_proposes_an_initiative_with_what_it_needs(client, resident, coordinator):
    client.force_login(resident)
    neighbourhood = NeighbourhoodFactory()
    response = client.post(CREATE, _initiative_form(neighbourhood))
    initiative = Initiative.objects.get()
    assert response.status_code == 302 and response["Location"] == initiative.get_absolute_url()
    assert initiative.status == Initiative.Status.SUBMITTED and initiative.proposer == resident
    needs = {need.kind: need for need in initiative.needs.all()}
    assert set(needs) == {"room", "money"}
    assert needs["money"].amount == 120 and needs["room"].amount is None
    assert needs["room"].details == "Een plek om na afloop koffie te drinken"
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Wandelgroep voor nieuwkomers" in page
    # Not public until a coordinator approves it.
    client.logout()
    assert client.get(initiative.get_absolute_url()).status_code == 404
    assert client.get(reverse("initiatives:initiative_list")).context["page"].paginator.count == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": ""}, "title"),
        ({"need_room": None, "need_money": None, "details_room": "", "amount_money": ""}, None),
        ({"amount_money": ""}, "amount_money"),
        ({"date": "2020-01-01"}, "date"),
        ({"end_time": "09:00"}, "end_time"),
        ({"need_money": None}, "need_money"),  # an amount without the tick
        ({"participants": "0"}, "participants"),
        ({"neighbourhood": "999999"}, "neighbourhood"),
    ],
)
def test_bad_input_on_the_initiative_form_saves_nothing_and_keeps_what_was_typed(
    client, resident, changes, field
):
    client.force_login(resident)
    data = _initiative_form(NeighbourhoodFactory(), **changes)
    response = client.post(CREATE, data)
    assert response.status_code == 400
    form = response.context["form"]
    if field:
        assert form.errors[field]
    else:
        assert form.non_field_errors()
    assert not Initiative.objects.exists() and not InitiativeNeed.objects.exists()
    page = response.content.decode()
    assert "error-summary" in page
    if data.get("title"):
        assert 'value="Wandelgroep voor nieuwkomers"' in page
    assert "Elke zaterdag samen wandelen door het Volkspark." in page


def test_the_proposer_changes_their_initiative_after_changes_were_asked(client, resident):
    initiative = InitiativeFactory(proposer=resident, status=Initiative.Status.CHANGES_REQUESTED)
    client.force_login(resident)
    url = reverse("initiatives:initiative_edit", args=[initiative.pk])
    form = client.get(url).context["form"]
    assert form["need_room"].value() is True
    response = client.post(url, _initiative_form(initiative.neighbourhood, title="Nieuwe titel"))
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title == "Nieuwe titel"
    assert initiative.status == Initiative.Status.SUBMITTED  # back for review
    assert set(initiative.needs.values_list("kind", flat=True)) == {"room", "money"}


def test_an_approved_initiative_can_no_longer_be_changed_by_its_proposer(client, resident):
    initiative = InitiativeFactory(proposer=resident, approved=True)
    client.force_login(resident)
    url = reverse("initiatives:initiative_edit", args=[initiative.pk])
    response = client.post(url, _initiative_form(initiative.neighbourhood, title="Anders"))
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.title != "Anders"


def test_the_proposer_writes_to_the_coordinators_and_withdraws(client, resident, coordinator):
    initiative = InitiativeFactory(proposer=resident, approved=True)
    client.force_login(resident)
    client.post(
        reverse("initiatives:initiative_message", args=[initiative.pk]), {"body": "Een vraag"}
    )
    assert initiative.messages.get().body == "Een vraag"
    assert coordinator.notifications.filter(kind="initiative_submitted").exists()
    client.post(reverse("initiatives:initiative_message", args=[initiative.pk]), {"body": " "})
    assert initiative.messages.count() == 1
    client.post(reverse("initiatives:initiative_withdraw", args=[initiative.pk]))
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.WITHDRAWN


def test_someone_else_cannot_write_about_or_withdraw_an_initiative(client, resident):
    initiative = InitiativeFactory(approved=True)
    client.force_login(resident)
    url = reverse("initiatives:initiative_withdraw", args=[initiative.pk])
    assert client.post(url).status_code == 404
    message = reverse("initiatives:initiative_message", args=[initiative.pk])
    assert client.post(message, {"body": "x"}).status_code == 404
    initiative.refresh_from_db()
    assert initiative.status == Initiative.Status.APPROVED and not initiative.messages.exists()


# --- An organisation's offer form ------------------------------------------------------------


def _offer_form(neighbourhood, **changes):
    data = {
        "kind": "goods",
        "title": "Kinderkleding en speelgoed",
        "description": "Uit onze kledingbank: schone, hele kleding.",
        "neighbourhood": neighbourhood.pk,
        "address": "",
        "available_from": timezone.localdate().isoformat(),
        "available_until": "",
        "capacity": "",
        "quantity": "40",
        "max_amount": "",
        "delivery": "either",
        "conditions": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_an_organisation_posts_goods_and_a_room(client, org_admin, organisation):
    client.force_login(org_admin)
    url = reverse("initiatives:manage_offer_create", args=[organisation.slug])
    neighbourhood = NeighbourhoodFactory()
    assert client.post(url, _offer_form(neighbourhood)).status_code == 302
    goods = Offer.objects.get()
    assert goods.quantity == goods.remaining == 40 and goods.organisation == organisation
    room = _offer_form(
        neighbourhood,
        kind="room",
        title="Zaal",
        capacity="30",
        quantity="",
        delivery="",
        weekdays=["5", "6"],
    )
    room["accessible"] = "on"
    assert client.post(url, room).status_code == 302
    room = Offer.objects.get(kind="room")
    assert room.capacity == 30 and room.remaining is None and room.weekdays == 0b1100000
    assert room.accessible
    page = client.get(reverse("matching:manage_offers", args=[organisation.slug])).content.decode()
    assert "Kinderkleding en speelgoed" in page and "Zaal" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "room", "capacity": ""}, "capacity"),
        ({"quantity": ""}, "quantity"),
        ({"delivery": ""}, "delivery"),
        ({"kind": "money", "quantity": "100", "max_amount": "500", "delivery": ""}, "max_amount"),
        ({"available_until": "2020-01-01"}, "available_until"),
        ({"kind": "nonsense"}, "kind"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_input_on_the_offer_form_saves_nothing_and_keeps_what_was_typed(
    client, org_admin, organisation, changes, field
):
    client.force_login(org_admin)
    url = reverse("initiatives:manage_offer_create", args=[organisation.slug])
    response = client.post(url, _offer_form(NeighbourhoodFactory(), **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Offer.objects.exists()
    assert "Uit onze kledingbank: schone, hele kleding." in response.content.decode()


def test_stopping_an_offer_takes_it_off_the_list_and_ends_its_open_pairings(
    client, org_admin, organisation
):
    match = SupportMatchFactory(offer=OfferFactory(organisation=organisation))
    client.force_login(org_admin)
    url = reverse("initiatives:manage_offer_status", args=[organisation.slug, match.offer.pk])
    client.post(url, {"status": "closed"})
    assert not Offer.objects.offered().exists()
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.EXPIRED
    client.post(url, {"status": "nonsense"})
    assert Offer.objects.get().status == Offer.Status.CLOSED


# --- Answers on the pages ---------------------------------------------------------------------


def test_both_sides_say_yes_on_their_pages_and_the_room_is_booked(
    client, resident, org_admin, organisation
):
    offer = OfferFactory(organisation=organisation)
    initiative = InitiativeFactory(
        proposer=resident, approved=True, neighbourhood=offer.neighbourhood
    )
    match = SupportMatchFactory(offer=offer, need=initiative.needs.get())
    client.force_login(resident)
    page = client.get(initiative.get_absolute_url()).content.decode()
    assert reverse("matching:support_accept", args=[match.pk]) in page
    client.post(reverse("matching:support_accept", args=[match.pk]), {"side": "need"})
    client.force_login(org_admin)
    page = client.get(reverse("matching:manage_offers", args=[organisation.slug])).content.decode()
    assert initiative.title in page
    response = client.post(reverse("matching:support_accept", args=[match.pk]), {"side": "offer"})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.AGREED
    assert RoomBooking.objects.get().date == initiative.date
    # The room is no longer offered for that date, and the need is met.
    listed = client.get(reverse("initiatives:offer_list"), {"free_on": initiative.date.isoformat()})
    assert offer not in listed.context["page"].object_list
    assert initiative.needs.get().is_met


def test_a_stranger_cannot_answer_a_pairing(client, resident):
    match = SupportMatchFactory()
    client.force_login(resident)
    for name in ("matching:support_accept", "matching:support_decline"):
        assert client.post(reverse(name, args=[match.pk]), {"side": "offer"}).status_code == 404
    match.refresh_from_db()
    assert match.status == SupportMatch.Status.OPEN and match.offer_side_at is None


def test_the_proposer_asks_for_an_offer_and_a_member_offers_one(
    client, resident, org_admin, organisation
):
    offer = OfferFactory(organisation=organisation)
    mine = InitiativeFactory(proposer=resident, approved=True, neighbourhood=offer.neighbourhood)
    client.force_login(resident)
    page = client.get(offer.get_absolute_url()).content.decode()
    assert reverse("matching:support_ask", args=[offer.pk]) in page
    client.post(reverse("matching:support_ask", args=[offer.pk]), {"initiative": mine.pk})
    asked = SupportMatch.objects.get()
    assert asked.need_side_by == resident and asked.source == "need_side"
    assert org_admin.notifications.filter(kind="support_asked").exists()
    # Someone else's initiative cannot be chosen.
    other = InitiativeFactory(approved=True, neighbourhood=offer.neighbourhood)
    client.post(reverse("matching:support_ask", args=[offer.pk]), {"initiative": other.pk})
    assert SupportMatch.objects.count() == 1
    client.force_login(org_admin)
    client.post(reverse("matching:support_offer", args=[other.pk]), {"offer": offer.pk})
    offered = SupportMatch.objects.get(need__initiative=other)
    assert offered.offer_side_by == org_admin and offered.source == "offer_side"
    assert other.proposer.notifications.filter(kind="support_asked").exists()
    # An offer of another organisation cannot be offered.
    foreign = OfferFactory(organisation=OrganisationFactory(), neighbourhood=offer.neighbourhood)
    third = InitiativeFactory(approved=True, neighbourhood=offer.neighbourhood)
    client.post(reverse("matching:support_offer", args=[third.pk]), {"offer": foreign.pk})
    assert not SupportMatch.objects.filter(need__initiative=third).exists()


# --- The public lists -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 50])
def test_initiative_list_costs_the_same_queries_for_1_and_50(
    client, django_assert_num_queries, count
):
    neighbourhood = NeighbourhoodFactory()
    for _ in range(count):
        InitiativeFactory(
            approved=True, needs=[("room", None), ("money", 100)], neighbourhood=neighbourhood
        )
    # The paginator's count, the page, its open needs, the neighbourhood choices.
    with django_assert_num_queries(4):
        response = client.get(reverse("initiatives:initiative_list"), {"kind": "money"})
    assert len(response.context["page"].object_list) == min(count, 20)
    assert response.context["page"].paginator.count == count


@pytest.mark.parametrize("count", [1, 50])
def test_offer_list_costs_the_same_queries_for_1_and_50(client, django_assert_num_queries, count):
    neighbourhood = NeighbourhoodFactory()
    for _ in range(count):
        OfferFactory(neighbourhood=neighbourhood)
    # The paginator's count, the page with organisation and neighbourhood, the choices.
    with django_assert_num_queries(3):
        response = client.get(
            reverse("initiatives:offer_list"),
            {"kind": "room", "free_on": (timezone.localdate() + timedelta(days=3)).isoformat()},
        )
    assert len(response.context["page"].object_list) == min(count, 20)


def test_lists_show_only_what_is_public_and_open(client):
    neighbourhood = NeighbourhoodFactory()
    shown = InitiativeFactory(approved=True, neighbourhood=neighbourhood)
    InitiativeFactory(neighbourhood=neighbourhood)  # waiting for review
    InitiativeFactory(status=Initiative.Status.DECLINED, neighbourhood=neighbourhood)
    InitiativeFactory(approved=True, date=timezone.localdate() - timedelta(days=1))
    met = InitiativeFactory(approved=True, neighbourhood=neighbourhood)
    met.needs.update(met_at=timezone.now())
    listed = client.get(reverse("initiatives:initiative_list")).context["page"].object_list
    assert list(listed) == [shown]
    offer = OfferFactory()
    OfferFactory(status=Offer.Status.CLOSED)
    OfferFactory(organisation=OrganisationFactory(approved_at=None))
    OfferFactory(kind="goods", quantity=5, remaining=0)
    OfferFactory(
        available_until=timezone.localdate() - timedelta(days=1),
        available_from=timezone.localdate() - timedelta(days=9),
    )
    listed = client.get(reverse("initiatives:offer_list")).context["page"].object_list
    assert list(listed) == [offer]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    query=st.dictionaries(
        st.sampled_from(["q", "kind", "neighbourhood", "free_on", "page", "x"]),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_query_string_gives_a_page_not_an_error(client, query):
    for name in ("initiatives:initiative_list", "initiatives:offer_list"):
        response = client.get(reverse(name), query)
        assert response.status_code == 200


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request may fill caches (the site, the language)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_an_organisations_offers_page_costs_the_same_queries_for_1_and_50(
    client, org_admin, organisation
):
    neighbourhood = NeighbourhoodFactory()
    room = OfferFactory(organisation=organisation, neighbourhood=neighbourhood)

    def add(count):
        for _ in range(count):
            OfferFactory(
                organisation=organisation, neighbourhood=neighbourhood, kind="goods", quantity=10
            )
            SupportMatchFactory(offer=room)

    client.force_login(org_admin)
    url = reverse("matching:manage_offers", args=[organisation.slug])
    add(1)
    one, response = _queries(client, url)
    assert len(response.context["matches"]) == 1
    add(49)
    fifty, response = _queries(client, url)
    assert len(response.context["matches"]) == 50
    assert one == fifty <= 9


def test_the_proposers_pages_cost_the_same_queries_for_1_and_50_offers(client, resident):
    initiative = InitiativeFactory(proposer=resident, approved=True)

    def add(count):
        for _ in range(count):
            SupportMatchFactory(
                offer=OfferFactory(neighbourhood=initiative.neighbourhood),
                need=initiative.needs.get(),
            )
            InitiativeFactory(proposer=resident)

    client.force_login(resident)
    add(1)
    one, response = _queries(client, initiative.get_absolute_url())
    mine_one, _response = _queries(client, reverse("matching:my_initiatives"))
    add(49)
    fifty, response = _queries(client, initiative.get_absolute_url())
    mine_fifty, _response = _queries(client, reverse("matching:my_initiatives"))
    assert len(response.context["matches"]) == 50
    assert one == fifty <= 14
    assert mine_one == mine_fifty <= 8
