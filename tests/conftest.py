import sys

import pytest
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from initiatives import services
from initiatives.models import Activity, Opportunity
from mpact.cache import local_fragments, local_pages, local_person_pages, versions
from mpact.factories import (
    ActivityFactory,
    AgencyFactory,
    HelpRequestFactory,
    HoursEntryFactory,
    InitiativeFactory,
    InvitationFactory,
    MatchSuggestionFactory,
    MembershipFactory,
    OfferFactory,
    OpportunityFactory,
    OpportunitySuggestionFactory,
    OrganisationFactory,
    ParticipantFactory,
    ReferralFactory,
    ResponseFactory,
    SessionFactory,
    SignUpFactory,
    SupportMatchFactory,
    UserFactory,
    VolunteerProfileFactory,
)
from mpact.users.models import COORDINATORS_GROUP
from mpact.users.roles import coordinators_group_sync


def pytest_collection_modifyitems(config, items):
    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(
                pytest.mark.skip(reason="needs PostgreSQL: run with DATABASE_URL=postgres://…")
            )
        if "redis" in item.keywords and not settings.REDIS_URL:
            item.add_marker(
                pytest.mark.skip(reason="needs the Redis broker: run with REDIS_URL=redis://…")
            )


def pytest_terminal_summary(terminalreporter):
    hostile = sys.modules.get("tests.test_hostile_input")
    if hostile is not None and hostile.COVERED:
        terminalreporter.write_line(hostile.coverage_line())


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: cached pages and rate limits of one test must not
    leak into the next."""
    cache.clear()
    local_pages.clear()
    local_fragments.clear()
    local_person_pages.clear()
    versions.resync()  # the version went with the cache: not a second later, now
    yield


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"


# --- Personas: every protected view is tried as each of these -----------------------------


@pytest.fixture
def resident(db):
    return UserFactory(email="resident@example.org", name="Rosa Bewoner")


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Buurtgroep Noord", slug="buurtgroep-noord")


@pytest.fixture
def org_admin(organisation):
    """An administrator of the organisation: its pages, and inviting and removing members."""
    user = UserFactory(email="member@example.org", name="Olaf Organisatie")
    MembershipFactory(organisation=organisation, user=user)  # an administrator
    return user


@pytest.fixture
def org_member(org_admin):
    """The organisation's administrator (org_admin), under the name most tests use: what they
    do needs an administrator. The member who is not one is org_plain_member."""
    return org_admin


@pytest.fixture
def org_plain_member(organisation):
    """A member who is not an administrator: the organisation's pages, but no inviting or
    removing members."""
    user = UserFactory(email="plain-member@example.org", name="Pim Lid")
    MembershipFactory(organisation=organisation, user=user, plain_member=True)
    return user


@pytest.fixture
def coordinator(db):
    from django.contrib.auth.models import Group

    user = UserFactory(email="coordinator@example.org", name="Cora Coördinator", is_staff=True)
    coordinators_group_sync()
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    return user


@pytest.fixture
def resident_client(client, resident):
    client.force_login(resident)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


# --- The objects every URL of the permission table needs (tests/test_urls_permissions.py),
# shared with the hostile-input walk over the same pages (tests/test_hostile_input.py).


@pytest.fixture
def objects(db, organisation, org_admin, org_plain_member, resident):
    activity = ActivityFactory(organisation=organisation)
    session = SessionFactory(activity=activity)
    unapproved = ActivityFactory(organisation=OrganisationFactory(approved_at=None))
    opportunity = OpportunityFactory(organisation=organisation)
    volunteer = VolunteerProfileFactory()
    response = ResponseFactory(opportunity=opportunity, volunteer=volunteer.user)
    help_request = HelpRequestFactory(status="in_intake")
    invitation = InvitationFactory(
        organisation=organisation, email="new@example.org", invited_by=org_admin
    )
    resident_profile = VolunteerProfileFactory(user=resident)
    offer = MatchSuggestionFactory(
        help_request=help_request,
        volunteer=resident_profile,
        score=500,
        reasons=["spreekt ar (C1)"],
        approved=True,
    )
    from datetime import timedelta

    from matching import trajectories

    # Trajectories (issue 14): the resident guides one as a buddy; someone else guides the
    # other; a completed one has a certificate.
    started = timezone.localdate() - timedelta(days=30)
    trajectory = trajectories.trajectory_enrol(
        participant=ParticipantFactory(), guide=resident_profile, by=None, starts_on=started
    )
    trajectories.trajectory_goal_add(trajectory=trajectory, own_words="Meer contacten", score=2)
    other_trajectory = trajectories.trajectory_enrol(
        participant=ParticipantFactory(), guide=volunteer, by=None, starts_on=started
    )
    completed_trajectory = trajectories.trajectory_complete(
        trajectory=trajectories.trajectory_enrol(
            participant=ParticipantFactory(), guide=volunteer, by=None, starts_on=started
        )
    )
    # Initiatives and offers (issue 15): the resident's own initiative (approved) paired with
    # the organisation's room; someone else's approved one and one waiting for review.
    own_initiative = InitiativeFactory(proposer=resident, approved=True)
    support_offer = OfferFactory(organisation=organisation)
    support_match = SupportMatchFactory(offer=support_offer, need=own_initiative.needs.get())
    return {
        "own_initiative": own_initiative,
        "submitted_initiative": InitiativeFactory(),
        "public_initiative": InitiativeFactory(approved=True),
        "support_offer": support_offer,
        "closed_offer": OfferFactory(organisation=organisation, status="closed"),
        "other_offer": OfferFactory(),
        "support_match": support_match,
        "trajectory": trajectory,
        "other_trajectory": other_trajectory,
        "completed_trajectory": completed_trajectory,
        "organisation": organisation,
        "opportunity": opportunity,
        "draft_opportunity": OpportunityFactory(
            organisation=organisation, status=Opportunity.Status.DRAFT
        ),
        "unapproved_opportunity": OpportunityFactory(organisation=unapproved.organisation),
        "other_organisation": OrganisationFactory(),
        "response": response,
        "hours": HoursEntryFactory(volunteer=volunteer.user, opportunity=opportunity),
        # The plain member's: the one an administrator may remove.
        "membership": organisation.memberships.get(user=org_plain_member),
        "invitation_token": signing.dumps(invitation.pk, salt=services.INVITATION_SALT),
        "visible_profile": volunteer,
        "help_request": help_request,
        "offer": offer,
        "offer_token": signing.dumps(offer.pk, salt="matching.suggestion.answer"),
        "opportunity_suggestion": OpportunitySuggestionFactory(
            opportunity=opportunity, volunteer=resident_profile, score=400, reasons=["5.0 km"]
        ),
        "email_off_token": signing.dumps(resident.pk, salt="matching.opportunity_email.off"),
        "referral": ReferralFactory(
            help_request=help_request,
            agency=AgencyFactory(),
            reason="Advies",
            follow_up_on=timezone.localdate(),
        ),
        "hidden_profile": VolunteerProfileFactory(is_visible=False),
        "activity": activity,
        "session": session,
        "signup": SignUpFactory(session=session),
        "unapproved_activity": unapproved,
        "unapproved_session": SessionFactory(activity=unapproved),
        "cancelled_activity": ActivityFactory(status=Activity.Status.CANCELLED),
    }


@pytest.fixture
def as_role(client, request):
    def login(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return login
