"""Talk sessions (issue 14): a series planned at once at the same local hour across the change
of the clocks, the host's attendance register with walk-ins, and the figures per month."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives import selectors, services
from initiatives.models import Activity, Session, SignUp, WalkIn
from mpact.factories import ActivityFactory, OrganisationFactory, SessionFactory, SignUpFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BEFORE = datetime(2026, 1, 1, tzinfo=AMSTERDAM)  # "now" for series planned in 2026


def talk(organisation=None, audience=Activity.Audience.ADULTS):
    return ActivityFactory(
        kind=Activity.Kind.TALK_SESSION,
        audience=audience,
        **({"organisation": organisation} if organisation else {}),
    )


def generate(activity, **kwargs):
    arguments = {
        "first_start": datetime(2026, 10, 12, 19, 0),
        "duration": timedelta(hours=1, minutes=30),
        "every_weeks": 1,
        "capacity": 12,
        "now": BEFORE,
    }
    arguments.update(kwargs)
    return services.sessions_generate(activity=activity, **arguments)


def local_starts(activity):
    return [
        timezone.localtime(start, AMSTERDAM)
        for start in activity.sessions.values_list("starts_at", flat=True)
    ]


# --- The series ------------------------------------------------------------------------------


def test_weekly_series_keeps_the_local_hour_across_the_change_to_winter_time():
    activity = talk()
    generate(activity, count=4)
    starts = local_starts(activity)
    assert [start.date() for start in starts] == [
        date(2026, 10, 12),
        date(2026, 10, 19),
        date(2026, 10, 26),  # the clocks went back on Sunday 25 October
        date(2026, 11, 2),
    ]
    assert {start.time() for start in starts} == {time(19, 0)}
    # In UTC the hour moves: 17:00 in summer time, 18:00 in winter time.
    utc_hours = [start.astimezone(ZoneInfo("UTC")).hour for start in starts]
    assert utc_hours == [17, 17, 18, 18]
    ends = [
        timezone.localtime(end, AMSTERDAM).time()
        for end in activity.sessions.values_list("ends_at", flat=True)
    ]
    assert set(ends) == {time(20, 30)}


def test_an_aware_first_start_is_read_in_local_time_too():
    activity = talk()
    generate(activity, first_start=datetime(2026, 3, 16, 10, 0, tzinfo=AMSTERDAM), count=3)
    starts = local_starts(activity)  # summer time began on 29 March
    assert [s.date() for s in starts] == [date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30)]
    assert {start.time() for start in starts} == {time(10, 0)}


def test_every_two_weeks_until_a_date_includes_that_date():
    activity = talk()
    sessions = generate(activity, every_weeks=2, until=date(2026, 11, 23))
    assert [s.date() for s in local_starts(activity)] == [
        date(2026, 10, 12),
        date(2026, 10, 26),
        date(2026, 11, 9),
        date(2026, 11, 23),
    ]
    assert len(sessions) == 4
    assert {s.capacity for s in Session.objects.filter(activity=activity)} == {12}


def test_generated_sessions_are_ordinary_sessions_edited_one_by_one():
    activity = talk()
    first, second = generate(activity, count=2)
    second.capacity = 20
    services.session_save(session=second)
    assert Session.objects.get(pk=first.pk).capacity == 12
    assert Session.objects.get(pk=second.pk).capacity == 20


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"count": 3, "duration": timedelta(hours=-1)}, "duration"),  # the end before the start
        ({"count": 3, "duration": timedelta(0)}, "duration"),
        ({}, "count"),  # neither a count nor an end date
        ({"count": 3, "until": date(2026, 12, 1)}, "count"),  # both
        ({"count": 105}, "count"),  # more than two years of weekly sessions
        ({"until": date(2029, 1, 1)}, "until"),
        ({"count": 3, "first_start": datetime(2025, 12, 1, 19, 0)}, "first_start"),  # the past
        ({"until": date(2026, 10, 1)}, "until"),  # ends before the first session
        ({"count": 3, "every_weeks": 3}, "every_weeks"),
        ({"count": 3, "capacity": 0}, "capacity"),
        ({"count": 0}, "count"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_saved(kwargs, field):
    activity = talk()
    with pytest.raises(services.TalkError) as refused:
        generate(activity, **kwargs)
    assert field in refused.value.message_dict
    assert refused.value.message_dict[field][0]
    assert not Session.objects.exists()


def test_the_series_form_plans_the_sessions(client, org_admin, organisation):
    activity = talk(organisation)
    client.force_login(org_admin)
    url = reverse("initiatives:manage_series_create", args=[organisation.slug, activity.pk])
    assert client.get(url).status_code == 200
    start = timezone.localdate() + timedelta(days=7)
    response = client.post(
        url,
        {
            "first_start": f"{start:%Y-%m-%d}T19:00",
            "end_time": "20:30",
            "every_weeks": "2",
            "count": "5",
            "until": "",
            "capacity": "15",
        },
    )
    assert response.status_code == 302
    starts = local_starts(activity)
    assert len(starts) == 5 and {s.time() for s in starts} == {time(19, 0)}
    assert starts[1].date() - starts[0].date() == timedelta(weeks=2)


def test_the_series_form_keeps_what_was_typed_when_refused(client, org_admin, organisation):
    activity = talk(organisation)
    client.force_login(org_admin)
    url = reverse("initiatives:manage_series_create", args=[organisation.slug, activity.pk])
    start = timezone.localdate() + timedelta(days=7)
    response = client.post(
        url,
        {
            "first_start": f"{start:%Y-%m-%d}T19:00",
            "end_time": "18:00",  # before the start
            "every_weeks": "1",
            "count": "4",
            "until": "2099-01-01",  # and both count and until
            "capacity": "15",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="18:00"' in page and 'value="4"' in page
    assert response.context["form"].errors
    assert not Session.objects.exists()


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=60)
def test_a_planned_series_shows_at_once_on_the_cached_public_list(
    client, django_capture_on_commit_callbacks
):
    activity = talk()
    activity.title = "Praatgroep Noord"
    activity.save()
    list_url = reverse("initiatives:activity_list")
    assert "Praatgroep Noord" not in client.get(list_url).content.decode()  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        services.sessions_generate(
            activity=activity,
            first_start=timezone.localtime() + timedelta(days=2),
            duration=timedelta(hours=1),
            every_weeks=1,
            count=3,
            capacity=10,
        )
    assert "Praatgroep Noord" in client.get(list_url).content.decode()
    activity.refresh_from_db()
    assert activity.next_session_at is not None


# --- The attendance register ------------------------------------------------------------------


@pytest.fixture
def held(organisation):
    """A talk session for teens that began an hour ago, with two people signed up."""
    session = SessionFactory(
        activity=talk(organisation, audience=Activity.Audience.TEENS),
        starts_at=timezone.now() + timedelta(days=1),
    )
    signups = [
        SignUpFactory(session=session, name="Amal", email="amal@example.org"),
        SignUpFactory(session=session, name="Bram", email="bram@example.org"),
    ]
    Session.objects.filter(pk=session.pk).update(
        starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now()
    )
    session.refresh_from_db()
    return session, signups


def attendance_url(session):
    return reverse(
        "initiatives:manage_attendance",
        args=[session.activity.organisation.slug, session.activity_id, session.pk],
    )


def test_host_marks_who_came_and_adds_a_walk_in_in_one_post(client, org_plain_member, held):
    session, (amal, bram) = held
    client.force_login(org_plain_member)
    page = client.get(attendance_url(session)).content.decode()
    assert "Amal" in page and "Bram" in page
    assert "12-17" in page and "65+" not in page  # a teens' session: the teen groups
    response = client.post(
        attendance_url(session),
        {"came": [str(amal.pk)], "first_name": "Yara", "age_group": "12_17", "first_time": "on"},
    )
    assert response.status_code == 302
    assert SignUp.objects.get(pk=amal.pk).attended is True
    assert SignUp.objects.get(pk=bram.pk).attended is False
    walk_in = WalkIn.objects.get()
    assert (walk_in.session, walk_in.first_name, walk_in.age_group, walk_in.first_time) == (
        session,
        "Yara",
        "12_17",
        True,
    )
    page = client.get(attendance_url(session)).content.decode()
    assert "Yara" in page and "checked" in page


def test_bad_walk_in_keeps_what_was_typed_and_saves_nothing(client, org_admin, held):
    session, (amal, _bram) = held
    client.force_login(org_admin)
    response = client.post(
        attendance_url(session),
        {"came": [str(amal.pk)], "first_name": "Yara", "age_group": "65_plus"},  # not for teens
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="Yara"' in page
    assert f'value="{amal.pk}"' in page and "checked" in page
    assert "age_group" in response.context["form"].errors
    assert not WalkIn.objects.exists()
    assert SignUp.objects.get(pk=amal.pk).attended is None

    response = client.post(attendance_url(session), {"first_name": "", "age_group": "12_17"})
    assert response.status_code == 400 and "first_name" in response.context["form"].errors
    assert not WalkIn.objects.exists()


def test_a_sign_up_of_another_session_cannot_be_marked(client, org_admin, held):
    session, _signups = held
    other = SignUpFactory()
    client.force_login(org_admin)
    response = client.post(attendance_url(session), {"came": [str(other.pk)]})
    assert response.status_code == 400
    assert SignUp.objects.get(pk=other.pk).attended is None


def test_a_coordinator_takes_attendance_of_any_organisation(client, coordinator):
    session = SessionFactory(activity=talk(OrganisationFactory()))
    signup = SignUpFactory(session=session)
    client.force_login(coordinator)
    response = client.post(attendance_url(session), {"came": [str(signup.pk)]})
    assert response.status_code == 302
    assert SignUp.objects.get(pk=signup.pk).attended is True


def test_members_of_another_organisation_get_404_and_change_nothing(client, org_admin):
    session = SessionFactory(activity=talk(OrganisationFactory()))
    signup = SignUpFactory(session=session)
    client.force_login(org_admin)
    assert client.get(attendance_url(session)).status_code == 404
    response = client.post(attendance_url(session), {"came": [str(signup.pk)], "first_name": "X"})
    assert response.status_code == 404
    assert SignUp.objects.get(pk=signup.pk).attended is None and not WalkIn.objects.exists()
    figures = reverse(
        "initiatives:manage_figures", args=[session.activity.organisation.slug, session.activity_id]
    )
    assert client.get(figures).status_code == 404
    # Nor through their own organisation's address.
    mine = org_admin.organisations.get().slug
    assert (
        client.get(
            reverse("initiatives:manage_figures", args=[mine, session.activity_id])
        ).status_code
        == 404
    )


# --- Figures -----------------------------------------------------------------------------------


def past_session(activity, when):
    session = SessionFactory(activity=activity, starts_at=timezone.now() + timedelta(days=1))
    Session.objects.filter(pk=session.pk).update(starts_at=when, ends_at=when + timedelta(hours=1))
    session.refresh_from_db()
    return session


def attended(session, email, came=True):
    return SignUpFactory(session=session, email=email, attended=came)


def test_figures_per_month_on_known_data():
    activity = talk()
    zone = AMSTERDAM
    september = past_session(activity, datetime(2025, 9, 10, 19, tzinfo=zone))
    october_1 = past_session(activity, datetime(2025, 10, 1, 19, tzinfo=zone))
    october_2 = past_session(activity, datetime(2025, 10, 31, 23, 30, tzinfo=zone))  # late
    cancelled = past_session(activity, datetime(2025, 10, 15, 19, tzinfo=zone))
    Session.objects.filter(pk=cancelled.pk).update(is_cancelled=True)
    # Another activity's attendance does not count here, nor make anyone returning here.
    other = past_session(talk(), datetime(2025, 8, 1, 19, tzinfo=zone))
    attended(other, "bram@example.org")

    attended(september, "amal@example.org")  # new
    attended(september, "noshow@example.org", came=False)  # did not come: not counted
    WalkIn.objects.create(session=september, first_name="Yara", age_group="18_26", first_time=True)
    attended(october_1, "amal@example.org")  # returning
    attended(october_1, "bram@example.org")  # new here
    attended(october_2, "noshow@example.org")  # came for the first time: new
    WalkIn.objects.create(session=october_2, first_name="Yara", age_group="18_26")  # returning

    figures = {row.month: row for row in selectors.activity_figures(activity)}
    assert list(figures) == [date(2025, 10, 1), date(2025, 9, 1)]
    sept, octo = figures[date(2025, 9, 1)], figures[date(2025, 10, 1)]
    assert (sept.sessions_held, sept.attendance, sept.new_people, sept.returning_people) == (
        1,
        2,
        2,
        0,
    )
    assert (octo.sessions_held, octo.attendance, octo.new_people, octo.returning_people) == (
        2,  # the cancelled one was not held
        4,
        2,
        2,
    )
    assert (sept.walk_ins, octo.walk_ins) == (1, 1)


def test_the_figures_page_shows_the_table(client, org_admin, organisation):
    activity = talk(organisation)
    session = past_session(activity, timezone.now() - timedelta(days=2))
    attended(session, "amal@example.org")
    WalkIn.objects.create(session=session, first_name="Yara", age_group="27_64", first_time=True)
    client.force_login(org_admin)
    response = client.get(
        reverse("initiatives:manage_figures", args=[organisation.slug, activity.pk])
    )
    assert response.status_code == 200
    (row,) = response.context["months"]
    assert (row.sessions_held, row.attendance, row.new_people, row.returning_people) == (1, 2, 2, 0)
    assert attendance_url(session) in response.content.decode()


def _figures_queries(client, activity):
    url = reverse("initiatives:manage_figures", args=[activity.organisation.slug, activity.pk])
    client.get(url)  # the session and user are loaded once; count the second request
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_figures_page_costs_the_same_queries_for_1_and_50_sessions(client, org_admin, organisation):
    client.force_login(org_admin)
    counts = []
    for number in (1, 50):
        activity = talk(organisation)
        for day in range(number):
            session = past_session(activity, timezone.now() - timedelta(days=day + 1))
            attended(session, f"p{day % 7}@example.org")
            WalkIn.objects.create(session=session, first_name="Yara", age_group="18_26")
        counts.append(_figures_queries(client, activity))
    assert counts[0] == counts[1], counts


# --- The admin ---------------------------------------------------------------------------------


def test_a_coordinator_plans_a_series_in_the_admin(client, coordinator):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    activity = talk()
    client.force_login(coordinator)
    url = reverse("admin:initiatives_activity_changelist")
    form = {"action": "plan_series", ACTION_CHECKBOX_NAME: [activity.pk]}
    assert client.post(url, form).status_code == 200  # the form
    start = timezone.localdate() + timedelta(days=3)
    series = {
        "first_start": f"{start:%Y-%m-%d}T10:00",
        "end_time": "11:00",
        "every_weeks": "1",
        "count": "",
        "until": "",
        "capacity": "8",
        "apply": "1",
    }
    response = client.post(url, {**form, **series})  # neither count nor until: refused
    assert response.status_code == 400 and not Session.objects.exists()
    response = client.post(url, {**form, **series, "count": "6"})
    assert response.status_code == 302
    assert activity.sessions.count() == 6
    assert {s.time() for s in local_starts(activity)} == {time(10, 0)}


def test_the_session_admin_shows_its_walk_ins(client, coordinator):
    session = SessionFactory(activity=talk())
    WalkIn.objects.create(session=session, first_name="Yara", age_group="18_26")
    client.force_login(coordinator)
    page = client.get(reverse("admin:initiatives_session_change", args=[session.pk]))
    assert page.status_code == 200 and 'value="Yara"' in page.content.decode()
