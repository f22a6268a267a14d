"""Every URL of the site, requested as every role, with the status each must get.

A new URL that is not in TABLE fails `test_every_url_is_in_the_table`, so no page can ship
without a permission test (after readthedocs' test_privacy_urls.py). Later issues add rows.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from initiatives import services
from initiatives.models import Invitation, Membership
from matching import services as services_matching
from matching import trajectories

# The personas (fixtures in tests/conftest.py): an organisation's administrator and a member
# who is not one are tried separately; both are members of `objects["organisation"]`.
ROLES = ["anonymous", "resident", "org_admin", "org_plain_member", "coordinator"]
LOGIN = 302  # redirected to the login page


def status(anonymous, resident, org_admin, org_plain_member, coordinator):
    return dict(
        zip(ROLES, [anonymous, resident, org_admin, org_plain_member, coordinator], strict=True)
    )


ALL_200 = status(200, 200, 200, 200, 200)
MEMBERS_ONLY = status(LOGIN, 200, 200, 200, 200)
ADMIN_ONLY = status(LOGIN, 404, 404, 404, 200)  # the admin does not exist for non-staff
GUESTS_ONLY = status(200, 302, 302, 302, 302)  # a logged-in person is sent on from login/sign-up
# An organisation's own pages: every member, administrator or not (only administrators invite
# and remove members: ORGANISATION_ADMIN_ACTIONS below).
OWN_ORG_ONLY = status(LOGIN, 404, 200, 200, 404)
# Hosts of an organisation's activities (issue 14): its members and every coordinator.
HOSTS = status(LOGIN, 404, 200, 200, 200)


def _support(o, key):
    """Made the first time a row asks for it and kept in `objects`: an approved initiative with
    a date and times (it can become an activity) and a newcomer's request for goods, for the
    coordinators' admin pages of issue 15."""
    if key not in o:
        import datetime

        from mpact.factories import HelpRequestFactory, InitiativeFactory

        made = {
            "activity_ready_initiative": lambda: InitiativeFactory(
                approved=True, start_time=datetime.time(18), end_time=datetime.time(21)
            ),
            "goods_request": lambda: HelpRequestFactory(kind="goods", opened=True),
        }
        o[key] = made[key]()
    return o[key]


# (label, URL name, how to build its arguments from the `objects` fixture, expected statuses)
TABLE = [
    ("home", "home", None, ALL_200),
    ("health", "health", None, ALL_200),
    # The test database holds no worker or beat heartbeat (no worker runs here), so readiness
    # is 503 for everyone; tests/test_readiness.py has the 200 with fresh heartbeats.
    ("readiness", "health_ready", None, status(503, 503, 503, 503, 503)),
    ("notifications", "notifications", None, MEMBERS_ONLY),
    ("notifications read (GET)", "notifications_read", None, status(LOGIN, 405, 405, 405, 405)),
    ("how we reach you", "notification_settings", None, MEMBERS_ONLY),
    # A text message's short link: an unknown code leads nowhere, for anyone.
    (
        "short link (unknown)",
        "short_link",
        lambda o: {"code": "unknown"},
        status(404, 404, 404, 404, 404),
    ),
    # Replies from the text-message provider: POST only (tests/test_text_messages.py).
    ("text message replies (GET)", "sms_inbound", None, status(405, 405, 405, 405, 405)),
    ("activity list", "initiatives:activity_list", None, ALL_200),
    ("activity page", "initiatives:activity_detail", lambda o: {"pk": o["activity"].pk}, ALL_200),
    (
        "activity of an unapproved organisation",
        "initiatives:activity_detail",
        lambda o: {"pk": o["unapproved_activity"].pk},
        status(404, 404, 404, 404, 404),
    ),
    (
        "cancelled activity",
        "initiatives:activity_detail",
        lambda o: {"pk": o["cancelled_activity"].pk},
        status(404, 404, 404, 404, 404),
    ),
    ("sign-up form", "initiatives:session_signup", lambda o: {"pk": o["session"].pk}, ALL_200),
    (
        "sign-up form of an unapproved organisation's session",
        "initiatives:session_signup",
        lambda o: {"pk": o["unapproved_session"].pk},
        status(404, 404, 404, 404, 404),
    ),
    ("calendar file", "initiatives:session_calendar", lambda o: {"pk": o["session"].pk}, ALL_200),
    (
        "sign-up status (signed link)",
        "initiatives:signup_status",
        lambda o: {"token": services.signup_token(o["signup"], purpose=services.VIEW_SALT)},
        ALL_200,
    ),
    (
        "sign-up status with a cancel token (wrong purpose)",
        "initiatives:signup_status",
        lambda o: {"token": services.signup_token(o["signup"], purpose=services.CANCEL_SALT)},
        status(400, 400, 400, 400, 400),
    ),
    (
        "cancel (signed link)",
        "initiatives:signup_cancel",
        lambda o: {"token": services.signup_token(o["signup"], purpose=services.CANCEL_SALT)},
        ALL_200,
    ),
    (
        "cancel with a tampered link",
        "initiatives:signup_cancel",
        lambda o: {"token": services.signup_token(o["signup"], purpose=services.CANCEL_SALT) + "x"},
        status(400, 400, 400, 400, 400),
    ),
    ("my sign-ups", "initiatives:my_signups", None, MEMBERS_ONLY),
    (
        "uploaded file that does not exist",
        "media",
        lambda o: {"path": "x/none.jpg"},
        status(404, 404, 404, 404, 404),
    ),
    # Volunteer work (issue 3)
    ("opportunity list", "initiatives:opportunity_list", None, ALL_200),
    (
        "published opportunity",
        "initiatives:opportunity_detail",
        lambda o: {"pk": o["opportunity"].pk},
        ALL_200,
    ),
    (
        "draft opportunity: only its organisation's members",
        "initiatives:opportunity_detail",
        lambda o: {"pk": o["draft_opportunity"].pk},
        status(404, 404, 200, 200, 404),
    ),
    (
        "opportunity of an unapproved organisation",
        "initiatives:opportunity_detail",
        lambda o: {"pk": o["unapproved_opportunity"].pk},
        status(404, 404, 404, 404, 404),
    ),
    (
        "organisation page",
        "initiatives:organisation_detail",
        lambda o: {"slug": o["organisation"].slug},
        ALL_200,
    ),
    (
        "unapproved organisation's page",
        "initiatives:organisation_detail",
        lambda o: {"slug": o["unapproved_activity"].organisation.slug},
        status(404, 404, 404, 404, 404),
    ),
    ("register an organisation", "initiatives:organisation_register", None, MEMBERS_ONLY),
    (
        "invitation (signed link)",
        "initiatives:invitation_accept",
        lambda o: {"token": o["invitation_token"]},
        MEMBERS_ONLY,
    ),
    (
        "invitation with a tampered link",
        "initiatives:invitation_accept",
        lambda o: {"token": o["invitation_token"] + "x"},
        status(LOGIN, 400, 400, 400, 400),
    ),
    ("volunteer page", "volunteer_dashboard", None, MEMBERS_ONLY),
    ("volunteer profile form", "volunteers:profile_edit", None, MEMBERS_ONLY),
    ("log hours", "volunteers:hours_create", None, MEMBERS_ONLY),
    ("download my hours", "volunteers:hours_download", None, MEMBERS_ONLY),
    (
        "a visible volunteer profile",
        "volunteers:profile_public",
        lambda o: {"pk": o["visible_profile"].pk},
        MEMBERS_ONLY,
    ),
    (
        "a hidden volunteer profile",
        "volunteers:profile_public",
        lambda o: {"pk": o["hidden_profile"].pk},
        status(LOGIN, 404, 404, 404, 404),
    ),
    ("privacy statement", "privacy", None, ALL_200),
    # An organisation's own pages: its members only; everyone else 404 (coordinators work in
    # the admin). POST-only actions answer GET with 405 to logged-in people.
    *[
        (f"manage: {name}", f"initiatives:{name}", kwargs, OWN_ORG_ONLY)
        for name, kwargs in [
            ("manage_dashboard", lambda o: {"slug": o["organisation"].slug}),
            ("manage_opportunity_create", lambda o: {"slug": o["organisation"].slug}),
            (
                "manage_opportunity_edit",
                lambda o: {"slug": o["organisation"].slug, "pk": o["opportunity"].pk},
            ),
            ("manage_responses", lambda o: {"slug": o["organisation"].slug}),
            ("manage_hours", lambda o: {"slug": o["organisation"].slug}),
            ("manage_members", lambda o: {"slug": o["organisation"].slug}),
            ("manage_activity_create", lambda o: {"slug": o["organisation"].slug}),
            (
                "manage_activity_edit",
                lambda o: {"slug": o["organisation"].slug, "pk": o["activity"].pk},
            ),
            (
                "manage_session_create",
                lambda o: {"slug": o["organisation"].slug, "activity_pk": o["activity"].pk},
            ),
            (
                "manage_session_edit",
                lambda o: {
                    "slug": o["organisation"].slug,
                    "activity_pk": o["activity"].pk,
                    "pk": o["session"].pk,
                },
            ),
        ]
    ],
    *[
        (f"manage: {name} (GET)", f"initiatives:{name}", kwargs, status(LOGIN, 405, 405, 405, 405))
        for name, kwargs in [
            (
                "manage_opportunity_duplicate",
                lambda o: {"slug": o["organisation"].slug, "pk": o["opportunity"].pk},
            ),
            (
                "manage_opportunity_status",
                lambda o: {"slug": o["organisation"].slug, "pk": o["opportunity"].pk},
            ),
            (
                "manage_response_decide",
                lambda o: {"slug": o["organisation"].slug, "pk": o["response"].pk},
            ),
            (
                "manage_hours_decide",
                lambda o: {"slug": o["organisation"].slug, "pk": o["hours"].pk},
            ),
            (
                "manage_member_remove",
                lambda o: {"slug": o["organisation"].slug, "pk": o["membership"].pk},
            ),
        ]
    ],
    # An organisation's offers (issue 15)
    (
        "manage: offers",
        "matching:manage_offers",
        lambda o: {"slug": o["organisation"].slug},
        OWN_ORG_ONLY,
    ),
    (
        "manage: new offer",
        "initiatives:manage_offer_create",
        lambda o: {"slug": o["organisation"].slug},
        OWN_ORG_ONLY,
    ),
    (
        "manage: edit an offer",
        "initiatives:manage_offer_edit",
        lambda o: {"slug": o["organisation"].slug, "pk": o["support_offer"].pk},
        OWN_ORG_ONLY,
    ),
    (
        "manage: another organisation's offer",
        "initiatives:manage_offer_edit",
        lambda o: {"slug": o["organisation"].slug, "pk": o["other_offer"].pk},
        status(LOGIN, 404, 404, 404, 404),
    ),
    (
        "manage: stop offering (GET)",
        "initiatives:manage_offer_status",
        lambda o: {"slug": o["organisation"].slug, "pk": o["support_offer"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    # Talk sessions (issue 14): planning a series is the organisation's; the attendance
    # register and the figures are its members' and every coordinator's.
    (
        "manage: plan a series",
        "initiatives:manage_series_create",
        lambda o: {"slug": o["organisation"].slug, "pk": o["activity"].pk},
        OWN_ORG_ONLY,
    ),
    (
        "attendance register of a session",
        "initiatives:manage_attendance",
        lambda o: {
            "slug": o["organisation"].slug,
            "activity_pk": o["activity"].pk,
            "pk": o["session"].pk,
        },
        HOSTS,
    ),
    (
        "figures of an activity",
        "initiatives:manage_figures",
        lambda o: {"slug": o["organisation"].slug, "pk": o["activity"].pk},
        HOSTS,
    ),
    (
        "figures of another organisation's activity, under this organisation's address",
        "initiatives:manage_figures",
        lambda o: {"slug": o["organisation"].slug, "pk": o["unapproved_activity"].pk},
        status(LOGIN, 404, 404, 404, 404),
    ),
    (
        "attendance register of another organisation's session",
        "initiatives:manage_attendance",
        lambda o: {
            "slug": o["unapproved_activity"].organisation.slug,
            "activity_pk": o["unapproved_activity"].pk,
            "pk": o["unapproved_session"].pk,
        },
        status(LOGIN, 404, 404, 404, 200),
    ),
    (
        "manage another organisation",
        "initiatives:manage_dashboard",
        lambda o: {"slug": o["other_organisation"].slug},
        status(LOGIN, 404, 404, 404, 404),
    ),
    # Help requests (issue 4). Participant and request details live in the admin, for
    # coordinators only; the asker sees status only, through a signed link.
    ("ask for help", "matching:help_request_create", None, ALL_200),
    (
        "help request status (signed link)",
        "matching:help_request_status",
        lambda o: {"token": services_matching.status_token(o["help_request"])},
        ALL_200,
    ),
    (
        "help request status with a tampered link",
        "matching:help_request_status",
        lambda o: {"token": services_matching.status_token(o["help_request"]) + "x"},
        status(400, 400, 400, 400, 400),
    ),
    ("my help requests", "matching:my_help_requests", None, MEMBERS_ONLY),
    (
        "an offered match: only the volunteer it is for",
        "matching:suggestion_answer",
        lambda o: {"token": o["offer_token"]},
        status(LOGIN, 200, 404, 404, 404),
    ),
    (
        "an offered match on the volunteer's page: only the volunteer it is for",
        "matching:suggestion_detail",
        lambda o: {"pk": o["offer"].pk},
        status(LOGIN, 200, 404, 404, 404),
    ),
    (
        "'not for me' on a suggested opportunity (POST only)",
        "matching:opportunity_suggestion_decline",
        lambda o: {"pk": o["opportunity_suggestion"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "switch the weekly e-mail off: the signed link, no login needed",
        "matching:opportunity_email_off",
        lambda o: {"token": o["email_off_token"]},
        ALL_200,
    ),
    (
        "switch the weekly e-mail off: a forged link",
        "matching:opportunity_email_off",
        lambda o: {"token": "forged"},
        status(400, 400, 400, 400, 400),
    ),
    (
        "an organisation asks for support",
        "matching:organisation_help_request",
        lambda o: {"slug": o["organisation"].slug},
        OWN_ORG_ONLY,
    ),
    ("admin: help requests", "admin:matching_helprequest_changelist", None, ADMIN_ONLY),
    (
        "admin: a help request",
        "admin:matching_helprequest_change",
        lambda o: {"object_id": o["help_request"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: a workflow step",
        "admin:matching_helprequest_workflow",
        lambda o: {"pk": o["help_request"].pk, "action": "intake"},
        ADMIN_ONLY,
    ),
    (
        "admin: a referral's outcome",
        "admin:matching_referral_outcome",
        lambda o: {"pk": o["referral"].pk},
        ADMIN_ONLY,
    ),
    ("admin: participants", "admin:matching_participant_changelist", None, ADMIN_ONLY),
    (
        "admin: a participant",
        "admin:matching_participant_change",
        lambda o: {"object_id": o["help_request"].participant_id},
        ADMIN_ONLY,
    ),
    ("admin: agencies", "admin:matching_agency_changelist", None, ADMIN_ONLY),
    ("admin: matching runs", "admin:matching_matchrun_changelist", None, ADMIN_ONLY),
    (
        "admin: run the matching now (POST only)",
        "admin:matching_matchrun_start",
        None,
        status(LOGIN, 404, 404, 404, 405),
    ),
    (
        "admin: compare the volunteers suggested for a request",
        "admin:matching_helprequest_suggestions",
        lambda o: {"pk": o["help_request"].pk},
        ADMIN_ONLY,
    ),
    ("admin: match suggestions", "admin:matching_matchsuggestion_changelist", None, ADMIN_ONLY),
    # Demand and supply (issue 15): coordinators review initiatives, make approved ones
    # activities, keep offers and answer pairings in the admin.
    ("admin: initiatives", "admin:initiatives_initiative_changelist", None, ADMIN_ONLY),
    (
        "admin: an initiative",
        "admin:initiatives_initiative_change",
        lambda o: {"object_id": o["submitted_initiative"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: review an initiative",
        "admin:initiatives_initiative_review",
        lambda o: {"pk": o["submitted_initiative"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: make an initiative an activity",
        "admin:initiatives_initiative_make_activity",
        lambda o: {"pk": _support(o, "activity_ready_initiative").pk},
        ADMIN_ONLY,
    ),
    ("admin: offers", "admin:initiatives_offer_changelist", None, ADMIN_ONLY),
    (
        "admin: an offer",
        "admin:initiatives_offer_change",
        lambda o: {"object_id": o["support_offer"].pk},
        ADMIN_ONLY,
    ),
    ("admin: support matches", "admin:matching_supportmatch_changelist", None, ADMIN_ONLY),
    (
        "admin: a support match",
        "admin:matching_supportmatch_change",
        lambda o: {"object_id": o["support_match"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: find goods offers for a request (POST only)",
        "admin:matching_helprequest_goods_offers",
        lambda o: {"pk": _support(o, "goods_request").pk},
        status(LOGIN, 404, 404, 404, 405),
    ),
    # Trajectories (issue 14). The guide (here the resident, a volunteer buddy) sees only their
    # own; the participant through the signed link (or their account); coordinators in the
    # admin. POST-only actions answer GET with 405.
    ("my trajectories as a guide", "matching:my_trajectories", None, MEMBERS_ONLY),
    (
        "a trajectory's page: only its guide",
        "matching:trajectory_detail",
        lambda o: {"pk": o["trajectory"].pk},
        status(LOGIN, 200, 404, 404, 404),
    ),
    (
        "someone else's trajectory",
        "matching:trajectory_detail",
        lambda o: {"pk": o["other_trajectory"].pk},
        status(LOGIN, 404, 404, 404, 404),
    ),
    (
        "log a check-in (POST only)",
        "matching:check_in_create",
        lambda o: {"pk": o["trajectory"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "the guide writes a success story (POST only)",
        "matching:guide_story_create",
        lambda o: {"pk": o["trajectory"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "my trajectories as a participant",
        "matching:my_trajectories_as_participant",
        None,
        MEMBERS_ONLY,
    ),
    (
        "a participant's trajectory (signed link)",
        "matching:trajectory_status",
        lambda o: {"token": trajectories.trajectory_token(o["trajectory"])},
        ALL_200,
    ),
    (
        "a participant's trajectory with a tampered link",
        "matching:trajectory_status",
        lambda o: {"token": trajectories.trajectory_token(o["trajectory"]) + "x"},
        status(400, 400, 400, 400, 400),
    ),
    (
        "the certificate of a completed trajectory (signed link)",
        "matching:trajectory_certificate",
        lambda o: {"token": trajectories.trajectory_token(o["completed_trajectory"])},
        ALL_200,
    ),
    (
        "no certificate for a trajectory that is not completed",
        "matching:trajectory_certificate",
        lambda o: {"token": trajectories.trajectory_token(o["trajectory"])},
        status(409, 409, 409, 409, 409),
    ),
    (
        "a certificate with a tampered link",
        "matching:trajectory_certificate",
        lambda o: {"token": trajectories.trajectory_token(o["completed_trajectory"]) + "x"},
        status(400, 400, 400, 400, 400),
    ),
    (
        "the participant writes a success story (POST only)",
        "matching:participant_story_create",
        lambda o: {"token": trajectories.trajectory_token(o["trajectory"])},
        status(405, 405, 405, 405, 405),
    ),
    ("success stories", "matching:story_list", None, ALL_200),
    # Residents' initiatives and organisations' offers (issue 15)
    ("initiatives looking for support", "initiatives:initiative_list", None, ALL_200),
    ("propose an initiative", "initiatives:initiative_create", None, MEMBERS_ONLY),
    (
        "an approved initiative",
        "matching:initiative_detail",
        lambda o: {"pk": o["public_initiative"].pk},
        ALL_200,
    ),
    (
        "an initiative waiting for review: its proposer and the coordinators only",
        "matching:initiative_detail",
        lambda o: {"pk": o["submitted_initiative"].pk},
        status(404, 404, 404, 404, 200),
    ),
    (
        "change someone else's initiative",
        "initiatives:initiative_edit",
        lambda o: {"pk": o["submitted_initiative"].pk},
        status(LOGIN, 404, 404, 404, 404),
    ),
    (
        "withdraw an initiative (POST only)",
        "initiatives:initiative_withdraw",
        lambda o: {"pk": o["own_initiative"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "write about an initiative (POST only)",
        "initiatives:initiative_message",
        lambda o: {"pk": o["own_initiative"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "offer support to an initiative (POST only)",
        "matching:support_offer",
        lambda o: {"pk": o["public_initiative"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    ("my initiatives", "matching:my_initiatives", None, MEMBERS_ONLY),
    ("what organisations offer", "initiatives:offer_list", None, ALL_200),
    ("an open offer", "initiatives:offer_detail", lambda o: {"pk": o["support_offer"].pk}, ALL_200),
    (
        "a closed offer: its organisation's members only",
        "initiatives:offer_detail",
        lambda o: {"pk": o["closed_offer"].pk},
        status(404, 404, 200, 200, 404),
    ),
    (
        "ask for an offer (POST only)",
        "matching:support_ask",
        lambda o: {"pk": o["support_offer"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "accept a pairing (POST only)",
        "matching:support_accept",
        lambda o: {"pk": o["support_match"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    (
        "decline a pairing (POST only)",
        "matching:support_decline",
        lambda o: {"pk": o["support_match"].pk},
        status(LOGIN, 405, 405, 405, 405),
    ),
    ("admin: trajectories", "admin:matching_trajectory_changelist", None, ADMIN_ONLY),
    (
        "admin: a trajectory",
        "admin:matching_trajectory_change",
        lambda o: {"object_id": o["trajectory"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: print a certificate",
        "admin:matching_trajectory_certificate",
        lambda o: {"pk": o["completed_trajectory"].pk},
        ADMIN_ONLY,
    ),
    (
        "admin: end a trajectory early",
        "admin:matching_trajectory_end_early",
        lambda o: {"pk": o["trajectory"].pk},
        ADMIN_ONLY,
    ),
    ("admin: trajectory goals", "admin:matching_goal_changelist", None, ADMIN_ONLY),
    ("admin: success stories", "admin:matching_successstory_changelist", None, ADMIN_ONLY),
    ("log in", "account_login", None, GUESTS_ONLY),
    ("sign up for an account", "account_signup", None, GUESTS_ONLY),
    ("password reset", "account_reset_password", None, ALL_200),
    ("e-mail addresses", "account_email", None, MEMBERS_ONLY),
    ("change password", "account_change_password", None, MEMBERS_ONLY),
    ("language switch (GET)", "set_language", None, status(405, 405, 405, 405, 405)),
    ("csp report (GET)", "csp_report", None, status(405, 405, 405, 405, 405)),
    ("admin", "admin:index", None, ADMIN_ONLY),
    ("admin: activities", "admin:initiatives_activity_changelist", None, ADMIN_ONLY),
    ("admin: sessions", "admin:initiatives_session_changelist", None, ADMIN_ONLY),
    ("admin: sign-ups", "admin:initiatives_signup_changelist", None, ADMIN_ONLY),
    ("admin: organisations", "admin:initiatives_organisation_changelist", None, ADMIN_ONLY),
    ("admin: neighbourhoods", "admin:core_neighbourhood_changelist", None, ADMIN_ONLY),
    ("admin: notifications", "admin:notifications_notification_changelist", None, ADMIN_ONLY),
    # Coordinators do not manage accounts; that is for superusers.
    ("admin: users", "admin:users_user_changelist", None, status(LOGIN, 404, 404, 404, 403)),
    # Old addresses (mpact/redirects.py) have no rows: their patterns are unnamed, so nothing
    # links to them and the walk below does not see them. Each answers every role with the same
    # permanent redirect to one of the named URLs above (tests/test_url_vocabulary.py).
]

# URL names of our own URLconfs that need no row: none today. Library URLs (allauth's, the
# admin's) are covered by the rows above for the pages people use.
OWN_URLCONFS = {"mpact.urls", "initiatives.urls", "volunteers.urls", "matching.urls"}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("label", "name", "kwargs", "expected"), TABLE, ids=[row[0] for row in TABLE]
)
def test_url_status_per_role(as_role, objects, role, label, name, kwargs, expected):
    url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
    response = as_role(role).get(url)
    assert response.status_code == expected[role], f"{label} as {role}: {url}"
    if expected[role] == LOGIN and name.startswith("admin:"):
        assert "/login/" in response["Location"]


# What only an organisation's administrators may do (initiatives/manage_views.py: `members`
# and `member_remove`), posted as every role: (label, URL name, arguments, form, statuses).
# 302 is the redirect to the login page for anonymous visitors and, for the administrator,
# the redirect back to the members page once it is done.
ORGANISATION_ADMIN_ACTIONS = [
    (
        "invite a colleague",
        "initiatives:manage_members",
        lambda o: {"slug": o["organisation"].slug},
        {"email": "colleague@example.org", "role": "member"},
        status(LOGIN, 404, 302, 404, 404),
    ),
    (
        "remove a member",
        "initiatives:manage_member_remove",
        lambda o: {"slug": o["organisation"].slug, "pk": o["membership"].pk},
        {},
        status(LOGIN, 404, 302, 404, 404),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("label", "name", "kwargs", "data", "expected"),
    ORGANISATION_ADMIN_ACTIONS,
    ids=[row[0] for row in ORGANISATION_ADMIN_ACTIONS],
)
def test_only_administrators_invite_and_remove(
    as_role, objects, role, label, name, kwargs, data, expected
):
    def state():
        return list(Invitation.objects.values_list("email")), list(
            Membership.objects.values_list("pk")
        )

    before = state()
    url = reverse(name, kwargs=kwargs(objects))
    response = as_role(role).post(url, data)
    assert response.status_code == expected[role], f"{label} as {role}: {url}"
    done = response.status_code == 302 and "/login/" not in response["Location"]
    assert (state() != before) == done, f"{label} as {role}: changed {state() != before}"


def test_members_page_offers_invite_and_remove_to_administrators_only(as_role, objects):
    url = reverse("initiatives:manage_members", kwargs={"slug": objects["organisation"].slug})
    remove = reverse(
        "initiatives:manage_member_remove",
        kwargs={"slug": objects["organisation"].slug, "pk": objects["membership"].pk},
    )
    admin_page = as_role("org_admin").get(url).content.decode()
    assert 'name="email"' in admin_page and remove in admin_page
    member_page = as_role("org_plain_member").get(url).content.decode()
    assert 'name="email"' not in member_page and remove not in member_page
    assert "plain-member@example.org" in member_page  # the members are listed all the same


def _own_url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if module in OWN_URLCONFS:
                yield from _own_url_names(
                    pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                )
        elif isinstance(pattern, URLPattern) and pattern.name:
            if pattern.callback.__module__.split(".")[0] in {
                "mpact",
                "initiatives",
                "volunteers",
                "matching",
            }:
                yield namespace + pattern.name


def test_every_url_is_in_the_table():
    names = set(_own_url_names())
    assert names, "found no URLs: the walk over the URLconf is broken"
    missing = names - {row[1] for row in TABLE}
    assert not missing, f"URLs without a permission row in TABLE: {sorted(missing)}"
