"""Coordinators manage organisations, activities, sessions and sign-ups in the admin."""

import csv
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from initiatives import services
from initiatives.models import Organisation, Session, SignUp
from mpact.factories import OrganisationFactory, SessionFactory, SignUpFactory
from mpact.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_session_list_shows_sign_up_and_waiting_counts(coordinator_client):
    session = SessionFactory(capacity=2)
    SignUpFactory(session=session)
    SignUpFactory(session=session)
    services.signup_create(session=session, name="Wacht", email="w@example.org", join_waitlist=True)
    response = coordinator_client.get(reverse("admin:initiatives_session_changelist"))
    row = response.context["cl"].result_list.get(pk=session.pk)
    assert (row.confirmed_count, row.waiting_count) == (2, 1)


def test_csv_export_of_a_sessions_sign_ups(coordinator_client):
    session = SessionFactory(activity__title="Taalcafé")
    SignUpFactory(session=session, name="Ana Bakker", email="ana@example.org")
    SignUpFactory(name="Someone Else")  # another session: not exported
    response = coordinator_client.post(
        reverse("admin:initiatives_session_changelist"),
        {"action": "export_signups", ACTION_CHECKBOX_NAME: [session.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][0] == "Taalcafé"
    assert rows[1][2:4] == ["Ana Bakker", "ana@example.org"]


def test_attendance_marking(coordinator_client):
    present, absent = SignUpFactory(), SignUpFactory()
    url = reverse("admin:initiatives_signup_changelist")
    coordinator_client.post(url, {"action": "mark_attended", ACTION_CHECKBOX_NAME: [present.pk]})
    coordinator_client.post(url, {"action": "mark_absent", ACTION_CHECKBOX_NAME: [absent.pk]})
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.attended, absent.attended) == (True, False)


def test_cancelling_in_the_admin_moves_the_waiting_list_up(coordinator_client):
    session = SessionFactory(capacity=1)
    first = SignUpFactory(session=session)
    waiting = services.signup_create(
        session=session, name="Wacht", email="w@example.org", join_waitlist=True
    )
    coordinator_client.post(
        reverse("admin:initiatives_signup_changelist"),
        {"action": "cancel_signups", ACTION_CHECKBOX_NAME: [first.pk]},
    )
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED


def test_raising_capacity_fills_from_the_waiting_list(coordinator_client):
    session = SessionFactory(capacity=1)
    SignUpFactory(session=session)
    waiting = services.signup_create(
        session=session, name="Wacht", email="w@example.org", join_waitlist=True
    )
    url = reverse("admin:initiatives_session_change", args=[session.pk])
    form = coordinator_client.get(url).context["adminform"].form
    data = {
        "activity": session.activity_id,
        "starts_at_0": form["starts_at"].value().strftime("%Y-%m-%d"),
        "starts_at_1": form["starts_at"].value().strftime("%H:%M:%S"),
        "ends_at_0": form["ends_at"].value().strftime("%Y-%m-%d"),
        "ends_at_1": form["ends_at"].value().strftime("%H:%M:%S"),
        "capacity": 2,
        "signups-TOTAL_FORMS": 0,
        "signups-INITIAL_FORMS": 0,
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    waiting.refresh_from_db()
    assert waiting.status == SignUp.Status.CONFIRMED
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (2, 2)


def test_approving_organisations(coordinator_client):
    pending = OrganisationFactory(approved_at=None)
    coordinator_client.post(
        reverse("admin:initiatives_organisation_changelist"),
        {"action": "approve", ACTION_CHECKBOX_NAME: [pending.pk]},
    )
    assert Organisation.objects.get(pk=pending.pk).is_approved


def test_coordinators_cannot_add_sign_ups_past_the_service(coordinator_client):
    assert coordinator_client.get(reverse("admin:initiatives_signup_add")).status_code == 403
    assert Session.objects.count() == 0


# --- Every session edit goes through one service ----------------------------------------------


def _inline_data(activity, session, **session_changes):
    """The activity's admin page as posted, with its sessions inline."""
    local = timezone.localtime
    row = {
        "sessions-0-id": session.pk,
        "sessions-0-activity": activity.pk,
        "sessions-0-starts_at_0": local(session.starts_at).strftime("%Y-%m-%d"),
        "sessions-0-starts_at_1": local(session.starts_at).strftime("%H:%M:%S"),
        "sessions-0-ends_at_0": local(session.ends_at).strftime("%Y-%m-%d"),
        "sessions-0-ends_at_1": local(session.ends_at).strftime("%H:%M:%S"),
        "sessions-0-capacity": session.capacity,
        **{f"sessions-0-{key}": value for key, value in session_changes.items()},
    }
    return {
        "organisation": activity.organisation_id,
        "title": activity.title,
        "description": activity.description,
        "kind": activity.kind,
        "audience": activity.audience,
        "neighbourhood": activity.neighbourhood_id,
        "address": activity.address,
        "status": activity.status,
        "created_at_0": local(activity.created_at).strftime("%Y-%m-%d"),
        "created_at_1": local(activity.created_at).strftime("%H:%M:%S"),
        "languages": [language.pk for language in activity.languages.all()],
        "sessions-TOTAL_FORMS": 1,
        "sessions-INITIAL_FORMS": 1,
        **row,
    }


def test_raising_capacity_in_the_activitys_session_rows_promotes_once_and_refreshes_the_list(
    coordinator_client, client, settings, django_capture_on_commit_callbacks
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    session = SessionFactory(capacity=1, activity__title="Kookavond")
    SignUpFactory(session=session)
    first = services.signup_create(
        session=session, name="Eerst", email="eerst@example.org", join_waitlist=True
    )
    second = services.signup_create(
        session=session, name="Later", email="later@example.org", join_waitlist=True
    )
    listing = reverse("initiatives:activity_list")
    assert "places-full" in client.get(listing).content.decode()  # cached: the session is full

    url = reverse("admin:initiatives_activity_change", args=[session.activity_id])
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, _inline_data(session.activity, session, capacity=3))
    assert response.status_code == 302, response.context and response.context["errors"]

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (SignUp.Status.CONFIRMED, SignUp.Status.CONFIRMED)
    session.refresh_from_db()
    assert (session.capacity, session.seats_taken) == (3, 3)
    for email in ["eerst@example.org", "later@example.org"]:  # each told once
        assert Notification.objects.filter(email=email, kind="signup_promoted").count() == 1
    # Promotion took the place that was free, so the cached list must not show it any more;
    # raise once more and the list shows the new free place at once, not after the cache time.
    session.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(url, _inline_data(session.activity, session, capacity=4))
    assert "nog 1 plek vrij" in client.get(listing).content.decode()


def test_lowering_capacity_below_the_places_taken_is_refused_everywhere(
    coordinator_client, client, organisation, org_member
):
    session = SessionFactory(capacity=2, activity__organisation=organisation)
    SignUpFactory(session=session)
    SignUpFactory(session=session)
    activity = session.activity
    # The admin's session rows
    page = coordinator_client.post(
        reverse("admin:initiatives_activity_change", args=[activity.pk]),
        _inline_data(activity, session, capacity=1),
    )
    assert page.status_code == 200 and "capacity" in str(
        page.context["inline_admin_formsets"][0].formset.errors
    )
    # The organisation's form
    client.force_login(org_member)
    local = timezone.localtime
    form_page = client.post(
        reverse(
            "initiatives:manage_session_edit", args=[organisation.slug, activity.pk, session.pk]
        ),
        {
            "starts_at": local(session.starts_at).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": local(session.ends_at).strftime("%Y-%m-%dT%H:%M"),
            "capacity": 1,
        },
    )
    assert form_page.status_code == 400 and "capacity" in form_page.context["form"].errors
    session.refresh_from_db()
    assert session.capacity == 2


def test_deleting_a_session_in_the_admin_keeps_the_next_session_right(coordinator_client):
    session = SessionFactory()
    activity = session.activity
    activity.refresh_from_db()
    assert activity.next_session_at == session.starts_at
    coordinator_client.post(
        reverse("admin:initiatives_session_delete", args=[session.pk]), {"post": "yes"}
    )
    activity.refresh_from_db()
    assert activity.next_session_at is None


def test_the_skills_the_matching_asks_for_cannot_be_edited_away(coordinator_client):
    from mpact.core.models import CuratedSkill, Skill

    # Every skill the matching keys on exists (volunteers/migrations/0002_curated_skills.py).
    assert set(CuratedSkill.values) <= set(Skill.objects.values_list("slug", flat=True))
    skill = Skill.objects.get(slug=CuratedSkill.LANGUAGE_BUDDY)
    url = reverse("admin:core_skill_change", args=[skill.pk])
    response = coordinator_client.post(
        url, {"name_nl": "Taalmaatje", "name_en": "Language buddy", "slug": "iets-anders"}
    )
    assert response.status_code == 302
    skill.refresh_from_db()
    assert (skill.name_nl, skill.slug) == ("Taalmaatje", CuratedSkill.LANGUAGE_BUDDY)
    delete = coordinator_client.post(
        reverse("admin:core_skill_delete", args=[skill.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Skill.objects.filter(pk=skill.pk).exists()
