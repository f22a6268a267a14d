"""Journeys 2 and 3: volunteer profiles, opportunities, responses and hours, and an
organisation's own pages, through the views (the browser suite drives the same in Chromium)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import (
    HoursEntry,
    Invitation,
    Membership,
    Opportunity,
    Organisation,
    Response,
    SignUp,
)
from matching.models import MatchSuggestion
from mpact.core.models import availability_bit
from mpact.factories import (
    HelpRequestFactory,
    HoursEntryFactory,
    LanguageFactory,
    MembershipFactory,
    NeighbourhoodFactory,
    OpportunityFactory,
    OrganisationFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    SkillFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.notifications.models import Notification
from volunteers.models import VolunteerProfile

pytestmark = pytest.mark.django_db
OPPORTUNITIES = reverse("initiatives:opportunity_list")


def titles(response):
    return [row.title for row in response.context["page"].object_list]


# --- Volunteer profile ----------------------------------------------------------------------


def profile_data(**overrides):
    hood = NeighbourhoodFactory(name="Roombeek")
    dutch = LanguageFactory()
    data = {
        "display_name": "Ahmad",
        "bio": "Ik kook graag.",
        "neighbourhood": hood.pk,
        "postal_code": "7511 AB",
        "skills": [SkillFactory(slug="koken").pk],
        "other_skills": "fietsen repareren",
        "availability": [availability_bit(1, 2), availability_bit(5, 0)],
        "hours_per_week": 4,
        "buddy_capacity": 1,
        "max_distance_km": 5,
        "prefers_adults": "on",
        "is_visible": "on",
        "privacy_consent": "on",
        "languages-TOTAL_FORMS": 2,
        "languages-INITIAL_FORMS": 0,
        "languages-MIN_NUM_FORMS": 0,
        "languages-MAX_NUM_FORMS": 12,
        "languages-0-language": dutch.pk,
        "languages-0-level": "B2",
        "languages-1-language": "",
        "languages-1-level": "",
    }
    data.update(overrides)
    return data


def test_volunteer_fills_in_a_profile(resident_client, resident):
    response = resident_client.post(reverse("volunteers:profile_edit"), profile_data())
    assert response.status_code == 302, response.context["form"].errors
    profile = VolunteerProfile.objects.get(user=resident)
    assert profile.has_slot(1, 2) and profile.has_slot(5, 0) and not profile.has_slot(0, 0)
    assert [(lang.language.code, lang.level) for lang in profile.languages.all()] == [("nl", "B2")]
    assert profile.privacy_consent_version == "2026-11"
    assert profile.privacy_consent_at is not None
    # The form shows what was saved.
    page = resident_client.get(reverse("volunteers:profile_edit")).content.decode()
    assert f'value="{availability_bit(1, 2)}"' in page and "checked" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"display_name": ""}, "display_name"),
        ({"privacy_consent": ""}, "privacy_consent"),
        ({"postal_code": "75110"}, "postal_code"),
        ({"has_vog": "on"}, "vog_date"),
        ({"has_vog": "on", "vog_date": "2999-01-01"}, "vog_date"),
        ({"hours_per_week": -1}, "hours_per_week"),
        ({"paused_until": "2020-01-01"}, "paused_until"),
        ({"availability": ["99999999"]}, "availability"),
    ],
)
def test_bad_profile_input_keeps_what_was_typed_and_saves_nothing(
    resident_client, overrides, field
):
    data = profile_data(**overrides)
    response = resident_client.post(reverse("volunteers:profile_edit"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'value="fietsen repareren"' in response.content.decode()
    assert not VolunteerProfile.objects.exists()


def test_a_language_level_that_does_not_exist_is_refused(resident_client):
    response = resident_client.post(
        reverse("volunteers:profile_edit"), profile_data(**{"languages-0-level": "D7"})
    )
    assert response.status_code == 400
    assert response.context["languages"].errors[0]["level"]
    assert not VolunteerProfile.objects.exists()


def test_hidden_profiles_show_only_to_their_owner(client):
    hidden = VolunteerProfileFactory(is_visible=False, bio="Geheim")
    client.force_login(UserFactory())
    assert client.get(hidden.get_absolute_url()).status_code == 404
    client.force_login(hidden.user)
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_a_hidden_profile_shows_to_organisations_the_volunteer_responded_to(
    client, organisation, org_member
):
    hidden = VolunteerProfileFactory(is_visible=False)
    client.force_login(org_member)
    assert client.get(hidden.get_absolute_url()).status_code == 404
    ResponseFactory(
        opportunity=OpportunityFactory(organisation=organisation), volunteer=hidden.user
    )
    assert client.get(hidden.get_absolute_url()).status_code == 200


def test_public_profile_never_shows_e_mail_or_postal_code(client):
    profile = VolunteerProfileFactory(postal_code="7511 AB", bio="Hallo")
    client.force_login(UserFactory())
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Hallo" in page
    assert profile.user.email not in page and "7511" not in page


# --- Opportunity list -----------------------------------------------------------------------


def test_opportunity_list_shows_only_published_work_of_approved_organisations(client):
    shown = OpportunityFactory()
    OpportunityFactory(status=Opportunity.Status.DRAFT)
    OpportunityFactory(status=Opportunity.Status.CLOSED)
    OpportunityFactory(organisation=OrganisationFactory(approved_at=None))
    assert titles(client.get(OPPORTUNITIES)) == [shown.title]


def test_opportunity_filters(client):
    arabic = LanguageFactory(code="ar", name_nl="Arabisch", name_en="Arabic")
    cooking = SkillFactory(slug="koken")
    hood = NeighbourhoodFactory(name="Velve")
    match = OpportunityFactory(
        skills=[cooking],
        languages=[arabic],
        neighbourhood=hood,
        min_dutch_level="A2",
        open_to_newcomers=True,
        needs_vog=False,
    )
    OpportunityFactory(skills=[cooking], languages=[arabic], neighbourhood=hood, needs_vog=True)
    OpportunityFactory(
        skills=[cooking], languages=[arabic], neighbourhood=hood, min_dutch_level="C1"
    )
    OpportunityFactory(languages=[arabic], neighbourhood=hood)
    remote = OpportunityFactory(skills=[cooking], languages=[arabic], is_remote=True)

    result = titles(
        client.get(
            OPPORTUNITIES,
            {
                "skill": "koken",
                "language": "ar",
                "dutch": "B1",
                "neighbourhood": hood.pk,
                "newcomers": "on",
                "no_vog": "on",
            },
        )
    )
    assert set(result) == {match.title, remote.title}
    assert titles(client.get(OPPORTUNITIES, {"commitment": "one_off"})) == []


def test_opportunity_search_ranks_and_the_url_is_shareable(client):
    in_title = OpportunityFactory(title="Kookvrijwilliger", description="Buurtmaaltijd.")
    in_text = OpportunityFactory(title="Gastheer", description="Soms help je met de kookploeg.")
    OpportunityFactory(title="Chauffeur", description="Rijden met ouderen.")
    response = client.get(OPPORTUNITIES, {"q": "kook"})
    if response.context["page"].paginator.count == 0:  # PostgreSQL stems whole words only
        response = client.get(OPPORTUNITIES, {"q": "kookvrijwilliger"})
        assert titles(response) == [in_title.title]
    else:
        assert titles(response) == [in_title.title, in_text.title]


@pytest.mark.parametrize("count", [1, 50])
def test_opportunity_list_queries_do_not_grow(client, django_assert_num_queries, count):
    skill, language = SkillFactory(), LanguageFactory()
    for _ in range(count):
        OpportunityFactory(skills=[skill], languages=[language])
    # count, page (with organisation and neighbourhood), skills and languages (prefetch), and
    # the filter form's skill, language and neighbourhood choices.
    with django_assert_num_queries(7):
        response = client.get(OPPORTUNITIES, {"commitment": "weekly"})
    assert len(response.context["page"].object_list) == min(count, 20)


# --- Responding -----------------------------------------------------------------------------


def respond(client, opportunity, message="Ik wil graag helpen."):
    return client.post(opportunity.get_absolute_url(), {"message": message})


def test_volunteer_responds_and_the_organisation_is_told(client, organisation, org_member):
    opportunity = OpportunityFactory(organisation=organisation)
    volunteer = VolunteerProfileFactory().user
    client.force_login(volunteer)
    response = respond(client, opportunity)
    assert response.status_code == 302
    assert Response.objects.get().volunteer == volunteer
    told = Notification.objects.get(kind="response_received")
    assert told.user == org_member


@pytest.mark.parametrize(
    ("setup", "code"),
    [
        (
            lambda o: ResponseFactory(opportunity=o["opportunity"], volunteer=o["volunteer"]),
            "duplicate",
        ),
        (
            lambda o: Opportunity.objects.filter(pk=o["opportunity"].pk).update(status="closed"),
            "not_open",
        ),
        (
            lambda o: Opportunity.objects.filter(pk=o["opportunity"].pk).update(status="filled"),
            "not_open",
        ),
    ],
)
def test_refused_responses_say_why_and_change_nothing(setup, code):
    opportunity = OpportunityFactory()
    volunteer = VolunteerProfileFactory().user
    setup({"opportunity": opportunity, "volunteer": volunteer})
    before = Response.objects.count()
    opportunity.refresh_from_db()
    with pytest.raises(services.ResponseError) as error:
        services.response_create(opportunity=opportunity, volunteer=volunteer, message="Hoi")
    assert error.value.code == code
    assert Response.objects.count() == before


def test_a_draft_of_an_unapproved_organisation_refuses_responses(client):
    organisation = OrganisationFactory(approved_at=None)
    draft = OpportunityFactory(organisation=organisation, status=Opportunity.Status.DRAFT)
    with pytest.raises(services.ResponseError):
        services.response_create(
            opportunity=draft, volunteer=VolunteerProfileFactory().user, message="Hoi"
        )
    # From outside, the page does not even exist.
    client.force_login(VolunteerProfileFactory().user)
    assert respond(client, draft).status_code == 404
    assert not Response.objects.exists()


def test_responding_needs_a_profile_and_a_message(client):
    opportunity = OpportunityFactory()
    client.force_login(UserFactory())
    response = respond(client, opportunity)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    client.force_login(VolunteerProfileFactory().user)
    response = respond(client, opportunity, message="   ")
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_accepting_the_last_place_fills_the_opportunity_and_tells_the_volunteer(
    client, organisation, org_member
):
    opportunity = OpportunityFactory(organisation=organisation, places=1)
    first, second = (
        ResponseFactory(opportunity=opportunity),
        ResponseFactory(opportunity=opportunity),
    )
    client.force_login(org_member)
    url = lambda r: reverse("initiatives:manage_response_decide", args=[organisation.slug, r.pk])  # noqa: E731
    client.post(url(first), {"decision": "accept", "reply": "Welkom!"})
    first.refresh_from_db()
    opportunity.refresh_from_db()
    assert first.status == Response.Status.ACCEPTED and first.decided_by == org_member
    assert opportunity.status == Opportunity.Status.FILLED
    told = Notification.objects.get(kind="response_accepted")
    assert told.user == first.volunteer and "Welkom!" in told.body
    # No place left: a second accept is refused, a decline works.
    client.post(url(second), {"decision": "accept"})
    second.refresh_from_db()
    assert second.status == Response.Status.PENDING
    client.post(url(second), {"decision": "decline"})
    second.refresh_from_db()
    assert second.status == Response.Status.DECLINED
    assert Notification.objects.filter(kind="response_declined", user=second.volunteer).exists()


@pytest.mark.parametrize("count", [1, 50])
def test_response_list_queries_do_not_grow(
    client, organisation, org_member, django_assert_num_queries, count
):
    opportunity = OpportunityFactory(organisation=organisation, places=60)
    for _ in range(count):
        ResponseFactory(opportunity=opportunity)
    client.force_login(org_member)
    # session, the user with the unread count in the header, membership with organisation,
    # responses with opportunity, volunteer, profile and neighbourhood.
    with django_assert_num_queries(4):
        response = client.get(reverse("initiatives:manage_responses", args=[organisation.slug]))
    assert len(response.context["responses"]) == count


# --- Hours ----------------------------------------------------------------------------------


def accepted_volunteer(opportunity):
    response = ResponseFactory(opportunity=opportunity, status=Response.Status.ACCEPTED)
    return response.volunteer


def test_log_hours_confirm_and_download(client, organisation, org_member):
    opportunity = OpportunityFactory(organisation=organisation)
    volunteer = accepted_volunteer(opportunity)
    client.force_login(volunteer)
    response = client.post(
        reverse("volunteers:hours_create"),
        {
            "subject": f"o{opportunity.pk}",
            "date": timezone.localdate().isoformat(),
            "hours": "2.5",
            "note": "Taalles",
        },
    )
    assert response.status_code == 302
    entry = HoursEntry.objects.get()
    assert (entry.organisation, entry.hours, entry.status) == (
        organisation,
        Decimal("2.50"),
        "pending",
    )

    client.force_login(org_member)
    client.post(
        reverse("initiatives:manage_hours_decide", args=[organisation.slug, entry.pk]),
        {"decision": "confirm"},
    )
    entry.refresh_from_db()
    assert entry.status == HoursEntry.Status.CONFIRMED and entry.decided_by == org_member

    client.force_login(volunteer)
    page = client.get(reverse("volunteer_dashboard"))
    assert page.context["monthly"][0]["confirmed"] == Decimal("2.50")
    csv_text = client.get(reverse("volunteers:hours_download")).content.decode("utf-8-sig")
    assert "2.50" in csv_text and "Taalles" in csv_text


def test_hours_for_an_activity_taken_part_in():
    session = SessionFactory(starts_at=timezone.now() + timedelta(days=1))
    volunteer = UserFactory()
    SignUpFactory(session=session, email=volunteer.email)
    from initiatives import services as initiative_services

    with pytest.raises(initiative_services.HoursError):  # it has not started yet
        initiative_services.hours_log(
            volunteer=volunteer,
            activity=session.activity,
            date=timezone.localdate(),
            hours=Decimal(2),
        )
    session.starts_at = timezone.now() - timedelta(hours=3)
    session.ends_at = timezone.now() - timedelta(hours=1)
    session.save()
    entry = initiative_services.hours_log(
        volunteer=volunteer, activity=session.activity, date=timezone.localdate(), hours=Decimal(2)
    )
    assert entry.organisation == session.activity.organisation


@pytest.mark.parametrize(
    ("hours", "day_offset", "field"),
    [
        ("-1", 0, "hours"),
        ("0", 0, "hours"),
        ("25", 0, "hours"),
        ("abc", 0, "hours"),
        ("2", 1, "date"),
        ("2", None, "date"),
    ],
)
def test_bad_hours_are_refused_and_the_form_keeps_them(client, hours, day_offset, field):
    opportunity = OpportunityFactory()
    client.force_login(accepted_volunteer(opportunity))
    day = (
        ""
        if day_offset is None
        else (timezone.localdate() + timedelta(days=day_offset)).isoformat()
    )
    response = client.post(
        reverse("volunteers:hours_create"),
        {"subject": f"o{opportunity.pk}", "date": day, "hours": hours, "note": "Bewaard"},
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'value="Bewaard"' in response.content.decode()
    assert not HoursEntry.objects.exists()


def test_hours_only_for_opportunities_where_accepted(client):
    opportunity = OpportunityFactory()
    volunteer = VolunteerProfileFactory().user
    ResponseFactory(opportunity=opportunity, volunteer=volunteer)  # still pending
    client.force_login(volunteer)
    response = client.post(
        reverse("volunteers:hours_create"),
        {"subject": f"o{opportunity.pk}", "date": timezone.localdate().isoformat(), "hours": "1"},
    )
    assert response.status_code == 400
    assert not HoursEntry.objects.exists()


@pytest.mark.parametrize("count", [1, 50])
def test_volunteer_page_queries_do_not_grow(client, django_assert_num_queries, count):
    profile = VolunteerProfileFactory()
    volunteer = profile.user
    for _ in range(count):
        opportunity = OpportunityFactory()
        ResponseFactory(opportunity=opportunity, volunteer=volunteer, status="accepted")
        HoursEntryFactory(volunteer=volunteer, opportunity=opportunity)
        SignUpFactory(email=volunteer.email)
        MatchSuggestion.objects.create(
            help_request=HelpRequestFactory(),
            volunteer=profile,
            score=500,
            reasons=["2.0 km"],
            status=MatchSuggestion.Status.APPROVED,
            approved_at=timezone.now(),
        )
        MatchSuggestion.objects.create(
            opportunity=OpportunityFactory(), volunteer=profile, score=400, reasons=["1.0 km"]
        )
    client.force_login(volunteer)
    # session, the user with their profile and the unread count in the header, memberships,
    # responses, sign-ups, hours, monthly totals, the offered matches and suggested
    # opportunities (one query).
    with django_assert_num_queries(8):
        response = client.get(reverse("volunteer_dashboard"))
    assert len(response.context["responses"]) == count
    assert len(response.context["offers"]) == min(count, 20)
    assert len(response.context["for_you"]) == min(count, 10)


# --- Organisations --------------------------------------------------------------------------


def test_registering_an_organisation_waits_for_one_approval(client, coordinator):
    person = UserFactory()
    client.force_login(person)
    hood = NeighbourhoodFactory()
    response = client.post(
        reverse("initiatives:organisation_register"),
        {
            "name": "Buurtkracht",
            "kind": "volunteer_group",
            "description": "Wij helpen.",
            "contact_name": "Piet",
            "email": "info@buurtkracht.nl",
            "neighbourhoods": [hood.pk],
        },
    )
    organisation = Organisation.objects.get(name="Buurtkracht")
    assert response.status_code == 302
    assert not organisation.is_approved
    assert organisation.memberships.get().user == person
    assert Notification.objects.filter(kind="organisation_registered", user=coordinator).exists()
    opportunity = OpportunityFactory(organisation=organisation)
    assert client.get(OPPORTUNITIES).context["page"].paginator.count == 0
    assert services.organisation_approve(organisation=organisation, by=coordinator)
    assert not services.organisation_approve(organisation=organisation, by=coordinator)
    assert titles(client.get(OPPORTUNITIES)) == [opportunity.title]


def test_bad_organisation_input_is_refused_and_kept(client):
    client.force_login(UserFactory())
    response = client.post(
        reverse("initiatives:organisation_register"),
        {
            "name": "Buurtkracht",
            "kind": "no-such-kind",
            "kvk_number": "12ab",
            "description": "Wij helpen.",
            "contact_name": "Piet",
            "email": "nope",
        },
    )
    assert response.status_code == 400
    assert {"kind", "kvk_number", "email"} <= set(response.context["form"].errors)
    assert 'value="Buurtkracht"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_invitation_joins_only_the_invited_person(client, organisation, org_member):
    client.force_login(org_member)
    client.post(
        reverse("initiatives:manage_members", args=[organisation.slug]),
        {"email": "Colleague@example.org", "role": "member"},
    )
    invitation = Invitation.objects.get()
    notification = Notification.objects.get(kind="organisation_invitation")
    assert notification.email == "colleague@example.org"
    url = notification.link

    client.force_login(UserFactory(email="someone-else@example.org"))
    assert client.post(url).status_code == 400
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    assert client.post(url).status_code == 302
    assert Membership.objects.get(user=colleague).role == "member"
    invitation.refresh_from_db()
    assert invitation.accepted_at
    assert client.post(url).status_code == 400  # once


def test_expired_invitation(client, organisation, org_member):
    invitation = Invitation.objects.create(organisation=organisation, email="late@example.org")
    token = signing.dumps(invitation.pk, salt=services.INVITATION_SALT)
    with pytest.raises(services.OrganisationError) as error:
        from unittest import mock

        with mock.patch("django.core.signing.time.time", return_value=1e12):
            services.invitation_from_token(token)
    assert error.value.code == "expired"


def test_the_last_administrator_cannot_be_removed(client, organisation, org_member):
    client.force_login(org_member)
    membership = Membership.objects.get(user=org_member)
    client.post(
        reverse("initiatives:manage_member_remove", args=[organisation.slug, membership.pk])
    )
    assert Membership.objects.filter(pk=membership.pk).exists()
    colleague = MembershipFactory(organisation=organisation, role="member")
    client.post(reverse("initiatives:manage_member_remove", args=[organisation.slug, colleague.pk]))
    assert not Membership.objects.filter(pk=colleague.pk).exists()


def test_members_cannot_invite_or_remove(client, organisation):
    plain = MembershipFactory(organisation=organisation, role="member")
    client.force_login(plain.user)
    response = client.post(
        reverse("initiatives:manage_members", args=[organisation.slug]),
        {"email": "x@example.org", "role": "admin"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_organisation_posts_edits_duplicates_and_closes_an_opportunity(
    client, organisation, org_member
):
    client.force_login(org_member)
    hood = NeighbourhoodFactory()
    data = {
        "title": "Taalmaatje",
        "description": "Elke week.",
        "commitment": "weekly",
        "hours_per_week": 2,
        "neighbourhood": hood.pk,
        "places": 2,
        "open_to_newcomers": "on",
    }
    create = reverse("initiatives:manage_opportunity_create", args=[organisation.slug])
    client.post(create, {**data, "publish": "1"})
    opportunity = Opportunity.objects.get()
    assert opportunity.status == Opportunity.Status.PUBLISHED
    client.post(
        reverse(
            "initiatives:manage_opportunity_duplicate", args=[organisation.slug, opportunity.pk]
        )
    )
    copy = Opportunity.objects.exclude(pk=opportunity.pk).get()
    assert copy.status == Opportunity.Status.DRAFT and copy.organisation == organisation
    client.post(
        reverse("initiatives:manage_opportunity_status", args=[organisation.slug, opportunity.pk]),
        {"status": "closed"},
    )
    opportunity.refresh_from_db()
    assert opportunity.status == Opportunity.Status.CLOSED


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"commitment": "forever"}, "commitment"),
        ({"hours_per_week": ""}, "hours_per_week"),
        ({"commitment": "period", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}, "ends_on"),
        ({"places": 0}, "places"),
        ({"neighbourhood": ""}, "neighbourhood"),
        ({"min_dutch_level": "Z9"}, "min_dutch_level"),
    ],
)
def test_bad_opportunity_input_is_refused_and_kept(
    client, organisation, org_member, overrides, field
):
    client.force_login(org_member)
    hood = NeighbourhoodFactory()
    data = {
        "title": "Taalmaatje",
        "description": "Elke week bewaard.",
        "commitment": "weekly",
        "hours_per_week": 2,
        "neighbourhood": hood.pk,
        "places": 2,
        **overrides,
    }
    response = client.post(
        reverse("initiatives:manage_opportunity_create", args=[organisation.slug]), data
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert "Elke week bewaard." in response.content.decode()
    assert not Opportunity.objects.exists()


def test_organisation_manages_its_activities_and_sessions(client, organisation, org_member):
    client.force_login(org_member)
    hood = NeighbourhoodFactory()
    response = client.post(
        reverse("initiatives:manage_activity_create", args=[organisation.slug]),
        {
            "title": "Taalcafé",
            "description": "Koffie en Nederlands.",
            "kind": "language_cafe",
            "audience": "everyone",
            "neighbourhood": hood.pk,
            "address": "Plein 1",
            "status": "published",
        },
    )
    activity = organisation.activities.get()
    assert response.status_code == 302
    starts = timezone.localtime() + timedelta(days=2)
    url = reverse("initiatives:manage_session_create", args=[organisation.slug, activity.pk])
    bad = client.post(
        url,
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 10,
        },
    )
    assert bad.status_code == 400 and "ends_at" in bad.context["form"].errors
    client.post(
        url,
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 10,
        },
    )
    assert activity.sessions.get().capacity == 10


def test_editing_a_session_never_writes_back_a_stale_place_count(client, organisation, org_member):
    session = SessionFactory(activity__organisation=organisation, capacity=5)
    stale = type(session).objects.get(pk=session.pk)
    SignUpFactory(session=session)  # a sign-up lands while someone edits the session
    stale.capacity = 6
    stale.save()
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (6, 1)


# --- Organisation scoping, from the outside -------------------------------------------------


@pytest.fixture
def other_org(db):
    membership = MembershipFactory()
    return membership.organisation, membership.user


def test_another_organisation_cannot_touch_our_data(client, organisation, org_member, other_org):
    _other, outsider = other_org
    opportunity = OpportunityFactory(organisation=organisation)
    response_row = ResponseFactory(opportunity=opportunity)
    hours = HoursEntryFactory(opportunity=opportunity)
    session = SessionFactory(activity__organisation=organisation, capacity=5)
    membership = Membership.objects.get(user=org_member)
    slug = organisation.slug
    client.force_login(outsider)
    attempts = [
        ("initiatives:manage_opportunity_edit", [slug, opportunity.pk], {"title": "Hacked"}),
        ("initiatives:manage_opportunity_status", [slug, opportunity.pk], {"status": "closed"}),
        ("initiatives:manage_opportunity_duplicate", [slug, opportunity.pk], {}),
        ("initiatives:manage_response_decide", [slug, response_row.pk], {"decision": "accept"}),
        ("initiatives:manage_hours_decide", [slug, hours.pk], {"decision": "confirm"}),
        ("initiatives:manage_member_remove", [slug, membership.pk], {}),
        ("initiatives:manage_members", [slug], {"email": "x@example.org", "role": "admin"}),
        ("initiatives:manage_activity_edit", [slug, session.activity_id], {"title": "Hacked"}),
        (
            "initiatives:manage_session_edit",
            [slug, session.activity_id, session.pk],
            {"capacity": 1},
        ),
        # Our objects through the outsider's own organisation: still 404.
        (
            "initiatives:manage_response_decide",
            [_other.slug, response_row.pk],
            {"decision": "accept"},
        ),
        ("initiatives:manage_hours_decide", [_other.slug, hours.pk], {"decision": "confirm"}),
        ("initiatives:manage_opportunity_edit", [_other.slug, opportunity.pk], {"title": "X"}),
    ]
    for name, args, data in attempts:
        assert client.post(reverse(name, args=args), data).status_code == 404, name
    opportunity.refresh_from_db()
    response_row.refresh_from_db()
    hours.refresh_from_db()
    session.refresh_from_db()
    assert opportunity.title != "Hacked" and opportunity.status == "published"
    assert response_row.status == "pending" and hours.status == "pending"
    assert session.capacity == 5 and Membership.objects.filter(pk=membership.pk).exists()
    assert Opportunity.objects.count() == 1 and not Invitation.objects.exists()
    assert SignUp.objects.count() == 0


def test_notifications_are_written_in_the_recipients_language(client, organisation, org_member):
    opportunity = OpportunityFactory(organisation=organisation)
    response = ResponseFactory(opportunity=opportunity)
    response.volunteer.language = "en"
    response.volunteer.save()
    client.force_login(org_member)  # the organisation works in Dutch, the default
    client.post(
        reverse("initiatives:manage_response_decide", args=[organisation.slug, response.pk]),
        {"decision": "accept"},
    )
    told = Notification.objects.get(kind="response_accepted")
    assert "accepted your response" in told.subject
    assert told.language == "en"


def test_the_language_switch_is_remembered_on_the_account(client, resident):
    client.force_login(resident)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    resident.refresh_from_db()
    assert resident.language == "en"


def test_a_new_privacy_statement_asks_for_consent_again(resident_client, resident, settings):
    profile = VolunteerProfileFactory(user=resident, privacy_consent_version="2025-01")
    form = resident_client.get(reverse("volunteers:profile_edit")).context["form"]
    assert not form["privacy_consent"].value()
    profile.privacy_consent_version = settings.PRIVACY_STATEMENT_VERSION
    profile.save()
    form = resident_client.get(reverse("volunteers:profile_edit")).context["form"]
    assert form["privacy_consent"].value()


def test_pending_hours_come_first(client, organisation, org_member):
    opportunity = OpportunityFactory(organisation=organisation)
    old_pending = HoursEntryFactory(
        opportunity=opportunity, date=timezone.localdate() - timedelta(days=30)
    )
    HoursEntryFactory(opportunity=opportunity, status=HoursEntry.Status.CONFIRMED)
    client.force_login(org_member)
    entries = client.get(reverse("initiatives:manage_hours", args=[organisation.slug])).context[
        "entries"
    ]
    assert entries[0] == old_pending


def test_opportunity_moves_are_declared_once_on_the_model(client, organisation, org_member):
    """The service refuses what the model does not allow; the dashboard offers what it does."""
    S = Opportunity.Status
    assert {status: Opportunity(status=status).next_statuses for status in S.values} == {
        S.DRAFT: [S.PUBLISHED, S.CLOSED],
        S.PUBLISHED: [S.DRAFT, S.FILLED, S.CLOSED],
        S.FILLED: [S.PUBLISHED, S.CLOSED],
        S.CLOSED: [S.PUBLISHED],
    }
    closed = OpportunityFactory(organisation=organisation, status=S.CLOSED, title="Dicht")
    client.force_login(org_member)
    page = client.get(reverse("initiatives:manage_dashboard", args=[organisation.slug]))
    content = page.content.decode()
    row = content[content.index("Dicht") :].split("</tr>")[0]
    assert 'value="published"' in row and 'value="closed"' not in row
    with pytest.raises(services.ResponseError):
        services.opportunity_set_status(opportunity=closed, status=S.FILLED)


def test_the_unread_count_comes_with_the_user_and_reading_clears_it(client, resident):
    from mpact.notifications.models import Notification

    for number in range(3):
        Notification.objects.create(
            user=resident,
            email=resident.email,
            kind="signup_confirmed",
            subject=f"Bericht {number}",
        )
    Notification.objects.create(
        user=resident,
        email=resident.email,
        kind="signup_confirmed",
        subject="Gelezen",
        read_at=timezone.now(),
    )
    client.force_login(resident)
    page = client.get(reverse("home")).content.decode()
    assert '<span class="badge">3<span' in page
    assert response_user(client).unread_notification_count == 3
    # Marking them read: the next page's header has no count.
    response = client.post(reverse("notifications_read"), follow=True)
    assert 'class="badge"' not in response.content.decode()
    assert response_user(client).unread_notification_count == 0


def response_user(client):
    return client.get(reverse("home")).wsgi_request.user


def test_the_volunteer_page_reads_both_kinds_of_suggestion_as_their_own_queries_would():
    """One query, each kind chosen by its own limited subquery, gives what the two separate
    reads give, in their order and within their limits."""
    import random

    from matching import selectors

    rng = random.Random(7)
    profile = VolunteerProfileFactory()
    now = timezone.now()
    for number in range(30):
        MatchSuggestion.objects.create(
            help_request=HelpRequestFactory(),
            volunteer=profile,
            score=rng.randint(1, 900),
            reasons=[],
            status=rng.choice(
                [MatchSuggestion.Status.APPROVED, MatchSuggestion.Status.ACCEPTED, "rejected"]
            ),
            approved_at=now - timedelta(hours=rng.randint(0, 500), minutes=number),
        )
        MatchSuggestion.objects.create(
            opportunity=OpportunityFactory(),
            volunteer=profile,
            score=rng.choice([100, 200, 300]),  # ties: the lower id first
            reasons=[],
            status=rng.choice([MatchSuggestion.Status.PROPOSED, "declined"]),
        )
    offers, suggested = selectors.volunteer_suggestions(profile.user, offers=7, suggestions=5)
    assert [s.pk for s in offers] == [s.pk for s in selectors.offers_for(profile.user)[:7]]
    assert [s.pk for s in suggested] == [
        s.pk for s in selectors.opportunity_suggestions_for(profile.user)[:5]
    ]
    assert len(offers) == 7 and len(suggested) == 5


@pytest.mark.parametrize("backend", ["ModelBackend", "AuthenticationBackend"])
@pytest.mark.parametrize("with_profile", [True, False])
def test_the_request_user_is_loaded_in_one_query_as_the_orm_loads_it(
    backend, with_profile, resident, django_assert_num_queries
):
    """The backends' own SELECT (mpact/users/backends.py) gives the same user, the same
    volunteer profile (or none) and the same unread count as the ORM; an inactive or unknown
    account gives no user."""
    from django.db.models import Count, Q

    from mpact.users import backends
    from mpact.users.models import User

    if with_profile:
        VolunteerProfileFactory(user=resident)
    for read_at in [None, None, timezone.now()]:
        Notification.objects.create(
            user=resident,
            email=resident.email,
            kind="signup_confirmed",
            subject="x",
            read_at=read_at,
        )
    Notification.objects.create(
        user=UserFactory(), email="other@example.org", kind="signup_confirmed", subject="y"
    )
    expected = (
        User.objects.select_related("volunteer_profile")
        .annotate(unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)))
        .get(pk=resident.pk)
    )
    loader = getattr(backends, backend)()
    with django_assert_num_queries(1):
        user = loader.get_user(resident.pk)
        profile = getattr(user, "volunteer_profile", None)
    assert type(user) is User and user.pk == resident.pk
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected, field.attname), field.name
    assert user.unread_notification_count == expected.unread == 2
    if with_profile:
        assert isinstance(profile, VolunteerProfile)
        for field in VolunteerProfile._meta.concrete_fields:
            assert getattr(profile, field.attname) == getattr(
                expected.volunteer_profile, field.attname
            ), field.name
        assert profile.user is user
    else:
        assert profile is None
    User.objects.filter(pk=resident.pk).update(is_active=False)
    assert loader.get_user(resident.pk) is None
    assert loader.get_user(resident.pk + 1000) is None
